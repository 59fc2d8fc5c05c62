//! Telemetry end to end, on `modstream up` as an operator runs it: one trace
//! per event from the forum's publish call, across the bus, to both consumers
//! and to the moderator's stream, exported over OTLP to a collector; and the
//! Prometheus scrape endpoint with the metrics the alert rules and Grafana
//! dashboard use, labelled by forum, board and severity, never by member.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use modstream_proto::convert;
use modstream_proto::v1::{
    AcknowledgeRequest, AuthorRole, EventHeader, NewPost, NewReply, PublishPostRequest,
    PublishReplyRequest, StreamEscalationsRequest, ingest_client::IngestClient,
    moderation_client::ModerationClient,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};

const KEY: &str = "ms_demo_riverside_4f1c9a7e2b6d8053";
const ANA: &str = "ms_demo_mod_riverside_ana_61d0f3";
/// The member id the platform sends; it must appear nowhere modstream writes.
const MEMBER: &str = "member-otel-58213";
const TRACE_ID: &str = "5e1d0c0ffee0b5e55ed1de5a11ab1e00";

/// A span as the collector received it.
#[derive(Debug, Clone)]
struct Span {
    service: String,
    name: String,
    trace_id: String,
    attributes: String,
}

/// An OTLP/gRPC trace collector that keeps what it is sent.
#[derive(Clone, Default)]
struct Collector(Arc<Mutex<Vec<Span>>>);

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self.0.lock().unwrap();
        for resource in request.into_inner().resource_spans {
            let service = resource
                .resource
                .iter()
                .flat_map(|r| &r.attributes)
                .find(|kv| kv.key == "service.name")
                .map(|kv| format!("{:?}", kv.value))
                .unwrap_or_default();
            for scope in resource.scope_spans {
                for span in scope.spans {
                    spans.push(Span {
                        service: service.clone(),
                        name: span.name.clone(),
                        trace_id: hex(&span.trace_id),
                        attributes: format!("{:?}", span.attributes),
                    });
                }
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `GET http://<address><path>` over a plain socket; the body.
fn http_get(address: &str, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(
        response.starts_with("HTTP/1.1 200"),
        "GET {path}: {response}"
    );
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default()
}

fn authorized<T>(message: T, key: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {key}").parse().unwrap());
    request
}

fn header(source_id: &str) -> Option<EventHeader> {
    Some(EventHeader {
        forum_id: "riverside".into(),
        source_id: source_id.into(),
        occurred_at: Some(convert::timestamp(SystemTime::now())),
    })
}

fn post(thread: &str, body: &str) -> NewPost {
    NewPost {
        thread_id: thread.into(),
        board_id: "general".into(),
        author_member_id: MEMBER.into(),
        author_role: AuthorRole::Member as i32,
        title: "Tonight".into(),
        body: body.into(),
        ..Default::default()
    }
}

/// The samples of `name` (any labels) in a Prometheus text body.
fn samples<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_per_event_over_otlp_and_metrics_on_the_scrape_endpoint() {
    // The collector.
    let collector = Collector::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let otlp = listener.local_addr().unwrap();
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );

    // modstream up, exporting to it.
    let dir = tempfile::tempdir().unwrap();
    let mut command = common::up_command(dir.path());
    command.env("MODSTREAM_OTLP_ENDPOINT", format!("http://{otlp}"));
    let (_up, lines) = common::spawn(command);
    let mut printed = Vec::new();
    let gateway = common::address_after(&lines, &mut printed, common::GATEWAY);
    let safeguarding = common::address_after(&lines, &mut printed, common::SAFEGUARDING);
    let metrics = common::address_after(&lines, &mut printed, common::METRICS);
    let metrics = metrics
        .trim_start_matches("http://")
        .trim_end_matches("/metrics")
        .to_owned();

    // Ana's console is connected, so the crisis is routed to her.
    let mut moderation = ModerationClient::connect(format!("http://{safeguarding}"))
        .await
        .unwrap();
    let mut notices = moderation
        .stream_escalations(authorized(StreamEscalationsRequest::default(), ANA))
        .await
        .unwrap()
        .into_inner();
    let mut ingest = IngestClient::connect(format!("http://{gateway}"))
        .await
        .unwrap();

    // A crisis post, under a trace the platform started.
    let mut request = authorized(
        PublishPostRequest {
            header: header("p-crisis"),
            post: Some(post(
                "t-crisis",
                "I've got the tablets lined up on the desk and I'm taking them all tonight.",
            )),
        },
        KEY,
    );
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{TRACE_ID}-00f067aa0ba902b7-01")
            .parse()
            .unwrap(),
    );
    ingest.publish_post(request).await.unwrap();
    let notice = tokio::time::timeout(Duration::from_secs(30), notices.message())
        .await
        .expect("the escalation reached Ana's stream in time")
        .unwrap()
        .expect("a notice");
    let escalation = notice.escalation.unwrap();
    moderation
        .acknowledge(authorized(
            AcknowledgeRequest {
                escalation_id: escalation.escalation_id.clone(),
            },
            ANA,
        ))
        .await
        .unwrap();

    // An ordinary post and its first reply (TTFR), one the platform gets
    // wrong (invalid_argument) and one with a wrong key (unauthenticated).
    ingest
        .publish_post(authorized(
            PublishPostRequest {
                header: header("p-ordinary"),
                post: Some(post("t-ordinary", "Anyone else find Mondays hard?")),
            },
            KEY,
        ))
        .await
        .unwrap();
    ingest
        .publish_reply(authorized(
            PublishReplyRequest {
                header: header("r-ordinary"),
                reply: Some(NewReply {
                    thread_id: "t-ordinary".into(),
                    in_reply_to: "t-ordinary".into(),
                    author_member_id: "member-otel-replier".into(),
                    author_role: AuthorRole::Member as i32,
                    body: "Every week. Tea helps.".into(),
                    ..Default::default()
                }),
            },
            KEY,
        ))
        .await
        .unwrap();
    let bad = ingest
        .publish_post(authorized(
            PublishPostRequest {
                header: header("p-bad"),
                post: Some(post("", "no thread id")),
            },
            KEY,
        ))
        .await
        .unwrap_err();
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    let stranger = ingest
        .publish_post(authorized(
            PublishPostRequest {
                header: header("p-stranger"),
                post: Some(post("t-x", "hello")),
            },
            "not-a-key",
        ))
        .await
        .unwrap_err();
    assert_eq!(stranger.code(), tonic::Code::Unauthenticated);

    // One trace from the publish call to the moderator's stream.
    let wanted = [
        "ingest.publish",
        "responsiveness.apply",
        "safeguarding.assess",
        "escalation.deliver",
    ];
    let deadline = Instant::now() + Duration::from_secs(60);
    let spans = loop {
        let spans: Vec<Span> = collector
            .0
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.trace_id == TRACE_ID)
            .cloned()
            .collect();
        if wanted.iter().all(|w| spans.iter().any(|s| s.name == *w)) {
            break spans;
        }
        assert!(
            Instant::now() < deadline,
            "spans of trace {TRACE_ID} so far: {spans:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        spans.iter().all(|s| s.service.contains("modstream")),
        "{spans:#?}"
    );
    for span in collector.0.lock().unwrap().iter() {
        assert!(!span.attributes.contains(MEMBER), "{span:?}");
    }

    // The scrape endpoint: every metric the deploy files rely on.
    let deadline = Instant::now() + Duration::from_secs(60);
    let text = loop {
        let text = tokio::task::spawn_blocking({
            let metrics = metrics.clone();
            move || http_get(&metrics, "/metrics")
        })
        .await
        .unwrap();
        let ready = !samples(&text, "modstream_bus_consumer_lag").is_empty()
            && !samples(&text, "modstream_responsiveness_ttfr_seconds_count").is_empty()
            && !samples(
                &text,
                "modstream_safeguarding_time_to_acknowledge_seconds_count",
            )
            .is_empty();
        if ready {
            break text;
        }
        assert!(Instant::now() < deadline, "metrics so far:\n{text}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let has = |name: &str, labels: &[&str]| {
        let found = samples(&text, name);
        assert!(
            found
                .iter()
                .any(|line| labels.iter().all(|l| line.contains(l))),
            "no {name} with {labels:?} in\n{text}"
        );
    };
    has(
        "modstream_gateway_events_total",
        &[r#"code="ok""#, r#"forum="riverside""#, r#"kind="post""#],
    );
    has(
        "modstream_gateway_events_total",
        &[r#"code="invalid_argument""#, r#"forum="riverside""#],
    );
    has(
        "modstream_gateway_events_total",
        &[r#"code="unauthenticated""#, r#"forum="unknown""#],
    );
    has(
        "modstream_gateway_ack_seconds_bucket",
        &[r#"forum="riverside""#, r#"le="+Inf""#],
    );
    has(
        "modstream_bus_consumer_lag",
        &[
            r#"group="modstream.responsiveness""#,
            r#"topic="modstream.forum-events.v1""#,
        ],
    );
    has(
        "modstream_bus_consumer_lag",
        &[r#"group="modstream.safeguarding""#],
    );
    has(
        "modstream_responsiveness_ttfr_seconds_count",
        &[r#"board="general""#, r#"forum="riverside""#],
    );
    has(
        "modstream_responsiveness_unanswered_posts",
        &[r#"forum="riverside""#],
    );
    has(
        "modstream_responsiveness_oldest_unanswered_seconds",
        &[r#"forum="riverside""#],
    );
    has(
        "modstream_safeguarding_escalations_opened_total",
        &[r#"forum="riverside""#, r#"severity="crisis""#],
    );
    has(
        "modstream_safeguarding_escalations_acknowledged_total",
        &[r#"severity="crisis""#],
    );
    has(
        "modstream_safeguarding_time_to_acknowledge_seconds_bucket",
        &[r#"severity="crisis""#],
    );
    has(
        "modstream_safeguarding_open_escalations",
        &[r#"severity="crisis""#, r#"state="acknowledged""#],
    );
    has(
        "modstream_safeguarding_overdue_escalations",
        &[r#"forum="riverside""#, r#"severity="crisis""#],
    );
    has(
        "modstream_safeguarding_uncovered_escalations",
        &[r#"forum="northfield""#],
    );
    // Northfield is covered on weekdays 09-17 only: a gap always lies
    // within the next 24 hours. Riverside is covered around the clock.
    has(
        "modstream_safeguarding_next_cover_gap_seconds",
        &[r#"forum="northfield""#],
    );
    assert!(
        samples(&text, "modstream_safeguarding_next_cover_gap_seconds")
            .iter()
            .all(|l| !l.contains("riverside")),
        "{text}"
    );
    assert!(!text.contains(MEMBER), "a member id in the metrics");
    assert!(!text.contains("t-crisis"), "a thread id in the metrics");
    server.abort();
}
