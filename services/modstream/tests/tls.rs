//! `modstream up` with TLS turned on from the environment (mutual TLS), and
//! `modstream client` publishing over https with a CA file and a client
//! certificate; a bad certificate file stops `up` with a clear error.

mod common;

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use modstream_testkit::certs::TestPki;

use common::{BIN, KillOnDrop};
const KEY: &str = "ms_demo_riverside_4f1c9a7e2b6d8053";

/// `modstream up` (the demo) on free loopback ports with `env`.
fn up(dir: &std::path::Path, env: &[(&str, &std::path::Path)]) -> Command {
    let mut command = common::up_command(dir);
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// `modstream client ... post` for riverside; its output.
fn post(gateway: &str, tls_args: &[&OsStr], id: &str) -> std::process::Output {
    Command::new(BIN)
        .args([
            "client",
            "--gateway",
            gateway,
            "--key",
            KEY,
            "--forum",
            "riverside",
        ])
        .args(tls_args)
        .args(["post", "--id", id, "--author", "tls-member-1"])
        .args(["--body", "Posting over TLS from the terminal."])
        .env_remove("MODSTREAM_CA_FILE")
        .env_remove("MODSTREAM_CLIENT_CERT_FILE")
        .env_remove("MODSTREAM_CLIENT_KEY_FILE")
        .output()
        .unwrap()
}

#[test]
fn up_with_mutual_tls_from_the_environment_then_client_over_https() {
    let pki = TestPki::new();
    let dir = tempfile::tempdir().unwrap();
    let child = up(
        dir.path(),
        &[
            ("MODSTREAM_TLS_CERT_FILE", &pki.server_cert),
            ("MODSTREAM_TLS_KEY_FILE", &pki.server_key),
            ("MODSTREAM_TLS_CLIENT_CA_FILE", &pki.ca_cert),
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut up = KillOnDrop(child);
    let (tx, lines) = mpsc::channel::<String>();
    let stdout = up.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut printed = Vec::new();
    let gateway = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("modstream up printed its endpoints");
        printed.push(line.clone());
        if let Some(address) = line
            .trim()
            .strip_prefix("gateway (gRPC ingest, health, reflection):")
        {
            break format!("https://{}", address.trim());
        }
    };
    assert!(
        printed.iter().any(|l| l.contains("TLS on every listener")
            && l.contains("clients must present a certificate")),
        "up says TLS is on, with mutual TLS: {printed:#?}"
    );
    while !printed.iter().any(|l| l.contains("dashboard (web")) {
        printed.push(lines.recv_timeout(Duration::from_secs(60)).unwrap());
    }
    assert!(
        printed
            .iter()
            .any(|l| l.contains("dashboard (web") && l.contains("https://")),
        "{printed:#?}"
    );

    let ca = pki.ca_cert.as_os_str();
    let flag = OsStr::new;
    let with_certificate = [
        flag("--ca-file"),
        ca,
        flag("--cert-file"),
        pki.client_cert.as_os_str(),
        flag("--key-file"),
        pki.client_key.as_os_str(),
    ];
    let output = post(&gateway, &with_certificate, "tls-cli-1");
    assert!(
        output.status.success(),
        "client over https failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["source_id"], "tls-cli-1");
    assert_eq!(answer["event_id"].as_str().unwrap().len(), 36);

    // Without a client certificate the gateway refuses the connection.
    let output = post(&gateway, &[flag("--ca-file"), ca], "tls-cli-2");
    assert!(!output.status.success(), "no client certificate got in");

    // Plaintext with TLS files given is a usage error, not a silent downgrade.
    let plaintext = gateway.replacen("https://", "http://", 1);
    let output = post(&plaintext, &with_certificate, "tls-cli-3");
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("use an https:// address"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let status = Command::new("kill")
        .args(["-TERM", &up.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = up.0.wait().unwrap();
    assert!(exit.success(), "clean exit after SIGTERM: {exit:?}");
}

#[test]
fn up_refuses_to_start_with_a_missing_certificate_file() {
    let pki = TestPki::new();
    let dir = tempfile::tempdir().unwrap();
    let missing = pki.dir().join("no-such-cert.pem");
    let child = up(
        dir.path(),
        &[
            ("MODSTREAM_TLS_CERT_FILE", &missing),
            ("MODSTREAM_TLS_KEY_FILE", &pki.server_key),
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // On a thread, so a process that wrongly starts fails the test (killed
    // by the deadline below) instead of hanging it.
    let pid = child.id();
    let (done_tx, done) = mpsc::channel();
    std::thread::spawn(move || done_tx.send(child.wait_with_output()));
    let output = match done.recv_timeout(Duration::from_secs(60)) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("modstream up did not stop on a missing certificate file");
        }
    };
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("tls.cert_file") && stderr.contains("no-such-cert.pem"),
        "{stderr}"
    );
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("modstream is up"),
        "nothing listens with a bad TLS file"
    );
}
