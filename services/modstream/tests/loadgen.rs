//! A short smoke run of `modstream loadgen` against `modstream up`: proves
//! the tool works end to end (ingest, the visibility probes, escalations on
//! the moderators' streams). Figures are not checked against any target;
//! BENCHMARKS.md has the real runs.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_modstream");

/// `modstream up`, killed when the test ends however it ends.
struct Up(Child);

impl Drop for Up {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn loadgen_measures_ingest_visibility_and_escalations() {
    let dir = tempfile::tempdir().unwrap();
    let mut up = Up(Command::new(BIN)
        .arg("up")
        .current_dir(dir.path())
        .env("MODSTREAM_GATEWAY_LISTEN", "127.0.0.1:0")
        .env("MODSTREAM_RESPONSIVENESS_LISTEN", "127.0.0.1:0")
        .env("MODSTREAM_SAFEGUARDING_LISTEN", "127.0.0.1:0")
        .env("MODSTREAM_DASHBOARD_LISTEN", "127.0.0.1:0")
        .env("MODSTREAM_METRICS_LISTEN", "127.0.0.1:0")
        .env("MODSTREAM_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap());

    // Read stdout on a thread so a hung process fails the test, not CI.
    let (lines_tx, lines) = mpsc::channel::<String>();
    let stdout = up.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let mut printed = Vec::new();
    let endpoint = |printed: &[String], name: &str| {
        printed.iter().find_map(|l| {
            l.trim()
                .strip_prefix(name)
                .map(|a| format!("http://{}", a.trim()))
        })
    };
    let (gateway, responsiveness, safeguarding) = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("modstream up printed its endpoints");
        printed.push(line);
        if let (Some(g), Some(r), Some(s)) = (
            endpoint(&printed, "gateway (gRPC ingest, health, reflection):"),
            endpoint(&printed, "responsiveness (gRPC queries, health):"),
            endpoint(
                &printed,
                "safeguarding (gRPC moderation, rosters, forum actions, health):",
            ),
        ) {
            break (g, r, s);
        }
    };

    let report = dir.path().join("loadgen.json");
    let output = Command::new(BIN)
        .args(["loadgen", "--gateway", &gateway])
        .args(["--responsiveness", &responsiveness])
        .args(["--safeguarding", &safeguarding])
        // A low rate for a debug build on a shared machine; a tenth of the
        // events are crisis posts so a short run has several.
        .args(["--rate", "50", "--duration", "2", "--crisis-percent", "10"])
        .args(["--settle", "60", "--json"])
        .arg(&report)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "loadgen failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("p99.9"), "the table is printed: {stdout}");

    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(json["schema"], "modstream.loadgen.v1");
    let load = &json["load"];
    assert_eq!(load["scheduled_events"], 100, "{load}");
    assert_eq!(load["acknowledged_events"], 100, "{load}");
    assert_eq!(load["failed_events"], 0, "{load}");
    assert_eq!(load["dropped_overload_events"], 0, "{load}");
    assert_eq!(load["errors_by_code"], serde_json::json!({}), "{load}");
    assert!(load["achieved_events_per_s"].as_f64().unwrap() > 0.0);
    assert_eq!(json["ack_ms"]["count"], 100, "unary: one call per event");
    assert!(json["ack_ms"]["p99"].as_f64().unwrap() > 0.0);

    let visible = &json["visible_ms"];
    assert!(visible["count"].as_u64().unwrap() > 0, "{visible}");
    assert_eq!(visible["count"], visible["probes"], "{visible}");
    assert_eq!(visible["not_seen"], 0, "{visible}");

    let escalation = &json["escalation_ms"];
    let crisis = escalation["crisis_posts"].as_u64().unwrap();
    assert!(crisis > 0, "{escalation}");
    assert_eq!(escalation["count"], crisis, "{escalation}");
    assert_eq!(escalation["not_delivered"], 0, "{escalation}");
    assert_eq!(escalation["unexpected"], 0, "{escalation}");
    assert_eq!(load["by_kind"]["crisis post"], crisis, "{load}");
}
