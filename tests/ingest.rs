//! End to end through the gateway: a real gRPC client publishes, and the test
//! reads what reached the bus (embedded log and Kafka on Tansu).

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use modstream_proto::convert;
use modstream_proto::v1::{
    AuthorRole, IngestEvent, ModerationActionKind, NewMemberReport, NewModerationAction, PostEdit,
    PublishBatchRequest, PublishMemberReportRequest, PublishModerationActionRequest,
    PublishPostRequest, PublishReplyRequest, ReportReason, event::Payload, ingest_event::Kind,
    item_result::Outcome,
};
use modstream_tests::*;
use tonic::Code;

/// A thread's events arrive in order, keyed by forum and thread, with
/// pseudonyms where the member ids were.
async fn a_threads_events_arrive_in_order_with_pseudonyms(system: System) {
    let mut client = system.client().await;
    let mut reader = system.reader("order-check");
    // Two threads, interleaved, so ordering is per thread, not global.
    for thread in ["t-100", "t-200"] {
        let request = PublishPostRequest {
            header: header(ALPHA, thread),
            post: Some(post(
                thread,
                "member-ann",
                "Rough week, could use someone to talk to.",
            )),
        };
        client
            .publish_post(authorized(request, ALPHA_KEY))
            .await
            .unwrap();
    }
    for i in 0..6 {
        for thread in ["t-100", "t-200"] {
            let member = if i % 2 == 0 {
                "member-bob"
            } else {
                "member-ann"
            };
            let request = PublishReplyRequest {
                header: header(ALPHA, &format!("{thread}-r{i}")),
                reply: Some(reply(
                    thread,
                    member,
                    &format!("Reply number {i}, hang in there."),
                )),
            };
            client
                .publish_reply(authorized(request, ALPHA_KEY))
                .await
                .unwrap();
        }
    }
    let action = PublishModerationActionRequest {
        header: header(ALPHA, "act-1"),
        action: Some(NewModerationAction {
            kind: ModerationActionKind::Hidden as i32,
            thread_id: "t-100".into(),
            post_id: "t-100-r3".into(),
            member_id: "member-ann".into(),
            moderator_member_id: "mod-carol".into(),
            reason_code: "personal-details".into(),
            message_to_member: "We hid your reply because it shared a phone number.".into(),
            content_warning: String::new(),
        }),
    };
    client
        .publish_moderation_action(authorized(action, ALPHA_KEY))
        .await
        .unwrap();

    let events = reader.until_all(&["act-1", "t-200-r5"]).await;
    let mut by_thread: HashMap<String, Vec<String>> = HashMap::new();
    let mut pseudonyms: HashMap<&str, String> = HashMap::new();
    for (message, event) in &events {
        let (thread, author) = match event.payload.as_ref().unwrap() {
            Payload::PostCreated(p) => (p.thread_id.clone(), p.author_pseudonym.clone()),
            Payload::ReplyCreated(r) => (r.thread_id.clone(), r.author_pseudonym.clone()),
            Payload::ModerationAction(a) => (a.thread_id.clone(), a.member_pseudonym.clone()),
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(
            message.key,
            format!("{ALPHA}/{thread}").into_bytes(),
            "record key is forum/thread"
        );
        assert!(author.starts_with("m_"), "{author}");
        let raw = String::from_utf8_lossy(&message.payload);
        assert!(
            !raw.contains("member-ann")
                && !raw.contains("member-bob")
                && !raw.contains("mod-carol")
        );
        assert!(
            uuid::Uuid::parse_str(&event.event_id)
                .unwrap()
                .get_version_num()
                == 7
        );
        assert!(event.received_at.is_some());
        by_thread
            .entry(thread)
            .or_default()
            .push(event.source_id.clone());
        let _ = &mut pseudonyms;
    }
    for thread in ["t-100", "t-200"] {
        let mut expected = vec![thread.to_owned()];
        expected.extend((0..6).map(|i| format!("{thread}-r{i}")));
        if thread == "t-100" {
            expected.push("act-1".into());
        }
        assert_eq!(by_thread[thread], expected, "order of {thread}");
    }
    // The same member has the same pseudonym throughout the forum.
    let ann: Vec<String> = events
        .iter()
        .filter_map(|(_, e)| match e.payload.as_ref().unwrap() {
            Payload::ReplyCreated(r) if e.source_id.ends_with("-r1") => {
                Some(r.author_pseudonym.clone())
            }
            Payload::PostCreated(p) => Some(p.author_pseudonym.clone()),
            Payload::ModerationAction(a) => Some(a.member_pseudonym.clone()),
            _ => None,
        })
        .collect();
    assert!(
        ann.windows(2).all(|w| w[0] == w[1]),
        "ann's pseudonyms differ: {ann:?}"
    );
}

/// Publishing the same forum event again, even after a gateway restart,
/// returns the original event id and writes nothing new.
async fn resubmission_returns_the_original_event_id(mut system: System) {
    let mut reader = system.reader("dedup-check");
    let request = PublishPostRequest {
        header: header(ALPHA, "p-dup"),
        post: Some(post(
            "p-dup",
            "member-dee",
            "Does anyone else find Sunday evenings hard?",
        )),
    };
    let first = system
        .client()
        .await
        .publish_post(authorized(request.clone(), ALPHA_KEY))
        .await
        .unwrap()
        .into_inner();
    assert!(!first.duplicate);

    system.restart_gateway().await;
    let mut client = system.client().await;
    // A retry re-stamps occurred_at; it is still the same event.
    let mut retry = request.clone();
    retry.header = header(ALPHA, "p-dup");
    let again = client
        .publish_post(authorized(retry, ALPHA_KEY))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.event_id, first.event_id);
    assert!(again.duplicate);

    // Different content under the same id is refused, not silently merged.
    let mut changed = request.clone();
    changed.post.as_mut().unwrap().body = "Something else entirely.".into();
    let err = client
        .publish_post(authorized(changed, ALPHA_KEY))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists, "{err:?}");

    // A later event in the same thread: once it is read, so is every copy.
    let sentinel = PublishReplyRequest {
        header: header(ALPHA, "p-sentinel"),
        reply: Some(reply("p-dup", "m", "Sundays, yes.")),
    };
    client
        .publish_reply(authorized(sentinel, ALPHA_KEY))
        .await
        .unwrap();
    let events = reader.until("p-sentinel").await;
    let copies = events
        .iter()
        .filter(|(_, e)| e.source_id == "p-dup")
        .count();
    assert_eq!(copies, 1, "the post is on the bus exactly once");
}

/// One bad item in a batch gets its own error; the others are published.
async fn a_bad_item_does_not_reject_the_rest_of_a_batch(system: System) {
    let mut reader = system.reader("batch-check");
    let item = |source: &str, kind: Kind| IngestEvent {
        header: header(ALPHA, source),
        kind: Some(kind),
    };
    let mut blank = post("b-2", "m2", "   ");
    blank.title = "Blank body".into();
    let batch = PublishBatchRequest {
        events: vec![
            item(
                "b-1",
                Kind::Post(post("b-1", "m1", "First post in the batch.")),
            ),
            item("b-2", Kind::Post(blank)),
            IngestEvent {
                header: header(BETA, "b-3"),
                kind: Some(Kind::Post(post("b-3", "m3", "Wrong forum."))),
            },
            item(
                "b-4",
                Kind::Reply(reply("b-1", "m4", "A reply in the same batch.")),
            ),
            item(
                "b-5",
                Kind::MemberReport(NewMemberReport {
                    thread_id: "b-1".into(),
                    post_id: "b-1".into(),
                    reporter_member_id: "m5".into(),
                    reason: ReportReason::WorriedAboutPerson as i32,
                    note: "I'm worried about them.".into(),
                }),
            ),
            item(
                "b-6",
                Kind::Edit(PostEdit {
                    thread_id: "b-1".into(),
                    post_id: "b-1".into(),
                    editor_member_id: "m1".into(),
                    editor_role: AuthorRole::Member as i32,
                    title: String::new(),
                    body: "First post in the batch (edited).".into(),
                }),
            ),
        ],
    };
    let results = system
        .client()
        .await
        .publish_batch(authorized(batch, ALPHA_KEY))
        .await
        .unwrap()
        .into_inner()
        .results;
    assert_eq!(results.len(), 6);
    let outcome = |i: usize| results[i].outcome.clone().unwrap();
    for i in [0, 3, 4, 5] {
        assert!(
            matches!(outcome(i), Outcome::Published(_)),
            "item {i}: {:?}",
            outcome(i)
        );
    }
    let Outcome::Error(e) = outcome(1) else {
        panic!("blank body accepted")
    };
    assert_eq!(
        (e.code, e.field.as_str()),
        (Code::InvalidArgument as i32, "post.body"),
        "{e:?}"
    );
    let Outcome::Error(e) = outcome(2) else {
        panic!("other forum accepted")
    };
    assert_eq!(e.code, Code::PermissionDenied as i32, "{e:?}");

    let events = reader.until("b-6").await;
    let sources: Vec<&str> = events.iter().map(|(_, e)| e.source_id.as_str()).collect();
    assert_eq!(sources, ["b-1", "b-4", "b-5", "b-6"]);
}

/// A trace started by the caller continues in the bus record's headers.
async fn trace_context_travels_to_the_bus(system: System) {
    let mut reader = system.reader("trace-check");
    let mut request = authorized(
        PublishPostRequest {
            header: header(ALPHA, "p-trace"),
            post: Some(post("p-trace", "m", "Traced post.")),
        },
        ALPHA_KEY,
    );
    request.metadata_mut().insert(
        "traceparent",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
            .parse()
            .unwrap(),
    );
    system.client().await.publish_post(request).await.unwrap();
    let (message, _) = reader.until("p-trace").await.pop().unwrap();
    let traceparent = String::from_utf8(
        message
            .header("traceparent")
            .expect("traceparent header")
            .to_vec(),
    )
    .unwrap();
    assert!(
        traceparent.contains("0af7651916cd43dd8448eb211c80319c"),
        "{traceparent}"
    );
    assert!(
        !traceparent.contains("b7ad6b7169203331"),
        "the gateway's own span is the parent: {traceparent}"
    );
}

mod embedded {
    use super::*;

    #[tokio::test]
    async fn a_threads_events_arrive_in_order_with_pseudonyms() {
        super::a_threads_events_arrive_in_order_with_pseudonyms(System::embedded().await).await;
    }

    #[tokio::test]
    async fn resubmission_returns_the_original_event_id() {
        super::resubmission_returns_the_original_event_id(System::embedded().await).await;
    }

    #[tokio::test]
    async fn a_bad_item_does_not_reject_the_rest_of_a_batch() {
        super::a_bad_item_does_not_reject_the_rest_of_a_batch(System::embedded().await).await;
    }

    #[tokio::test]
    async fn trace_context_travels_to_the_bus() {
        super::trace_context_travels_to_the_bus(System::embedded().await).await;
    }
}

mod kafka {
    use super::*;

    #[tokio::test]
    async fn a_threads_events_arrive_in_order_with_pseudonyms() {
        super::a_threads_events_arrive_in_order_with_pseudonyms(System::kafka().await).await;
    }

    #[tokio::test]
    async fn resubmission_returns_the_original_event_id() {
        super::resubmission_returns_the_original_event_id(System::kafka().await).await;
    }

    #[tokio::test]
    async fn a_bad_item_does_not_reject_the_rest_of_a_batch() {
        super::a_bad_item_does_not_reject_the_rest_of_a_batch(System::kafka().await).await;
    }

    #[tokio::test]
    async fn trace_context_travels_to_the_bus() {
        super::trace_context_travels_to_the_bus(System::kafka().await).await;
    }

    /// With the broker killed, a call fails with UNAVAILABLE within the
    /// delivery timeout: never a silent success.
    #[tokio::test]
    async fn unavailable_while_the_broker_is_down() {
        let mut system = System::kafka().await;
        let mut client = system.client().await;
        let request = PublishPostRequest {
            header: header(ALPHA, "p-down"),
            post: Some(post("p-down", "m", "Anyone awake?")),
        };
        let BusKind::Kafka(broker) = &mut system.bus_kind else {
            unreachable!()
        };
        broker.stop();
        let started = std::time::Instant::now();
        let err = client
            .publish_post(authorized(request, ALPHA_KEY))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unavailable, "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    /// A hung broker (frozen, state kept): UNAVAILABLE while it hangs; once
    /// it answers again, a retry succeeds and every copy of the event on the
    /// bus carries that one event id, so consumers can drop repeats.
    #[tokio::test]
    async fn a_retry_after_an_outage_keeps_the_event_id() {
        let system = System::kafka().await;
        let mut client = system.client().await;
        let mut reader = system.reader("after-outage");
        let warm_up = PublishPostRequest {
            header: header(ALPHA, "p-warm"),
            post: Some(post("p-hang", "m", "Hi.")),
        };
        client
            .publish_post(authorized(warm_up, ALPHA_KEY))
            .await
            .unwrap();
        let request = PublishReplyRequest {
            header: header(ALPHA, "p-hang"),
            reply: Some(reply("p-hang", "m2", "Still here?")),
        };

        let BusKind::Kafka(broker) = &system.bus_kind else {
            unreachable!()
        };
        broker.pause();
        let err = client
            .publish_reply(authorized(request.clone(), ALPHA_KEY))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unavailable, "{err:?}");
        broker.resume();

        // Like a platform, retry while UNAVAILABLE, within a bound.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let ok = loop {
            match client
                .publish_reply(authorized(request.clone(), ALPHA_KEY))
                .await
            {
                Ok(response) => break response.into_inner(),
                Err(err)
                    if err.code() == Code::Unavailable && std::time::Instant::now() < deadline =>
                {
                    continue;
                }
                Err(err) => panic!("retry after the outage failed: {err:?}"),
            }
        };
        let sentinel = PublishReplyRequest {
            header: header(ALPHA, "p-after"),
            reply: Some(reply("p-hang", "m3", "Back.")),
        };
        client
            .publish_reply(authorized(sentinel, ALPHA_KEY))
            .await
            .unwrap();
        let events = reader.until("p-after").await;
        let ids: Vec<&str> = events
            .iter()
            .filter(|(_, e)| e.source_id == "p-hang")
            .map(|(_, e)| e.event_id.as_str())
            .collect();
        assert!(!ids.is_empty(), "the acknowledged reply is on the bus");
        assert!(
            ids.iter().all(|id| *id == ok.event_id),
            "every copy has the acknowledged id: {ids:?}"
        );
    }
}

/// Every validation rule answers INVALID_ARGUMENT naming the field.
#[tokio::test]
async fn validation_errors_name_the_field_and_the_problem() {
    let system = System::embedded().await;
    let mut client = system.client().await;
    let far_future = convert::timestamp(SystemTime::now() + Duration::from_secs(3_600));
    let good = || PublishPostRequest {
        header: header(ALPHA, "v-1"),
        post: Some(post("v-1", "m", "Fine text.")),
    };

    let mut cases: Vec<(&str, PublishPostRequest, &str)> = Vec::new();
    let mut r = good();
    r.header = None;
    cases.push(("no header", r, "header"));
    let mut r = good();
    r.header.as_mut().unwrap().source_id.clear();
    cases.push(("no source id", r, "header.source_id"));
    let mut r = good();
    r.header.as_mut().unwrap().occurred_at = None;
    cases.push(("no time", r, "header.occurred_at"));
    let mut r = good();
    r.header.as_mut().unwrap().occurred_at = Some(far_future);
    cases.push(("future time", r, "in the future"));
    let mut r = good();
    r.post = None;
    cases.push(("no payload", r, "post"));
    let mut r = good();
    r.post.as_mut().unwrap().body.clear();
    cases.push(("empty body", r, "post.body"));
    let mut r = good();
    r.post.as_mut().unwrap().body = "x".repeat(4_097);
    cases.push(("oversized body", r, "post.body: 4097 bytes long"));
    let mut r = good();
    r.post.as_mut().unwrap().author_role = 42;
    cases.push(("unknown enum", r, "post.author_role: unknown value 42"));
    let mut r = good();
    r.post.as_mut().unwrap().author_role = 0;
    cases.push(("unspecified enum", r, "post.author_role: required"));
    let mut r = good();
    r.post.as_mut().unwrap().thread_id = "t".repeat(129);
    cases.push(("long id", r, "post.thread_id: 129 bytes long"));
    let mut r = good();
    r.post.as_mut().unwrap().author_member_id.clear();
    cases.push(("no author", r, "post.author_member_id: required"));

    for (name, request, expected) in cases {
        let err = client
            .publish_post(authorized(request, ALPHA_KEY))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument, "{name}: {err:?}");
        assert!(
            err.message().contains(expected),
            "{name}: {:?} lacks {expected:?}",
            err.message()
        );
    }

    // Moderation actions must explain themselves to the member.
    let removal = PublishModerationActionRequest {
        header: header(ALPHA, "a-1"),
        action: Some(NewModerationAction {
            kind: ModerationActionKind::Removed as i32,
            thread_id: "t".into(),
            post_id: "p".into(),
            member_id: "m".into(),
            moderator_member_id: "mod".into(),
            reason_code: "rule-2".into(),
            message_to_member: String::new(),
            content_warning: String::new(),
        }),
    };
    let err = client
        .publish_moderation_action(authorized(removal, ALPHA_KEY))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert!(
        err.message()
            .contains("moderation_action.message_to_member"),
        "{}",
        err.message()
    );

    let report = PublishMemberReportRequest {
        header: header(ALPHA, "r-1"),
        report: Some(NewMemberReport {
            thread_id: "t".into(),
            post_id: "p".into(),
            reporter_member_id: "m".into(),
            reason: 77,
            note: String::new(),
        }),
    };
    let err = client
        .publish_member_report(authorized(report, ALPHA_KEY))
        .await
        .unwrap_err();
    assert!(
        err.message()
            .contains("member_report.reason: unknown value 77"),
        "{}",
        err.message()
    );

    // The valid original still goes through after all that.
    client
        .publish_post(authorized(good(), ALPHA_KEY))
        .await
        .unwrap();
}

/// Invalid UTF-8 in a text field, which no protobuf library will send, but
/// a hand-rolled client might: INVALID_ARGUMENT naming the field.
#[tokio::test]
async fn invalid_utf8_is_an_invalid_argument_naming_the_field() {
    #[derive(Clone, PartialEq, prost::Message)]
    struct RawHeader {
        #[prost(string, tag = "1")]
        forum_id: String,
        #[prost(string, tag = "2")]
        source_id: String,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    struct RawPost {
        #[prost(string, tag = "1")]
        thread_id: String,
        #[prost(bytes = "vec", tag = "7")]
        body: Vec<u8>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    struct RawRequest {
        #[prost(message, optional, tag = "1")]
        header: Option<RawHeader>,
        #[prost(message, optional, tag = "2")]
        post: Option<RawPost>,
    }
    let system = System::embedded().await;
    let mut grpc = tonic::client::Grpc::new(system.channel().await);
    grpc.ready().await.unwrap();
    let request = RawRequest {
        header: Some(RawHeader {
            forum_id: ALPHA.into(),
            source_id: "u-1".into(),
        }),
        post: Some(RawPost {
            thread_id: "u-1".into(),
            body: vec![b'h', b'i', 0xff, 0xfe],
        }),
    };
    let codec =
        tonic_prost::ProstCodec::<RawRequest, modstream_proto::v1::PublishResponse>::default();
    let path =
        tonic::codegen::http::uri::PathAndQuery::from_static("/modstream.v1.Ingest/PublishPost");
    let err = grpc
        .unary(authorized(request, ALPHA_KEY), path, codec)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    assert!(
        err.message().contains("NewPost.body") && err.message().contains("UTF-8"),
        "{}",
        err.message()
    );
}

/// A key publishes only for its own forum; no key or a wrong key gets
/// nowhere; the same member is unlinkable across forums.
#[tokio::test]
async fn forums_are_isolated() {
    let system = System::embedded().await;
    let mut client = system.client().await;
    let mut reader = system.reader("isolation");
    let for_beta = || PublishPostRequest {
        header: header(BETA, "i-1"),
        post: Some(post("i-1", "member-eve", "Hello beta.")),
    };

    let err = client
        .publish_post(authorized(for_beta(), ALPHA_KEY))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied, "{err:?}");
    let err = client
        .publish_post(tonic::Request::new(for_beta()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");
    let err = client
        .publish_post(authorized(for_beta(), "not-a-real-key"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated, "{err:?}");

    client
        .publish_post(authorized(for_beta(), BETA_KEY))
        .await
        .unwrap();
    let in_alpha = PublishPostRequest {
        header: header(ALPHA, "i-2"),
        post: Some(post("i-2", "member-eve", "Hello alpha.")),
    };
    client
        .publish_post(authorized(in_alpha, ALPHA_KEY))
        .await
        .unwrap();

    let events = reader.until_all(&["i-1", "i-2"]).await;
    assert_eq!(events.len(), 2, "the refused calls wrote nothing");
    let pseudonym = |i: usize| match events[i].1.payload.as_ref().unwrap() {
        Payload::PostCreated(p) => p.author_pseudonym.clone(),
        _ => unreachable!(),
    };
    let beta = events
        .iter()
        .position(|(_, e)| e.forum_id == BETA)
        .expect("beta's post");
    assert_eq!(events[0].1.forum_id, BETA);
    assert_ne!(
        pseudonym(beta),
        pseudonym(1 - beta),
        "one member's pseudonyms must not link two forums"
    );
}

/// After a run, no raw member id is anywhere on disk (bus log, gateway
/// state), while the post text is: so the scan can see what it looks for.
#[tokio::test]
async fn raw_member_ids_never_reach_the_bus_or_disk() {
    let mut system = System::embedded().await;
    let mut client = system.client().await;
    let ids = [
        "raw-member-7Q2XK",
        "raw-member-9VW4P",
        "raw-moderator-3HJ8D",
    ];
    let marker = "visible-body-marker-5521";
    let mut first = post("d-1", ids[0], &format!("Post text {marker}"));
    first.content_warnings = vec!["self-harm".into()];
    client
        .publish_post(authorized(
            PublishPostRequest {
                header: header(ALPHA, "d-1"),
                post: Some(first),
            },
            ALPHA_KEY,
        ))
        .await
        .unwrap();
    client
        .publish_reply(authorized(
            PublishReplyRequest {
                header: header(ALPHA, "d-2"),
                reply: Some(reply("d-1", ids[1], "I hear you.")),
            },
            ALPHA_KEY,
        ))
        .await
        .unwrap();
    client
        .publish_member_report(authorized(
            PublishMemberReportRequest {
                header: header(ALPHA, "d-3"),
                report: Some(NewMemberReport {
                    thread_id: "d-1".into(),
                    post_id: "d-1".into(),
                    reporter_member_id: ids[1].into(),
                    reason: ReportReason::WorriedAboutPerson as i32,
                    note: String::new(),
                }),
            },
            ALPHA_KEY,
        ))
        .await
        .unwrap();
    client
        .publish_moderation_action(authorized(
            PublishModerationActionRequest {
                header: header(ALPHA, "d-4"),
                action: Some(NewModerationAction {
                    kind: ModerationActionKind::MemberWarned as i32,
                    thread_id: String::new(),
                    post_id: String::new(),
                    member_id: ids[0].into(),
                    moderator_member_id: ids[2].into(),
                    reason_code: "rule-5".into(),
                    message_to_member: "Please keep contact details off the forum.".into(),
                    content_warning: String::new(),
                }),
            },
            ALPHA_KEY,
        ))
        .await
        .unwrap();
    let mut reader = system.reader("scan");
    let events = reader.until_all(&["d-1", "d-2", "d-3", "d-4"]).await;
    for (message, _) in &events {
        for id in ids {
            assert!(
                !contains(&message.payload, id.as_bytes()),
                "{id} in a bus record"
            );
            assert!(!contains(&message.key, id.as_bytes()), "{id} in a bus key");
        }
    }
    system.stop_gateway().await;
    system.bus.flush().await.unwrap();
    drop(reader);

    let mut found_marker = false;
    for file in files_under(&system.data_dir()) {
        let bytes = std::fs::read(&file).unwrap();
        for id in ids {
            assert!(
                !contains(&bytes, id.as_bytes()),
                "{id} found in {}",
                file.display()
            );
        }
        found_marker |= contains(&bytes, marker.as_bytes());
    }
    assert!(found_marker, "the scan must be able to see stored text");
}

/// The standard gRPC health and reflection services answer.
#[tokio::test]
async fn health_and_reflection_work_for_standard_tools() {
    use tokio_stream::StreamExt;
    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
    };
    let system = System::embedded().await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(system.channel().await);
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "modstream.v1.Ingest".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status;
    assert_eq!(
        status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );

    let mut reflection = ServerReflectionClient::new(system.channel().await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let Some(MessageResponse::ListServicesResponse(list)) =
        responses.next().await.unwrap().unwrap().message_response
    else {
        panic!("no service list")
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    assert!(
        names.contains(&"modstream.v1.Ingest".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"grpc.health.v1.Health".to_owned()),
        "{names:?}"
    );
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Past a forum's rate limit a call is refused at once with
/// RESOURCE_EXHAUSTED naming the limit; nothing refused reaches the bus, and
/// other forums are not held back.
#[tokio::test]
async fn a_forum_over_its_rate_limit_is_refused_and_others_are_not() {
    let mut system = System::embedded().await;
    system.config.gateway.max_batch_events = 2;
    system.config.gateway.forum_events_per_second = 1;
    system.config.gateway.forum_burst_events = 2;
    system.restart_gateway().await;
    let mut client = system.client().await;
    let mut reader = system.reader("rate-limits");
    let publish = |forum: &str, key: &str, id: &str| {
        authorized(
            PublishPostRequest {
                header: header(forum, id),
                post: Some(post(id, "member-rl", "A post in a busy hour.")),
            },
            key,
        )
    };
    client
        .publish_post(publish(ALPHA, ALPHA_KEY, "rl-1"))
        .await
        .unwrap();
    client
        .publish_post(publish(ALPHA, ALPHA_KEY, "rl-2"))
        .await
        .unwrap();
    let err = client
        .publish_post(publish(ALPHA, ALPHA_KEY, "rl-3"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::ResourceExhausted, "{err:?}");
    assert!(
        err.message().contains("rate limit of 1 events/s"),
        "{}",
        err.message()
    );
    client
        .publish_post(publish(BETA, BETA_KEY, "rl-beta"))
        .await
        .expect("beta has its own rate");

    let events = reader.until_all(&["rl-1", "rl-2", "rl-beta"]).await;
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|(_, e)| e.source_id != "rl-3"));
}
