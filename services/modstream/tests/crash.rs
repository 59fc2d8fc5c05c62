//! kill -9 of a running `modstream up` while crisis posts are being
//! escalated, several times over: every post the gateway acknowledged ends
//! up in exactly one escalation, and the escalations topic carries each
//! escalation's opening under one escalation id (repeats only with the same
//! change id, which readers drop).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command};
use std::time::{Duration, Instant, SystemTime};

use modstream_proto::convert;
use modstream_proto::topics::ESCALATIONS;
use modstream_proto::v1::{
    AuthorRole, EscalationEvent, EventHeader, ListOpenRequest, NewPost, PublishPostRequest,
    escalation_change::Change, ingest_client::IngestClient, moderation_client::ModerationClient,
};
use prost::Message as _;

const KEY: &str = "ms_demo_riverside_4f1c9a7e2b6d8053";
const TOKEN: &str = "ms_demo_mod_riverside_ana_61d0f3";
const ROUNDS: usize = 3;
const POSTS_PER_ROUND: usize = 12;

struct Up {
    child: Child,
    gateway: String,
    safeguarding: String,
}

fn start(dir: &std::path::Path) -> Up {
    let mut child = common::up_command(dir).spawn().unwrap();
    let lines = common::lines_of(child.stdout.take().unwrap());
    let mut printed = Vec::new();
    let mut address = |label| {
        format!(
            "http://{}",
            common::address_after(&lines, &mut printed, label)
        )
    };
    let gateway = address(common::GATEWAY);
    let safeguarding = address(common::SAFEGUARDING);
    Up {
        child,
        gateway,
        safeguarding,
    }
}

fn kill_9(mut up: Up) {
    let status = Command::new("kill")
        .args(["-KILL", &up.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let _ = up.child.wait();
}

fn crisis_post(n: usize) -> PublishPostRequest {
    PublishPostRequest {
        header: Some(EventHeader {
            forum_id: "riverside".into(),
            source_id: format!("crash-{n}"),
            occurred_at: Some(convert::timestamp(SystemTime::now())),
        }),
        post: Some(NewPost {
            thread_id: format!("crash-{n}"),
            board_id: "general".into(),
            author_member_id: format!("crash-member-{n}"),
            author_role: AuthorRole::Member as i32,
            title: String::new(),
            body: "I have taken an overdose. Goodbye everyone, I am so sorry.".into(),
            ..Default::default()
        }),
    }
}

fn bearer<T>(message: T, secret: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {secret}").parse().unwrap());
    request
}

#[tokio::test]
async fn kill_9_during_escalation_loses_and_repeats_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut acknowledged = BTreeSet::new();
    for round in 0..ROUNDS {
        let up = start(dir.path());
        let mut ingest = IngestClient::connect(up.gateway.clone()).await.unwrap();
        for i in 0..POSTS_PER_ROUND {
            let n = round * POSTS_PER_ROUND + i;
            if ingest
                .publish_post(bearer(crisis_post(n), KEY))
                .await
                .is_ok()
            {
                acknowledged.insert(format!("crash-{n}"));
            }
        }
        // Killed right after the last acknowledgement: the safeguarding
        // consumer is still at work on some of them.
        kill_9(up);
    }
    assert_eq!(acknowledged.len(), ROUNDS * POSTS_PER_ROUND);

    // After the last restart everything is caught up: one escalation per
    // acknowledged post, no more.
    let up = start(dir.path());
    let mut moderation = ModerationClient::connect(up.safeguarding.clone())
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let threads = loop {
        let open = moderation
            .list_open(bearer(ListOpenRequest {}, TOKEN))
            .await
            .unwrap()
            .into_inner()
            .escalations;
        let threads: Vec<String> = open.iter().map(|e| e.thread_id.clone()).collect();
        if threads.len() >= acknowledged.len() || Instant::now() > deadline {
            break threads;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let distinct: BTreeSet<String> = threads.iter().cloned().collect();
    assert_eq!(distinct, acknowledged, "every acknowledged post escalated");
    assert_eq!(threads.len(), distinct.len(), "no post escalated twice");

    // Stop cleanly so the outbox drains, then read the escalations topic.
    drop(moderation);
    Command::new("kill")
        .args(["-TERM", &up.child.id().to_string()])
        .status()
        .unwrap();
    let mut child = up.child;
    // Waited for off the runtime, so the test's own connections can close.
    let exit = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(exit.success());
    let bus = modstream_bus::Bus::open(
        &modstream_bus::BusOptions::embedded(6),
        &dir.path().join("modstream-data"),
    )
    .unwrap();
    let mut sub = bus.subscribe("crash-test-reader", &[ESCALATIONS]).unwrap();
    let mut opened: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    while let Ok(Ok(message)) = tokio::time::timeout(Duration::from_millis(500), sub.next()).await {
        let event = EscalationEvent::decode(message.payload.as_slice()).unwrap();
        let change = event.change.unwrap();
        if let Some(Change::Opened(_)) = change.change {
            opened
                .entry(event.thread_id)
                .or_default()
                .insert(change.change_id);
        }
    }
    assert_eq!(
        opened.keys().cloned().collect::<BTreeSet<_>>(),
        acknowledged,
        "every escalation's opening reached the bus"
    );
    for (thread, changes) in &opened {
        assert_eq!(changes.len(), 1, "{thread} opened more than once");
    }
}
