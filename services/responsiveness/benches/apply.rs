//! The responsiveness service's apply step: one forum event into its sled
//! store (`Store::apply`), with the service's sled settings on a temporary
//! database. Not included: decoding, the bus, and the sync to disk that the
//! consumer makes after each event (see BENCHMARKS.md for the end-to-end
//! figures).
//!
//!   cargo bench -p modstream-responsiveness --bench apply
//!
//! The mix is about two posts to one reply (each reply answers a post a few
//! hundred events older), over 20 forums.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use modstream_proto::convert;
use modstream_proto::v1::{AuthorRole, Event, PostCreated, ReplyCreated, event::Payload};
use modstream_responsiveness::store::Store;

const FORUMS: u64 = 20;

/// The `n`th event of the mix: fresh ids each time, so every apply does work.
fn event(n: u64, now: SystemTime) -> Event {
    let forum = format!("forum-{:02}", n % FORUMS);
    let at = Some(convert::timestamp(now + Duration::from_millis(n)));
    let payload = if n % 3 == 2 && n > 600 {
        // An older post: n - 600 rounded down to a multiple of 3 is a post.
        let thread = format!("thread-{}", (n - 600) / 3 * 3);
        Payload::ReplyCreated(ReplyCreated {
            in_reply_to: thread.clone(),
            thread_id: thread,
            author_pseudonym: format!("m_{:032x}", n.wrapping_mul(2_654_435_761)),
            author_role: AuthorRole::Member as i32,
            body: "Grey weeks happen to me too. Be gentle with yourself.".into(),
            ..Default::default()
        })
    } else {
        Payload::PostCreated(PostCreated {
            thread_id: format!("thread-{n}"),
            board_id: format!("board-{}", n % 5),
            author_pseudonym: format!("m_{:032x}", n.wrapping_mul(40_503)),
            author_role: AuthorRole::Member as i32,
            first_post_in_forum: n.is_multiple_of(10),
            title: "A grey week".into(),
            body: "Feeling low this week and I can't pin down why. Hoping writing helps.".into(),
            ..Default::default()
        })
    };
    Event {
        event_id: format!("e{n}"),
        forum_id: forum,
        source_id: format!("s{n}"),
        occurred_at: at,
        received_at: at,
        payload: Some(payload),
    }
}

fn apply(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(modstream_responsiveness::open_db(dir.path()).unwrap()).unwrap();
    let now = SystemTime::now();
    let mut next = 0u64;

    let mut group = c.benchmark_group("responsiveness");
    group.throughput(Throughput::Elements(1));
    group.bench_function("store_apply", |b| {
        b.iter_custom(|iters| {
            let events: Vec<Event> = (next..next + iters).map(|n| event(n, now)).collect();
            next += iters;
            let started = Instant::now();
            for e in &events {
                black_box(store.apply(e).unwrap());
            }
            started.elapsed()
        })
    });
    group.finish();
}

criterion_group!(benches, apply);
criterion_main!(benches);
