//! The dashboard's web server: the page, sign-in, the overview as JSON, and
//! live updates as server-sent events.
//!
//! Sign-in takes an ops viewer's token once and sets an HttpOnly session
//! cookie, so the token never sits in a URL or in the page's scripts. A
//! viewer tied to one forum sees only that forum's tile; a federation-wide
//! viewer sees every forum.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use futures::Stream;
use modstream_config::OpsViewerConfig;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::view::{Tile, View};

const PAGE: &str = include_str!("page.html");
const COOKIE: &str = "modstream_session";
/// How often a live page is sent the overview again when something changed.
const LIVE_EVERY: Duration = Duration::from_millis(500);

/// A signed-in viewer.
#[derive(Debug, Clone, Serialize)]
pub struct Viewer {
    pub id: String,
    /// `None`: federation-wide.
    pub forum: Option<String>,
}

#[derive(Clone)]
pub struct App {
    view: Arc<View>,
    tokens: Arc<HashMap<[u8; 32], Viewer>>,
    sessions: Arc<Mutex<HashMap<String, Viewer>>>,
    changed: watch::Receiver<u64>,
    closing: watch::Receiver<bool>,
}

impl App {
    pub fn new(
        view: Arc<View>,
        viewers: &[OpsViewerConfig],
        changed: watch::Receiver<u64>,
        closing: watch::Receiver<bool>,
    ) -> Self {
        let mut tokens = HashMap::new();
        for viewer in viewers {
            for hash in &viewer.token_sha256 {
                if let Some(bytes) = hex::decode(hash).ok().and_then(|b| b.try_into().ok()) {
                    tokens.insert(
                        bytes,
                        Viewer {
                            id: viewer.id.clone(),
                            forum: viewer.forum.clone(),
                        },
                    );
                }
            }
        }
        Self {
            view,
            tokens: Arc::new(tokens),
            sessions: Arc::new(Mutex::new(HashMap::new())),
            changed,
            closing,
        }
    }

    pub fn router(self) -> Router {
        Router::new()
            .route("/", get(page))
            .route("/api/session", post(sign_in))
            .route("/api/overview", get(overview))
            .route("/api/live", get(live))
            .with_state(self)
    }

    fn viewer(&self, headers: &HeaderMap) -> Result<Viewer, Refused> {
        let session = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE)
            .map(|(_, value)| value.to_owned());
        session
            .and_then(|s| {
                self.sessions
                    .lock()
                    .expect("sessions lock")
                    .get(&s)
                    .cloned()
            })
            .ok_or(Refused::NotSignedIn)
    }

    fn overview(&self, viewer: &Viewer) -> Result<Overview, Refused> {
        let forums = self.view.tiles(viewer.forum.as_deref()).map_err(|err| {
            tracing::error!(error = %err, "cannot build the overview");
            Refused::ViewFailed
        })?;
        Ok(Overview {
            viewer: viewer.clone(),
            forums,
        })
    }
}

#[derive(Debug, Serialize)]
struct Overview {
    viewer: Viewer,
    forums: Vec<Tile>,
}

/// Why a request gets no data.
#[derive(Debug)]
enum Refused {
    NotSignedIn,
    ViewFailed,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::NotSignedIn => problem(StatusCode::UNAUTHORIZED, "sign in first"),
            Refused::ViewFailed => problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the dashboard view failed",
            ),
        }
    }
}

fn problem(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

async fn page() -> Html<&'static str> {
    Html(PAGE)
}

#[derive(Deserialize)]
struct SignIn {
    token: String,
}

async fn sign_in(State(app): State<App>, body: axum::Json<SignIn>) -> Response {
    let hash: [u8; 32] = Sha256::digest(body.token.trim().as_bytes()).into();
    let Some(viewer) = app.tokens.get(&hash).cloned() else {
        return problem(StatusCode::UNAUTHORIZED, "that token is not valid");
    };
    let session = uuid::Uuid::new_v4().simple().to_string();
    app.sessions
        .lock()
        .expect("sessions lock")
        .insert(session.clone(), viewer.clone());
    tracing::info!(viewer = %viewer.id, "ops viewer signed in");
    (
        [(
            header::SET_COOKIE,
            format!("{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/"),
        )],
        axum::Json(viewer),
    )
        .into_response()
}

async fn overview(State(app): State<App>, headers: HeaderMap) -> Response {
    let viewer = match app.viewer(&headers) {
        Ok(viewer) => viewer,
        Err(refused) => return refused.into_response(),
    };
    match app.overview(&viewer) {
        Ok(overview) => axum::Json(overview).into_response(),
        Err(failed) => failed.into_response(),
    }
}

/// The overview now, then again whenever the view changed (at most every
/// `LIVE_EVERY`), until the client leaves or the server drains.
async fn live(State(app): State<App>, headers: HeaderMap) -> Response {
    let viewer = match app.viewer(&headers) {
        Ok(viewer) => viewer,
        Err(refused) => return refused.into_response(),
    };
    let stream = live_stream(app, viewer);
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

fn live_stream(app: App, viewer: Viewer) -> impl Stream<Item = Result<SseEvent, Infallible>> {
    let state = (app.changed.clone(), app.closing.clone(), app, viewer, true);
    futures::stream::unfold(
        state,
        |(mut changed, mut closing, app, viewer, first)| async move {
            if !first {
                tokio::select! {
                    _ = closing.wait_for(|c| *c) => return None,
                    result = changed.changed() => result.ok()?,
                }
                // Many changes in a burst become one update.
                tokio::time::sleep(LIVE_EVERY).await;
            }
            changed.borrow_and_update();
            let data = serde_json::to_string(&app.overview(&viewer).ok()?).ok()?;
            Some((
                Ok(SseEvent::default().event("overview").data(data)),
                (changed, closing, app, viewer, false),
            ))
        },
    )
}
