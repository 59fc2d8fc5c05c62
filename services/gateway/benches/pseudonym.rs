//! Member pseudonyms (HMAC-SHA256), computed at the gateway for every member
//! id of every event.
//!
//!   cargo bench -p modstream-gateway --bench pseudonym

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use modstream_gateway::pseudonym::Pseudonymizer;

fn pseudonym(c: &mut Criterion) {
    let forum = Pseudonymizer::new(&[0x5a; 32]);
    let mut group = c.benchmark_group("pseudonym");
    group.throughput(Throughput::Elements(1));
    group.bench_function("member_id", |b| {
        b.iter(|| forum.pseudonym(black_box("member-104857")))
    });
    group.finish();
}

criterion_group!(benches, pseudonym);
criterion_main!(benches);
