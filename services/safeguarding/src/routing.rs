//! Who gets an escalation: a pure choice among the moderators available now,
//! so fairness and caps are tested without servers or clocks.

use std::collections::BTreeMap;

/// What routing knows about one available moderator (on shift and
/// connected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub moderator_id: String,
    /// Escalations they hold that are not resolved.
    pub open: u32,
    /// Of those, crisis ones.
    pub open_crisis: u32,
    /// When they were last given one (ms), for ties.
    pub last_assigned_ms: i64,
}

/// Picks the moderator to notify: never one already told about this
/// escalation, never one at the crisis cap for a crisis; then the fewest open
/// escalations, then the longest since their last one, then by id so the
/// choice is deterministic.
pub fn pick<'a>(
    candidates: &'a [Candidate],
    crisis: bool,
    max_open_crisis: u32,
    already_told: &[String],
) -> Option<&'a Candidate> {
    candidates
        .iter()
        .filter(|c| !already_told.contains(&c.moderator_id))
        .filter(|c| !crisis || c.open_crisis < max_open_crisis)
        .min_by(|a, b| {
            (a.open, a.last_assigned_ms, &a.moderator_id).cmp(&(
                b.open,
                b.last_assigned_ms,
                &b.moderator_id,
            ))
        })
}

/// Counts open escalations (all, crisis) per moderator id of one forum.
pub fn load<'a>(
    holders: impl IntoIterator<Item = (&'a str, bool)>,
) -> BTreeMap<&'a str, (u32, u32)> {
    let mut load = BTreeMap::new();
    for (moderator, crisis) in holders {
        let entry = load.entry(moderator).or_insert((0, 0));
        entry.0 += 1;
        entry.1 += u32::from(crisis);
    }
    load
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, open: u32, open_crisis: u32, last: i64) -> Candidate {
        Candidate {
            moderator_id: id.into(),
            open,
            open_crisis,
            last_assigned_ms: last,
        }
    }

    #[test]
    fn fewest_open_first_then_longest_waiting() {
        let c = [
            candidate("ana", 2, 0, 10),
            candidate("ben", 1, 0, 50),
            candidate("cat", 1, 0, 20),
        ];
        assert_eq!(pick(&c, false, 3, &[]).unwrap().moderator_id, "cat");
    }

    #[test]
    fn the_crisis_cap_is_never_exceeded() {
        let c = [candidate("ana", 3, 3, 0), candidate("ben", 5, 2, 0)];
        assert_eq!(pick(&c, true, 3, &[]).unwrap().moderator_id, "ben");
        assert_eq!(
            pick(&c, false, 3, &[]).unwrap().moderator_id,
            "ana",
            "the cap is on crisis escalations only"
        );
        let full = [candidate("ana", 3, 3, 0)];
        assert!(pick(&full, true, 3, &[]).is_none());
    }

    #[test]
    fn nobody_is_told_twice() {
        let c = [candidate("ana", 0, 0, 0), candidate("ben", 4, 0, 0)];
        let told = ["ana".to_owned()];
        assert_eq!(pick(&c, false, 3, &told).unwrap().moderator_id, "ben");
        let told = ["ana".to_owned(), "ben".to_owned()];
        assert!(pick(&c, false, 3, &told).is_none());
    }

    #[test]
    fn spreads_a_burst_evenly() {
        // Ten escalations in a row over three moderators: nobody gets more
        // than one more than anyone else.
        let mut c = vec![
            candidate("ana", 0, 0, 0),
            candidate("ben", 0, 0, 0),
            candidate("cat", 0, 0, 0),
        ];
        for t in 1..=10 {
            let id = pick(&c, false, 3, &[]).unwrap().moderator_id.clone();
            let chosen = c.iter_mut().find(|x| x.moderator_id == id).unwrap();
            chosen.open += 1;
            chosen.last_assigned_ms = t;
        }
        let opens: Vec<u32> = c.iter().map(|x| x.open).collect();
        assert_eq!(opens.iter().max().unwrap() - opens.iter().min().unwrap(), 1);
    }

    #[test]
    fn load_counts_per_moderator() {
        let l = load([("ana", true), ("ana", false), ("ben", true)]);
        assert_eq!(l["ana"], (2, 1));
        assert_eq!(l["ben"], (1, 1));
    }
}
