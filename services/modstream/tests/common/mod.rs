//! What the tests that run the `modstream` binary share: starting `modstream
//! up` on free loopback ports, reading what it prints, and killing it when
//! the test ends.

// Each test file uses its own part of this.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_modstream");

/// `modstream up` (the demo unless `--config` is added) in `dir`, with every
/// listener on a free loopback port, stdout piped and stderr dropped.
pub fn up_command(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("up")
        .current_dir(dir)
        .env("MODSTREAM_GATEWAY_LISTEN", "127.0.0.1:0")
        .env("MODSTREAM_RESPONSIVENESS_LISTEN", "127.0.0.1:0")
        .env("MODSTREAM_SAFEGUARDING_LISTEN", "127.0.0.1:0")
        .env("MODSTREAM_DASHBOARD_LISTEN", "127.0.0.1:0")
        .env("MODSTREAM_METRICS_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command
}

/// A child process killed when the test ends, passed or failed, so a failing
/// test leaves no server running.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Lines a child prints, read on a thread for as long as it prints (a closed
/// pipe would stop it), so a hung child fails the test instead of hanging it.
pub fn lines_of(out: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

/// Starts `command` (from [`up_command`]); the child and its lines.
pub fn spawn(mut command: Command) -> (KillOnDrop, mpsc::Receiver<String>) {
    let mut child = command.spawn().unwrap();
    let lines = lines_of(child.stdout.take().unwrap());
    (KillOnDrop(child), lines)
}

/// The address `modstream up` printed after `label` (e.g. `"gateway (gRPC
/// ingest, health, reflection):"`), waiting up to a minute. `printed` keeps
/// every line read, for later lookups and for the failure message.
pub fn address_after(
    lines: &mpsc::Receiver<String>,
    printed: &mut Vec<String>,
    label: &str,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(address) = printed.iter().find_map(|l| {
            l.trim()
                .strip_prefix(label)
                .map(|rest| rest.trim().to_owned())
        }) {
            return address;
        }
        let line = lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("modstream up printed {label}; it printed {printed:#?}"));
        printed.push(line);
    }
}

pub const GATEWAY: &str = "gateway (gRPC ingest, health, reflection):";
pub const RESPONSIVENESS: &str = "responsiveness (gRPC queries, health):";
pub const SAFEGUARDING: &str = "safeguarding (gRPC moderation, rosters, forum actions, health):";
pub const METRICS: &str = "metrics (Prometheus):";
