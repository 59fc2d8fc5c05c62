//! `modstream console`: a moderator's terminal console. It opens the
//! escalation stream, shows each escalation as it arrives with why it was
//! flagged, and takes commands on stdin (ack, resolve, note, handover,
//! list), so a forum with no engineering team can use modstream as it is.
//!
//! It resumes after the last notice it saw when the connection drops, so a
//! flaky network neither loses nor repeats an escalation.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use modstream_proto::convert;
use modstream_proto::v1::{
    AcknowledgeRequest, AddNoteRequest, Escalation, EscalationNotice, EscalationState,
    HandOverRequest, ListOpenRequest, NoticeKind, Outcome, ResolveRequest, Severity,
    StreamEscalationsRequest, Tier, escalation_change::Change, moderation_client::ModerationClient,
};
use tokio::io::AsyncBufReadExt;
use tonic::Request;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::Channel;

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// The safeguarding service's address (https://... for TLS).
    #[arg(long, default_value = "http://127.0.0.1:50053")]
    safeguarding: String,
    #[command(flatten)]
    tls: crate::connect::TlsArgs,
    /// Your moderator console token (or set MODSTREAM_MODERATOR_TOKEN).
    #[arg(long, env = "MODSTREAM_MODERATOR_TOKEN", hide_env_values = true)]
    token: String,
    /// Show notices after this sequence only (the last one a previous
    /// console session printed); 0 shows every kept notice.
    #[arg(long, default_value_t = 0)]
    after: u64,
}

const HELP: &str = "commands:
  list                              open escalations you can see
  ack ID                            acknowledge (\"I've got this\")
  resolve ID OUTCOME [NOTE]         OUTCOME: contacted | signposted | emergency | no-risk | other (needs a NOTE)
  note ID TEXT                      add a note to the timeline
  handover ID MODERATOR [NOTE]      hand over to a colleague (FORUM/MODERATOR for the partner team)
  help | quit
ID may be the first characters of an escalation id.";

struct Console {
    client: ModerationClient<Channel>,
    bearer: MetadataValue<Ascii>,
    /// Every escalation id seen, for short-id look-up.
    known: BTreeMap<String, ()>,
}

impl Console {
    fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        request
            .metadata_mut()
            .insert("authorization", self.bearer.clone());
        request
    }

    fn resolve_id(&self, prefix: &str) -> Result<String, String> {
        let matches: Vec<&String> = self
            .known
            .keys()
            .filter(|id| id.starts_with(prefix))
            .collect();
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] if prefix.len() == 36 => Ok(prefix.to_owned()),
            [] => Err(format!("no escalation starts with {prefix:?} (try `list`)")),
            _ => Err(format!(
                "{prefix:?} matches several escalations; type more of it"
            )),
        }
    }

    async fn command(&mut self, line: &str) -> Result<bool, String> {
        let mut words = line.split_whitespace();
        let Some(verb) = words.next() else {
            return Ok(true);
        };
        let rest: Vec<&str> = words.collect();
        let status = |s: tonic::Status| format!("{:?}: {}", s.code(), s.message());
        match (verb, rest.as_slice()) {
            ("quit" | "exit", _) => return Ok(false),
            ("help", _) => println!("{HELP}"),
            ("list", _) => {
                let open = self
                    .client
                    .list_open(self.request(ListOpenRequest {}))
                    .await
                    .map_err(status)?
                    .into_inner();
                if open.escalations.is_empty() {
                    println!("no open escalations");
                }
                for e in &open.escalations {
                    self.known.insert(e.escalation_id.clone(), ());
                    println!("{}", summary(e));
                }
            }
            ("ack", [id]) => {
                let id = self.resolve_id(id)?;
                let e = self
                    .client
                    .acknowledge(self.request(AcknowledgeRequest { escalation_id: id }))
                    .await
                    .map_err(status)?
                    .into_inner();
                println!("acknowledged {}", e.escalation_id);
            }
            ("resolve", [id, outcome, note @ ..]) => {
                let id = self.resolve_id(id)?;
                let outcome = match *outcome {
                    "contacted" => Outcome::ContactedMember,
                    "signposted" => Outcome::Signposted,
                    "emergency" => Outcome::EmergencyServices,
                    "no-risk" => Outcome::NoRiskOnReview,
                    "other" => Outcome::Other,
                    other => return Err(format!("unknown outcome {other:?}\n{HELP}")),
                };
                let e = self
                    .client
                    .resolve(self.request(ResolveRequest {
                        escalation_id: id,
                        outcome: outcome as i32,
                        note: note.join(" "),
                    }))
                    .await
                    .map_err(status)?
                    .into_inner();
                println!("resolved {}", e.escalation_id);
            }
            ("note", [id, text @ ..]) if !text.is_empty() => {
                let id = self.resolve_id(id)?;
                let e = self
                    .client
                    .add_note(self.request(AddNoteRequest {
                        escalation_id: id,
                        note: text.join(" "),
                    }))
                    .await
                    .map_err(status)?
                    .into_inner();
                println!("noted on {}", e.escalation_id);
            }
            ("handover", [id, to, note @ ..]) => {
                let id = self.resolve_id(id)?;
                let (forum, moderator) = to.split_once('/').unwrap_or(("", to));
                let e = self
                    .client
                    .hand_over(self.request(HandOverRequest {
                        escalation_id: id,
                        to_moderator_id: moderator.to_owned(),
                        to_forum_id: forum.to_owned(),
                        note: note.join(" "),
                    }))
                    .await
                    .map_err(status)?
                    .into_inner();
                println!("handed over {} to {to}", e.escalation_id);
            }
            _ => return Err(format!("not understood: {line:?}\n{HELP}")),
        }
        Ok(true)
    }
}

fn severity(s: i32) -> &'static str {
    match Severity::try_from(s) {
        Ok(Severity::Crisis) => "CRISIS",
        Ok(Severity::High) => "HIGH",
        _ => "?",
    }
}

fn state(s: i32) -> &'static str {
    match EscalationState::try_from(s) {
        Ok(EscalationState::Open) => "open (nobody told yet)",
        Ok(EscalationState::Notified) => "waiting for acknowledgement",
        Ok(EscalationState::Acknowledged) => "acknowledged",
        Ok(EscalationState::Resolved) => "resolved",
        _ => "?",
    }
}

fn tier(t: i32) -> &'static str {
    match Tier::try_from(t) {
        Ok(Tier::Moderator) => "moderator",
        Ok(Tier::NextModerator) => "next moderator",
        Ok(Tier::ShiftLead) => "shift lead",
        Ok(Tier::Partner) => "partner team",
        _ => "-",
    }
}

fn time(ts: &Option<prost_types::Timestamp>) -> String {
    ts.as_ref()
        .and_then(convert::system_time)
        .map(|t| {
            let secs = t
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs();
            let day = secs % 86_400;
            format!(
                "{:02}:{:02}:{:02} UTC",
                day / 3600,
                (day % 3600) / 60,
                day % 60
            )
        })
        .unwrap_or_else(|| "-".into())
}

fn summary(e: &Escalation) -> String {
    format!(
        "{} {:<6} {} forum {} board {} thread {} — {}",
        &e.escalation_id[..8.min(e.escalation_id.len())],
        severity(e.severity),
        e.escalation_id,
        e.forum_id,
        e.board_id,
        e.thread_id,
        state(e.state)
    )
}

fn last_change(e: &Escalation) -> String {
    let who = |m: &Option<modstream_proto::v1::ModeratorRef>| {
        m.as_ref()
            .map(|m| format!("{}/{}", m.forum_id, m.moderator_id))
            .unwrap_or_default()
    };
    match e.timeline.last().and_then(|c| c.change.as_ref()) {
        Some(Change::Acknowledged(a)) => format!("acknowledged by {}", who(&a.moderator)),
        Some(Change::Resolved(r)) => format!(
            "resolved by {} ({})",
            who(&r.moderator),
            Outcome::try_from(r.outcome).map_or("?", |o| o.as_str_name())
        ),
        Some(Change::NoteAdded(n)) => format!("note from {}: {}", who(&n.moderator), n.note),
        Some(Change::HandedOver(h)) => format!("handed over to {}", who(&h.to)),
        Some(Change::EvidenceAdded(_)) => "more in the thread (see below)".into(),
        Some(Change::Reescalated(r)) => {
            format!("re-escalated to the {}: {}", tier(r.tier), r.reason)
        }
        Some(Change::Notified(n)) => format!("sent to {}", who(&n.moderator)),
        Some(Change::Uncovered(u)) => format!("nobody available: {}", u.reason),
        Some(Change::Opened(_)) | None => "opened".into(),
    }
}

fn print_notice(notice: &EscalationNotice) {
    let Some(e) = &notice.escalation else {
        return;
    };
    let short = &e.escalation_id[..8.min(e.escalation_id.len())];
    if notice.kind == NoticeKind::Updated as i32 {
        println!(
            "[#{}] UPDATE {short} {}: {}",
            notice.sequence,
            severity(e.severity),
            last_change(e)
        );
        if let Some(Change::EvidenceAdded(_)) = e.timeline.last().and_then(|c| c.change.as_ref())
            && let Some(evidence) = e.evidence.last()
        {
            print_evidence(evidence);
        }
        return;
    }
    println!();
    println!(
        "[#{}] {} ESCALATION {short} for you ({})",
        notice.sequence,
        severity(e.severity),
        tier(e.tier)
    );
    println!("  escalation {}", e.escalation_id);
    println!(
        "  forum {} · board {} · thread {} · post {} · member {}",
        e.forum_id, e.board_id, e.thread_id, e.post_id, e.author_pseudonym
    );
    println!(
        "  opened {} · {} · acknowledge by {}{}",
        time(&e.opened_at),
        state(e.state),
        time(&e.ack_deadline),
        if e.covered_by_partner {
            " · you are covering as the partner team"
        } else {
            ""
        }
    );
    for evidence in &e.evidence {
        print_evidence(evidence);
    }
    println!("  → ack {short}   |   resolve {short} <outcome> [note]   |   help");
}

fn print_evidence(evidence: &modstream_proto::v1::Evidence) {
    println!(
        "  {} {} by {} (assessed {}):",
        evidence.kind, evidence.post_id, evidence.author_pseudonym, evidence.level
    );
    if !evidence.report_note.is_empty() {
        println!("    reporter's note: {}", evidence.report_note);
    }
    for line in evidence.text.lines() {
        println!("    │ {line}");
    }
    for reason in &evidence.reasons {
        println!(
            "    why: {} — {} («{}»)",
            reason.rule, reason.description, reason.matched
        );
    }
}

async fn connect(
    tls: &crate::connect::TlsArgs,
    address: &str,
) -> anyhow::Result<ModerationClient<Channel>> {
    Ok(ModerationClient::new(
        tls.connect(address, "the safeguarding service").await?,
    ))
}

pub async fn run(args: ConsoleArgs) -> anyhow::Result<()> {
    let bearer: MetadataValue<Ascii> = format!("Bearer {}", args.token)
        .parse()
        .context("the token has characters a header cannot carry")?;
    let mut console = Console {
        client: connect(&args.tls, &args.safeguarding).await?,
        bearer,
        known: BTreeMap::new(),
    };
    let mut last = args.after;
    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut stdin_open = true;
    println!(
        "connected to {}; type `help` for commands",
        args.safeguarding
    );
    'connection: loop {
        let mut stream = match console
            .client
            .stream_escalations(console.request(StreamEscalationsRequest {
                after_sequence: last,
            }))
            .await
        {
            Ok(response) => response.into_inner(),
            Err(status)
                if matches!(
                    status.code(),
                    tonic::Code::Unauthenticated | tonic::Code::PermissionDenied
                ) =>
            {
                anyhow::bail!("{:?}: {}", status.code(), status.message());
            }
            Err(status) => {
                eprintln!("stream refused ({}); retrying", status.message());
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        println!("streaming escalations after #{last}");
        loop {
            tokio::select! {
                notice = stream.message() => match notice {
                    Ok(Some(notice)) => {
                        last = notice.sequence;
                        if let Some(e) = &notice.escalation {
                            console.known.insert(e.escalation_id.clone(), ());
                        }
                        print_notice(&notice);
                    }
                    Ok(None) | Err(_) => {
                        eprintln!("connection lost; resuming after #{last}");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue 'connection;
                    }
                },
                line = stdin.next_line(), if stdin_open => match line {
                    Ok(Some(line)) => match console.command(line.trim()).await {
                        Ok(true) => {}
                        Ok(false) => return Ok(()),
                        Err(problem) => println!("error: {problem}"),
                    },
                    // No more input (a pipe closed): keep showing escalations.
                    Ok(None) | Err(_) => stdin_open = false,
                },
            }
        }
    }
}
