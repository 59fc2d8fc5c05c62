//! The `Responsiveness` gRPC query API.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use modstream_auth::ForumKeys;
use modstream_clock::SharedClock;
use modstream_proto::convert;
use modstream_proto::v1::{
    ForumStats, ListUnansweredRequest, StatsRequest, UnansweredPost, UnansweredPosts,
    responsiveness_server::Responsiveness,
};
use tonic::{Request, Response, Status};

use crate::stats::forum_stats;
use crate::store::{Store, StoreError};

/// The default window of `GetStats`.
const DEFAULT_WINDOW: Duration = Duration::from_secs(30 * 24 * 3600);
const DEFAULT_LIST: u32 = 100;
const MAX_LIST: u32 = 1_000;

pub struct Queries {
    pub(crate) store: Arc<Store>,
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
}

#[tonic::async_trait]
impl Responsiveness for Queries {
    async fn get_stats(
        &self,
        request: Request<StatsRequest>,
    ) -> Result<Response<ForumStats>, Status> {
        let (metadata, _, r) = request.into_parts();
        self.keys.authorize(&metadata, &r.forum_id)?;
        let now = self.clock.now();
        let to = match &r.to {
            Some(ts) => convert::system_time(ts)
                .ok_or_else(|| Status::invalid_argument("to: not a valid time"))?,
            None => now,
        };
        let from = match &r.from {
            Some(ts) => convert::system_time(ts)
                .ok_or_else(|| Status::invalid_argument("from: not a valid time"))?,
            None => to.checked_sub(DEFAULT_WINDOW).unwrap_or(UNIX_EPOCH),
        };
        if from > to {
            return Err(Status::invalid_argument("from: must not be after `to`"));
        }
        let found = self
            .store
            .posts_created(&r.forum_id, millis(from), millis(to))?;
        let board = Some(r.board_id.as_str()).filter(|b| !b.is_empty());
        let target = self.targets.get(&r.forum_id).copied().unwrap_or(3_600_000);
        let mut stats = forum_stats(found.iter().map(|f| &f.thread), board, millis(now), target);
        stats.forum_id = r.forum_id;
        stats.board_id = r.board_id;
        stats.from = Some(convert::timestamp(from));
        stats.to = Some(convert::timestamp(to));
        Ok(Response::new(stats))
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
        let mut waiting = self.store.unanswered(&r.forum_id)?;
        let total = waiting.len() as u64;
        // Most urgent first: the longest wait (earliest visible).
        waiting.sort_by_key(|(thread, visible)| (*visible, thread.clone()));
        let now = self.now_ms();
        let mut posts = Vec::with_capacity(limit.min(waiting.len()));
        for (thread_id, visible) in waiting.into_iter().take(limit) {
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
        Ok(Response::new(UnansweredPosts { posts, total }))
    }
}
