//! The `Responsiveness` gRPC query API.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use modstream_auth::ForumKeys;
use modstream_clock::SharedClock;
use modstream_config::AlertThresholds;
use modstream_proto::convert;
use modstream_proto::v1::{
    Benchmark, ForumStats, ListUnansweredRequest, StatsRequest, StreamAlertsRequest,
    UnansweredAlert, UnansweredPost, UnansweredPosts, responsiveness_server::Responsiveness,
};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status};

use crate::alerts::Alerts;
use crate::stats::{federation_figures, forum_stats, urgency_allowance_ms};
use crate::store::{Store, StoreError};

/// The default window of `GetStats`.
const DEFAULT_WINDOW: Duration = Duration::from_secs(30 * 24 * 3600);
const DEFAULT_LIST: u32 = 100;
const MAX_LIST: u32 = 1_000;

pub struct Queries {
    pub(crate) store: Arc<Store>,
    pub(crate) alerts: Arc<Alerts>,
    pub(crate) thresholds: HashMap<String, AlertThresholds>,
    pub(crate) keys: ForumKeys,
    /// Reply target per forum, in milliseconds.
    pub(crate) targets: HashMap<String, i64>,
    pub(crate) clock: SharedClock,
}

impl From<StoreError> for Status {
    fn from(err: StoreError) -> Self {
        Status::internal(format!("the responsiveness store failed: {err}"))
    }
}

fn millis(time: std::time::SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Queries {
    fn now_ms(&self) -> i64 {
        millis(self.clock.now())
    }

    /// The window a request asks for: [from, to).
    fn window(&self, r: &StatsRequest) -> Result<(SystemTime, SystemTime), Status> {
        let to = match &r.to {
            Some(ts) => convert::system_time(ts)
                .ok_or_else(|| Status::invalid_argument("to: not a valid time"))?,
            None => self.clock.now(),
        };
        let from = match &r.from {
            Some(ts) => convert::system_time(ts)
                .ok_or_else(|| Status::invalid_argument("from: not a valid time"))?,
            None => to.checked_sub(DEFAULT_WINDOW).unwrap_or(UNIX_EPOCH),
        };
        if from > to {
            return Err(Status::invalid_argument("from: must not be after `to`"));
        }
        Ok((from, to))
    }

    /// The figures of one forum (and optional board) over a window.
    fn stats(
        &self,
        forum: &str,
        board: &str,
        (from, to): (SystemTime, SystemTime),
    ) -> Result<ForumStats, Status> {
        let found = self.store.posts_created(forum, millis(from), millis(to))?;
        let board_filter = Some(board).filter(|b| !b.is_empty());
        let target = self.targets.get(forum).copied().unwrap_or(3_600_000);
        let mut stats = forum_stats(
            found.iter().map(|f| &f.thread),
            board_filter,
            self.now_ms(),
            target,
        );
        stats.forum_id = forum.to_owned();
        stats.board_id = board.to_owned();
        stats.from = Some(convert::timestamp(from));
        stats.to = Some(convert::timestamp(to));
        Ok(stats)
    }
}

#[tonic::async_trait]
impl Responsiveness for Queries {
    async fn get_stats(
        &self,
        request: Request<StatsRequest>,
    ) -> Result<Response<ForumStats>, Status> {
        let (metadata, _, r) = request.into_parts();
        self.keys.authorize(&metadata, &r.forum_id)?;
        let window = self.window(&r)?;
        Ok(Response::new(self.stats(
            &r.forum_id,
            &r.board_id,
            window,
        )?))
    }

    async fn get_benchmark(
        &self,
        request: Request<StatsRequest>,
    ) -> Result<Response<Benchmark>, Status> {
        let (metadata, _, r) = request.into_parts();
        self.keys.authorize(&metadata, &r.forum_id)?;
        let window = self.window(&r)?;
        let own = self.stats(&r.forum_id, "", window)?;
        let mut summaries = Vec::new();
        for forum in self.targets.keys() {
            let stats = if *forum == r.forum_id {
                own.clone()
            } else {
                self.stats(forum, "", window)?
            };
            summaries.push(stats.all.unwrap_or_default());
        }
        let federation = federation_figures(&summaries);
        Ok(Response::new(Benchmark {
            own: Some(own),
            federation: Some(federation),
        }))
    }

    type StreamAlertsStream = Pin<Box<dyn Stream<Item = Result<UnansweredAlert, Status>> + Send>>;

    async fn stream_alerts(
        &self,
        request: Request<StreamAlertsRequest>,
    ) -> Result<Response<Self::StreamAlertsStream>, Status> {
        let (metadata, _, r) = request.into_parts();
        self.keys.authorize(&metadata, &r.forum_id)?;
        // Subscribe before reading what is open, so nothing falls between.
        let live = BroadcastStream::new(self.alerts.subscribe());
        let open = self
            .alerts
            .open_alerts(&r.forum_id, &self.store)
            .map_err(|e| Status::internal(e.to_string()))?;
        let forum = r.forum_id;
        let live = live.filter_map(move |item| match item {
            Ok(alert) if alert.forum_id == forum => Some(Ok(alert)),
            Ok(_) => None,
            // A console too slow to keep up misses alerts here; they are all
            // on the alerts topic.
            Err(BroadcastStreamRecvError::Lagged(n)) => {
                tracing::warn!(missed = n, "an alert stream fell behind");
                None
            }
        });
        Ok(Response::new(Box::pin(
            tokio_stream::iter(open.into_iter().map(Ok)).chain(live),
        )))
    }

    async fn list_unanswered(
        &self,
        request: Request<ListUnansweredRequest>,
    ) -> Result<Response<UnansweredPosts>, Status> {
        let (metadata, _, r) = request.into_parts();
        self.keys.authorize(&metadata, &r.forum_id)?;
        let limit = match r.limit {
            0 => DEFAULT_LIST,
            n => n.min(MAX_LIST),
        } as usize;
        let now = self.now_ms();
        let thresholds = self
            .thresholds
            .get(&r.forum_id)
            .copied()
            .unwrap_or_default();
        let target = self.targets.get(&r.forum_id).copied().unwrap_or(3_600_000);
        let mut posts = Vec::new();
        for (thread_id, visible) in self.store.unanswered(&r.forum_id)? {
            let Some(thread) = self.store.thread(&r.forum_id, &thread_id)? else {
                continue;
            };
            let Some(post) = thread.post else { continue };
            posts.push(UnansweredPost {
                board_id: post.board_id,
                post_id: post.post_id,
                thread_id,
                age_ms: (now - visible).max(0),
                author_is_new: post.first_post_in_forum,
            });
        }
        let total = posts.len() as u64;
        // Most urgent first: the largest share of its own alert threshold
        // used up, so a new member's first post (shorter threshold) comes
        // before an older post with a longer one.
        let urgency = |p: &UnansweredPost| {
            let allowed = urgency_allowance_ms(&thresholds, p.author_is_new, target).max(1);
            (p.age_ms as f64 / allowed as f64, p.age_ms)
        };
        posts.sort_by(|a, b| {
            urgency(b)
                .partial_cmp(&urgency(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        posts.truncate(limit);
        Ok(Response::new(UnansweredPosts { posts, total }))
    }
}
