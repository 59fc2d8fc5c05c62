//! Evaluation on the labelled posts in `eval/`: recall on the posts that must
//! be escalated, and the false-escalation rate on those that must not.
//!
//! Targets: recall >= 0.95, false escalation <= 0.05. They are asserted on
//! the set the rules were tuned on and the model trained on
//! (`posts.jsonl`). The held-out set (`holdout.jsonl`, written by a writer
//! whose posts were never read while tuning and never trained on) estimates
//! how the assessor does on posts nobody has seen; the test asserts its
//! figures do not fall below those measured when it was first scored (a
//! regression floor), and REPORT.md states them.
//!
//! `WRITE_EVAL_REPORT=1 cargo test --release -p modstream-risk --test
//! evaluation` rewrites `eval/REPORT.md` from the run, with leave-one-set-out
//! cross-validation over `posts.jsonl` (a model trained on all sets but one,
//! scored on that one), which takes a few seconds in a release build.

use std::fmt::Write as _;
use std::path::Path;

use modstream_risk::model::{Model, Training};
use modstream_risk::normalize::normalize;
use modstream_risk::{
    Assessor, AssessorOptions, Level, MODEL_RULE, MODEL_THRESHOLD, MODEL_THRESHOLD_OVER_CANCELLED,
};
use serde::Deserialize;

const MIN_RECALL: f64 = 0.95;
const MAX_FALSE_ESCALATION: f64 = 0.05;
/// Held-out figures measured when the held-out set was first scored
/// (recall 0.988, false escalation 0.043), rounded a little: a change that
/// makes unseen posts worse fails.
const HELD_OUT_RECALL_FLOOR: f64 = 0.97;
const HELD_OUT_FALSE_ESCALATION_CEILING: f64 = 0.05;
/// Regression bounds for the second held-out set (`holdout-v.jsonl`), from
/// its one scoring: recall meets the target; false escalation (0.057) does
/// not, and this bound records that rather than hiding it.
const SECOND_HELD_OUT_RECALL_FLOOR: f64 = MIN_RECALL;
const SECOND_HELD_OUT_FALSE_ESCALATION_CEILING: f64 = 0.06;

#[derive(Deserialize)]
struct Labelled {
    id: String,
    text: String,
    level: Level,
    escalate: bool,
}

fn read(name: &str) -> Vec<Labelled> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("eval")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            let post: Labelled =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}:{}: {e}", n + 1));
            assert_eq!(
                post.escalate,
                post.level >= Level::High,
                "{name}:{}: escalate disagrees with level",
                post.id
            );
            post
        })
        .collect()
}

/// Recall and false escalation over some posts.
#[derive(Default, Clone, Copy)]
struct Tally {
    must_escalate: usize,
    escalated_right: usize,
    must_not: usize,
    escalated_wrong: usize,
}

impl Tally {
    fn add(&mut self, must: bool, did: bool) {
        if must {
            self.must_escalate += 1;
            self.escalated_right += usize::from(did);
        } else {
            self.must_not += 1;
            self.escalated_wrong += usize::from(did);
        }
    }
    fn merge(&mut self, other: Tally) {
        self.must_escalate += other.must_escalate;
        self.escalated_right += other.escalated_right;
        self.must_not += other.must_not;
        self.escalated_wrong += other.escalated_wrong;
    }
    fn recall(&self) -> f64 {
        self.escalated_right as f64 / self.must_escalate.max(1) as f64
    }
    fn false_escalation(&self) -> f64 {
        self.escalated_wrong as f64 / self.must_not.max(1) as f64
    }
    fn cells(&self) -> String {
        format!(
            "{} | {:.3} ({}/{}) | {} | {:.3} ({}/{})",
            self.must_escalate,
            self.recall(),
            self.escalated_right,
            self.must_escalate,
            self.must_not,
            self.false_escalation(),
            self.escalated_wrong,
            self.must_not
        )
    }
}

struct Figures {
    name: &'static str,
    posts: usize,
    tally: Tally,
    level_right: usize,
    misses: Vec<String>,
}

fn evaluate(assessor: &Assessor, name: &'static str) -> Figures {
    let mut f = Figures {
        name,
        posts: 0,
        tally: Tally::default(),
        level_right: 0,
        misses: Vec::new(),
    };
    for post in read(name) {
        let got = assessor.assess(&post.text);
        f.posts += 1;
        f.level_right += usize::from(got.level == post.level);
        f.tally.add(post.escalate, got.escalate);
        if got.escalate != post.escalate {
            let rules: Vec<&str> = got.reasons.iter().map(|r| r.rule.as_str()).collect();
            f.misses.push(format!(
                "{} expected {} got {} {:?}: {}",
                post.id,
                post.level.as_str(),
                got.level.as_str(),
                rules,
                post.text
            ));
        }
    }
    f
}

/// Leave-one-set-out cross-validation over `posts.jsonl`: for each set (id
/// prefix: one writer or batch), a model trained on the other sets with the
/// shipped settings, beside the rules, at the shipped thresholds, scored on
/// the set left out. Returns one row per set, in file order.
fn leave_one_set_out() -> Vec<(String, Tally)> {
    let posts = read("posts.jsonl");
    let set_of = |p: &Labelled| p.id.split('-').next().unwrap_or_default().to_owned();
    let mut sets: Vec<String> = Vec::new();
    for p in &posts {
        if !sets.contains(&set_of(p)) {
            sets.push(set_of(p));
        }
    }
    let rules = Assessor::with_options(&AssessorOptions {
        disabled_rules: vec![MODEL_RULE.into()],
        ..Default::default()
    })
    .expect("valid options");
    // The rules do not depend on the model: judge every post once.
    let verdicts: Vec<(Level, bool)> = posts.iter().map(|p| rules.rules_verdict(&p.text)).collect();
    let normals: Vec<String> = posts.iter().map(|p| normalize(&p.text).text).collect();
    sets.into_iter()
        .map(|set| {
            let docs: Vec<(String, bool)> = (0..posts.len())
                .filter(|&i| set_of(&posts[i]) != set)
                .map(|i| (normals[i].clone(), posts[i].escalate))
                .collect();
            let model = Model::train(&docs, &Training::default());
            let mut tally = Tally::default();
            for i in (0..posts.len()).filter(|&i| set_of(&posts[i]) == set) {
                let (level, model_may) = verdicts[i];
                let threshold = if model_may {
                    MODEL_THRESHOLD
                } else {
                    MODEL_THRESHOLD.max(MODEL_THRESHOLD_OVER_CANCELLED)
                };
                let escalated = level >= Level::High || model.score(&normals[i]) >= threshold;
                tally.add(posts[i].escalate, escalated);
            }
            (set, tally)
        })
        .collect()
}

#[test]
fn meets_the_targets_on_tuned_and_held_out_posts() {
    let assessor = Assessor::new();
    let sets = [
        evaluate(&assessor, "posts.jsonl"),
        evaluate(&assessor, "holdout.jsonl"),
        evaluate(&assessor, "holdout-v.jsonl"),
    ];
    let mut report = String::from(
        "# Risk assessment evaluation\n\nGenerated by `WRITE_EVAL_REPORT=1 cargo test --release -p modstream-risk --test evaluation`.\n\n",
    );
    writeln!(report, "Ruleset {}, lexical model threshold {MODEL_THRESHOLD} ({MODEL_THRESHOLD_OVER_CANCELLED} where a rule's match was cancelled). Targets: recall >= {MIN_RECALL}, false escalation <= {MAX_FALSE_ESCALATION}.\n", modstream_risk::RULESET_VERSION).unwrap();
    writeln!(
        report,
        "| set | posts | must escalate | recall | must not escalate | false escalation | exact level |"
    )
    .unwrap();
    writeln!(report, "| --- | --- | --- | --- | --- | --- | --- |").unwrap();
    for f in &sets {
        writeln!(
            report,
            "| {} | {} | {} | {:.3} |",
            f.name,
            f.posts,
            f.tally.cells(),
            f.level_right as f64 / f.posts.max(1) as f64
        )
        .unwrap();
    }
    report.push_str(concat!(
        "\n`posts.jsonl` is the set the rules were developed against and the lexical model (`model/lexical.tsv`) was trained on: its figures are not an estimate for unseen posts. ",
        "`holdout.jsonl` was written by a separate writer, was never read while the rules were written, never trained on, and was scored once, after the last change to the rules, the model and its threshold: its figures estimate performance on unseen posts. ",
        "`holdout-v.jsonl` is a second held-out set by yet another writer, written while the model was retrained and scored once after: it meets the recall target and misses the false-escalation target (0.057 > 0.05). Nothing was changed after seeing it.\n",
    ));
    if std::env::var_os("WRITE_EVAL_REPORT").is_some() {
        let rows = leave_one_set_out();
        report.push_str(concat!(
            "\n## Leave-one-set-out cross-validation\n\n",
            "Each set of `posts.jsonl` (by id prefix: one writer or batch) left out in turn: a model trained on the others with the shipped settings, beside the rules, at the shipped thresholds. The rules are not retrained, and were written from the misses of every set except `r`, so only `r`'s row (never read while writing rules) and the held-out set are unseen by the rules too; for the other sets the model's share is honest and the rules' is not.\n\n",
            "| set left out | must escalate | recall | must not escalate | false escalation |\n",
            "| --- | --- | --- | --- | --- |\n",
        ));
        let mut all = Tally::default();
        let mut newest = Tally::default();
        for (set, tally) in &rows {
            writeln!(report, "| {set} | {} |", tally.cells()).unwrap();
            all.merge(*tally);
            if ["p", "q", "r"].contains(&set.as_str()) {
                newest.merge(*tally);
            }
        }
        writeln!(report, "| all, pooled | {} |", all.cells()).unwrap();
        writeln!(report, "| p, q, r pooled | {} |", newest.cells()).unwrap();
    }
    report.push_str(concat!(
        "\n## History\n\n",
        "- Ruleset .1 (rules alone) scored recall 0.675-0.750 on its first held-out set of 200 posts, which was then folded into `posts.jsonl`.\n",
        "- Ruleset .2 with a word and word-pair model scored 0.925/0.017 (recall/false escalation) on the next held-out set (`k-`, `m-`, 399 posts), and only 0.83-0.88 recall (false escalation 0.03-0.04) on three further sets by new writers (`p-`, `q-`, `r-`, 400 posts each). Left out one at a time with that model at 0.8, p/q/r scored 0.858/0.040, 0.900/0.043 and 0.847/0.013; all sets pooled 0.894/0.027.\n",
        "- For ruleset .3, the old held-out set and p/q/r were folded into `posts.jsonl` (4,336 posts); rules were written from cross-validation misses (not from `r`), the model gained word fragments and skip pairs in a hashed table, and its threshold was chosen by leave-one-set-out cross-validation as the highest recall with pooled false escalation <= 0.04. The present held-out set (`s-`, 400 posts), by another writer, was used for none of this; scored once at the end, it gave recall 0.988 (168/170) at false escalation 0.043 (10/230). Its 400 posts are a small sample: two more misses would be 0.976, two more false escalations 0.052.\n",
        "- A second held-out set (`u-`, 400 posts, another writer asked for phrasings a rule-writer would not expect) was written after ruleset .3 was final and scored once: recall 0.958 (161/168), false escalation 0.065 (15/232), missing the false-escalation target (9 of the 15 false escalations came from the rules alone). It was then folded into `posts.jsonl` (4,736 posts), the model retrained on it, and the threshold chosen again by the same cross-validation rule (0.52). `holdout.jsonl` (`s-`) scored 0.982 (167/170) / 0.039 (9/230) with that model, and a third set (`v-`, 400 posts, written meanwhile by another writer, scored once): recall 0.994 (170/171), false escalation 0.057 (13/229). On unseen writers recall meets the target and false escalation sits around it (0.04-0.065): the rules' precision on ordinary posts that share risky words (jokes about others, past overdoses, happy last posts, bereavement) is the next thing to fix.\n",
    ));
    for f in &sets {
        writeln!(report, "\n## Misses in {}\n", f.name).unwrap();
        if f.misses.is_empty() {
            report.push_str("None.\n");
        }
        for miss in &f.misses {
            // Only ids and labels in the report: the texts are in the set.
            let summary: String = miss.split(": ").next().unwrap_or_default().to_owned();
            writeln!(report, "- {summary}").unwrap();
        }
    }
    println!("{report}");
    for f in &sets {
        for miss in &f.misses {
            println!("MISS {}: {miss}", f.name);
        }
    }
    if std::env::var_os("WRITE_EVAL_REPORT").is_some() {
        std::fs::write(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/REPORT.md"),
            &report,
        )
        .unwrap();
    }
    let [tuned, held_out, second] = &sets;
    for f in &sets {
        assert!(f.posts >= 100, "{}: only {} posts", f.name, f.posts);
    }
    assert!(
        tuned.tally.recall() >= MIN_RECALL,
        "{}: recall {:.3} < {MIN_RECALL}",
        tuned.name,
        tuned.tally.recall()
    );
    assert!(
        tuned.tally.false_escalation() <= MAX_FALSE_ESCALATION,
        "{}: false escalation {:.3} > {MAX_FALSE_ESCALATION}",
        tuned.name,
        tuned.tally.false_escalation()
    );
    assert!(
        held_out.tally.recall() >= HELD_OUT_RECALL_FLOOR,
        "{}: recall {:.3} fell below {HELD_OUT_RECALL_FLOOR}",
        held_out.name,
        held_out.tally.recall()
    );
    assert!(
        held_out.tally.false_escalation() <= HELD_OUT_FALSE_ESCALATION_CEILING,
        "{}: false escalation {:.3} rose above {HELD_OUT_FALSE_ESCALATION_CEILING}",
        held_out.name,
        held_out.tally.false_escalation()
    );
    assert!(
        second.tally.recall() >= SECOND_HELD_OUT_RECALL_FLOOR,
        "{}: recall {:.3} fell below {SECOND_HELD_OUT_RECALL_FLOOR}",
        second.name,
        second.tally.recall()
    );
    assert!(
        second.tally.false_escalation() <= SECOND_HELD_OUT_FALSE_ESCALATION_CEILING,
        "{}: false escalation {:.3} rose above {SECOND_HELD_OUT_FALSE_ESCALATION_CEILING}",
        second.name,
        second.tally.false_escalation()
    );
}
