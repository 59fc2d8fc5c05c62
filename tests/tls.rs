//! TLS on the listeners, with certificates made for each test: the gRPC
//! services over TLS (and not in plaintext), mutual TLS (a certificate from
//! the client CA required, any other refused), and the HTTP listeners (the
//! dashboard's `/healthz`, the metrics endpoint) over HTTPS.

use std::net::SocketAddr;
use std::sync::Arc;

use modstream_config::{ClientAuth, Config, TlsConfig};
use modstream_proto::v1::{PublishPostRequest, ingest_client::IngestClient};
use modstream_testkit::certs::TestPki;
use modstream_tests::{ALPHA, ALPHA_KEY, WAIT, authorized, header, post, test_config};
use modstream_tls::ClientTls;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

/// What a test service waits on to stop.
type Shutdown = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// One service (its `serve` function) on a loopback port, with its own data
/// directory and embedded bus; stopped when dropped.
struct Running {
    address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<anyhow::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Running {
    async fn start<F, Fut>(tls: TlsConfig, serve: F) -> Self
    where
        F: FnOnce(
                Config,
                modstream_bus::Bus,
                modstream_clock::SharedClock,
                tokio::net::TcpListener,
                Shutdown,
            ) -> Fut
            + Send
            + 'static,
        Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let dir = tempfile::tempdir().unwrap();
        let mut config = test_config(dir.path().to_owned());
        config.tls = Some(tls);
        config.validate().unwrap();
        let bus = modstream_runtime::open_bus(&config).unwrap();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown: Shutdown = Box::pin(async {
            let _ = stopped.await;
        });
        let handle = tokio::spawn(serve(
            config,
            bus,
            modstream_clock::system(),
            listener,
            shutdown,
        ));
        Self {
            address,
            stop: Some(stop),
            handle,
            _dir: dir,
        }
    }

    async fn gateway(tls: TlsConfig) -> Self {
        Self::start(tls, |config, bus, clock, listener, shutdown| async move {
            modstream_gateway::serve(&config, bus, clock, listener, shutdown).await
        })
        .await
    }

    fn https(&self) -> String {
        format!("https://{}", self.address)
    }

    /// Stops the service and returns how it ended.
    async fn stop(mut self) -> anyhow::Result<()> {
        let _ = self.stop.take().unwrap().send(());
        (&mut self.handle).await.unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

fn server_tls(pki: &TestPki) -> TlsConfig {
    TlsConfig {
        cert_file: pki.server_cert.clone(),
        key_file: pki.server_key.clone(),
        ..Default::default()
    }
}

fn mutual_tls(pki: &TestPki, client_auth: Option<ClientAuth>) -> TlsConfig {
    TlsConfig {
        client_ca_file: Some(pki.ca_cert.clone()),
        client_auth,
        ..server_tls(pki)
    }
}

/// Trusts the test CA; presents no certificate.
fn trusting(pki: &TestPki) -> ClientTls {
    ClientTls {
        ca_file: Some(pki.ca_cert.clone()),
        ..Default::default()
    }
}

/// Trusts the test CA and presents `cert` and `key`.
fn presenting(pki: &TestPki, cert: &std::path::Path, key: &std::path::Path) -> ClientTls {
    ClientTls {
        cert_file: Some(cert.to_owned()),
        key_file: Some(key.to_owned()),
        ..trusting(pki)
    }
}

/// Publishes one post through `address` with `tls`; the event id, or why
/// the connection or the call failed.
async fn publish(tls: &ClientTls, address: &str, id: &str) -> Result<String, String> {
    let call = async {
        let channel = tls
            .endpoint(address)
            .map_err(|e| e.to_string())?
            .connect()
            .await
            .map_err(|e| format!("connect: {e:?}"))?;
        let answer = IngestClient::new(channel)
            .publish_post(authorized(
                PublishPostRequest {
                    header: header(ALPHA, id),
                    post: Some(post(id, "tls-member", "Checking in over TLS.")),
                },
                ALPHA_KEY,
            ))
            .await
            .map_err(|s| format!("call: {s:?}"))?;
        Ok(answer.into_inner().event_id)
    };
    tokio::time::timeout(WAIT, call)
        .await
        .unwrap_or_else(|_| Err("timed out".into()))
}

/// Waits until the gRPC service at `address` answers a health check over
/// TLS as `tls`.
async fn wait_ready(tls: &ClientTls, address: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Ok(channel) = tls.endpoint(address).unwrap().connect().await
            && HealthClient::new(channel)
                .check(HealthCheckRequest::default())
                .await
                .is_ok()
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{address} never answered over TLS"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_gateway_serves_grpc_over_tls_and_refuses_plaintext() {
    let pki = TestPki::new();
    let gateway = Running::gateway(server_tls(&pki)).await;
    wait_ready(&trusting(&pki), &gateway.https()).await;

    let event_id = publish(&trusting(&pki), &gateway.https(), "tls-1")
        .await
        .expect("a client trusting the CA publishes over TLS");
    assert_eq!(event_id.len(), 36, "{event_id}");

    let plaintext = publish(
        &ClientTls::default(),
        &format!("http://{}", gateway.address),
        "tls-2",
    )
    .await;
    assert!(
        plaintext.is_err(),
        "plaintext reached a TLS listener: {plaintext:?}"
    );

    // A client that does not trust the server's CA does not go on.
    let stranger = ClientTls {
        ca_file: Some(pki.other_ca_cert.clone()),
        ..Default::default()
    };
    let untrusted = publish(&stranger, &gateway.https(), "tls-3").await;
    assert!(untrusted.is_err(), "{untrusted:?}");

    gateway.stop().await.unwrap();
}

#[tokio::test]
async fn mutual_tls_admits_only_certificates_signed_by_the_client_ca() {
    let pki = TestPki::new();
    let gateway = Running::gateway(mutual_tls(&pki, None)).await;
    let platform = presenting(&pki, &pki.client_cert, &pki.client_key);
    wait_ready(&platform, &gateway.https()).await;

    publish(&platform, &gateway.https(), "mtls-1")
        .await
        .expect("a certificate signed by the client CA is admitted");

    let anonymous = publish(&trusting(&pki), &gateway.https(), "mtls-2").await;
    assert!(
        anonymous.is_err(),
        "a client without a certificate got in: {anonymous:?}"
    );

    let stranger = presenting(&pki, &pki.other_client_cert, &pki.other_client_key);
    let refused = publish(&stranger, &gateway.https(), "mtls-3").await;
    assert!(
        refused.is_err(),
        "a certificate from another CA got in: {refused:?}"
    );

    gateway.stop().await.unwrap();
}

#[tokio::test]
async fn optional_client_auth_admits_clients_without_a_certificate_but_not_bad_ones() {
    let pki = TestPki::new();
    let gateway = Running::gateway(mutual_tls(&pki, Some(ClientAuth::Optional))).await;
    wait_ready(&trusting(&pki), &gateway.https()).await;

    publish(&trusting(&pki), &gateway.https(), "opt-1")
        .await
        .expect("no certificate is fine when client auth is optional");
    let platform = presenting(&pki, &pki.client_cert, &pki.client_key);
    publish(&platform, &gateway.https(), "opt-2")
        .await
        .expect("a good certificate is fine too");
    let stranger = presenting(&pki, &pki.other_client_cert, &pki.other_client_key);
    let refused = publish(&stranger, &gateway.https(), "opt-3").await;
    assert!(
        refused.is_err(),
        "a certificate from another CA got in: {refused:?}"
    );

    gateway.stop().await.unwrap();
}

#[tokio::test]
async fn responsiveness_and_safeguarding_serve_over_tls_too() {
    let pki = TestPki::new();
    let responsiveness = Running::start(
        server_tls(&pki),
        |config, bus, clock, listener, shutdown| async move {
            modstream_responsiveness::serve(&config, bus, clock, listener, shutdown).await
        },
    )
    .await;
    let safeguarding = Running::start(
        server_tls(&pki),
        |config, bus, clock, listener, shutdown| async move {
            modstream_safeguarding::serve(&config, bus, clock, listener, shutdown).await
        },
    )
    .await;
    for service in [&responsiveness, &safeguarding] {
        wait_ready(&trusting(&pki), &service.https()).await;
        let plaintext = async {
            let channel = ClientTls::default()
                .endpoint(&format!("http://{}", service.address))
                .unwrap()
                .connect()
                .await
                .map_err(|e| e.to_string())?;
            HealthClient::new(channel)
                .check(HealthCheckRequest::default())
                .await
                .map_err(|e| e.to_string())
        };
        assert!(
            plaintext.await.is_err(),
            "{} answered plaintext",
            service.address
        );
    }
    responsiveness.stop().await.unwrap();
    safeguarding.stop().await.unwrap();
}

/// `GET path` over HTTPS (HTTP/1.1, rustls trusting the test CA): the whole
/// response as text.
async fn https_get(pki: &TestPki, address: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&pki.ca_cert).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let exchange = async {
        let tcp = TcpStream::connect(address).await?;
        let mut tls = connector
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await?;
        tls.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await?;
        let mut response = Vec::new();
        // The server closes after the response; what arrived is the answer.
        let _ = tls.read_to_end(&mut response).await;
        Ok(String::from_utf8_lossy(&response).into_owned())
    };
    tokio::time::timeout(WAIT, exchange)
        .await
        .unwrap_or_else(|_| Err(std::io::ErrorKind::TimedOut.into()))
}

/// What a plaintext HTTP request to `address` gets back.
async fn http_get(address: SocketAddr, path: &str) -> String {
    let exchange = async {
        let mut tcp = TcpStream::connect(address).await.unwrap();
        tcp.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut response = Vec::new();
        let _ = tcp.read_to_end(&mut response).await;
        String::from_utf8_lossy(&response).into_owned()
    };
    tokio::time::timeout(WAIT, exchange)
        .await
        .expect("the listener closes a plaintext request")
}

#[tokio::test]
async fn the_dashboard_serves_healthz_over_https_only() {
    let pki = TestPki::new();
    let dashboard = Running::start(
        server_tls(&pki),
        |config, bus, clock, listener, shutdown| async move {
            modstream_dashboard::serve(&config, bus, clock, listener, shutdown).await
        },
    )
    .await;
    // A client that connects and never starts its handshake holds up no one:
    // handshakes run beside each other.
    let _silent = TcpStream::connect(dashboard.address).await.unwrap();
    let response = tokio::time::timeout(
        modstream_tls::HANDSHAKE_TIMEOUT / 2,
        https_get(&pki, dashboard.address, "/healthz"),
    )
    .await
    .expect("served while another client sat silent")
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("ok"), "{response}");

    let plaintext = http_get(dashboard.address, "/healthz").await;
    assert!(
        !plaintext.starts_with("HTTP/1.1 200"),
        "the dashboard answered plaintext: {plaintext}"
    );
    dashboard.stop().await.unwrap();
}

#[tokio::test]
async fn the_metrics_endpoint_serves_over_https() {
    modstream_telemetry::init("modstream-tests", &Default::default());
    let pki = TestPki::new();
    let tls = modstream_tls::ServerTls::load(&server_tls(&pki)).unwrap();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        modstream_telemetry::metrics::serve(listener, Some(&tls), async {
            let _ = stopped.await;
        })
        .await
    });
    let response = https_get(&pki, address, "/metrics").await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        !http_get(address, "/metrics").await.starts_with("HTTP/1.1"),
        "the metrics endpoint answered plaintext"
    );
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_bad_certificate_file_stops_a_service_with_its_name() {
    let pki = TestPki::new();
    let missing = pki.dir().join("missing.pem");
    let gateway = Running::gateway(TlsConfig {
        cert_file: missing.clone(),
        ..server_tls(&pki)
    })
    .await;
    let err = tokio::time::timeout(WAIT, gateway.stop())
        .await
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(err.contains("tls.cert_file"), "{err}");
    assert!(err.contains(&missing.display().to_string()), "{err}");

    let not_pem = pki.dir().join("not-pem.key");
    std::fs::write(&not_pem, "hunter2\n").unwrap();
    let gateway = Running::gateway(TlsConfig {
        key_file: not_pem.clone(),
        ..server_tls(&pki)
    })
    .await;
    let err = tokio::time::timeout(WAIT, gateway.stop())
        .await
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(err.contains("tls.key_file"), "{err}");
    assert!(err.contains("no private key"), "{err}");
}
