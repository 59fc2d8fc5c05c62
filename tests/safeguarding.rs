//! Safeguarding end to end: a post published over gRPC at the gateway, through
//! the bus (embedded log and a real Kafka-protocol broker), to a moderator's
//! escalation stream; acknowledgement and resolution; the lifecycle on the
//! escalations topic; forum actions; stream resume; restarts; tenant
//! isolation of the moderator, admin and forum-action APIs.

use std::time::{Duration, Instant};

use modstream_proto::topics::{ESCALATIONS, ROSTERS};
use modstream_proto::v1::{
    AcknowledgeRequest, EscalationEvent, EscalationNotice, EscalationRef, EscalationState,
    ForumAction, GetCoverRequest, ListOpenRequest, NoticeKind, Outcome, PublishPostRequest,
    PutRosterRequest, ResolveRequest, Roster, RosterChanged, Severity, StreamActionsRequest,
    StreamEscalationsRequest, Weekday, WeeklyShift, escalation_change::Change, forum_action,
    forum_actions_client::ForumActionsClient, moderation_client::ModerationClient,
    rosters_client::RostersClient,
};
use modstream_tests::{
    ALPHA, ALPHA_ADMIN_KEY, ALPHA_KEY, ANA_TOKEN, BEN_TOKEN, BETA, BETA_ADMIN_KEY, BETA_KEY,
    CAI_TOKEN, System, WAIT, authorized, header, post,
};
use prost::Message as _;
use tonic::Code;
use tonic::transport::Channel;

const CRISIS: &str = "I've written my letters and the tablets are lined up on the desk. Tonight is the night, I'm sorry everyone.";
const RAW_MEMBER: &str = "member-raw-8841-jordan";

async fn open_stream(
    client: &mut ModerationClient<Channel>,
    token: &str,
    after: u64,
) -> tonic::Streaming<EscalationNotice> {
    client
        .stream_escalations(authorized(
            StreamEscalationsRequest {
                after_sequence: after,
            },
            token,
        ))
        .await
        .unwrap()
        .into_inner()
}

async fn next_notice(stream: &mut tonic::Streaming<EscalationNotice>) -> EscalationNotice {
    tokio::time::timeout(WAIT, stream.message())
        .await
        .expect("a notice in time")
        .expect("stream error")
        .expect("stream open")
}

async fn publish_crisis(system: &System, forum: &str, key: &str, thread: &str) {
    system
        .client()
        .await
        .publish_post(authorized(
            PublishPostRequest {
                header: header(forum, thread),
                post: Some(post(thread, RAW_MEMBER, CRISIS)),
            },
            key,
        ))
        .await
        .unwrap();
}

/// Every escalation event on the bus for `id`, until `until` changes seen.
async fn lifecycle(system: &System, id: &str, until: usize) -> Vec<EscalationEvent> {
    let mut sub = system
        .bus
        .subscribe("test-escalations-reader", &[ESCALATIONS])
        .unwrap();
    let mut seen = Vec::new();
    while seen.len() < until {
        let message = tokio::time::timeout(WAIT, sub.next())
            .await
            .expect("escalation events on the bus in time")
            .unwrap();
        let event = EscalationEvent::decode(message.payload.as_slice()).unwrap();
        assert!(
            !String::from_utf8_lossy(&message.payload).contains(RAW_MEMBER),
            "no raw member id on the escalations topic"
        );
        if event.escalation_id == id {
            seen.push(event);
        }
    }
    seen
}

async fn crisis_to_moderator_and_back(mut system: System) {
    system.start_safeguarding().await;
    let mut ana = system.moderation().await;
    let mut stream = open_stream(&mut ana, ANA_TOKEN, 0).await;
    let mut actions = ForumActionsClient::connect(format!(
        "http://{}",
        system.safeguarding.as_ref().unwrap().address
    ))
    .await
    .unwrap()
    .stream_actions(authorized(
        StreamActionsRequest {
            forum_id: ALPHA.into(),
            after_sequence: 0,
        },
        ALPHA_KEY,
    ))
    .await
    .unwrap()
    .into_inner();

    let published = Instant::now();
    publish_crisis(&system, ALPHA, ALPHA_KEY, "t-crisis").await;
    let notice = next_notice(&mut stream).await;
    println!(
        "publish -> escalation on the moderator's stream: {:?}",
        published.elapsed()
    );
    assert_eq!(notice.kind, NoticeKind::Assigned as i32);
    let e = notice.escalation.unwrap();
    assert_eq!(e.severity, Severity::Crisis as i32);
    assert_eq!(e.forum_id, ALPHA);
    assert_eq!(e.thread_id, "t-crisis");
    assert!(e.author_pseudonym.starts_with("m_"), "a pseudonym");
    assert!(
        !format!("{e:?}").contains(RAW_MEMBER),
        "never the member id"
    );
    assert!(e.evidence[0].text.contains("tablets are lined up"));
    assert!(!e.evidence[0].reasons.is_empty(), "why it was flagged");
    assert!(!e.evidence[0].ruleset_version.is_empty());

    // The forum is asked to show crisis resources to the author.
    let action: ForumAction = tokio::time::timeout(WAIT, actions.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(action.post_id, "t-crisis");
    let mut kinds = vec![action.action.clone()];
    kinds.push(
        tokio::time::timeout(WAIT, actions.message())
            .await
            .unwrap()
            .unwrap()
            .unwrap()
            .action,
    );
    assert!(kinds.iter().any(|a| matches!(
        a,
        Some(forum_action::Action::ShowCrisisResources(r)) if !r.resources.is_empty()
    )));
    assert!(kinds.iter().any(|a| matches!(
        a,
        Some(forum_action::Action::SuggestContentWarnings(w)) if w.warnings.contains(&"suicide".to_owned())
    )));

    let id = e.escalation_id.clone();
    let acked = ana
        .acknowledge(authorized(
            AcknowledgeRequest {
                escalation_id: id.clone(),
            },
            ANA_TOKEN,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(acked.state, EscalationState::Acknowledged as i32);
    let update = next_notice(&mut stream).await;
    assert_eq!(update.kind, NoticeKind::Updated as i32);
    let resolved = ana
        .resolve(authorized(
            ResolveRequest {
                escalation_id: id.clone(),
                outcome: Outcome::ContactedMember as i32,
                note: "Spoke with them; safety plan in place.".into(),
            },
            ANA_TOKEN,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resolved.state, EscalationState::Resolved as i32);

    // The whole life is on the escalations topic, in order.
    let events = lifecycle(&system, &id, 4).await;
    let steps: Vec<&str> = events
        .iter()
        .map(
            |e| match e.change.as_ref().and_then(|c| c.change.as_ref()) {
                Some(Change::Opened(_)) => "opened",
                Some(Change::Notified(_)) => "notified",
                Some(Change::Acknowledged(_)) => "acknowledged",
                Some(Change::Resolved(_)) => "resolved",
                _ => "other",
            },
        )
        .collect();
    assert_eq!(steps, ["opened", "notified", "acknowledged", "resolved"]);
    assert!(
        events
            .iter()
            .all(|e| e.forum_id == ALPHA && e.thread_id == "t-crisis"),
        "ops see ids, not texts"
    );
}

#[tokio::test]
async fn embedded_crisis_post_to_moderator_and_back() {
    crisis_to_moderator_and_back(System::embedded().await).await;
}

#[tokio::test]
async fn kafka_crisis_post_to_moderator_and_back() {
    crisis_to_moderator_and_back(System::kafka().await).await;
}

/// A console that drops and reconnects gets what it missed, once; a
/// restart of the service loses nothing and repeats nothing.
#[tokio::test]
async fn streams_resume_without_duplicates_across_a_restart() {
    let mut system = System::embedded().await;
    system.start_safeguarding().await;
    let mut ana = system.moderation().await;
    let mut ben = system.moderation().await;
    let _ben_stream = open_stream(&mut ben, BEN_TOKEN, 0).await;
    let mut stream = open_stream(&mut ana, ANA_TOKEN, 0).await;
    publish_crisis(&system, ALPHA, ALPHA_KEY, "t-resume-1").await;
    publish_crisis(&system, ALPHA, ALPHA_KEY, "t-resume-2").await;
    // Shared fairly: one each, whichever comes first.
    let first = next_notice(&mut stream).await;
    let mine = first.escalation.unwrap();
    drop(stream);

    // While ana is away, ben acknowledges hers: she was told, so she gets
    // an update in her inbox.
    ben.acknowledge(authorized(
        AcknowledgeRequest {
            escalation_id: mine.escalation_id.clone(),
        },
        BEN_TOKEN,
    ))
    .await
    .unwrap();

    system.start_safeguarding().await; // a restart on the same state
    let mut ana = system.moderation().await;
    let mut resumed = open_stream(&mut ana, ANA_TOKEN, first.sequence).await;
    let missed = next_notice(&mut resumed).await;
    assert!(missed.sequence > first.sequence);
    assert_eq!(missed.kind, NoticeKind::Updated as i32);
    assert_eq!(
        missed.escalation.unwrap().state,
        EscalationState::Acknowledged as i32
    );
    // Nothing more (no duplicate of the first notice, nothing twice).
    assert!(
        tokio::time::timeout(Duration::from_millis(300), resumed.message())
            .await
            .is_err(),
        "no more notices"
    );
    // From the start: exactly the two notices, in order.
    let mut all = open_stream(&mut ana, ANA_TOKEN, 0).await;
    let a = next_notice(&mut all).await;
    let b = next_notice(&mut all).await;
    assert_eq!((a.sequence, b.sequence), (first.sequence, missed.sequence));

    let open = ana
        .list_open(authorized(ListOpenRequest {}, ANA_TOKEN))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        open.escalations.len(),
        2,
        "both still open after the restart"
    );
}

#[tokio::test]
async fn moderators_admins_and_platforms_see_only_their_own_forum() {
    let mut system = System::embedded().await;
    system.start_safeguarding().await;
    let address = system.safeguarding.as_ref().unwrap().address;
    let mut ana = system.moderation().await;
    let mut stream = open_stream(&mut ana, ANA_TOKEN, 0).await;
    publish_crisis(&system, ALPHA, ALPHA_KEY, "t-private").await;
    let id = next_notice(&mut stream)
        .await
        .escalation
        .unwrap()
        .escalation_id;

    // Beta's moderator: nothing of alpha's.
    let mut cai = system.moderation().await;
    let listed = cai
        .list_open(authorized(ListOpenRequest {}, CAI_TOKEN))
        .await
        .unwrap()
        .into_inner();
    assert!(listed.escalations.is_empty());
    let denied = cai
        .get_escalation(authorized(
            EscalationRef {
                escalation_id: id.clone(),
            },
            CAI_TOKEN,
        ))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    let denied = cai
        .acknowledge(authorized(
            AcknowledgeRequest {
                escalation_id: id.clone(),
            },
            CAI_TOKEN,
        ))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    // Forum keys and admin keys are not moderator tokens.
    for wrong in [ALPHA_KEY, ALPHA_ADMIN_KEY, "nonsense"] {
        let status = cai
            .list_open(authorized(ListOpenRequest {}, wrong))
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated, "{wrong}");
    }

    // Forum actions: only with the forum's own key.
    let mut actions = ForumActionsClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    let status = actions
        .stream_actions(authorized(
            StreamActionsRequest {
                forum_id: ALPHA.into(),
                after_sequence: 0,
            },
            BETA_KEY,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);

    // Rosters: only with the forum's admin key.
    let mut rosters = RostersClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    let status = rosters
        .get_cover(authorized(
            GetCoverRequest {
                forum_id: ALPHA.into(),
            },
            BETA_ADMIN_KEY,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    let status = rosters
        .get_cover(authorized(
            GetCoverRequest {
                forum_id: ALPHA.into(),
            },
            ANA_TOKEN,
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    let cover = rosters
        .get_cover(authorized(
            GetCoverRequest {
                forum_id: ALPHA.into(),
            },
            ALPHA_ADMIN_KEY,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(cover.on_shift, ["ana", "ben"]);
    assert_eq!(cover.available, ["ana"], "ana's console is connected");
    assert_eq!(cover.lead_id, "ana");
    assert!(cover.next_gap_from.is_none(), "covered around the clock");
}

/// An admin closes the forum for the day through the API: nobody of
/// alpha's is on shift, so a crisis post is uncovered (alpha has no partner)
/// and the author is shown crisis resources. Beta, out of hours all the
/// time, is covered by alpha's team.
#[tokio::test]
async fn rosters_from_the_admin_api_route_to_the_partner_or_raise_uncovered() {
    let mut system = System::embedded().await;
    system.start_safeguarding().await;
    let address = system.safeguarding.as_ref().unwrap().address;
    let mut rosters = RostersClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    let bad = rosters
        .put_roster(authorized(
            PutRosterRequest {
                roster: Some(Roster {
                    forum_id: ALPHA.into(),
                    time_zone: "Europe/Lundon".into(),
                    ..Default::default()
                }),
            },
            ALPHA_ADMIN_KEY,
        ))
        .await
        .unwrap_err();
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert!(bad.message().contains("time_zone"), "{}", bad.message());
    let unknown = rosters
        .put_roster(authorized(
            PutRosterRequest {
                roster: Some(Roster {
                    forum_id: ALPHA.into(),
                    time_zone: "Europe/London".into(),
                    shifts: vec![WeeklyShift {
                        day: Weekday::Monday as i32,
                        start: "09:00".into(),
                        end: "17:00".into(),
                        moderator_ids: vec!["mallory".into()],
                        lead_id: String::new(),
                    }],
                    overrides: vec![],
                }),
            },
            ALPHA_ADMIN_KEY,
        ))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::InvalidArgument);

    let mut ana = system.moderation().await;
    let mut stream = open_stream(&mut ana, ANA_TOKEN, 0).await;
    // Beta has nobody on shift: alpha's team (ana) covers it.
    publish_crisis(&system, BETA, BETA_KEY, "t-beta-night").await;
    let covered = next_notice(&mut stream).await.escalation.unwrap();
    assert_eq!(covered.forum_id, BETA);
    assert!(covered.covered_by_partner);
    // The partner moderator can act on it.
    ana.acknowledge(authorized(
        AcknowledgeRequest {
            escalation_id: covered.escalation_id.clone(),
        },
        ANA_TOKEN,
    ))
    .await
    .unwrap();

    // Now alpha closes: an empty roster.
    rosters
        .put_roster(authorized(
            PutRosterRequest {
                roster: Some(Roster {
                    forum_id: ALPHA.into(),
                    time_zone: "Europe/London".into(),
                    shifts: vec![],
                    overrides: vec![],
                }),
            },
            ALPHA_ADMIN_KEY,
        ))
        .await
        .unwrap();
    // The change is on the rosters topic: who (the admin key's name, never
    // the key), when, and the new cover.
    let mut audit = system.bus.subscribe("test.rosters", &[ROSTERS]).unwrap();
    let message = tokio::time::timeout(WAIT, audit.next())
        .await
        .expect("a roster change on the bus in time")
        .unwrap();
    let changed = RosterChanged::decode(message.payload.as_slice()).unwrap();
    assert_eq!(changed.forum_id, ALPHA);
    assert_eq!(message.key, ALPHA.as_bytes());
    assert!(changed.changed_by.starts_with("admin:"), "{changed:?}");
    assert!(!changed.changed_by.contains(ALPHA_ADMIN_KEY));
    assert!(changed.at.is_some());
    assert!(changed.roster.unwrap().shifts.is_empty());
    system.start_safeguarding().await; // the API's roster survives a restart
    let mut actions = ForumActionsClient::connect(format!(
        "http://{}",
        system.safeguarding.as_ref().unwrap().address
    ))
    .await
    .unwrap()
    .stream_actions(authorized(
        StreamActionsRequest {
            forum_id: ALPHA.into(),
            after_sequence: 0,
        },
        ALPHA_KEY,
    ))
    .await
    .unwrap()
    .into_inner();
    publish_crisis(&system, ALPHA, ALPHA_KEY, "t-alpha-closed").await;
    let deadline = Instant::now() + WAIT;
    loop {
        let action = tokio::time::timeout(WAIT, actions.message())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if action.thread_id == "t-alpha-closed"
            && matches!(
                action.action,
                Some(forum_action::Action::ShowCrisisResources(_))
            )
        {
            break;
        }
        assert!(Instant::now() < deadline);
    }
    let mut ana = system.moderation().await;
    let open = ana
        .list_open(authorized(ListOpenRequest {}, ANA_TOKEN))
        .await
        .unwrap()
        .into_inner();
    let closed = open
        .escalations
        .iter()
        .find(|e| e.thread_id == "t-alpha-closed")
        .expect("the escalation is open");
    assert_eq!(closed.state, EscalationState::Open as i32, "nobody told");
    assert!(
        closed
            .timeline
            .iter()
            .any(|c| matches!(c.change, Some(Change::Uncovered(_)))),
        "uncovered is recorded for operations"
    );
}
