//! Leave-one-set-out cross-validation of the rules and the lexical model
//! over the tuning posts: each set of posts (by id prefix, one writer or
//! batch each) is left out in turn, a model is trained on the others, and
//! the rules plus that model are scored on the set left out. A set left out
//! stands for writers the model has never seen.
//!
//! cargo run --release -p modstream-risk --example cross_validate [-- SETS]
//!
//! SETS (default all) lists the prefixes to leave out, e.g. `p,q,r`. With
//! `MISSES=1` it prints the posts each left-out set gets wrong. Paths are
//! relative to crates/risk; never point it at a held-out file.

use std::collections::BTreeMap;
use std::path::Path;

use modstream_risk::model::Model;
use modstream_risk::normalize::normalize;
use modstream_risk::{Assessor, AssessorOptions, MODEL_RULE};
use serde::Deserialize;

#[derive(Deserialize)]
struct Labelled {
    id: String,
    text: String,
    level: String,
    escalate: bool,
}

const THRESHOLDS: [f32; 6] = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9];

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
    let mut sets: Vec<String> = posts.iter().map(prefix).collect();
    sets.dedup();
    let mut seen = std::collections::HashSet::new();
    sets.retain(|s| seen.insert(s.clone()));
    if let Some(only) = std::env::args().nth(1) {
        sets.retain(|s| only.split(',').any(|o| o == s));
    }
    let show_misses = std::env::var_os("MISSES").is_some();
    let epochs = std::env::var("EPOCHS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let l2 = std::env::var("L2")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1e-4);
    let rules = Assessor::with_options(&AssessorOptions {
        disabled_rules: vec![MODEL_RULE.into()],
        ..Default::default()
    })
    .expect("valid options");
    let mut totals: BTreeMap<String, Tally> = BTreeMap::new();
    println!(
        "{:<4} {:>11} {}",
        "set",
        "rules",
        THRESHOLDS
            .iter()
            .map(|t| format!("{:>11}", format!("+model@{t}")))
            .collect::<String>()
    );
    for set in &sets {
        let docs: Vec<(String, bool)> = posts
            .iter()
            .filter(|p| prefix(p) != *set)
            .map(|p| (normalize(&p.text).text, p.escalate))
            .collect();
        let model: &'static Model = Box::leak(Box::new(Model::train(&docs, epochs, l2)));
        let held: Vec<&Labelled> = posts.iter().filter(|p| prefix(p) == *set).collect();
        let mut row = format!("{set:<4}");
        let mut tally = Tally::default();
        for p in &held {
            tally.add(p.escalate, rules.assess(&p.text).escalate);
        }
        totals.entry("rules".into()).or_default().merge(tally);
        row.push_str(&format!(" {:>11}", tally.show()));
        for t in THRESHOLDS {
            let both = Assessor::new().with_model(model, t);
            let mut tally = Tally::default();
            for p in &held {
                let got = both.assess(&p.text);
                tally.add(p.escalate, got.escalate);
                if show_misses && t == modstream_risk::MODEL_THRESHOLD && got.escalate != p.escalate
                {
                    let rules: Vec<&str> = got.reasons.iter().map(|r| r.rule.as_str()).collect();
                    println!(
                        "MISS {} {} got {} {rules:?}: {}",
                        p.id,
                        p.level,
                        got.level.as_str(),
                        p.text
                    );
                }
            }
            totals.entry(format!("{t}")).or_default().merge(tally);
            row.push_str(&format!(" {:>11}", tally.show()));
        }
        println!("{row}");
    }
    let mut row = format!("{:<4} {:>11}", "all", totals["rules"].show());
    for t in THRESHOLDS {
        row.push_str(&format!(" {:>11}", totals[&format!("{t}")].show()));
    }
    println!("{row}");
}
