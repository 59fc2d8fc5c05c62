//! The operations dashboard in a real headless browser (Debian's Chromium,
//! driven by `tests/browser/dashboard.mjs`): sign-in, per-forum scopes and
//! `/healthz`; the overview, then a forum page opened by keyboard, both
//! updated live by events published over gRPC. `tests/run.sh` installs
//! Chromium and the script's one npm package.

use std::path::Path;
use std::process::Stdio;

use modstream_proto::v1::{
    AcknowledgeRequest, EscalationNotice, PublishPostRequest, PublishReplyRequest,
    StreamEscalationsRequest,
};
use modstream_tests::{
    ALPHA, ALPHA_KEY, ANA_TOKEN, BETA, BETA_KEY, GAMMA, GAMMA_KEY, OPS_ALPHA_TOKEN,
    OPS_FEDERATION_TOKEN, System, WAIT, authorized, header, post, reply,
};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::task::JoinHandle;

/// The browser script, run by node, and what it has printed.
struct Browser {
    node: Child,
    lines: Lines<BufReader<ChildStdout>>,
    stderr: JoinHandle<String>,
    printed: Vec<String>,
}

impl Browser {
    fn start(browser_dir: &Path, args: &[&str]) -> Self {
        let mut node = Command::new("node")
            .arg("dashboard.mjs")
            .args(args)
            .current_dir(browser_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs");
        let lines = BufReader::new(node.stdout.take().unwrap()).lines();
        let mut stderr = node.stderr.take().unwrap();
        let stderr = tokio::spawn(async move {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text).await;
            text
        });
        Self {
            node,
            lines,
            stderr,
            printed: Vec::new(),
        }
    }

    /// Waits until the script prints `stage`; fails with its output if it
    /// ends, fails or takes too long first.
    async fn reaches(&mut self, stage: &str) {
        let lines = &mut self.lines;
        let printed = &mut self.printed;
        let reached = tokio::time::timeout(WAIT, async {
            while let Ok(Some(line)) = lines.next_line().await {
                let found = line == stage;
                printed.push(line);
                if found {
                    return true;
                }
            }
            false
        })
        .await;
        if reached != Ok(true) {
            let _ = self.node.kill().await;
            let stderr = (&mut self.stderr).await.unwrap_or_default();
            panic!(
                "the browser test did not reach {stage}\n{stderr}\nprinted: {:?}",
                self.printed
            );
        }
    }

    async fn exits_cleanly(mut self) {
        let status = tokio::time::timeout(WAIT, self.node.wait()).await;
        let stderr = (&mut self.stderr).await.unwrap_or_default();
        assert!(
            matches!(status, Ok(Ok(s)) if s.success()),
            "the browser test failed: {status:?}\n{stderr}\nprinted: {:?}",
            self.printed
        );
    }
}

async fn next_notice(stream: &mut tonic::Streaming<EscalationNotice>) -> EscalationNotice {
    tokio::time::timeout(WAIT, stream.message())
        .await
        .expect("a notice in time")
        .expect("stream error")
        .expect("stream open")
}

async fn publish_post(system: &System, forum: &str, key: &str, thread: &str, body: &str) {
    system
        .client()
        .await
        .publish_post(authorized(
            PublishPostRequest {
                header: header(forum, thread),
                post: Some(post(thread, "dash-member", body)),
            },
            key,
        ))
        .await
        .unwrap();
}

async fn publish_reply(system: &System, forum: &str, key: &str, thread: &str, body: &str) {
    system
        .client()
        .await
        .publish_reply(authorized(
            PublishReplyRequest {
                header: header(forum, &format!("{thread}-reply")),
                reply: Some(reply(thread, "dash-helper", body)),
            },
            key,
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_overview_and_a_forum_page_update_live_in_a_browser() {
    let mut system = System::embedded().await;
    system.start_safeguarding().await;
    let dashboard = system.start_dashboard().await;
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "run `npm ci --prefix tests/browser` (tests/run.sh does)"
    );
    // Ana's console is open, so the crisis post is routed to her.
    let mut ana = system.moderation().await;
    let mut notices = ana
        .stream_escalations(authorized(
            StreamEscalationsRequest { after_sequence: 0 },
            ANA_TOKEN,
        ))
        .await
        .unwrap()
        .into_inner();

    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png");
    let address = format!("http://{}/", dashboard.address);
    let mut browser = Browser::start(
        &browser_dir,
        &[
            &address,
            OPS_FEDERATION_TOKEN,
            OPS_ALPHA_TOKEN,
            ALPHA,
            screenshot.to_str().unwrap(),
        ],
    );

    browser.reaches("READY").await;
    publish_post(
        &system,
        ALPHA,
        ALPHA_KEY,
        "t-dash-1",
        "Does anyone else find Sunday evenings the hardest?",
    )
    .await;
    publish_post(
        &system,
        ALPHA,
        ALPHA_KEY,
        "t-dash-2",
        "I have taken an overdose. Goodbye everyone, I am so sorry.",
    )
    .await;
    let escalation = next_notice(&mut notices).await.escalation.unwrap();

    browser.reaches("FORUM").await;
    ana.acknowledge(authorized(
        AcknowledgeRequest {
            escalation_id: escalation.escalation_id,
        },
        ANA_TOKEN,
    ))
    .await
    .unwrap();
    for thread in ["t-dash-1", "t-dash-2"] {
        publish_reply(
            &system,
            ALPHA,
            ALPHA_KEY,
            thread,
            "I hear you. Sunday evenings are hard for me too.",
        )
        .await;
    }
    publish_post(
        &system,
        ALPHA,
        ALPHA_KEY,
        "t-dash-3",
        "This is my first post here, hello everyone.",
    )
    .await;
    // Two more forums with an answered post: enough for a federation median.
    for (forum, key) in [(BETA, BETA_KEY), (GAMMA, GAMMA_KEY)] {
        let thread = format!("t-{forum}-1");
        publish_post(&system, forum, key, &thread, "What helps you sleep?").await;
        publish_reply(&system, forum, key, &thread, "A warm drink and the radio.").await;
    }

    browser.reaches("PASS").await;
    browser.exits_cleanly().await;
    assert!(screenshot.is_file(), "a screenshot of the overview");
    assert!(
        screenshot.with_file_name("dashboard-forum.png").is_file(),
        "a screenshot of the forum page"
    );
    dashboard.stop().await;
}
