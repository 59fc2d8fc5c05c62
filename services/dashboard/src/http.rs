//! The dashboard's web server: the page, sign-in, the overview and each
//! forum's page as JSON, their live updates as server-sent events, and
//! `/healthz`.
//!
//! Sign-in takes an ops viewer's token once and sets an HttpOnly session
//! cookie, so the token never sits in a URL or in the page's scripts. A
//! viewer tied to one forum sees only that forum's tile and page (another
//! forum's page is 403); a federation-wide viewer sees every forum.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use futures::Stream;
use modstream_config::OpsViewerConfig;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::forum::{ForumPage, Range};
use crate::view::{Tile, View};

const PAGE: &str = include_str!("page.html");
const COOKIE: &str = "modstream_session";
/// How often a live page is sent its data again when something changed.
const LIVE_EVERY: Duration = Duration::from_millis(500);
/// How often it is sent again when nothing changed: ages grow and the cover
/// week moves on with time alone.
const REFRESH_EVERY: Duration = Duration::from_secs(30);

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
            .route("/healthz", get(healthz))
            .route("/api/session", post(sign_in))
            .route("/api/overview", get(overview))
            .route("/api/live", get(live))
            .route("/api/forums/{forum}", get(forum_page))
            .route("/api/forums/{forum}/live", get(forum_live))
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

    /// Whether `viewer` may see `forum`'s page, and whether it exists. A
    /// forum viewer is refused every other forum before anything is looked
    /// up, so they cannot learn which forums exist.
    fn may_see(&self, viewer: &Viewer, forum: &str) -> Result<(), Refused> {
        if viewer.forum.as_deref().is_some_and(|own| own != forum) {
            return Err(Refused::OtherForum);
        }
        if !self.view.has_forum(forum) {
            return Err(Refused::NoSuchForum);
        }
        Ok(())
    }

    fn forum_page(&self, forum: &str, range: Range) -> Result<ForumPage, Refused> {
        match self.view.forum_page(forum, range) {
            Ok(Some(page)) => Ok(page),
            Ok(None) => Err(Refused::NoSuchForum),
            Err(err) => {
                tracing::error!(error = %err, forum, "cannot build a forum page");
                Err(Refused::ViewFailed)
            }
        }
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
    OtherForum,
    NoSuchForum,
    BadRange,
    ViewFailed,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::NotSignedIn => problem(StatusCode::UNAUTHORIZED, "sign in first"),
            Refused::OtherForum => problem(
                StatusCode::FORBIDDEN,
                "your sign-in covers another forum only",
            ),
            Refused::NoSuchForum => problem(StatusCode::NOT_FOUND, "no such forum"),
            Refused::BadRange => problem(StatusCode::BAD_REQUEST, "range: use 24h or 7d"),
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

/// For load balancers and orchestrators: no sign-in, no data.
async fn healthz(State(app): State<App>) -> Response {
    if *app.closing.borrow() {
        (StatusCode::SERVICE_UNAVAILABLE, "draining").into_response()
    } else {
        "ok".into_response()
    }
}

#[derive(Deserialize)]
struct SignIn {
    token: String,
}

/// A sign-in without a token (no body, not JSON, no `token`) is refused like
/// an unknown token: 401, as every missing credential is.
async fn sign_in(
    State(app): State<App>,
    body: Result<axum::Json<SignIn>, JsonRejection>,
) -> Response {
    let Ok(body) = body else {
        return problem(
            StatusCode::UNAUTHORIZED,
            r#"sign in with a JSON body {"token": "<your ops viewer token>"}"#,
        );
    };
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

/// The overview now, then again whenever the view changed, until the
/// client leaves or the server drains.
async fn live(State(app): State<App>, headers: HeaderMap) -> Response {
    let viewer = match app.viewer(&headers) {
        Ok(viewer) => viewer,
        Err(refused) => return refused.into_response(),
    };
    let stream = live_stream(app, "overview", move |app| {
        serde_json::to_string(&app.overview(&viewer).ok()?).ok()
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[derive(Deserialize)]
struct PageQuery {
    /// `24h` (the default) or `7d`.
    range: Option<String>,
}

/// Who is asking, whether they may see `forum`, and over which range.
fn forum_request(
    app: &App,
    headers: &HeaderMap,
    forum: &str,
    query: &PageQuery,
) -> Result<Range, Refused> {
    let viewer = app.viewer(headers)?;
    app.may_see(&viewer, forum)?;
    query
        .range
        .as_deref()
        .map_or(Some(Range::Day), Range::parse)
        .ok_or(Refused::BadRange)
}

async fn forum_page(
    State(app): State<App>,
    Path(forum): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let page = forum_request(&app, &headers, &forum, &query)
        .and_then(|range| app.forum_page(&forum, range));
    match page {
        Ok(page) => axum::Json(page).into_response(),
        Err(refused) => refused.into_response(),
    }
}

/// One forum's page now, then again whenever the view changed.
async fn forum_live(
    State(app): State<App>,
    Path(forum): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let range = match forum_request(&app, &headers, &forum, &query) {
        Ok(range) => range,
        Err(refused) => return refused.into_response(),
    };
    let stream = live_stream(app, "forum", move |app| {
        serde_json::to_string(&app.forum_page(&forum, range).ok()?).ok()
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// Sends `render`'s JSON as an `event` now, then again after the view
/// changed (at most every `LIVE_EVERY`) or every `REFRESH_EVERY`, until the
/// client leaves, the server drains, or rendering fails (the browser then
/// reconnects).
fn live_stream<F>(
    app: App,
    event: &'static str,
    render: F,
) -> impl Stream<Item = Result<SseEvent, Infallible>>
where
    F: Fn(&App) -> Option<String> + Send + 'static,
{
    let state = (app.changed.clone(), app.closing.clone(), app, render, true);
    futures::stream::unfold(
        state,
        move |(mut changed, mut closing, app, render, first)| async move {
            if !first {
                let view_changed = tokio::select! {
                    _ = closing.wait_for(|c| *c) => return None,
                    result = changed.changed() => {
                        result.ok()?;
                        true
                    }
                    () = tokio::time::sleep(REFRESH_EVERY) => false,
                };
                if view_changed {
                    // Many changes in a burst become one update.
                    tokio::time::sleep(LIVE_EVERY).await;
                }
            }
            changed.borrow_and_update();
            let data = render(&app)?;
            Some((
                Ok(SseEvent::default().event(event).data(data)),
                (changed, closing, app, render, false),
            ))
        },
    )
}

#[cfg(test)]
mod tests {
    //! The router in process: sign-in, scopes and `/healthz`, and that no
    //! response carries post text or pseudonyms.

    use std::sync::Arc;
    use std::time::SystemTime;

    use axum::body::Body;
    use axum::http::Request;
    use modstream_config::{Config, ForumConfig, OpsViewerConfig, api_key_hash};
    use modstream_proto::convert;
    use modstream_proto::topics::FORUM_EVENTS;
    use modstream_proto::v1::event::Payload;
    use modstream_proto::v1::{AuthorRole, Event, PostCreated};
    use prost::Message as _;
    use tower::ServiceExt as _;

    use super::*;

    const EVERYONE: &str = "test-ops-everyone";
    const NORTH_ONLY: &str = "test-ops-north";
    const PSEUDONYM: &str = "m_00112233445566778899aabbccddeeff";
    const TEXT: &str = "Written late at night and not for the dashboard";

    struct Harness {
        router: Router,
        closing: watch::Sender<bool>,
        _changed: watch::Sender<u64>,
    }

    fn harness() -> Harness {
        let forum = |id: &str| ForumConfig {
            id: id.into(),
            ..ForumConfig::default()
        };
        let viewer = |id: &str, token: &str, forum: Option<&str>| OpsViewerConfig {
            id: id.into(),
            token_sha256: vec![api_key_hash(token)],
            forum: forum.map(Into::into),
        };
        let config = Config {
            forums: vec![forum("north"), forum("south")],
            ops_viewers: vec![
                viewer("ops-all", EVERYONE, None),
                viewer("ops-north", NORTH_ONLY, Some("north")),
            ],
            ..Config::default()
        };
        let db = sled::Config::new().temporary(true).open().unwrap();
        let view = Arc::new(View::open(&config, db, modstream_clock::system()).unwrap());
        let now = convert::timestamp(SystemTime::now());
        let post = Event {
            event_id: "e-1".into(),
            forum_id: "north".into(),
            source_id: "p-1".into(),
            occurred_at: Some(now),
            received_at: Some(now),
            payload: Some(Payload::PostCreated(PostCreated {
                thread_id: "t-1".into(),
                board_id: "nights".into(),
                author_pseudonym: PSEUDONYM.into(),
                author_role: AuthorRole::Member as i32,
                title: TEXT.into(),
                body: TEXT.into(),
                ..PostCreated::default()
            })),
        };
        view.apply(FORUM_EVENTS, &post.encode_to_vec()).unwrap();
        let (changed, changes) = watch::channel(0);
        let (closing, closed) = watch::channel(false);
        let app = App::new(view, &config.ops_viewers, changes, closed);
        Harness {
            router: app.router(),
            closing,
            _changed: changed,
        }
    }

    impl Harness {
        async fn call(&self, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
            let response = self.router.clone().oneshot(request).await.unwrap();
            let (parts, body) = response.into_parts();
            // Streams (live updates) are not read: only their status.
            let text = if parts.headers.get(header::CONTENT_TYPE)
                == Some(&"text/event-stream".parse().unwrap())
            {
                String::new()
            } else {
                let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
                String::from_utf8(bytes.to_vec()).unwrap()
            };
            (parts.status, parts.headers, text)
        }

        async fn get(&self, path: &str, cookie: Option<&str>) -> (StatusCode, String) {
            let mut request = Request::get(path);
            if let Some(cookie) = cookie {
                request = request.header(header::COOKIE, cookie);
            }
            let (status, _, body) = self.call(request.body(Body::empty()).unwrap()).await;
            (status, body)
        }

        /// Signs in with `token`; the session cookie.
        async fn sign_in(&self, token: &str) -> String {
            let request = Request::post("/api/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(format!(r#"{{"token":"{token}"}}"#)))
                .unwrap();
            let (status, headers, _) = self.call(request).await;
            assert_eq!(status, StatusCode::OK);
            let cookie = headers[header::SET_COOKIE].to_str().unwrap();
            assert!(cookie.contains("HttpOnly"));
            cookie.split(';').next().unwrap().to_owned()
        }
    }

    /// `m_` and 32 hex digits anywhere: the shape of every pseudonym.
    fn looks_like_pseudonym(text: &str) -> bool {
        text.match_indices("m_").any(|(i, _)| {
            let rest = &text.as_bytes()[i + 2..];
            rest.len() >= 32 && rest[..32].iter().all(u8::is_ascii_hexdigit)
        })
    }

    #[tokio::test]
    async fn healthz_answers_without_sign_in_until_draining() {
        let h = harness();
        assert_eq!(h.get("/healthz", None).await, (StatusCode::OK, "ok".into()));
        h.closing.send(true).unwrap();
        assert_eq!(
            h.get("/healthz", None).await.0,
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[tokio::test]
    async fn forum_pages_need_a_sign_in() {
        let h = harness();
        for path in [
            "/api/forums/north",
            "/api/forums/north/live",
            "/api/overview",
        ] {
            assert_eq!(
                h.get(path, None).await.0,
                StatusCode::UNAUTHORIZED,
                "{path}"
            );
            let stale = Some("modstream_session=0123");
            assert_eq!(
                h.get(path, stale).await.0,
                StatusCode::UNAUTHORIZED,
                "{path}"
            );
        }
    }

    #[tokio::test]
    async fn a_sign_in_without_a_valid_token_is_unauthenticated() {
        let h = harness();
        let form = format!("token={NORTH_ONLY}");
        let attempts = [
            (None, ""),
            (Some("application/json"), "{}"),
            (Some("application/json"), "{not json"),
            (Some("application/json"), r#"{"token":"nope"}"#),
            // A valid token, but not in the JSON the sign-in takes.
            (Some("application/x-www-form-urlencoded"), form.as_str()),
        ];
        for (content_type, body) in attempts {
            let mut request = Request::post("/api/session");
            if let Some(content_type) = content_type {
                request = request.header(header::CONTENT_TYPE, content_type);
            }
            let (status, headers, text) = h
                .call(request.body(Body::from(body.to_owned())).unwrap())
                .await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{body:?}");
            assert!(headers.get(header::SET_COOKIE).is_none(), "{body:?}");
            assert!(text.starts_with(r#"{"error":"#), "{body:?}: {text}");
        }
    }

    #[tokio::test]
    async fn a_forum_viewer_sees_only_their_forum() {
        let h = harness();
        let north = h.sign_in(NORTH_ONLY).await;
        let (status, body) = h.get("/api/forums/north", Some(&north)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains(r#""forum_id":"north""#));
        assert_eq!(
            h.get("/api/forums/north/live", Some(&north)).await.0,
            StatusCode::OK
        );
        for path in [
            "/api/forums/south",
            "/api/forums/south/live",
            "/api/forums/south?range=7d",
            // Refused alike, so the answer does not tell which forums exist.
            "/api/forums/nowhere",
        ] {
            assert_eq!(
                h.get(path, Some(&north)).await.0,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
    }

    #[tokio::test]
    async fn a_federation_viewer_sees_every_forum() {
        let h = harness();
        let all = h.sign_in(EVERYONE).await;
        for path in [
            "/api/forums/north",
            "/api/forums/south?range=7d",
            "/api/forums/south/live?range=24h",
        ] {
            assert_eq!(h.get(path, Some(&all)).await.0, StatusCode::OK, "{path}");
        }
        assert_eq!(
            h.get("/api/forums/nowhere", Some(&all)).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            h.get("/api/forums/north?range=1y", Some(&all)).await.0,
            StatusCode::BAD_REQUEST
        );
    }

    #[tokio::test]
    async fn no_response_carries_post_text_or_pseudonyms() {
        let h = harness();
        let all = h.sign_in(EVERYONE).await;
        for path in [
            "/api/overview",
            "/api/forums/north",
            "/api/forums/north?range=7d",
        ] {
            let (status, body) = h.get(path, Some(&all)).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(
                body.contains("t-1") || path == "/api/overview",
                "{path}: the post is listed"
            );
            assert!(!body.contains(TEXT), "{path}: post text");
            assert!(!body.contains(PSEUDONYM), "{path}: a pseudonym");
            assert!(
                !looks_like_pseudonym(&body),
                "{path}: anything like a pseudonym"
            );
        }
    }
}
