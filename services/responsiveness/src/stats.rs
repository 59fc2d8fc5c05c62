//! Turning tracked posts into the figures of `ForumStats`.

use std::collections::BTreeMap;

use modstream_proto::v1::{BoardSummary, ForumStats, HourSummary, Percentiles, Summary};

use crate::survival::{Survival, Wait};
use crate::thread::{Measures, Status, Thread};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// The waits and counts of one group of posts.
#[derive(Default)]
struct Group {
    any: Vec<Wait>,
    peer: Vec<Wait>,
    answered: u64,
    within_target: u64,
    unanswered: u64,
}

impl Group {
    fn add(&mut self, m: &Measures, now_ms: i64, target_ms: i64) {
        let age = (now_ms - m.visible_ms.unwrap_or(now_ms)).max(0);
        match m.ttfr_ms() {
            Some(ttfr) => {
                self.answered += 1;
                self.within_target += u64::from(ttfr <= target_ms);
                self.any.push(Wait {
                    ms: ttfr,
                    answered: true,
                });
            }
            None => {
                self.unanswered += 1;
                self.any.push(Wait {
                    ms: age,
                    answered: false,
                });
            }
        }
        self.peer.push(match m.ttfr_peer_ms() {
            Some(ttfr) => Wait {
                ms: ttfr,
                answered: true,
            },
            None => Wait {
                ms: age,
                answered: false,
            },
        });
    }

    fn summary(self) -> Summary {
        Summary {
            posts: self.any.len() as u64,
            answered: self.answered,
            answered_within_target: self.within_target,
            unanswered: self.unanswered,
            ttfr_any: Some(percentiles(self.any)),
            ttfr_peer: Some(percentiles(self.peer)),
        }
    }
}

fn percentiles(waits: Vec<Wait>) -> Percentiles {
    let survival = Survival::estimate(waits);
    Percentiles {
        p50_ms: survival.percentile(0.5),
        p90_ms: survival.percentile(0.9),
        p99_ms: survival.percentile(0.99),
        observations: survival.observations() as u64,
    }
}

/// Computes the figures for the posts in `threads` (already limited to the
/// window), optionally one board, as of `now_ms`.
pub fn forum_stats<'a>(
    threads: impl IntoIterator<Item = &'a Thread>,
    board: Option<&str>,
    now_ms: i64,
    target_ms: i64,
) -> ForumStats {
    let mut all = Group::default();
    let mut by_board: BTreeMap<String, Group> = BTreeMap::new();
    let mut by_hour: BTreeMap<u32, Group> = BTreeMap::new();
    let (mut new_members, mut others) = (Group::default(), Group::default());
    let mut approvals = Vec::new();
    let mut stats = ForumStats {
        reply_target_ms: target_ms,
        ..ForumStats::default()
    };

    for thread in threads {
        let Some(post) = &thread.post else { continue };
        if board.is_some_and(|b| b != post.board_id) {
            continue;
        }
        let m = thread.measures();
        if post.held_for_premoderation {
            approvals.push(match m.approval_wait_ms {
                Some(wait) => Wait {
                    ms: wait,
                    answered: true,
                },
                None => Wait {
                    ms: (now_ms - post.created_ms).max(0),
                    answered: false,
                },
            });
        }
        match m.status {
            Status::NoPost => continue,
            Status::NoRepliesWanted => stats.no_replies_wanted += 1,
            Status::AwaitingApproval => stats.awaiting_approval += 1,
            Status::Withdrawn => stats.withdrawn += 1,
            Status::Unanswered | Status::Answered => {
                if m.status == Status::Unanswered {
                    let age = now_ms - m.visible_ms.unwrap_or(now_ms);
                    stats.oldest_unanswered_ms = stats.oldest_unanswered_ms.max(age);
                }
                all.add(&m, now_ms, target_ms);
                by_board
                    .entry(post.board_id.clone())
                    .or_default()
                    .add(&m, now_ms, target_ms);
                let hour = (m.visible_ms.unwrap_or(0).rem_euclid(DAY_MS) / HOUR_MS) as u32;
                by_hour.entry(hour).or_default().add(&m, now_ms, target_ms);
                let group = if post.first_post_in_forum {
                    &mut new_members
                } else {
                    &mut others
                };
                group.add(&m, now_ms, target_ms);
            }
        }
    }
    stats.all = Some(all.summary());
    stats.by_board = by_board
        .into_iter()
        .map(|(board_id, g)| BoardSummary {
            board_id,
            summary: Some(g.summary()),
        })
        .collect();
    stats.by_hour = by_hour
        .into_iter()
        .map(|(hour, g)| HourSummary {
            hour,
            summary: Some(g.summary()),
        })
        .collect();
    stats.new_members = Some(new_members.summary());
    stats.others = Some(others.summary());
    stats.time_to_approval = Some(percentiles(approvals));
    stats
}
