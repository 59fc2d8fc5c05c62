//! End to end: forum events published through the gateway reach the
//! responsiveness service over the bus (embedded and Kafka), and its query
//! API reports time to first reply by the exact definitions. Time is a
//! manual clock; events carry their own forum times.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use modstream_clock::{ManualClock, SharedClock};
use modstream_proto::convert;
use modstream_proto::topics::ALERTS;
use modstream_proto::v1::{
    AlertState, AuthorRole, EventHeader, ForumStats, IngestEvent, ListUnansweredRequest,
    ModerationActionKind, NewModerationAction, PublishBatchRequest, StatsRequest,
    StreamAlertsRequest, UnansweredAlert, ingest_event::Kind, item_result::Outcome,
    responsiveness_client::ResponsivenessClient,
};
use modstream_tests::*;
use prost::Message as _;
use tonic::Code;

const MIN: i64 = 60_000;

/// "Now" for the whole test: a fixed, whole minute.
fn now() -> SystemTime {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    UNIX_EPOCH + Duration::from_secs(secs - secs % 60)
}

fn at(minutes_ago: i64) -> Option<prost_types::Timestamp> {
    Some(convert::timestamp(
        now() - Duration::from_secs(minutes_ago as u64 * 60),
    ))
}

fn item(source: &str, minutes_ago: i64, kind: Kind) -> IngestEvent {
    IngestEvent {
        header: Some(EventHeader {
            forum_id: ALPHA.into(),
            source_id: source.into(),
            occurred_at: at(minutes_ago),
        }),
        kind: Some(kind),
    }
}

fn reply_by(thread: &str, member: &str, role: AuthorRole) -> Kind {
    let mut r = reply(thread, member, "Here for you.");
    r.author_role = role as i32;
    Kind::Reply(r)
}

fn action(kind: ModerationActionKind, thread: &str, target: &str) -> Kind {
    Kind::ModerationAction(NewModerationAction {
        kind: kind as i32,
        thread_id: thread.into(),
        post_id: target.into(),
        member_id: String::new(),
        moderator_member_id: "mod-1".into(),
        reason_code: "review".into(),
        message_to_member: "Your reply was removed because it gave medical advice.".into(),
        content_warning: String::new(),
    })
}

/// The scenario, all two hours ago or less (t0 = 120 minutes ago):
/// - A: answered by a moderator after 5 min, by a peer after 12 (the
///   author's own reply at 1 min does not count);
/// - B: the author wants no replies;
/// - C: held for pre-moderation, approved after 20 min, answered 10 min later;
/// - D: a new member's first post, never answered (waiting 110 min);
/// - E: answered after 5 min, but that reply was removed (waiting 117 min).
fn scenario() -> Vec<IngestEvent> {
    let mut b = post(
        "B",
        "member-b",
        "Just writing this down for myself tonight.",
    );
    b.no_replies_wanted = true;
    let mut c = post("C", "member-c", "First time posting here, nervous.");
    c.held_for_premoderation = true;
    c.board_id = "evenings".into();
    let mut d = post("D", "member-d", "Not sure where to start.");
    d.first_post_in_forum = true;
    vec![
        item(
            "A",
            120,
            Kind::Post(post(
                "A",
                "member-a",
                "Struggling to get out of bed this week.",
            )),
        ),
        item("A-r0", 119, reply_by("A", "member-a", AuthorRole::Member)),
        item("A-r1", 115, reply_by("A", "mod-1", AuthorRole::Moderator)),
        item("A-r2", 108, reply_by("A", "member-x", AuthorRole::Member)),
        item("B", 118, Kind::Post(b)),
        item("C", 120, Kind::Post(c)),
        item(
            "C-ok",
            100,
            action(ModerationActionKind::Approved, "C", "C"),
        ),
        item("C-r1", 90, reply_by("C", "member-y", AuthorRole::Member)),
        item("D", 110, Kind::Post(d)),
        item(
            "E",
            117,
            Kind::Post(post("E", "member-e", "Anyone else find weekends hardest?")),
        ),
        item("E-r1", 112, reply_by("E", "member-z", AuthorRole::Member)),
        item(
            "E-rm",
            111,
            action(ModerationActionKind::Removed, "E", "E-r1"),
        ),
    ]
}

async fn publish_scenario(system: &System) {
    let results = system
        .client()
        .await
        .publish_batch(authorized(
            PublishBatchRequest { events: scenario() },
            ALPHA_KEY,
        ))
        .await
        .unwrap()
        .into_inner()
        .results;
    for result in results {
        assert!(
            matches!(result.outcome, Some(Outcome::Published(_))),
            "{result:?}"
        );
    }
}

async fn client(service: &Service) -> ResponsivenessClient<tonic::transport::Channel> {
    ResponsivenessClient::connect(format!("http://{}", service.address))
        .await
        .unwrap()
}

fn stats_request() -> StatsRequest {
    StatsRequest {
        forum_id: ALPHA.into(),
        board_id: String::new(),
        from: None,
        to: None,
    }
}

/// Polls until the service has applied the whole scenario (the consumer runs
/// asynchronously), then returns its figures.
async fn settled_stats(service: &Service) -> ForumStats {
    let mut client = client(service).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let stats = client
            .get_stats(authorized(stats_request(), ALPHA_KEY))
            .await
            .unwrap()
            .into_inner();
        let all = stats.all.unwrap_or_default();
        if all.posts == 4 && all.answered == 2 && stats.no_replies_wanted == 1 {
            return stats;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "scenario not applied in time; last figures: {stats:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn check_figures(stats: &ForumStats) {
    let all = stats.all.unwrap();
    assert_eq!((all.posts, all.answered, all.unanswered), (4, 2, 2));
    assert_eq!(
        all.answered_within_target, 2,
        "target is 30 min in the test config"
    );
    assert_eq!(stats.awaiting_approval, 0);
    assert_eq!(stats.withdrawn, 0);
    assert_eq!(
        stats.oldest_unanswered_ms,
        117 * MIN,
        "E waits since its post: its only reply was removed"
    );
    let any = all.ttfr_any.unwrap();
    // Waits: A 5 (answered), C 10 (answered), D 110+ and E 117+ (censored).
    assert_eq!(any.p50_ms, Some(10 * MIN));
    assert_eq!(
        any.p90_ms, None,
        "90% answered is not reached while half wait"
    );
    let peer = all.ttfr_peer.unwrap();
    assert_eq!(
        peer.p50_ms,
        Some(12 * MIN),
        "A's first peer reply came after 12 min"
    );
    assert_eq!(stats.time_to_approval.unwrap().p50_ms, Some(20 * MIN));
    let new = stats.new_members.unwrap();
    assert_eq!((new.posts, new.unanswered), (1, 1));
    let boards: Vec<&str> = stats.by_board.iter().map(|b| b.board_id.as_str()).collect();
    assert_eq!(boards, ["evenings", "general"]);
}

async fn ttfr_restart_and_replay(system: &mut System) {
    publish_scenario(system).await;
    system.start_responsiveness().await;
    let stats = settled_stats(system.responsiveness.as_ref().unwrap()).await;
    check_figures(&stats);

    let mut queries = client(system.responsiveness.as_ref().unwrap()).await;
    let list = queries
        .list_unanswered(authorized(
            ListUnansweredRequest {
                forum_id: ALPHA.into(),
                limit: 10,
            },
            ALPHA_KEY,
        ))
        .await
        .unwrap()
        .into_inner();
    let order: Vec<(&str, i64, bool)> = list
        .posts
        .iter()
        .map(|p| (p.post_id.as_str(), p.age_ms / MIN, p.author_is_new))
        .collect();
    assert_eq!(
        order,
        [("D", 110, true), ("E", 117, false)],
        "most urgent first: D is a new member's post, far past its shorter (15 min) threshold"
    );

    // Another forum's key sees nothing of this forum.
    let err = queries
        .get_stats(authorized(stats_request(), BETA_KEY))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);

    // A restart keeps the state: same answers at once.
    system.start_responsiveness().await;
    let after_restart = settled_stats(system.responsiveness.as_ref().unwrap()).await;
    assert_eq!(after_restart, stats);

    // A fresh store under a new consumer group replays the topic from the
    // beginning and reaches identical answers.
    let fresh_dir = tempfile::tempdir().unwrap();
    let mut replay_config = system.config.clone();
    replay_config.data_dir = fresh_dir.path().to_owned();
    replay_config.responsiveness.consumer_group = "replay-check".into();
    let replayed = system.start_responsiveness_with(replay_config).await;
    assert_eq!(settled_stats(&replayed).await, stats);
    replayed.stop().await;
}

/// Alerts on the gRPC stream and the alerts topic: raised when posts wait
/// past the thresholds (moved by the manual clock), resolved by a reply,
/// never raised twice, also not across a restart.
async fn alerts_raise_resolve_and_survive_a_restart(system: &mut System, clock: Arc<ManualClock>) {
    publish_scenario(system).await;
    system.start_responsiveness().await;
    settled_stats(system.responsiveness.as_ref().unwrap()).await;
    let mut queries = client(system.responsiveness.as_ref().unwrap()).await;
    let request = || {
        authorized(
            StreamAlertsRequest {
                forum_id: ALPHA.into(),
            },
            ALPHA_KEY,
        )
    };
    let mut stream = queries.stream_alerts(request()).await.unwrap().into_inner();

    // D (a new member's first post, 110 min) is past both new-member
    // thresholds (15, 60); E (117 min) past the nudge (30), not yet the
    // escalation (120).
    let mut raised = Vec::new();
    while raised.len() < 3 {
        let alert = next_alert(&mut stream).await;
        assert_eq!(alert.state, AlertState::Raised as i32, "{alert:?}");
        raised.push(alert.alert_id);
    }
    raised.sort();
    assert_eq!(
        raised,
        ["alpha/D/escalate", "alpha/D/nudge", "alpha/E/nudge"]
    );

    // A reply to D resolves both of D's alerts.
    let answer = IngestEvent {
        header: Some(EventHeader {
            forum_id: ALPHA.into(),
            source_id: "D-r1".into(),
            occurred_at: at(0),
        }),
        kind: Some(reply_by("D", "member-w", AuthorRole::Member)),
    };
    system
        .client()
        .await
        .publish_batch(authorized(
            PublishBatchRequest {
                events: vec![answer],
            },
            ALPHA_KEY,
        ))
        .await
        .unwrap();
    let mut resolved = Vec::new();
    while resolved.len() < 2 {
        let alert = next_alert(&mut stream).await;
        assert_eq!(
            (alert.state, alert.resolution.as_str()),
            (AlertState::Resolved as i32, "answered")
        );
        resolved.push(alert.alert_id);
    }
    resolved.sort();
    assert_eq!(resolved, ["alpha/D/escalate", "alpha/D/nudge"]);

    // Restart: the open alert is still open, nothing is raised again, and
    // E's escalation deadline still fires when its time comes.
    drop(stream);
    system.start_responsiveness().await;
    let mut queries = client(system.responsiveness.as_ref().unwrap()).await;
    let mut stream = queries.stream_alerts(request()).await.unwrap().into_inner();
    let open = next_alert(&mut stream).await;
    assert_eq!(
        open.alert_id, "alpha/E/nudge",
        "what is open is shown first"
    );
    clock.advance(Duration::from_secs(3 * 60));
    let escalated = next_alert(&mut stream).await;
    assert_eq!(
        (escalated.alert_id.as_str(), escalated.state),
        ("alpha/E/escalate", AlertState::Raised as i32)
    );
    assert_eq!(escalated.waited_ms, 120 * MIN);

    // The topic holds each raise and each resolution exactly once.
    let mut topic = system.bus.subscribe("alert-audit", &[ALERTS]).unwrap();
    let mut seen = std::collections::HashMap::new();
    for _ in 0..6 {
        let message = tokio::time::timeout(WAIT, topic.next())
            .await
            .unwrap()
            .unwrap();
        let alert = UnansweredAlert::decode(message.payload.as_slice()).unwrap();
        *seen.entry((alert.alert_id, alert.state)).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");
}

async fn next_alert(stream: &mut tonic::Streaming<UnansweredAlert>) -> UnansweredAlert {
    tokio::time::timeout(WAIT, stream.message())
        .await
        .expect("an alert in time")
        .unwrap()
        .expect("stream open")
}

#[tokio::test]
async fn embedded_alerts_raise_resolve_and_survive_a_restart() {
    let clock = Arc::new(ManualClock::new(now()));
    let mut system = System::start(BusKind::Embedded, clock.clone()).await;
    alerts_raise_resolve_and_survive_a_restart(&mut system, clock).await;
}

#[tokio::test]
async fn kafka_alerts_raise_resolve_and_survive_a_restart() {
    let clock = Arc::new(ManualClock::new(now()));
    let mut system = System::start(
        BusKind::Kafka(modstream_testkit::Broker::start()),
        clock.clone(),
    )
    .await;
    alerts_raise_resolve_and_survive_a_restart(&mut system, clock).await;
}

fn manual_clock() -> SharedClock {
    Arc::new(ManualClock::new(now()))
}

#[tokio::test]
async fn embedded_ttfr_restart_and_replay() {
    let mut system = System::start(BusKind::Embedded, manual_clock()).await;
    ttfr_restart_and_replay(&mut system).await;
}

#[tokio::test]
async fn kafka_ttfr_restart_and_replay() {
    let mut system = System::start(
        BusKind::Kafka(modstream_testkit::Broker::start()),
        manual_clock(),
    )
    .await;
    ttfr_restart_and_replay(&mut system).await;
}

/// A forum sees its figures beside the federation median, and the median is
/// withheld until at least three forums contribute.
#[tokio::test]
async fn the_federation_benchmark_needs_three_forums() {
    let mut system = System::start(BusKind::Embedded, manual_clock()).await;
    system.start_responsiveness().await;
    // Each forum's posts are all answered after its own delay.
    let publish = |forum: &'static str, key: &'static str, delay: i64| {
        let events: Vec<IngestEvent> = (0..2)
            .flat_map(|i| {
                let thread = format!("{forum}-{i}");
                let header = |source: &str, minutes_ago: i64| {
                    Some(EventHeader {
                        forum_id: forum.into(),
                        source_id: source.into(),
                        occurred_at: at(minutes_ago),
                    })
                };
                [
                    IngestEvent {
                        header: header(&thread, 100),
                        kind: Some(Kind::Post(post(&thread, "m1", "Hello."))),
                    },
                    IngestEvent {
                        header: header(&format!("{thread}-r"), 100 - delay),
                        kind: Some(reply_by(&thread, "m2", AuthorRole::Member)),
                    },
                ]
            })
            .collect();
        let system = &system;
        async move {
            let results = system
                .client()
                .await
                .publish_batch(authorized(PublishBatchRequest { events }, key))
                .await
                .unwrap()
                .into_inner()
                .results;
            assert!(
                results
                    .iter()
                    .all(|r| matches!(r.outcome, Some(Outcome::Published(_)))),
                "{results:?}"
            );
        }
    };
    publish(ALPHA, ALPHA_KEY, 10).await;
    publish(BETA, BETA_KEY, 20).await;

    let mut queries = client(system.responsiveness.as_ref().unwrap()).await;
    // Waits until the figures settle: the forum's own answers applied, the
    // contributing forums counted, and (when expected) the median reached.
    let benchmark = |forum_answered: u64, contributing: u32, median: bool| {
        let mut queries = queries.clone();
        async move {
            let deadline = tokio::time::Instant::now() + WAIT;
            loop {
                let b = queries
                    .get_benchmark(authorized(stats_request(), ALPHA_KEY))
                    .await
                    .unwrap()
                    .into_inner();
                let federation = b.federation.unwrap();
                if b.own.as_ref().unwrap().all.unwrap().answered == forum_answered
                    && federation.forums_contributing == contributing
                    && federation.median_ttfr_p50_ms.is_some() == median
                {
                    return (b.own.unwrap(), federation);
                }
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "benchmark not settled: {federation:?}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let (own, federation) = benchmark(2, 2, false).await;
    assert_eq!(own.all.unwrap().ttfr_any.unwrap().p50_ms, Some(10 * MIN));
    assert_eq!(
        federation.median_ttfr_p50_ms, None,
        "two forums: the median would reveal the other"
    );
    assert_eq!(federation.median_share_within_target, None);

    publish(GAMMA, GAMMA_KEY, 40).await;
    let (_, federation) = benchmark(2, 3, true).await;
    assert_eq!(federation.median_ttfr_p50_ms, Some(20 * MIN));
    assert_eq!(
        federation.median_share_within_target,
        Some(1.0),
        "shares 1, 1 and 0 (target 30 min)"
    );

    // Asking for another forum's benchmark is refused.
    let err = queries
        .get_benchmark(authorized(stats_request(), GAMMA_KEY))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
}
