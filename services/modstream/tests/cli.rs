//! The `modstream` binary as a newcomer uses it: `up` in an empty directory
//! with no config, `client` against it, and a clean stop on SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{BIN, KillOnDrop, lines_of};

#[test]
fn up_in_an_empty_directory_then_client_then_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut up = common::up_command(dir.path())
        // Debug logs too: they must not carry member ids either.
        .env("MODSTREAM_LOG", "debug")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Read stdout on a thread so a hung process fails the test, not CI.
    let (lines_tx, lines) = mpsc::channel::<String>();
    let stdout = up.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            all.push(line.clone());
            let _ = lines_tx.send(line);
        }
        all
    });
    let stderr = up.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    let mut printed = Vec::new();
    let endpoint = |printed: &[String], name: &str| {
        printed
            .iter()
            .find_map(|l| l.trim().strip_prefix(name).map(|a| a.trim().to_owned()))
    };
    let (address, responsiveness) = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("modstream up printed its endpoints");
        printed.push(line);
        if let (Some(gateway), Some(queries)) = (
            endpoint(&printed, "gateway (gRPC ingest, health, reflection):"),
            endpoint(&printed, "responsiveness (gRPC queries, health):"),
        ) {
            break (gateway, format!("http://{queries}"));
        }
    };
    let demo_key = printed
        .iter()
        .find_map(|l| {
            l.trim()
                .strip_prefix("demo forum riverside")
                .map(|r| r.split_whitespace().last().unwrap().to_owned())
        })
        .expect("the demo keys are printed");

    let output = Command::new(BIN)
        .args([
            "client",
            "--gateway",
            &format!("http://{address}"),
            "--key",
            &demo_key,
            "--forum",
            "riverside",
        ])
        .args([
            "post",
            "--id",
            "cli-1",
            "--author",
            "cli-member-7Q2XK",
            "--body",
            "Trying modstream from a terminal.",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "client failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["source_id"], "cli-1");
    assert_eq!(answer["duplicate"], false);
    assert!(answer["event_id"].as_str().unwrap().len() == 36);

    // The post is visible to the responsiveness service: one unanswered.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let unanswered = Command::new(BIN)
            .args([
                "client",
                "--key",
                &demo_key,
                "--forum",
                "riverside",
                "unanswered",
                "--responsiveness",
                &responsiveness,
            ])
            .output()
            .unwrap();
        assert!(
            unanswered.status.success(),
            "{}",
            String::from_utf8_lossy(&unanswered.stderr)
        );
        if String::from_utf8_lossy(&unanswered.stdout).contains(r#""post_id":"cli-1""#) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the post never showed as unanswered"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let reply = Command::new(BIN)
        .args([
            "client",
            "--gateway",
            &format!("http://{address}"),
            "--key",
            &demo_key,
            "--forum",
            "riverside",
        ])
        .args([
            "reply",
            "--thread",
            "cli-1",
            "--author",
            "cli-member-9VW4P",
            "--body",
            "Welcome! Glad you tried it.",
        ])
        .output()
        .unwrap();
    assert!(
        reply.status.success(),
        "{}",
        String::from_utf8_lossy(&reply.stderr)
    );
    loop {
        let stats = Command::new(BIN)
            .args([
                "client",
                "--key",
                &demo_key,
                "--forum",
                "riverside",
                "stats",
                "--responsiveness",
                &responsiveness,
            ])
            .output()
            .unwrap();
        assert!(
            stats.status.success(),
            "{}",
            String::from_utf8_lossy(&stats.stderr)
        );
        let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
        if stats["answered"] == 1 {
            assert_eq!(stats["posts"], 1);
            assert_eq!(stats["unanswered"], 0);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the reply never counted: {stats}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let refused = Command::new(BIN)
        .args([
            "client",
            "--gateway",
            &format!("http://{address}"),
            "--key",
            &demo_key,
            "--forum",
            "northfield",
        ])
        .args(["post", "--author", "member-1", "--body", "Wrong forum."])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("PermissionDenied"));

    let status = Command::new("kill")
        .args(["-TERM", &up.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let (done_tx, done) = mpsc::channel();
    std::thread::spawn(move || done_tx.send(up.wait()));
    let exit = done
        .recv_timeout(Duration::from_secs(30))
        .expect("modstream up stopped within 30 s")
        .unwrap();
    assert!(exit.success(), "clean exit after SIGTERM: {exit:?}");
    let mut printed = reader.join().unwrap();
    printed.extend(errors.join().unwrap());
    assert!(
        dir.path().join("modstream-data/bus").is_dir(),
        "the embedded log lives in the data dir"
    );

    // Raw member ids appear in nothing modstream wrote: not its logs (at
    // debug), not the bus, not any service's state. The post text is on
    // disk, so the scan can see what it looks for.
    let raw_ids = ["cli-member-7Q2XK", "cli-member-9VW4P"];
    assert!(
        printed.iter().any(|l| l.contains("publishing")),
        "debug logs were captured"
    );
    for line in &printed {
        assert!(
            !raw_ids.iter().any(|id| line.contains(id)),
            "a member id in the logs: {line}"
        );
    }
    let mut text_seen = false;
    for file in files_under(&dir.path().join("modstream-data")) {
        let bytes = std::fs::read(&file).unwrap();
        for id in raw_ids {
            assert!(
                !bytes.windows(id.len()).any(|w| w == id.as_bytes()),
                "{id} in {}",
                file.display()
            );
        }
        text_seen |= bytes.windows(11).any(|w| w == b"Trying mods");
    }
    assert!(text_seen, "the scan must be able to see stored text");
}

/// `modstream up` (the demo) in `dir` on free loopback ports, and the lines
/// it prints.
fn start_up(dir: &std::path::Path) -> (KillOnDrop, mpsc::Receiver<String>) {
    common::spawn(common::up_command(dir))
}

/// Waits for a line containing `text`; returns it.
fn wait_for(lines: &mpsc::Receiver<String>, text: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = lines
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no line with {text:?} in time"));
        if line.contains(text) {
            return line;
        }
    }
}

/// The issue's "done when": with `modstream up`, a moderator opens the
/// console, a crisis post is published, and the moderator receives it,
/// acknowledges and resolves it — all from a terminal.
#[test]
fn console_receives_acknowledges_and_resolves_a_crisis_post() {
    use std::io::Write as _;

    let dir = tempfile::tempdir().unwrap();
    let (mut up, up_lines) = start_up(dir.path());
    let token = wait_for(&up_lines, "demo moderator riverside/ana")
        .split_whitespace()
        .last()
        .unwrap()
        .to_owned();
    let gateway = wait_for(&up_lines, "gateway (gRPC")
        .rsplit(' ')
        .next()
        .unwrap()
        .to_owned();
    let safeguarding = wait_for(&up_lines, "safeguarding (gRPC")
        .rsplit(' ')
        .next()
        .unwrap()
        .to_owned();

    let mut console = Command::new(BIN)
        .args([
            "console",
            "--safeguarding",
            &format!("http://{safeguarding}"),
        ])
        .env("MODSTREAM_MODERATOR_TOKEN", &token)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let console_lines = lines_of(console.stdout.take().unwrap());
    let mut input = console.stdin.take().unwrap();
    let mut console = KillOnDrop(console);
    wait_for(&console_lines, "streaming escalations");

    let published = Command::new(BIN)
        .args(["client", "--gateway", &format!("http://{gateway}")])
        .args([
            "--key",
            "ms_demo_riverside_4f1c9a7e2b6d8053",
            "--forum",
            "riverside",
        ])
        .args(["post", "--id", "cli-crisis", "--author", "cli-member-4TT8Z"])
        .args([
            "--body",
            "I have taken an overdose. Goodbye everyone, I am so sorry.",
        ])
        .output()
        .unwrap();
    assert!(
        published.status.success(),
        "{}",
        String::from_utf8_lossy(&published.stderr)
    );

    // The forum platform is asked to show the author crisis resources.
    let mut actions = Command::new(BIN)
        .args(["client", "--key", "ms_demo_riverside_4f1c9a7e2b6d8053"])
        .args(["--forum", "riverside", "actions"])
        .args(["--safeguarding", &format!("http://{safeguarding}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let action_lines = lines_of(actions.stdout.take().unwrap());
    let _actions = KillOnDrop(actions);
    let resources = wait_for(&action_lines, "show_crisis_resources");
    assert!(
        resources.contains("cli-crisis") && resources.contains("116 123"),
        "{resources}"
    );

    wait_for(&console_lines, "CRISIS ESCALATION");
    let id = wait_for(&console_lines, "escalation ")
        .split_whitespace()
        .last()
        .unwrap()
        .to_owned();
    wait_for(&console_lines, "why:");
    writeln!(input, "ack {}", &id[..8]).unwrap();
    wait_for(&console_lines, &format!("acknowledged {id}"));
    writeln!(input, "resolve {} signposted", &id[..8]).unwrap();
    wait_for(&console_lines, &format!("resolved {id}"));
    writeln!(input, "list").unwrap();
    wait_for(&console_lines, "no open escalations");
    writeln!(input, "quit").unwrap();
    assert!(console.0.wait().unwrap().success());

    Command::new("kill")
        .args(["-TERM", &up.0.id().to_string()])
        .status()
        .unwrap();
    assert!(up.0.wait().unwrap().success());

    // The crisis post's author id is nowhere on disk: not on the bus, not in
    // the escalation (which holds the post text), not in any sled file.
    let mut text_seen = false;
    for file in files_under(&dir.path().join("modstream-data")) {
        let bytes = std::fs::read(&file).unwrap();
        let id = b"cli-member-4TT8Z";
        assert!(
            !bytes.windows(id.len()).any(|w| w == id),
            "the member id in {}",
            file.display()
        );
        text_seen |= bytes.windows(17).any(|w| w == b"taken an overdose");
    }
    assert!(text_seen, "the scan must be able to see stored text");
}

/// `modstream simulate` publishes a bounded, realistic mix through the
/// gateway, and all of it is accepted.
#[test]
fn simulate_publishes_demo_traffic() {
    let dir = tempfile::tempdir().unwrap();
    let (_up, up_lines) = start_up(dir.path());
    let gateway = wait_for(&up_lines, "gateway (gRPC")
        .rsplit(' ')
        .next()
        .unwrap()
        .to_owned();
    let simulated = Command::new(BIN)
        .args(["simulate", "--gateway", &format!("http://{gateway}")])
        .args(["--events", "60", "--rate", "500", "--seed", "7"])
        .output()
        .unwrap();
    assert!(
        simulated.status.success(),
        "{}",
        String::from_utf8_lossy(&simulated.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&simulated.stdout)
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(summary["published"], 60);
    assert_eq!(summary["refused"], 0);
    let kinds = summary["by_kind"].as_object().unwrap();
    assert!(
        kinds.contains_key("post") && kinds.contains_key("reply"),
        "{summary}"
    );
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
