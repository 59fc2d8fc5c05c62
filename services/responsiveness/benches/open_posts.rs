//! Benchmark: track a large number of open (unanswered) posts and query them.
//!
//!   cargo bench -p modstream-responsiveness --bench open_posts
//!   BENCH_POSTS=100000 cargo bench -p modstream-responsiveness --bench open_posts
//!
//! Applies BENCH_POSTS (default 1,000,000) opening posts spread over 20
//! forums and 30 days, none answered, into the service's store (same sled
//! settings as the service), then reports apply throughput, resident memory,
//! and the time of a 30-day stats query and an unanswered listing for one
//! forum. Figures go to BENCHMARKS.md by hand; this is not a pass/fail test.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use modstream_proto::convert;
use modstream_proto::v1::{AuthorRole, Event, PostCreated, event::Payload};
use modstream_responsiveness::stats::forum_stats;
use modstream_responsiveness::store::Store;

const FORUMS: u64 = 20;
const DAY_MS: u64 = 24 * 3_600_000;

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let posts: u64 = std::env::var("BENCH_POSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let db = modstream_responsiveness::open_db(dir.path()).unwrap();
    let store = Store::open(db).unwrap();
    let now = SystemTime::now();
    let now_ms = now.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    let start_ms = now_ms - 30 * DAY_MS;
    println!("posts: {posts}, forums: {FORUMS}");
    println!("rss before: {} MiB", status_kib("VmRSS:") / 1024);

    let started = Instant::now();
    for i in 0..posts {
        let forum = format!("forum-{:02}", i % FORUMS);
        let thread = format!("thread-{i:08}");
        let created = start_ms + (i * 30 * DAY_MS / posts);
        let event = Event {
            event_id: format!("e{i}"),
            forum_id: forum,
            source_id: thread.clone(),
            occurred_at: Some(convert::timestamp(
                UNIX_EPOCH + Duration::from_millis(created),
            )),
            received_at: None,
            payload: Some(Payload::PostCreated(PostCreated {
                thread_id: thread,
                board_id: format!("board-{}", i % 7),
                author_pseudonym: format!("m_{:032x}", i * 7919),
                author_role: AuthorRole::Member as i32,
                first_post_in_forum: i % 10 == 0,
                title: "A title of a typical length".into(),
                body: "x".repeat(400),
                ..Default::default()
            })),
        };
        store.apply(&event).unwrap();
    }
    let apply = started.elapsed();
    println!(
        "applied in {:.1} s: {:.0} events/s",
        apply.as_secs_f64(),
        posts as f64 / apply.as_secs_f64()
    );
    println!(
        "rss after apply: {} MiB (peak {} MiB)",
        status_kib("VmRSS:") / 1024,
        status_kib("VmHWM:") / 1024
    );

    let started = Instant::now();
    let found = store
        .posts_created("forum-00", start_ms as i64, now_ms as i64 + 1)
        .unwrap();
    let stats = forum_stats(
        found.iter().map(|f| &f.thread),
        None,
        now_ms as i64,
        3_600_000,
    );
    let query = started.elapsed();
    let all = stats.all.unwrap();
    println!(
        "30-day stats for one forum ({} posts, {} unanswered): {:.0} ms",
        all.posts,
        all.unanswered,
        query.as_secs_f64() * 1000.0
    );
    drop(found);

    let started = Instant::now();
    let mut unanswered = store.unanswered("forum-00").unwrap();
    unanswered.sort_by_key(|(thread, visible)| (*visible, thread.clone()));
    println!(
        "unanswered listing for one forum ({} posts): {:.0} ms",
        unanswered.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    println!(
        "rss at end: {} MiB (peak {} MiB)",
        status_kib("VmRSS:") / 1024,
        status_kib("VmHWM:") / 1024
    );
    let disk: u64 = walk(dir.path());
    println!("on disk: {} MiB", disk / (1024 * 1024));
}

fn walk(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        walk(&p)
                    } else {
                        e.metadata().map_or(0, |m| m.len())
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
