//! Validation of what a forum platform sent, and its conversion into the bus
//! event: member ids become pseudonyms here, and nowhere else.
//!
//! Every rejection names the field (as a path such as `post.body`) and the
//! problem, so the platform's developers know what to fix.

use std::time::{Duration, SystemTime};

use modstream_config::GatewayConfig;
use modstream_proto::convert;
use modstream_proto::v1::{
    self, AuthorRole, EventHeader, IngestEvent, ModerationActionKind, ReportReason, event::Payload,
    ingest_event::Kind,
};

use crate::erasure::{self, EpochBump, Epochs};
use crate::error::ItemError;
use crate::tenants::Forum;

/// Size limits and clock tolerance, from the gateway config.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub max_text_bytes: usize,
    pub max_id_bytes: usize,
    pub max_future_skew: Duration,
}

impl From<&GatewayConfig> for Limits {
    fn from(config: &GatewayConfig) -> Self {
        Self {
            max_body_bytes: config.max_body_bytes,
            max_text_bytes: config.max_text_bytes,
            max_id_bytes: config.max_id_bytes,
            max_future_skew: Duration::from_secs(config.max_future_skew_secs),
        }
    }
}

/// Most content warnings one post may carry.
const MAX_CONTENT_WARNINGS: usize = 32;

/// A valid event, ready for an id and the bus.
#[derive(Debug)]
pub struct Checked {
    /// The kind of event, part of the idempotency key (`post`, `reply`, ...).
    pub kind: &'static str,
    /// The bus record key: forum and thread, so a thread stays in order.
    pub partition_key: String,
    /// The bus event, without `event_id` and `received_at`.
    pub event: v1::Event,
    /// For an erasure: the member's epoch to move on once it is published.
    pub bump: Option<EpochBump>,
}

/// Validates `item` for `forum` and converts it to a bus event, with each
/// member's pseudonym of their current erasure epoch (from `epochs`).
pub fn check(
    item: IngestEvent,
    forum: &Forum,
    limits: &Limits,
    now: SystemTime,
    epochs: &Epochs,
) -> Result<Checked, ItemError> {
    let f = Fields { limits };
    let header = item
        .header
        .ok_or_else(|| ItemError::invalid("header", "required"))?;
    let occurred_at = check_header(&header, forum, &f, now)?;
    let kind = item.kind.ok_or_else(|| {
        ItemError::invalid(
            "kind",
            "required: one of post, reply, edit, moderation_action, member_report, erasure",
        )
    })?;
    // Only ids already checked by `f.id` reach here. One sled read per
    // member id: erased members are few, so most reads find nothing.
    let current = |id: &str| -> Result<(Vec<u8>, u64), ItemError> {
        let key = erasure::key(&forum.id, &forum.pseudonyms.erasure_key(id));
        let epoch = if id.is_empty() {
            0
        } else {
            epochs.epoch(&key)?
        };
        Ok((key, epoch))
    };
    let pseudonym = |id: &str| -> Result<String, ItemError> {
        Ok(forum.pseudonyms.pseudonym_at(id, current(id)?.1))
    };
    let mut bump = None;

    let (kind, thread_key, payload) = match kind {
        Kind::Post(post) => {
            f.id("post.thread_id", &post.thread_id)?;
            f.id("post.board_id", &post.board_id)?;
            f.id("post.author_member_id", &post.author_member_id)?;
            let role = f.role("post.author_role", post.author_role)?;
            f.text("post.title", &post.title, limits.max_text_bytes, false)?;
            f.text("post.body", &post.body, limits.max_body_bytes, true)?;
            if post.content_warnings.len() > MAX_CONTENT_WARNINGS {
                return Err(ItemError::invalid(
                    "post.content_warnings",
                    format!("at most {MAX_CONTENT_WARNINGS} warnings"),
                ));
            }
            for (i, warning) in post.content_warnings.iter().enumerate() {
                f.text(
                    &format!("post.content_warnings[{i}]"),
                    warning,
                    limits.max_text_bytes,
                    true,
                )?;
            }
            (
                "post",
                post.thread_id.clone(),
                Payload::PostCreated(v1::PostCreated {
                    author_pseudonym: pseudonym(&post.author_member_id)?,
                    author_role: role as i32,
                    thread_id: post.thread_id,
                    board_id: post.board_id,
                    first_post_in_forum: post.first_post_in_forum,
                    title: post.title,
                    body: post.body,
                    no_replies_wanted: post.no_replies_wanted,
                    content_warnings: post.content_warnings,
                    held_for_premoderation: post.held_for_premoderation,
                }),
            )
        }
        Kind::Reply(reply) => {
            f.id("reply.thread_id", &reply.thread_id)?;
            f.id("reply.in_reply_to", &reply.in_reply_to)?;
            f.id("reply.author_member_id", &reply.author_member_id)?;
            f.optional_id("reply.board_id", &reply.board_id)?;
            let role = f.role("reply.author_role", reply.author_role)?;
            f.text("reply.body", &reply.body, limits.max_body_bytes, true)?;
            (
                "reply",
                reply.thread_id.clone(),
                Payload::ReplyCreated(v1::ReplyCreated {
                    author_pseudonym: pseudonym(&reply.author_member_id)?,
                    author_role: role as i32,
                    thread_id: reply.thread_id,
                    in_reply_to: reply.in_reply_to,
                    body: reply.body,
                    board_id: reply.board_id,
                    held_for_premoderation: reply.held_for_premoderation,
                }),
            )
        }
        Kind::Edit(edit) => {
            f.id("edit.thread_id", &edit.thread_id)?;
            f.id("edit.post_id", &edit.post_id)?;
            f.id("edit.editor_member_id", &edit.editor_member_id)?;
            let role = f.role("edit.editor_role", edit.editor_role)?;
            f.text("edit.title", &edit.title, limits.max_text_bytes, false)?;
            f.text("edit.body", &edit.body, limits.max_body_bytes, false)?;
            if edit.title.trim().is_empty() && edit.body.trim().is_empty() {
                return Err(ItemError::invalid(
                    "edit.body",
                    "an edit needs a new body or a new title",
                ));
            }
            (
                "edit",
                edit.thread_id.clone(),
                Payload::PostEdited(v1::PostEdited {
                    editor_pseudonym: pseudonym(&edit.editor_member_id)?,
                    editor_role: role as i32,
                    thread_id: edit.thread_id,
                    post_id: edit.post_id,
                    title: edit.title,
                    body: edit.body,
                }),
            )
        }
        Kind::ModerationAction(action) => {
            use ModerationActionKind as K;
            let kind = match K::try_from(action.kind) {
                Ok(K::Unspecified) => {
                    return Err(ItemError::invalid("moderation_action.kind", "required"));
                }
                Ok(kind) => kind,
                Err(_) => {
                    return Err(ItemError::invalid(
                        "moderation_action.kind",
                        format!("unknown value {}", action.kind),
                    ));
                }
            };
            let on_member = matches!(kind, K::MemberWarned | K::MemberSuspended);
            let on_thread = kind == K::ThreadLocked;
            if on_member {
                f.id("moderation_action.member_id", &action.member_id)?;
                f.optional_id("moderation_action.thread_id", &action.thread_id)?;
                f.optional_id("moderation_action.post_id", &action.post_id)?;
            } else {
                f.id("moderation_action.thread_id", &action.thread_id)?;
                f.optional_id("moderation_action.member_id", &action.member_id)?;
                if on_thread {
                    f.optional_id("moderation_action.post_id", &action.post_id)?;
                } else {
                    f.id("moderation_action.post_id", &action.post_id)?;
                }
            }
            f.id(
                "moderation_action.moderator_member_id",
                &action.moderator_member_id,
            )?;
            // Approving or restoring needs no explanation; taking something
            // away from a member always does (PRODUCT.md).
            let needs_reason = !matches!(kind, K::Approved | K::Restored);
            let member_must_be_told = matches!(
                kind,
                K::Hidden | K::Removed | K::Edited | K::MemberWarned | K::MemberSuspended
            );
            f.text(
                "moderation_action.reason_code",
                &action.reason_code,
                limits.max_id_bytes,
                needs_reason,
            )?;
            f.text(
                "moderation_action.message_to_member",
                &action.message_to_member,
                limits.max_text_bytes,
                member_must_be_told,
            )?;
            f.text(
                "moderation_action.content_warning",
                &action.content_warning,
                limits.max_text_bytes,
                kind == K::ContentWarningAdded,
            )?;
            let member_pseudonym = pseudonym(&action.member_id)?;
            let thread_key = if action.thread_id.is_empty() {
                format!("member/{member_pseudonym}")
            } else {
                action.thread_id.clone()
            };
            (
                "moderation_action",
                thread_key,
                Payload::ModerationAction(v1::ModerationAction {
                    kind: kind as i32,
                    thread_id: action.thread_id,
                    post_id: action.post_id,
                    member_pseudonym,
                    moderator_pseudonym: pseudonym(&action.moderator_member_id)?,
                    reason_code: action.reason_code,
                    message_to_member: action.message_to_member,
                    content_warning: action.content_warning,
                }),
            )
        }
        Kind::MemberReport(report) => {
            f.id("member_report.thread_id", &report.thread_id)?;
            f.id("member_report.post_id", &report.post_id)?;
            f.id(
                "member_report.reporter_member_id",
                &report.reporter_member_id,
            )?;
            let reason = match ReportReason::try_from(report.reason) {
                Ok(ReportReason::Unspecified) => {
                    return Err(ItemError::invalid("member_report.reason", "required"));
                }
                Ok(reason) => reason,
                Err(_) => {
                    return Err(ItemError::invalid(
                        "member_report.reason",
                        format!("unknown value {}", report.reason),
                    ));
                }
            };
            f.text(
                "member_report.note",
                &report.note,
                limits.max_text_bytes,
                false,
            )?;
            (
                "member_report",
                report.thread_id.clone(),
                Payload::MemberReport(v1::MemberReport {
                    reporter_pseudonym: pseudonym(&report.reporter_member_id)?,
                    reason: reason as i32,
                    thread_id: report.thread_id,
                    post_id: report.post_id,
                    note: report.note,
                }),
            )
        }
        Kind::Erasure(erasure) => {
            f.id("erasure.member_id", &erasure.member_id)?;
            // The pseudonym the member has had since their last erasure (or
            // ever): the one the consumers must forget.
            let (key, epoch) = current(&erasure.member_id)?;
            let pseudonym = forum.pseudonyms.pseudonym_at(&erasure.member_id, epoch);
            bump = Some(EpochBump { key, epoch });
            (
                "erasure",
                format!("member/{pseudonym}"),
                Payload::MemberErased(v1::MemberErased { pseudonym }),
            )
        }
    };

    Ok(Checked {
        kind,
        partition_key: format!("{}/{}", forum.id, thread_key),
        event: v1::Event {
            event_id: String::new(),
            forum_id: header.forum_id,
            source_id: header.source_id,
            occurred_at: Some(convert::timestamp(occurred_at)),
            received_at: None,
            payload: Some(payload),
        },
        bump,
    })
}

fn check_header(
    header: &EventHeader,
    forum: &Forum,
    f: &Fields<'_>,
    now: SystemTime,
) -> Result<SystemTime, ItemError> {
    f.id("header.forum_id", &header.forum_id)?;
    if header.forum_id != forum.id {
        return Err(ItemError::PermissionDenied(format!(
            "header.forum_id: this API key may only publish for forum {:?}, not {:?}",
            forum.id, header.forum_id
        )));
    }
    f.id("header.source_id", &header.source_id)?;
    let ts = header
        .occurred_at
        .as_ref()
        .ok_or_else(|| ItemError::invalid("header.occurred_at", "required"))?;
    let occurred_at = convert::system_time(ts).ok_or_else(|| {
        ItemError::invalid(
            "header.occurred_at",
            "not a valid time (before 1970 or bad nanos)",
        )
    })?;
    if occurred_at > now + f.limits.max_future_skew {
        let ahead = occurred_at
            .duration_since(now)
            .unwrap_or_default()
            .as_secs();
        return Err(ItemError::invalid(
            "header.occurred_at",
            format!(
                "{ahead} s in the future; at most {} s of clock skew is accepted",
                f.limits.max_future_skew.as_secs()
            ),
        ));
    }
    Ok(occurred_at)
}

struct Fields<'a> {
    limits: &'a Limits,
}

impl Fields<'_> {
    /// A required id: non-empty, within the length limit, no control
    /// characters or surrounding white space.
    fn id(&self, field: &str, value: &str) -> Result<(), ItemError> {
        if value.is_empty() {
            return Err(ItemError::invalid(field, "required"));
        }
        self.optional_id(field, value)
    }

    fn optional_id(&self, field: &str, value: &str) -> Result<(), ItemError> {
        if value.len() > self.limits.max_id_bytes {
            return Err(ItemError::invalid(
                field,
                format!(
                    "{} bytes long; ids may be at most {} bytes",
                    value.len(),
                    self.limits.max_id_bytes
                ),
            ));
        }
        if value.chars().any(char::is_control) || value.trim() != value {
            return Err(ItemError::invalid(
                field,
                "ids may not contain control characters or surrounding spaces",
            ));
        }
        Ok(())
    }

    fn text(&self, field: &str, value: &str, max: usize, required: bool) -> Result<(), ItemError> {
        if required && value.trim().is_empty() {
            return Err(ItemError::invalid(field, "required and must not be blank"));
        }
        if value.len() > max {
            return Err(ItemError::invalid(
                field,
                format!("{} bytes long; at most {max} bytes", value.len()),
            ));
        }
        if value.contains('\0') {
            return Err(ItemError::invalid(field, "contains a NUL character"));
        }
        Ok(())
    }

    fn role(&self, field: &str, value: i32) -> Result<AuthorRole, ItemError> {
        match AuthorRole::try_from(value) {
            Ok(AuthorRole::Unspecified) => Err(ItemError::invalid(
                field,
                "required: member, moderator or staff",
            )),
            Ok(role) => Ok(role),
            Err(_) => Err(ItemError::invalid(field, format!("unknown value {value}"))),
        }
    }
}
