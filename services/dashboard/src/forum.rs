//! One forum's page: time to first reply over time, the posts waiting for
//! a first reply by urgency, escalations with their timelines, the coming
//! week's cover, and the forum beside the federation median.
//!
//! The types here are what the page's JSON carries; the functions are the
//! computations behind it, pure so they are tested without a store.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use modstream_responsiveness::stats::forum_stats;
use modstream_responsiveness::thread::Thread;
use modstream_safeguarding::roster::Roster;
use serde::Serialize;

use crate::escalation::EscalationRow;
use crate::view::ms;

pub const HOUR_MS: i64 = 3_600_000;
const MINUTE: Duration = Duration::from_secs(60);
/// Hours of cover the page looks ahead.
pub const WEEK_HOURS: i64 = 7 * 24;

/// The span of the time-to-first-reply chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Day,
    Week,
}

impl Range {
    /// `24h` or `7d`, as in the page's links.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "24h" => Some(Self::Day),
            "7d" => Some(Self::Week),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Day => "24h",
            Self::Week => "7d",
        }
    }

    /// How many buckets, of how many hours. A week is drawn in six-hour
    /// buckets so each point still rests on a useful number of posts.
    pub fn buckets(self) -> (i64, i64) {
        match self {
            Self::Day => (24, 1),
            Self::Week => (28, 6),
        }
    }
}

/// Everything the forum page shows. Ids, boards, ages, severities,
/// moderator ids and counts: never post text or pseudonyms.
#[derive(Debug, Clone, Serialize)]
pub struct ForumPage {
    pub forum_id: String,
    pub name: String,
    /// The forum's IANA time zone (its roster's), which the page shows
    /// times in.
    pub time_zone: String,
    pub reply_target_ms: i64,
    pub now_ms: i64,
    pub ttfr: TtfrSeries,
    pub comparison: Comparison,
    pub unanswered_total: u64,
    /// The most urgent first, at most [`crate::view::LIST_LIMIT`].
    pub unanswered: Vec<WaitingPost>,
    /// Unresolved ones (those nobody has acknowledged first), then those
    /// resolved in the last 7 days, newest first.
    pub escalations: Vec<EscalationRow>,
    pub cover: CoverWeek,
}

/// Time to first reply per bucket of post arrival.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TtfrSeries {
    pub range: &'static str,
    pub bucket_ms: i64,
    pub buckets: Vec<TtfrBucket>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TtfrBucket {
    /// Posts created in [from_ms, from_ms + bucket_ms).
    pub from_ms: i64,
    /// Posts measured (visible, and not asking for no replies).
    pub posts: u64,
    pub answered: u64,
    pub unanswered: u64,
    /// Kaplan-Meier percentiles with unanswered posts as censored waits;
    /// `None` when too few are answered yet to say.
    pub p50_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

/// The forum's last 24 hours beside the federation median of every
/// forum's. Only the median leaves the view, never another forum's figure.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Comparison {
    pub posts: u64,
    pub ttfr_p50_ms: Option<i64>,
    pub answered_within_target: Option<f64>,
    pub federation_ttfr_p50_ms: Option<i64>,
    pub federation_answered_within_target: Option<f64>,
    /// Forums with posts in the window.
    pub forums_contributing: u32,
    /// Fewest contributing forums for a median to be shown.
    pub min_forums: u32,
}

/// A post waiting for its first reply.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WaitingPost {
    pub thread_id: String,
    pub post_id: String,
    pub board_id: String,
    pub age_ms: i64,
    /// The author's first post in the forum (a shorter allowance).
    pub new_member: bool,
    /// The wait it is measured against: its first alert threshold, else
    /// the forum's reply target.
    pub allowance_ms: i64,
    /// `age_ms / allowance_ms`: 1.0 means its allowance is used up.
    pub urgency: f64,
}

/// Who is on shift over the coming week, hour by hour and as stretches.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CoverWeek {
    /// The start of the current local hour.
    pub from_ms: i64,
    pub hours: Vec<CoverHour>,
    /// Stretches with the same cover; a stretch with no moderators is a
    /// gap.
    pub stretches: Vec<CoverStretch>,
    /// Hours with nobody on for at least part of the hour.
    pub hours_with_gaps: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CoverHour {
    pub from_ms: i64,
    /// Everyone on shift at some point in the hour.
    pub moderators: Vec<String>,
    /// Minutes of the hour with nobody on shift.
    pub uncovered_minutes: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CoverStretch {
    pub from_ms: i64,
    pub to_ms: i64,
    pub moderators: Vec<String>,
    pub lead: Option<String>,
}

/// The start of the `hours`-long local block (`hours` divides 24) that `at`
/// falls in, on `tz`'s wall clock: 14:37 is in the 14:00 hour, or in the
/// 12:00 block of six hours.
pub fn local_block_start(at: SystemTime, tz: &TimeZone, hours: i8) -> SystemTime {
    let Ok(instant) = Timestamp::try_from(at) else {
        return at;
    };
    let local = instant.to_zoned(tz.clone());
    local
        .with()
        .hour(local.hour() - local.hour() % hours)
        .minute(0)
        .second(0)
        .subsec_nanosecond(0)
        .build()
        .ok()
        .map(|start| SystemTime::from(start.timestamp()))
        // A start skipped by daylight saving resolves to when the clocks
        // resume, still not after `at`; should that ever fail, the whole
        // UTC hour will do.
        .filter(|start| *start <= at)
        .unwrap_or_else(|| {
            let at_ms = ms(at);
            SystemTime::UNIX_EPOCH
                + Duration::from_millis((at_ms - at_ms.rem_euclid(HOUR_MS)).max(0) as u64)
        })
}

/// Time to first reply per bucket of creation time: `count` buckets of
/// `bucket_ms` from `first_ms`. Each bucket's figures are the
/// responsiveness service's own (`forum_stats`), as of `now_ms`.
pub fn ttfr_buckets<'a>(
    threads: impl IntoIterator<Item = &'a Thread>,
    first_ms: i64,
    bucket_ms: i64,
    count: i64,
    now_ms: i64,
    target_ms: i64,
) -> Vec<TtfrBucket> {
    let mut groups: Vec<Vec<&Thread>> = vec![Vec::new(); count as usize];
    for thread in threads {
        let Some(post) = &thread.post else { continue };
        let i = (post.created_ms - first_ms).div_euclid(bucket_ms);
        if (0..count).contains(&i) {
            groups[i as usize].push(thread);
        }
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(i, threads)| {
            let all = forum_stats(threads, None, now_ms, target_ms)
                .all
                .unwrap_or_default();
            let ttfr = all.ttfr_any.unwrap_or_default();
            TtfrBucket {
                from_ms: first_ms + i as i64 * bucket_ms,
                posts: all.posts,
                answered: all.answered,
                unanswered: all.unanswered,
                p50_ms: ttfr.p50_ms,
                p90_ms: ttfr.p90_ms,
            }
        })
        .collect()
}

/// Most urgent first: the largest share of its allowance waited, then the
/// longest wait, then by thread id so the order is stable between updates.
pub fn by_urgency(posts: &mut [WaitingPost]) {
    posts.sort_by(|a, b| {
        b.urgency
            .total_cmp(&a.urgency)
            .then(b.age_ms.cmp(&a.age_ms))
            .then_with(|| a.thread_id.cmp(&b.thread_id))
    });
}

/// Who is on shift in each of the [`WEEK_HOURS`] hours from `from` (the
/// start of a local hour), minute by minute: rosters change cover on whole
/// minutes, so this finds every gap, also one of a few minutes.
pub fn cover_week(roster: &Roster, from: SystemTime) -> CoverWeek {
    let mut hours = Vec::with_capacity(WEEK_HOURS as usize);
    let mut stretches: Vec<CoverStretch> = Vec::new();
    for hour in 0..WEEK_HOURS {
        let hour_start = from + Duration::from_millis((hour * HOUR_MS) as u64);
        let mut on = BTreeSet::new();
        let mut uncovered_minutes = 0;
        for minute in 0..60 {
            let at = hour_start + MINUTE * minute;
            let (at_ms, to_ms) = (ms(at), ms(at + MINUTE));
            let cover = roster.on_shift(at);
            if cover.moderators.is_empty() {
                uncovered_minutes += 1;
            }
            match stretches.last_mut() {
                Some(last) if last.moderators == cover.moderators && last.lead == cover.lead => {
                    last.to_ms = to_ms;
                }
                _ => stretches.push(CoverStretch {
                    from_ms: at_ms,
                    to_ms,
                    moderators: cover.moderators.clone(),
                    lead: cover.lead,
                }),
            }
            on.extend(cover.moderators);
        }
        hours.push(CoverHour {
            from_ms: ms(hour_start),
            moderators: on.into_iter().collect(),
            uncovered_minutes,
        });
    }
    CoverWeek {
        from_ms: ms(from),
        hours_with_gaps: hours.iter().filter(|h| h.uncovered_minutes > 0).count() as u32,
        hours,
        stretches,
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn at(text: &str) -> SystemTime {
        SystemTime::from(text.parse::<Timestamp>().unwrap())
    }

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    #[test]
    fn hours_and_blocks_follow_the_forums_wall_clock() {
        // India is 5:30 off UTC: its hours start at half past, UTC.
        let kolkata = zone("Asia/Kolkata");
        assert_eq!(
            local_block_start(at("2026-11-23T08:10:00Z"), &kolkata, 1),
            at("2026-11-23T07:30:00Z")
        );
        // Six-hour blocks on London's clock: in summer time (UTC+1) the
        // 12:00 block starts at 11:00 UTC.
        let london = zone("Europe/London");
        assert_eq!(
            local_block_start(at("2026-07-01T13:59:00Z"), &london, 6),
            at("2026-07-01T11:00:00Z")
        );
        // The night the clocks go forward (01:00 GMT becomes 02:00 BST):
        // 02:30 BST is in the 00:00 block, which began at 00:00 GMT.
        assert_eq!(
            local_block_start(at("2026-03-29T01:30:00Z"), &london, 6),
            at("2026-03-29T00:00:00Z")
        );
        // An instant already on the hour is its own start.
        assert_eq!(
            local_block_start(at("2026-11-23T09:00:00Z"), &london, 1),
            at("2026-11-23T09:00:00Z")
        );
    }

    #[test]
    fn equal_urgency_keeps_a_stable_order() {
        let post = |thread: &str, age_ms: i64, urgency: f64| WaitingPost {
            thread_id: thread.into(),
            post_id: thread.into(),
            board_id: "b".into(),
            age_ms,
            new_member: false,
            allowance_ms: 1,
            urgency,
        };
        let mut posts = vec![
            post("c", 10, 0.5),
            post("b", 20, 0.5),
            post("a", 10, 0.5),
            post("d", 5, 2.0),
        ];
        by_urgency(&mut posts);
        let order: Vec<_> = posts.iter().map(|p| p.thread_id.as_str()).collect();
        assert_eq!(order, ["d", "b", "a", "c"]);
    }

    #[test]
    fn an_empty_roster_is_one_gap_all_week() {
        let week = cover_week(&Roster::empty("f"), UNIX_EPOCH + Duration::from_secs(3_600));
        assert_eq!(week.hours_with_gaps, WEEK_HOURS as u32);
        assert_eq!(week.stretches.len(), 1);
        assert_eq!(
            week.stretches[0].to_ms - week.stretches[0].from_ms,
            WEEK_HOURS * HOUR_MS
        );
    }
}
