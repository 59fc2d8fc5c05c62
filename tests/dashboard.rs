//! The operations dashboard in a real headless browser (Debian's Chromium,
//! driven by `tests/browser/dashboard.mjs`): sign-in and per-forum scopes,
//! then a post and a crisis post published over gRPC appear on the open
//! page without a reload. `tests/run.sh` installs Chromium and the script's
//! one npm package.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use modstream_proto::v1::PublishPostRequest;
use modstream_tests::{
    ALPHA, ALPHA_KEY, OPS_ALPHA_TOKEN, OPS_FEDERATION_TOKEN, System, WAIT, authorized, header, post,
};

#[tokio::test]
async fn the_overview_shows_new_posts_and_escalations_live() {
    let mut system = System::embedded().await;
    system.start_safeguarding().await;
    let dashboard = system.start_dashboard().await;
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "run `npm ci --prefix tests/browser` (tests/run.sh does)"
    );
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png");
    let mut node = Command::new("node")
        .arg("dashboard.mjs")
        .arg(format!("http://{}/", dashboard.address))
        .args([OPS_FEDERATION_TOKEN, OPS_ALPHA_TOKEN, ALPHA])
        .arg(&screenshot)
        .current_dir(&browser_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    let stdout = node.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let ready = tokio::task::spawn_blocking(move || {
        let line = lines.recv_timeout(WAIT);
        (line, lines)
    })
    .await
    .unwrap();
    let (first, lines) = ready;
    if first.as_deref() != Ok("READY") {
        let output = node.wait_with_output().unwrap();
        panic!(
            "the page did not get ready: {first:?}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    let mut client = system.client().await;
    for (thread, body) in [
        (
            "t-dash-1",
            "Does anyone else find Sunday evenings the hardest?",
        ),
        (
            "t-dash-2",
            "I have taken an overdose. Goodbye everyone, I am so sorry.",
        ),
    ] {
        client
            .publish_post(authorized(
                PublishPostRequest {
                    header: header(ALPHA, thread),
                    post: Some(post(thread, "dash-member", body)),
                },
                ALPHA_KEY,
            ))
            .await
            .unwrap();
    }

    let output = tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            if let Some(status) = node.try_wait().unwrap() {
                let mut stderr = String::new();
                if let Some(mut err) = node.stderr.take() {
                    use std::io::Read as _;
                    let _ = err.read_to_string(&mut stderr);
                }
                return (status, stderr, lines.try_iter().collect::<Vec<_>>());
            }
            if std::time::Instant::now() > deadline {
                let _ = node.kill();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .unwrap();
    let (status, stderr, printed) = output;
    assert!(
        status.success() && printed.iter().any(|l| l == "PASS"),
        "browser test failed: {status:?}\n{stderr}\n{printed:?}"
    );
    assert!(screenshot.is_file(), "a screenshot of the overview");
    dashboard.stop().await;
}
