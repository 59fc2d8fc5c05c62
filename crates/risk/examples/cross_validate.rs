//! Leave-one-set-out cross-validation of the rules and the lexical model
//! over the tuning posts: each set of posts (by id prefix, one writer or
//! batch each) is left out in turn, a model is trained on the others, and
//! the rules plus that model are scored on the set left out. A set left out
//! stands for writers the model has never seen.
//!
//! cargo run --release -p modstream-risk --example cross_validate [-- SETS]
//!
//! SETS (default all) lists the prefixes to leave out, e.g. `p,q,r`; the
//! summary pools them. Environment:
//! - `MISSES=1` prints the posts each left-out set gets wrong at the
//!   shipped threshold (or `THRESHOLD`);
//! - `BITS`, `WORDS`, `PAIRS`, `SKIPS`, `CHARS` (e.g. `3-5`, `0-0` for
//!   none), `NEGATION`, `EPOCHS`, `L2`, `POSITIVE_WEIGHT` override the
//!   shipped training settings (flags are 0 or 1).
//!
//! Paths are relative to crates/risk; never point it at a held-out file.

use std::collections::BTreeMap;
use std::path::Path;

use modstream_risk::model::{Model, Training};
use modstream_risk::normalize::normalize;
use modstream_risk::{Assessor, AssessorOptions, Level, MODEL_RULE, MODEL_THRESHOLD};
use serde::Deserialize;

#[derive(Deserialize)]
struct Labelled {
    id: String,
    text: String,
    level: String,
    escalate: bool,
}

const THRESHOLDS: [f32; 9] = [0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9];

#[derive(Default, Clone, Copy)]
struct Tally {
    pos: usize,
    tp: usize,
    neg: usize,
    fp: usize,
}

impl Tally {
    fn add(&mut self, must: bool, did: bool) {
        if must {
            self.pos += 1;
            self.tp += usize::from(did);
        } else {
            self.neg += 1;
            self.fp += usize::from(did);
        }
    }
    fn merge(&mut self, o: Tally) {
        self.pos += o.pos;
        self.tp += o.tp;
        self.neg += o.neg;
        self.fp += o.fp;
    }
    fn show(&self) -> String {
        format!(
            "{:.3}/{:.3}",
            self.tp as f64 / self.pos.max(1) as f64,
            self.fp as f64 / self.neg.max(1) as f64
        )
    }
}

fn env<T: std::str::FromStr>(name: &str) -> Option<T> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// The shipped training settings, with any overrides from the environment.
pub fn training_from_env() -> Training {
    let mut t = Training::default();
    let flag = |name: &str, value: &mut bool| {
        if let Some(v) = env::<u8>(name) {
            *value = v == 1;
        }
    };
    flag("WORDS", &mut t.features.words);
    flag("PAIRS", &mut t.features.pairs);
    flag("SKIPS", &mut t.features.skips);
    flag("NEGATION", &mut t.features.negation);
    if let Some(bits) = env("BITS") {
        t.features.bits = bits;
    }
    if let Some(chars) = std::env::var("CHARS").ok()
        && let Some((a, b)) = chars.split_once('-')
    {
        t.features.min_chars = a.parse().expect("CHARS=min-max");
        t.features.max_chars = b.parse().expect("CHARS=min-max");
    }
    if let Some(share) = env("FRAGMENTS") {
        t.features.fragment_share = share;
    }
    if let Some(e) = env("EPOCHS") {
        t.epochs = e;
    }
    if let Some(l2) = env("L2") {
        t.l2 = l2;
    }
    if let Some(w) = env("POSITIVE_WEIGHT") {
        t.positive_weight = w;
    }
    t
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("eval/posts.jsonl");
    let posts: Vec<Labelled> = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a labelled post"))
        .collect();
    let prefix = |p: &Labelled| p.id.split('-').next().unwrap_or_default().to_owned();
    let mut sets: Vec<String> = Vec::new();
    for p in &posts {
        if !sets.contains(&prefix(p)) {
            sets.push(prefix(p));
        }
    }
    if let Some(only) = std::env::args().nth(1) {
        sets.retain(|s| only.split(',').any(|o| o == s));
    }
    let show_misses = std::env::var_os("MISSES").is_some();
    let miss_threshold: f32 = env("THRESHOLD").unwrap_or(MODEL_THRESHOLD);
    // The model's threshold where a rule's match was cancelled.
    let cancelled_threshold: f32 =
        env("CANCELLED_THRESHOLD").unwrap_or(modstream_risk::MODEL_THRESHOLD_OVER_CANCELLED);
    let training = training_from_env();
    eprintln!("{training:?}");
    // The rules do not depend on the model: judge every post once.
    let rules = Assessor::with_options(&AssessorOptions {
        disabled_rules: vec![MODEL_RULE.into()],
        ..Default::default()
    })
    .expect("valid options");
    let verdicts: Vec<(Level, bool)> = posts.iter().map(|p| rules.rules_verdict(&p.text)).collect();
    let normals: Vec<String> = posts.iter().map(|p| normalize(&p.text).text).collect();
    if let Ok(dump) = std::env::var("DUMP") {
        // For exploring models elsewhere: each post's normal form and what
        // the rules made of it.
        let mut out = String::new();
        for (i, p) in posts.iter().enumerate() {
            out.push_str(
                &serde_json::json!({
                    "id": p.id, "escalate": p.escalate, "normal": normals[i],
                    "rules": verdicts[i].0.as_str(), "eligible": verdicts[i].1,
                })
                .to_string(),
            );
            out.push('\n');
        }
        std::fs::write(dump, out).expect("writable dump");
    }
    let mut totals: BTreeMap<String, Tally> = BTreeMap::new();
    // Pooled over the sets left out, on a fine grid of thresholds.
    let grid: Vec<f32> = (0..=40).map(|i| 0.1 + i as f32 * 0.02).collect();
    let mut pooled = vec![Tally::default(); grid.len()];
    println!(
        "{:<4} {:>11}{}",
        "set",
        "rules",
        THRESHOLDS
            .iter()
            .map(|t| format!(" {:>11}", format!("+model@{t}")))
            .collect::<String>()
    );
    for set in &sets {
        let docs: Vec<(String, bool)> = (0..posts.len())
            .filter(|&i| prefix(&posts[i]) != *set)
            .map(|i| (normals[i].clone(), posts[i].escalate))
            .collect();
        let model = Model::train(&docs, &training);
        let held: Vec<usize> = (0..posts.len())
            .filter(|&i| prefix(&posts[i]) == *set)
            .collect();
        let scores: Vec<f32> = held.iter().map(|&i| model.score(&normals[i])).collect();
        let decide = |k: usize, t: f32| {
            let (level, eligible) = verdicts[held[k]];
            level >= Level::High
                || scores[k]
                    >= if eligible {
                        t
                    } else {
                        t.max(cancelled_threshold)
                    }
        };
        let mut row = format!("{set:<4}");
        let mut tally = Tally::default();
        for &i in &held {
            tally.add(posts[i].escalate, verdicts[i].0 >= Level::High);
        }
        totals.entry("rules".into()).or_default().merge(tally);
        row.push_str(&format!(" {:>11}", tally.show()));
        for t in THRESHOLDS {
            let mut tally = Tally::default();
            for (k, &i) in held.iter().enumerate() {
                tally.add(posts[i].escalate, decide(k, t));
            }
            totals.entry(format!("{t}")).or_default().merge(tally);
            row.push_str(&format!(" {:>11}", tally.show()));
        }
        println!("{row}");
        for (g, &t) in grid.iter().enumerate() {
            for (k, &i) in held.iter().enumerate() {
                pooled[g].add(posts[i].escalate, decide(k, t));
            }
        }
        if show_misses {
            for (k, &i) in held.iter().enumerate() {
                let p = &posts[i];
                if decide(k, miss_threshold) != p.escalate {
                    let (level, eligible) = verdicts[i];
                    println!(
                        "MISS {} {} rules {} {} model {:.2}: {}",
                        p.id,
                        p.level,
                        level.as_str(),
                        if eligible { "" } else { "(cancelled)" },
                        scores[k],
                        p.text
                    );
                }
            }
        }
    }
    let mut row = format!("{:<4} {:>11}", "all", totals["rules"].show());
    for t in THRESHOLDS {
        row.push_str(&format!(" {:>11}", totals[&format!("{t}")].show()));
    }
    println!("{row}");
    if std::env::var_os("GRID").is_some() {
        for (t, tally) in grid.iter().zip(&pooled) {
            println!("pooled @{t:.2}: {}", tally.show());
        }
    }
    // The best pooled recall within each false-escalation budget.
    let mut summary = String::from("best pooled recall:");
    for budget in [0.02, 0.03, 0.04, 0.05] {
        let best = grid
            .iter()
            .zip(&pooled)
            .filter(|(_, t)| (t.fp as f64) <= budget * t.neg as f64)
            .max_by_key(|(_, t)| t.tp);
        if let Some((threshold, tally)) = best {
            summary.push_str(&format!("  FE<={budget}: {} @{threshold:.2}", tally.show()));
        }
    }
    println!("{summary}");
}
