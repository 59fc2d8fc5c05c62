//! Trains the lexical safety net (`src/model.rs`) on labelled posts and
//! reports how the rules, the model and both together do on other files.
//!
//! cargo run --release -p modstream-risk --example train_model -- \
//!     --train eval/posts.jsonl ... --eval eval/holdout.jsonl --out model/lexical.tsv
//!
//! Paths are relative to crates/risk. Never train on a held-out file.

use std::path::{Path, PathBuf};

use modstream_risk::model::{Model, Training};
use modstream_risk::normalize::normalize;
use modstream_risk::{Assessor, AssessorOptions};
use serde::Deserialize;

#[derive(Deserialize)]
struct Labelled {
    text: String,
    escalate: bool,
}

fn read(path: &Path) -> Vec<Labelled> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (mut train, mut eval, mut out) = (Vec::<PathBuf>::new(), Vec::<PathBuf>::new(), None);
    let mut list = &mut train;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--train" => list = &mut train,
            "--eval" => list = &mut eval,
            "--out" => out = args.next().map(|p| root.join(p)),
            path => list.push(root.join(path)),
        }
    }
    let docs: Vec<(String, bool)> = train
        .iter()
        .flat_map(|p| read(p))
        .map(|l| (normalize(&l.text).text, l.escalate))
        .collect();
    // 'static for the assessor; an example runs once and exits.
    let model: &'static Model = Box::leak(Box::new(Model::train(&docs, &Training::default())));
    println!("trained on {} posts: {} weights", docs.len(), model.len());
    // The rules alone, without the built-in model, for comparison.
    let rules = Assessor::with_options(&AssessorOptions {
        disabled_rules: vec![modstream_risk::MODEL_RULE.into()],
        ..Default::default()
    })
    .expect("valid options");
    for path in &eval {
        let posts = read(path);
        let (pos, neg) = (
            posts.iter().filter(|p| p.escalate).count() as f32,
            posts.iter().filter(|p| !p.escalate).count() as f32,
        );
        let by_rules: Vec<bool> = posts
            .iter()
            .map(|p| rules.assess(&p.text).escalate)
            .collect();
        let report = |name: String, hits: &dyn Fn(usize) -> bool| {
            let tp = (0..posts.len())
                .filter(|&i| posts[i].escalate && hits(i))
                .count() as f32;
            let fp = (0..posts.len())
                .filter(|&i| !posts[i].escalate && hits(i))
                .count() as f32;
            println!(
                "{:<20} {name:<22} recall {:.3}  false escalation {:.3}",
                path.file_name().unwrap().to_string_lossy(),
                tp / pos,
                fp / neg
            );
        };
        report("rules".into(), &|i| by_rules[i]);
        for threshold in [0.4f32, 0.5, 0.6, 0.7] {
            let both = Assessor::new().with_model(model, threshold);
            let hits: Vec<bool> = posts
                .iter()
                .map(|p| both.assess(&p.text).escalate)
                .collect();
            report(format!("rules+model@{threshold}"), &|i| hits[i]);
        }
    }
    if let Some(out) = out {
        std::fs::write(&out, model.to_text()).unwrap();
        println!("wrote {}", out.display());
    }
}
