//! The responsiveness state in sled: a materialised view of the
//! forum-events topic, rebuilt identically by replaying it.
//!
//! Trees:
//! - `threads`: `forum \0 thread` -> [`Thread`];
//! - `posts_by_created`: `forum \0 created_ms(BE) \0 thread` -> (), for
//!   queries over a window of post creation times;
//! - `unanswered`: `forum \0 thread` -> visible_ms(BE), the posts waiting for
//!   a first reply right now;
//! - `erased`: `forum \0 pseudonym` -> (), members erased (`MemberErased`).
//!
//! The only thing here that points at a member is the author pseudonym of
//! each post and reply (no bodies, titles or reports are kept). An erasure
//! replaces the member's pseudonym in every thread of the forum with a fixed
//! marker ([`Thread::erase_author`]); the figures do not change. The erased
//! pseudonym is remembered (it is an HMAC, not an id, and nothing is stored
//! with it), so a post by it that arrives after the erasure, from another
//! partition or a replay, is stored with the marker too. Such a late post is
//! marked as written by someone erased; a late self-reply of an erased
//! author then counts as a reply by someone else (rare: it needs a race with
//! the erasure).
//!
//! Applying an event is idempotent (a thread ignores a post, reply or
//! decision it already has), so at-least-once delivery is safe.

use modstream_proto::convert;
use modstream_proto::v1::{Event, event::Payload};
use prost::Message as _;

use crate::thread::{ERASED_AUTHOR, ERASED_OTHER, Measures, Source, Status, Thread};

pub struct Store {
    db: sled::Db,
    threads: sled::Tree,
    posts_by_created: sled::Tree,
    unanswered: sled::Tree,
    erased: sled::Tree,
}

/// What the store could not do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage error: {0}")]
    Storage(#[from] sled::Error),
    #[error("stored thread {0} is damaged: {1}")]
    Corrupt(String, prost::DecodeError),
}

fn thread_key(forum: &str, thread: &str) -> Vec<u8> {
    format!("{forum}\0{thread}").into_bytes()
}

fn created_key(forum: &str, created_ms: i64, thread: &str) -> Vec<u8> {
    let mut key = format!("{forum}\0").into_bytes();
    key.extend_from_slice(&(created_ms.max(0) as u64).to_be_bytes());
    key.push(0);
    key.extend_from_slice(thread.as_bytes());
    key
}

/// The thread an event belongs to; `None` for events about no thread
/// (member-level moderation actions).
fn thread_of(payload: &Payload) -> &str {
    match payload {
        Payload::PostCreated(p) => &p.thread_id,
        Payload::ReplyCreated(r) => &r.thread_id,
        Payload::PostEdited(e) => &e.thread_id,
        Payload::ModerationAction(a) => &a.thread_id,
        Payload::MemberReport(r) => &r.thread_id,
        Payload::MemberErased(_) => "",
    }
}

/// A thread an event changed.
pub struct Applied {
    pub thread_id: String,
    /// The post's measures before the event.
    pub before: Measures,
    /// The thread after it.
    pub thread: Thread,
}

/// A tracked post found by a query.
pub struct Found {
    pub thread_id: String,
    pub thread: Thread,
}

impl Store {
    pub fn open(db: sled::Db) -> Result<Self, StoreError> {
        Ok(Self {
            threads: db.open_tree("threads")?,
            posts_by_created: db.open_tree("posts_by_created")?,
            unanswered: db.open_tree("unanswered")?,
            erased: db.open_tree("erased")?,
            db,
        })
    }

    /// Applies one event. Returns what changed, `None` when the event
    /// changed nothing.
    pub fn apply(&self, event: &Event) -> Result<Option<Applied>, StoreError> {
        let Some(payload) = &event.payload else {
            return Ok(None);
        };
        if let Payload::MemberErased(erased) = payload {
            self.erase(&event.forum_id, &erased.pseudonym)?;
            // The figures are the same after it, so no alert changes.
            return Ok(None);
        }
        let payload = &self.without_erased_authors(&event.forum_id, payload)?;
        let thread_id = thread_of(payload);
        if thread_id.is_empty() {
            return Ok(None);
        }
        let at_ms = event
            .occurred_at
            .as_ref()
            .and_then(convert::system_time)
            .map_or(0, |t| {
                t.duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64)
            });
        let key = thread_key(&event.forum_id, thread_id);
        let mut thread = self.load(&key, thread_id)?.unwrap_or_default();
        let had_post = thread.post.is_some();
        let before = thread.measures();
        if !thread.apply(
            Source {
                source_id: &event.source_id,
                at_ms,
            },
            payload,
        ) {
            return Ok(None);
        }
        if let (false, Some(post)) = (had_post, &thread.post) {
            self.posts_by_created.insert(
                created_key(&event.forum_id, post.created_ms, thread_id),
                &[],
            )?;
        }
        let measures = thread.measures();
        match (measures.status, measures.visible_ms) {
            (Status::Unanswered, Some(visible)) => {
                self.unanswered.insert(&key, &visible.to_be_bytes())?;
            }
            _ => {
                self.unanswered.remove(&key)?;
            }
        }
        self.threads.insert(key, thread.encode_to_vec())?;
        Ok(Some(Applied {
            thread_id: thread_id.to_owned(),
            before,
            thread,
        }))
    }

    /// Forgets `pseudonym` in every thread of `forum` (a scan: erasures are
    /// rare) and remembers it as erased. Repeating it changes nothing.
    fn erase(&self, forum: &str, pseudonym: &str) -> Result<(), StoreError> {
        if pseudonym.is_empty() {
            return Ok(());
        }
        self.erased.insert(thread_key(forum, pseudonym), &[])?;
        for entry in self.threads.scan_prefix(format!("{forum}\0").as_bytes()) {
            let (key, bytes) = entry?;
            let mut thread = Thread::decode(bytes.as_ref())
                .map_err(|e| StoreError::Corrupt(String::from_utf8_lossy(&key).into_owned(), e))?;
            if thread.erase_author(pseudonym) {
                self.threads.insert(key, thread.encode_to_vec())?;
            }
        }
        Ok(())
    }

    /// `payload`, with its author replaced by the erased marker if that
    /// member was erased before it arrived.
    fn without_erased_authors(
        &self,
        forum: &str,
        payload: &Payload,
    ) -> Result<Payload, StoreError> {
        let erased = |author: &str| -> Result<bool, StoreError> {
            Ok(!author.is_empty() && self.erased.contains_key(thread_key(forum, author))?)
        };
        let mut payload = payload.clone();
        match &mut payload {
            Payload::PostCreated(p) if erased(&p.author_pseudonym)? => {
                p.author_pseudonym = ERASED_AUTHOR.to_owned();
            }
            Payload::ReplyCreated(r) if erased(&r.author_pseudonym)? => {
                r.author_pseudonym = ERASED_OTHER.to_owned();
            }
            _ => {}
        }
        Ok(payload)
    }

    fn load(&self, key: &[u8], thread_id: &str) -> Result<Option<Thread>, StoreError> {
        match self.threads.get(key)? {
            Some(bytes) => {
                Ok(Some(Thread::decode(bytes.as_ref()).map_err(|e| {
                    StoreError::Corrupt(thread_id.to_owned(), e)
                })?))
            }
            None => Ok(None),
        }
    }

    /// Threads of `forum` whose opening post was created in [from, to).
    pub fn posts_created(
        &self,
        forum: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Found>, StoreError> {
        let start = created_key(forum, from_ms, "");
        let end = created_key(forum, to_ms, "");
        let mut found = Vec::new();
        for entry in self.posts_by_created.range(start..end) {
            let (key, _) = entry?;
            let thread_id = String::from_utf8_lossy(&key[forum.len() + 1 + 8 + 1..]).into_owned();
            if let Some(thread) = self.load(&thread_key(forum, &thread_id), &thread_id)? {
                found.push(Found { thread_id, thread });
            }
        }
        Ok(found)
    }

    /// Every unanswered post of `forum`: (thread id, visible since).
    pub fn unanswered(&self, forum: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let prefix = format!("{forum}\0");
        let mut posts = Vec::new();
        for entry in self.unanswered.scan_prefix(prefix.as_bytes()) {
            let (key, value) = entry?;
            let visible = i64::from_be_bytes(value.as_ref().try_into().unwrap_or([0; 8]));
            posts.push((
                String::from_utf8_lossy(&key[prefix.len()..]).into_owned(),
                visible,
            ));
        }
        Ok(posts)
    }

    /// How many posts of `forum` are unanswered now.
    pub fn unanswered_count(&self, forum: &str) -> Result<u64, StoreError> {
        let mut count = 0;
        for entry in self
            .unanswered
            .scan_prefix(format!("{forum}\0").as_bytes())
            .keys()
        {
            entry?;
            count += 1;
        }
        Ok(count)
    }

    /// When the longest-waiting unanswered post of `forum` became visible
    /// (ms since the epoch), if any post is waiting.
    pub fn oldest_unanswered(&self, forum: &str) -> Result<Option<i64>, StoreError> {
        let mut oldest: Option<i64> = None;
        for entry in self
            .unanswered
            .scan_prefix(format!("{forum}\0").as_bytes())
            .values()
        {
            let value = entry?;
            let visible = i64::from_be_bytes(value.as_ref().try_into().unwrap_or([0; 8]));
            oldest = Some(oldest.map_or(visible, |o| o.min(visible)));
        }
        Ok(oldest)
    }

    /// One thread of `forum`.
    pub fn thread(&self, forum: &str, thread_id: &str) -> Result<Option<Thread>, StoreError> {
        self.load(&thread_key(forum, thread_id), thread_id)
    }

    /// Makes everything applied so far durable.
    pub async fn flush(&self) -> Result<(), StoreError> {
        modstream_bus::flush_sled(&self.db).await?;
        Ok(())
    }
}
