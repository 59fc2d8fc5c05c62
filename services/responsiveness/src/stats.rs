//! Turning tracked posts into the figures of `ForumStats`.

use std::collections::BTreeMap;

use modstream_config::AlertThresholds;
use modstream_proto::v1::{
    BoardSummary, FederationFigures, ForumStats, HourSummary, Percentiles, Summary,
};

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

/// The wait an unanswered post's urgency is measured against: its first
/// alert threshold (nudge, else escalate), else the forum's reply target.
/// A new member's first post has shorter thresholds, so it comes before an
/// older post that still has time. `ListUnanswered` and the dashboard order
/// posts by age over this allowance.
pub fn urgency_allowance_ms(thresholds: &AlertThresholds, new_member: bool, target_ms: i64) -> i64 {
    let (nudge, escalate) = if new_member {
        (
            thresholds.new_member_nudge_minutes,
            thresholds.new_member_escalate_minutes,
        )
    } else {
        (thresholds.nudge_minutes, thresholds.escalate_minutes)
    };
    [nudge, escalate]
        .into_iter()
        .find(|m| *m > 0)
        .map_or(target_ms, |m| m as i64 * 60_000)
}

/// Fewest forums whose figures may be combined into a federation median, so
/// that no single other forum's figures can be worked out from it.
pub const MIN_FORUMS_FOR_MEDIAN: usize = 3;

/// The federation medians over every forum's figures for one window (one
/// [`Summary`] per forum; forums without posts do not count). Each median is
/// `None` unless at least [`MIN_FORUMS_FOR_MEDIAN`] forums contribute.
pub fn federation_figures<'a>(forums: impl IntoIterator<Item = &'a Summary>) -> FederationFigures {
    let (mut p50s, mut p90s, mut shares) = (Vec::new(), Vec::new(), Vec::new());
    let mut contributing = 0;
    for all in forums {
        if all.posts == 0 {
            continue;
        }
        contributing += 1;
        let ttfr = all.ttfr_any.unwrap_or_default();
        p50s.extend(ttfr.p50_ms);
        p90s.extend(ttfr.p90_ms);
        shares.push(all.answered_within_target as f64 / all.posts as f64);
    }
    let enough = contributing >= MIN_FORUMS_FOR_MEDIAN;
    FederationFigures {
        forums_contributing: contributing as u32,
        median_ttfr_p50_ms: median_i64(p50s).filter(|_| enough),
        median_ttfr_p90_ms: median_i64(p90s).filter(|_| enough),
        median_share_within_target: median_f64(shares).filter(|_| enough),
    }
}

fn median_i64(mut values: Vec<i64>) -> Option<i64> {
    if values.len() < MIN_FORUMS_FOR_MEDIAN {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    })
}

fn median_f64(mut values: Vec<f64>) -> Option<f64> {
    if values.len() < MIN_FORUMS_FOR_MEDIAN {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forum(posts: u64, within: u64, p50_ms: Option<i64>) -> Summary {
        Summary {
            posts,
            answered_within_target: within,
            ttfr_any: Some(Percentiles {
                p50_ms,
                ..Percentiles::default()
            }),
            ..Summary::default()
        }
    }

    #[test]
    fn a_median_needs_enough_forums_with_posts() {
        let two = [
            forum(4, 2, Some(60_000)),
            forum(2, 2, Some(120_000)),
            forum(0, 0, None),
        ];
        let figures = federation_figures(&two);
        assert_eq!(figures.forums_contributing, 2);
        assert_eq!(figures.median_ttfr_p50_ms, None);
        assert_eq!(figures.median_share_within_target, None);

        let three = [
            forum(4, 2, Some(60_000)),
            forum(2, 2, Some(120_000)),
            forum(10, 1, Some(600_000)),
        ];
        let figures = federation_figures(&three);
        assert_eq!(figures.forums_contributing, 3);
        assert_eq!(figures.median_ttfr_p50_ms, Some(120_000));
        assert_eq!(figures.median_share_within_target, Some(0.5));
    }

    #[test]
    fn a_new_members_first_post_has_the_shorter_allowance() {
        let thresholds = AlertThresholds::default();
        assert!(
            urgency_allowance_ms(&thresholds, true, 3_600_000)
                < urgency_allowance_ms(&thresholds, false, 3_600_000)
        );
        let off = AlertThresholds {
            nudge_minutes: 0,
            escalate_minutes: 0,
            new_member_nudge_minutes: 0,
            new_member_escalate_minutes: 0,
        };
        assert_eq!(urgency_allowance_ms(&off, false, 1_800_000), 1_800_000);
    }
}
