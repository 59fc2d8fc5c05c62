//! Risk assessment alone (no JSON, no I/O): every post of the labelled
//! evaluation set, a realistic mix of ordinary, distressed and crisis
//! posts, through the default assessor (rules and the lexical model).
//!
//!   cargo bench -p modstream-risk --bench assess
//!
//! Reports the corpus per second as bytes (MB/s) and as posts (posts/s).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use modstream_risk::Assessor;

fn corpus() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/eval/posts.jsonl");
    let text = std::fs::read_to_string(path).expect("the evaluation set is in the repository");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let post: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            post["text"].as_str().expect("a text").to_owned()
        })
        .collect()
}

fn assess(c: &mut Criterion) {
    let posts = corpus();
    let bytes: usize = posts.iter().map(String::len).sum();
    let assessor = Assessor::new();
    let run = || {
        for post in &posts {
            black_box(assessor.assess(black_box(post)));
        }
    };

    let mut group = c.benchmark_group("risk");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("assess_corpus_bytes", |b| b.iter(run));
    group.throughput(Throughput::Elements(posts.len() as u64));
    group.bench_function("assess_corpus_posts", |b| b.iter(run));
    group.finish();
}

criterion_group!(benches, assess);
criterion_main!(benches);
