//! A flood of publish calls far past the gateway's limits: every call is
//! answered at once, acknowledged or refused with RESOURCE_EXHAUSTED (none
//! waits in a queue or times out), the process's memory stays bounded, and
//! the gateway serves normally afterwards. Bounded in count and time.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use modstream_proto::convert;
use modstream_proto::v1::{
    AuthorRole, EventHeader, NewPost, PublishPostRequest, ingest_client::IngestClient,
};

const KEY: &str = "ms_demo_riverside_4f1c9a7e2b6d8053";
/// Callers at once, and calls in all: far past the limits set below.
const CALLERS: usize = 200;
const CALLS: usize = 6_000;

/// A /proc/<pid>/status figure in KiB (e.g. VmRSS, VmHWM).
fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"))
}

fn request(n: usize) -> tonic::Request<PublishPostRequest> {
    let mut request = tonic::Request::new(PublishPostRequest {
        header: Some(EventHeader {
            forum_id: "riverside".into(),
            source_id: format!("flood-{n}"),
            occurred_at: Some(convert::timestamp(SystemTime::now())),
        }),
        post: Some(NewPost {
            thread_id: format!("flood-{n}"),
            board_id: "general".into(),
            author_member_id: format!("member-flood-{}", n % 97),
            author_role: AuthorRole::Member as i32,
            title: "Busy night".into(),
            // A few KiB each, so a queue of them would show in memory.
            body: "Just checking in after a long shift, nothing urgent. ".repeat(60),
            ..Default::default()
        }),
    });
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {KEY}").parse().unwrap());
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_is_refused_quickly_with_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    // The example config with small limits, so the flood is far past them.
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../modstream.example.toml"),
    )
    .unwrap();
    let config = example
        .replace("max_calls_in_flight = 1024", "max_calls_in_flight = 16")
        .replace("forum_calls_in_flight = 256", "forum_calls_in_flight = 8");
    assert_ne!(config, example, "the limits are in the example config");
    let path = dir.path().join("modstream.toml");
    std::fs::write(&path, config).unwrap();
    let mut command = common::up_command(dir.path());
    command
        .args(["--config".as_ref(), path.as_os_str()])
        .env("MODSTREAM_DATA_DIR", dir.path().join("data"));
    let (up, lines) = common::spawn(command);
    let pid = up.0.id();
    let gateway = tokio::task::spawn_blocking(move || {
        format!(
            "http://{}",
            common::address_after(&lines, &mut Vec::new(), common::GATEWAY)
        )
    })
    .await
    .unwrap();
    let client = IngestClient::connect(gateway).await.unwrap();
    // Warm up (sled, the bus, the services), then take the baseline.
    for n in 0..20 {
        client
            .clone()
            .publish_post(request(1_000_000 + n))
            .await
            .unwrap();
    }
    let baseline_kib = status_kib(pid, "VmRSS:");

    let next = Arc::new(AtomicUsize::new(0));
    let (ok, refused) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let (mut client, next, ok, refused) =
                (client.clone(), next.clone(), ok.clone(), refused.clone());
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= CALLS {
                        return;
                    }
                    // Generous for a loaded 2-core machine; a queue without
                    // bound (or a hang) still fails it.
                    let answer = tokio::time::timeout(
                        Duration::from_secs(30),
                        client.publish_post(request(n)),
                    )
                    .await
                    .expect("every call is answered promptly, none queued");
                    match answer {
                        Ok(_) => ok.fetch_add(1, Ordering::Relaxed),
                        Err(status) if status.code() == tonic::Code::ResourceExhausted => {
                            assert!(status.message().contains("calls in progress"), "{status:?}");
                            refused.fetch_add(1, Ordering::Relaxed)
                        }
                        Err(status) => panic!("a flood must be refused, not fail: {status:?}"),
                    };
                }
            })
        })
        .collect();
    for caller in callers {
        tokio::time::timeout(Duration::from_secs(300), caller)
            .await
            .expect("the flood ends in bounded time")
            .unwrap();
    }
    let (ok, refused) = (ok.load(Ordering::Relaxed), refused.load(Ordering::Relaxed));
    assert_eq!(ok + refused, CALLS);
    assert!(refused > 0 && ok > 0, "ok {ok}, refused {refused}");

    // Peak memory during the flood, over the warmed-up baseline.
    let peak_kib = status_kib(pid, "VmHWM:");
    let grew_mib = peak_kib.saturating_sub(baseline_kib) / 1024;
    eprintln!(
        "flood: {CALLS} calls from {CALLERS} callers: {ok} acknowledged, {refused} refused; \
         resident memory {} MiB before, peak {} MiB",
        baseline_kib / 1024,
        peak_kib / 1024
    );
    assert!(
        grew_mib < 256,
        "resident memory grew by {grew_mib} MiB under the flood (baseline {} MiB, peak {} MiB)",
        baseline_kib / 1024,
        peak_kib / 1024
    );

    // And it serves normally afterwards.
    client
        .clone()
        .publish_post(request(2_000_000))
        .await
        .expect("the gateway serves after the flood");
}
