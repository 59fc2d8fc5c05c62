//! How fast the assessor reads post text, on one core.
//!
//! cargo run --release -p modstream-risk --example throughput [-- ROUNDS]
//!
//! Assesses every post of `eval/posts.jsonl` ROUNDS times (default 20) with
//! the full assessor, the rules alone and the model alone, and prints MB/s
//! of post text and posts/s. Not a test: timings depend on the machine.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use modstream_risk::normalize::normalize;
use modstream_risk::{Assessor, AssessorOptions, MODEL_RULE, model};
use serde::Deserialize;

#[derive(Deserialize)]
struct Post {
    text: String,
}

/// This thread's CPU time (user and system), on Linux.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // The kernel reports clock ticks, 100 a second on Linux.
    Some(ticks / 100.0)
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/posts.jsonl");
    let posts: Vec<String> = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Post>(l).expect("a post").text)
        .collect();
    let bytes: usize = posts.iter().map(String::len).sum();
    let load = Instant::now();
    let parsed = model::Model::parse(include_str!("../model/lexical.tsv")).expect("model parses");
    println!(
        "model: {} weights, parsed in {:.1} ms",
        parsed.len(),
        load.elapsed().as_secs_f64() * 1e3
    );
    let build = Instant::now();
    let full = Assessor::new();
    println!(
        "assessor (rules and model) built in {:.1} ms",
        build.elapsed().as_secs_f64() * 1e3
    );
    let rules = Assessor::with_options(&AssessorOptions {
        disabled_rules: vec![MODEL_RULE.into()],
        ..Default::default()
    })
    .expect("valid options");
    let model = model::built_in();
    // Warm up: the first assessment builds lazy automata and parses the model.
    for post in &posts {
        black_box(full.assess(post));
        black_box(rules.assess(post));
    }
    let time = |name: &str, f: &dyn Fn(&str)| {
        let (start, cpu_start) = (Instant::now(), cpu_seconds());
        for _ in 0..rounds {
            for post in &posts {
                f(post);
            }
        }
        let wall = start.elapsed().as_secs_f64();
        // On a shared machine the wall clock counts other processes' turns;
        // this thread's CPU time does not.
        let secs = cpu_seconds().map_or(wall, |end| end - cpu_start.unwrap_or(0.0));
        println!(
            "{name:<12} {:>7.1} MB/s  {:>8.0} posts/s  (CPU {secs:.2} s, wall {wall:.2} s)",
            (bytes * rounds) as f64 / secs / 1e6,
            (posts.len() * rounds) as f64 / secs
        );
    };
    println!(
        "{} posts, {:.2} MB of text, {rounds} rounds",
        posts.len(),
        bytes as f64 / 1e6
    );
    time("assess", &|p| {
        black_box(full.assess(p));
    });
    time("rules only", &|p| {
        black_box(rules.assess(p));
    });
    time("normalize", &|p| {
        black_box(normalize(p));
    });
    time("model only", &|p| {
        black_box(model.score(&normalize(p).text));
    });
}
