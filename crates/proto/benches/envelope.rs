//! Encoding and decoding the bus envelope (`modstream.v1.Event`), which the
//! gateway does once per event and every consumer once per event.
//!
//!   cargo bench -p modstream-proto --bench envelope

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use modstream_proto::convert;
use modstream_proto::v1::{AuthorRole, Event, PostCreated, ReplyCreated, event::Payload};
use prost::Message as _;

fn event(payload: Payload) -> Event {
    let at = UNIX_EPOCH + Duration::from_millis(1_795_420_800_123);
    Event {
        event_id: "0193f0c2-7d4e-7a61-9b3c-2f5e8d1a4c07".into(),
        forum_id: "riverside".into(),
        source_id: "post-48213".into(),
        occurred_at: Some(convert::timestamp(at)),
        received_at: Some(convert::timestamp(at + Duration::from_millis(40))),
        payload: Some(payload),
    }
}

/// A post and a reply of typical length (the bodies are about the median
/// length of the evaluation posts).
fn samples() -> [(&'static str, Event); 2] {
    let post = event(Payload::PostCreated(PostCreated {
        thread_id: "post-48213".into(),
        board_id: "low-mood".into(),
        author_pseudonym: "m_3f9a1c0e5b7d2468ace13579bdf02468".into(),
        author_role: AuthorRole::Member as i32,
        first_post_in_forum: false,
        title: "A grey week".into(),
        body: "Feeling low this week and I can't pin down why. Nothing bad happened, \
               everything just feels grey and slow. Hoping that writing it here helps a bit."
            .into(),
        no_replies_wanted: false,
        content_warnings: vec!["low mood".into()],
        held_for_premoderation: false,
    }));
    let reply = event(Payload::ReplyCreated(ReplyCreated {
        thread_id: "post-48213".into(),
        in_reply_to: "post-48213".into(),
        author_pseudonym: "m_0a1b2c3d4e5f60718293a4b5c6d7e8f9".into(),
        author_role: AuthorRole::Member as i32,
        body: "Grey weeks happen to me too. Be gentle with yourself, and do post again \
               if it drags on."
            .into(),
        board_id: "low-mood".into(),
        held_for_premoderation: false,
    }));
    [("post", post), ("reply", reply)]
}

fn envelope(c: &mut Criterion) {
    let mut group = c.benchmark_group("envelope");
    group.throughput(Throughput::Elements(1));
    for (name, event) in samples() {
        let bytes = event.encode_to_vec();
        group.bench_function(format!("encode_{name}"), |b| {
            b.iter(|| black_box(&event).encode_to_vec())
        });
        group.bench_function(format!("decode_{name}"), |b| {
            b.iter(|| Event::decode(black_box(bytes.as_slice())).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, envelope);
criterion_main!(benches);
