//! The safeguarding state in sled: one tree, keys by prefix, every change
//! applied as one atomic batch and synced before anyone is told.
//!
//! | prefix | key | value |
//! | --- | --- | --- |
//! | `e/` | escalation id | `Escalation` (protobuf) |
//! | `o/` | escalation id | () while it is not resolved |
//! | `t/` | forum `\0` thread | id of the thread's unresolved escalation |
//! | `x/` | forum `\0` event id | escalation id the event joined (replays) |
//! | `d/` | due ms (BE) escalation id | () an acknowledgement deadline |
//! | `i/` | forum `\0` moderator `\0` seq (BE) | `EscalationNotice` |
//! | `a/` | forum `\0` seq (BE) | `ForumAction` |
//! | `q/` | seq (BE) | an outbox record for the bus |
//! | `p/` | forum `\0` post id | a recent post (`CachedPost`), for reports |
//! | `r/` | forum | `Roster` set through the admin API |
//! | `l/` | forum `\0` moderator | ms of their last assignment (fair ties) |
//! | `z/` | forum `\0` pseudonym | () a member erased (`MemberErased`) |
//!
//! Because an escalation, its deadline, the notices to moderators, the
//! forum actions and the outbox entries for the bus are written in one batch,
//! a crash leaves either all of a change or none of it: nothing is told
//! that is not stored, and nothing stored is left untold.

use modstream_proto::v1::{Escalation, EscalationNotice, ForumAction, Roster};
use prost::Message as _;

/// A post or reply seen recently, so a member report about it can show
/// moderators what was reported.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CachedPost {
    #[prost(string, tag = "1")]
    pub thread_id: String,
    #[prost(string, tag = "2")]
    pub board_id: String,
    #[prost(string, tag = "3")]
    pub author_pseudonym: String,
    #[prost(string, tag = "4")]
    pub text: String,
    /// When it was cached (ms since the epoch), for retention.
    #[prost(int64, tag = "5")]
    pub cached_at_ms: i64,
}

/// A record waiting to be written to the bus.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OutboxRecord {
    #[prost(string, tag = "1")]
    pub topic: String,
    #[prost(string, tag = "2")]
    pub key: String,
    #[prost(bytes = "vec", tag = "3")]
    pub payload: Vec<u8>,
    /// (name, value) headers, flattened.
    #[prost(string, repeated, tag = "4")]
    pub headers: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("a stored record does not decode: {0}")]
    Corrupt(#[from] prost::DecodeError),
}

pub struct Store {
    db: sled::Db,
    tree: sled::Tree,
}

pub fn join(parts: &[&str]) -> Vec<u8> {
    parts.join("\0").into_bytes()
}

fn key(prefix: &str, rest: &[u8]) -> Vec<u8> {
    let mut key = prefix.as_bytes().to_vec();
    key.extend_from_slice(rest);
    key
}

fn seq_key(prefix: &str, parts: &[&str], seq: u64) -> Vec<u8> {
    let mut k = key(prefix, &join(parts));
    if !parts.is_empty() {
        k.push(0);
    }
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

fn seq_of(key: &[u8]) -> u64 {
    let tail: [u8; 8] = key[key.len() - 8..].try_into().expect("8 bytes");
    u64::from_be_bytes(tail)
}

/// Everything one change writes, applied at once by [`Store::commit`].
#[derive(Default)]
pub struct Change {
    batch: sled::Batch,
    pub notices: Vec<(String, String, EscalationNotice)>,
    pub actions: Vec<ForumAction>,
    pub outbox: usize,
}

impl std::fmt::Debug for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Change")
            .field("notices", &self.notices.len())
            .field("actions", &self.actions.len())
            .finish()
    }
}

impl Store {
    pub fn open(db: sled::Db) -> Result<Self, StoreError> {
        Ok(Self {
            tree: db.open_tree("safeguarding")?,
            db,
        })
    }

    /// A fresh sequence number, increasing across restarts.
    pub fn next_seq(&self) -> Result<u64, StoreError> {
        Ok(self.db.generate_id()? + 1)
    }

    /// Applies `change` atomically and syncs it to disk.
    pub async fn commit(&self, change: &mut Change) -> Result<(), StoreError> {
        self.tree.apply_batch(std::mem::take(&mut change.batch))?;
        modstream_bus::flush_sled(&self.db).await?;
        Ok(())
    }

    pub async fn flush(&self) -> Result<(), StoreError> {
        modstream_bus::flush_sled(&self.db).await?;
        Ok(())
    }

    pub fn escalation(&self, id: &str) -> Result<Option<Escalation>, StoreError> {
        self.tree
            .get(key("e/", id.as_bytes()))?
            .map(|v| Escalation::decode(v.as_ref()))
            .transpose()
            .map_err(Into::into)
    }

    pub fn put_escalation(&self, change: &mut Change, escalation: &Escalation) {
        let id = escalation.escalation_id.as_bytes();
        change
            .batch
            .insert(key("e/", id), escalation.encode_to_vec());
        let open = key("o/", id);
        let thread = key("t/", &join(&[&escalation.forum_id, &escalation.thread_id]));
        if escalation.state == modstream_proto::v1::EscalationState::Resolved as i32 {
            change.batch.remove(open);
            change.batch.remove(thread);
        } else {
            change.batch.insert(open, &[]);
            change.batch.insert(thread, id);
        }
    }

    /// Ids of every escalation not resolved yet.
    pub fn open_ids(&self) -> Result<Vec<String>, StoreError> {
        self.tree
            .scan_prefix("o/")
            .keys()
            .map(|k| Ok(String::from_utf8_lossy(&k?[2..]).into_owned()))
            .collect()
    }

    pub fn open_escalations(&self) -> Result<Vec<Escalation>, StoreError> {
        let mut open = Vec::new();
        for id in self.open_ids()? {
            if let Some(escalation) = self.escalation(&id)? {
                open.push(escalation);
            }
        }
        Ok(open)
    }

    /// The unresolved escalation of a thread, if any.
    pub fn thread_escalation(
        &self,
        forum: &str,
        thread: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .tree
            .get(key("t/", &join(&[forum, thread])))?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// The escalation a bus event already opened or joined.
    pub fn event_escalation(
        &self,
        forum: &str,
        event_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .tree
            .get(key("x/", &join(&[forum, event_id])))?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    pub fn mark_event(&self, change: &mut Change, forum: &str, event_id: &str, escalation: &str) {
        change
            .batch
            .insert(key("x/", &join(&[forum, event_id])), escalation.as_bytes());
    }

    pub fn set_deadline(&self, change: &mut Change, due_ms: i64, escalation: &str) {
        change.batch.insert(deadline_key(due_ms, escalation), &[]);
    }

    pub fn clear_deadline(&self, change: &mut Change, due_ms: i64, escalation: &str) {
        change.batch.remove(deadline_key(due_ms, escalation));
    }

    /// (due ms, escalation id) of every deadline at or before `now_ms`.
    pub fn due(&self, now_ms: i64) -> Result<Vec<(i64, String)>, StoreError> {
        let end = deadline_key(now_ms.saturating_add(1), "");
        let mut due = Vec::new();
        for k in self.tree.range(b"d/".to_vec()..end).keys() {
            let k = k?;
            let ms: [u8; 8] = k[2..10].try_into().expect("8 bytes");
            due.push((
                u64::from_be_bytes(ms) as i64,
                String::from_utf8_lossy(&k[10..]).into_owned(),
            ));
        }
        Ok(due)
    }

    /// Adds a notice to a moderator's inbox; its sequence is set here.
    pub fn notify(
        &self,
        change: &mut Change,
        forum: &str,
        moderator: &str,
        mut notice: EscalationNotice,
    ) -> Result<(), StoreError> {
        notice.sequence = self.next_seq()?;
        change.batch.insert(
            seq_key("i/", &[forum, moderator], notice.sequence),
            notice.encode_to_vec(),
        );
        change
            .notices
            .push((forum.to_owned(), moderator.to_owned(), notice));
        Ok(())
    }

    /// A moderator's notices after `after`, oldest first.
    pub fn notices_after(
        &self,
        forum: &str,
        moderator: &str,
        after: u64,
    ) -> Result<Vec<EscalationNotice>, StoreError> {
        let start = seq_key("i/", &[forum, moderator], after.saturating_add(1));
        let end = seq_key("i/", &[forum, moderator], u64::MAX);
        let mut notices = Vec::new();
        for value in self.tree.range(start..=end).values() {
            notices.push(EscalationNotice::decode(value?.as_ref())?);
        }
        Ok(notices)
    }

    /// Records a forum action; its sequence is set here.
    pub fn add_action(
        &self,
        change: &mut Change,
        mut action: ForumAction,
    ) -> Result<(), StoreError> {
        action.sequence = self.next_seq()?;
        change.batch.insert(
            seq_key("a/", &[&action.forum_id], action.sequence),
            action.encode_to_vec(),
        );
        change.actions.push(action);
        Ok(())
    }

    pub fn actions_after(&self, forum: &str, after: u64) -> Result<Vec<ForumAction>, StoreError> {
        let start = seq_key("a/", &[forum], after.saturating_add(1));
        let end = seq_key("a/", &[forum], u64::MAX);
        let mut actions = Vec::new();
        for value in self.tree.range(start..=end).values() {
            actions.push(ForumAction::decode(value?.as_ref())?);
        }
        Ok(actions)
    }

    pub fn queue(&self, change: &mut Change, record: OutboxRecord) -> Result<(), StoreError> {
        let seq = self.next_seq()?;
        change
            .batch
            .insert(seq_key("q/", &[], seq), record.encode_to_vec());
        change.outbox += 1;
        Ok(())
    }

    /// Up to `limit` outbox records, oldest first, with their sequence.
    pub fn outbox(&self, limit: usize) -> Result<Vec<(u64, OutboxRecord)>, StoreError> {
        let mut records = Vec::new();
        for entry in self.tree.scan_prefix("q/").take(limit) {
            let (k, v) = entry?;
            records.push((seq_of(&k), OutboxRecord::decode(v.as_ref())?));
        }
        Ok(records)
    }

    pub fn outbox_done(&self, seqs: &[u64]) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for seq in seqs {
            batch.remove(seq_key("q/", &[], *seq));
        }
        self.tree.apply_batch(batch)?;
        Ok(())
    }

    pub fn cache_post(&self, change: &mut Change, forum: &str, post_id: &str, post: &CachedPost) {
        change
            .batch
            .insert(key("p/", &join(&[forum, post_id])), post.encode_to_vec());
    }

    pub fn cached_post(
        &self,
        forum: &str,
        post_id: &str,
    ) -> Result<Option<CachedPost>, StoreError> {
        self.tree
            .get(key("p/", &join(&[forum, post_id])))?
            .map(|v| CachedPost::decode(v.as_ref()))
            .transpose()
            .map_err(Into::into)
    }

    /// Removes cached posts cached before `before_ms`; returns how many.
    pub fn purge_cached_posts(&self, before_ms: i64) -> Result<usize, StoreError> {
        let mut batch = sled::Batch::default();
        let mut purged = 0;
        for entry in self.tree.scan_prefix("p/") {
            let (k, v) = entry?;
            if CachedPost::decode(v.as_ref())?.cached_at_ms < before_ms {
                batch.remove(k);
                purged += 1;
            }
        }
        self.tree.apply_batch(batch)?;
        Ok(purged)
    }

    /// Ids of resolved escalations (not open), each with its escalation.
    pub fn resolved_escalations(&self) -> Result<Vec<Escalation>, StoreError> {
        let mut resolved = Vec::new();
        for entry in self.tree.scan_prefix("e/") {
            let (k, v) = entry?;
            if self.tree.contains_key(key("o/", &k[2..]))? {
                continue;
            }
            resolved.push(Escalation::decode(v.as_ref())?);
        }
        Ok(resolved)
    }

    /// Removes every moderator notice about one of `escalations`.
    pub fn purge_notices(
        &self,
        escalations: &std::collections::HashSet<String>,
    ) -> Result<usize, StoreError> {
        let mut batch = sled::Batch::default();
        let mut purged = 0;
        for entry in self.tree.scan_prefix("i/") {
            let (k, v) = entry?;
            let notice = EscalationNotice::decode(v.as_ref())?;
            if notice
                .escalation
                .is_some_and(|e| escalations.contains(&e.escalation_id))
            {
                batch.remove(k);
                purged += 1;
            }
        }
        self.tree.apply_batch(batch)?;
        Ok(purged)
    }

    // ---- erasure -------------------------------------------------------

    /// Remembers that `pseudonym` of `forum` was erased.
    pub fn mark_erased(&self, change: &mut Change, forum: &str, pseudonym: &str) {
        change
            .batch
            .insert(key("z/", &join(&[forum, pseudonym])), &[]);
    }

    pub fn is_erased(&self, forum: &str, pseudonym: &str) -> Result<bool, StoreError> {
        Ok(!pseudonym.is_empty()
            && self
                .tree
                .contains_key(key("z/", &join(&[forum, pseudonym])))?)
    }

    /// Removes, in `change`, every cached post of `forum` by `pseudonym`;
    /// returns how many.
    pub fn erase_cached_posts(
        &self,
        change: &mut Change,
        forum: &str,
        pseudonym: &str,
    ) -> Result<usize, StoreError> {
        let mut erased = 0;
        let mut prefix = key("p/", forum.as_bytes());
        prefix.push(0);
        for entry in self.tree.scan_prefix(prefix) {
            let (k, v) = entry?;
            if CachedPost::decode(v.as_ref())?.author_pseudonym == pseudonym {
                change.batch.remove(k);
                erased += 1;
            }
        }
        Ok(erased)
    }

    /// Every escalation of `forum`, open or resolved.
    pub fn forum_escalations(&self, forum: &str) -> Result<Vec<Escalation>, StoreError> {
        let mut found = Vec::new();
        for value in self.tree.scan_prefix("e/").values() {
            let escalation = Escalation::decode(value?.as_ref())?;
            if escalation.forum_id == forum {
                found.push(escalation);
            }
        }
        Ok(found)
    }

    /// Rewrites, in `change`, every moderator notice (in any forum's inbox:
    /// partner teams get notices too) whose copy of an escalation of `forum`
    /// `scrub` changes. Keeps each notice's sequence. Returns how many.
    pub fn scrub_notices(
        &self,
        change: &mut Change,
        forum: &str,
        scrub: impl Fn(&mut Escalation) -> bool,
    ) -> Result<usize, StoreError> {
        let mut scrubbed = 0;
        for entry in self.tree.scan_prefix("i/") {
            let (k, v) = entry?;
            let mut notice = EscalationNotice::decode(v.as_ref())?;
            let Some(escalation) = notice.escalation.as_mut() else {
                continue;
            };
            if escalation.forum_id == forum && scrub(escalation) {
                change.batch.insert(k, notice.encode_to_vec());
                scrubbed += 1;
            }
        }
        Ok(scrubbed)
    }

    pub fn roster(&self, forum: &str) -> Result<Option<Roster>, StoreError> {
        self.tree
            .get(key("r/", forum.as_bytes()))?
            .map(|v| Roster::decode(v.as_ref()))
            .transpose()
            .map_err(Into::into)
    }

    pub fn put_roster(&self, change: &mut Change, roster: &Roster) {
        change.batch.insert(
            key("r/", roster.forum_id.as_bytes()),
            roster.encode_to_vec(),
        );
    }

    pub fn last_assigned(&self, forum: &str, moderator: &str) -> Result<i64, StoreError> {
        Ok(self
            .tree
            .get(key("l/", &join(&[forum, moderator])))?
            .and_then(|v| v.as_ref().try_into().ok().map(i64::from_be_bytes))
            .unwrap_or(0))
    }

    pub fn set_last_assigned(&self, change: &mut Change, forum: &str, moderator: &str, at_ms: i64) {
        change
            .batch
            .insert(key("l/", &join(&[forum, moderator])), &at_ms.to_be_bytes());
    }
}

fn deadline_key(due_ms: i64, escalation: &str) -> Vec<u8> {
    let mut k = b"d/".to_vec();
    k.extend_from_slice(&(due_ms.max(0) as u64).to_be_bytes());
    k.extend_from_slice(escalation.as_bytes());
    k
}
