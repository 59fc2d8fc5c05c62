//! Time-to-first-reply percentiles that do not hide unanswered posts.
//!
//! Averaging only the answered posts flatters a slow forum: the posts nobody
//! answered simply vanish from the figure. Here every visible post is an
//! observation: an answered one is a wait that *ended* after its TTFR; a
//! still-unanswered one is a wait *censored* at its current age (it has been
//! waiting at least that long). The Kaplan–Meier estimator combines both into
//! S(t), the share of posts still unanswered t after becoming visible, and a
//! percentile q is the first t where 1 − S(t) ≥ q. When too many posts are
//! still unanswered for the share answered ever to reach q, the percentile is
//! *not reached* (`None`), never a flattering number.

/// One post's wait for its first reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    /// How long it waited: its TTFR if answered, its age if not.
    pub ms: i64,
    /// True when the wait ended with a reply; false when it is still going.
    pub answered: bool,
}

/// A Kaplan–Meier estimate of time to first reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Survival {
    /// (t, S(t) just after t), one step per distinct answered wait.
    steps: Vec<(i64, f64)>,
    observations: usize,
}

impl Survival {
    /// Estimates from `waits` (in any order).
    pub fn estimate(mut waits: Vec<Wait>) -> Self {
        // At equal times, replies come before censoring (the usual
        // convention: a post censored at t was still at risk at t).
        waits.sort_by_key(|w| (w.ms, !w.answered));
        let observations = waits.len();
        let mut at_risk = observations as f64;
        let mut surviving = 1.0_f64;
        let mut steps = Vec::new();
        let mut i = 0;
        while i < waits.len() {
            let t = waits[i].ms;
            let (mut answered, mut censored) = (0.0, 0.0);
            while i < waits.len() && waits[i].ms == t {
                if waits[i].answered {
                    answered += 1.0;
                } else {
                    censored += 1.0;
                }
                i += 1;
            }
            if answered > 0.0 {
                surviving *= 1.0 - answered / at_risk;
                steps.push((t, surviving));
            }
            at_risk -= answered + censored;
        }
        Self {
            steps,
            observations,
        }
    }

    /// How many posts the estimate is based on.
    pub fn observations(&self) -> usize {
        self.observations
    }

    /// The first wait by which a share `q` (0 < q ≤ 1) of posts is answered,
    /// or `None` if the data never shows that share answered.
    pub fn percentile(&self, q: f64) -> Option<i64> {
        // A small tolerance keeps 0.5 from missing 1 − 0.5 by a rounding hair.
        self.steps
            .iter()
            .find(|(_, s)| 1.0 - s >= q - 1e-9)
            .map(|(t, _)| *t)
    }

    /// The estimated share of posts answered within `ms`.
    pub fn answered_within(&self, ms: i64) -> f64 {
        let surviving = self
            .steps
            .iter()
            .take_while(|(t, _)| *t <= ms)
            .last()
            .map_or(1.0, |(_, s)| *s);
        1.0 - surviving
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn answered(min: i64) -> Wait {
        Wait {
            ms: min * MIN,
            answered: true,
        }
    }
    fn waiting(min: i64) -> Wait {
        Wait {
            ms: min * MIN,
            answered: false,
        }
    }

    #[test]
    fn with_every_post_answered_it_is_the_plain_percentile() {
        let s = Survival::estimate((1..=10).map(answered).collect());
        assert_eq!(s.percentile(0.5), Some(5 * MIN));
        assert_eq!(s.percentile(0.9), Some(9 * MIN));
        assert_eq!(s.percentile(1.0), Some(10 * MIN));
        assert!((s.answered_within(3 * MIN) - 0.3).abs() < 1e-9);
    }

    #[test]
    fn a_forum_that_leaves_most_posts_unanswered_has_no_good_median() {
        // Four quick answers, six posts ignored for hours. Averaging only the
        // answered posts would report a 2-3 minute median.
        let mut waits: Vec<Wait> = (1..=4).map(answered).collect();
        waits.extend((0..6).map(|_| waiting(6 * 60)));
        let s = Survival::estimate(waits);
        assert_eq!(s.percentile(0.5), None, "median not reached");
        assert_eq!(s.percentile(0.4), Some(4 * MIN));
    }

    #[test]
    fn young_unanswered_posts_are_censored_not_counted_as_failures() {
        // Posts only a minute old cannot tell us they are slow: they leave
        // the risk set without moving the curve.
        let mut waits = vec![answered(10), answered(20)];
        waits.extend((0..8).map(|_| waiting(1)));
        let s = Survival::estimate(waits);
        assert_eq!(s.percentile(0.5), Some(10 * MIN));
        assert_eq!(s.percentile(1.0), Some(20 * MIN));
    }

    #[test]
    fn no_observations_means_no_percentiles() {
        let s = Survival::estimate(vec![]);
        assert_eq!(s.percentile(0.5), None);
        assert_eq!(s.observations(), 0);
    }
}
