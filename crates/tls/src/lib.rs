//! TLS for modstream's listeners and clients, on rustls with the ring
//! provider.
//!
//! One `[tls]` section covers every listener of a process, so the PEM files
//! are read and checked once, at start-up, with errors that name the file and
//! what is wrong with it; the listeners then cannot fail on them later.
//!
//! - [`ServerTls`]: the loaded `[tls]` section: a tonic `ServerTlsConfig` for
//!   the gRPC services and a rustls config for the HTTP ones.
//! - [`serve_http`]: serves an axum router on a listener, over TLS when
//!   configured ([`TlsListener`]: handshakes run beside each other, each
//!   bounded by a timeout).
//! - [`ClientTls`]: a tonic endpoint for an `https://` address, trusting a CA
//!   file (or the system's roots), with an optional client certificate for
//!   mutual TLS.
//!
//! Every [`TlsError`] is permanent: fix the file or the setting and start
//! again.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use modstream_config::{Config, TlsConfig};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity, ServerTlsConfig};

/// How long a client may take to complete the TLS handshake before its
/// connection is closed, so a client that connects and stays silent holds
/// nothing for long.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Most TLS handshakes an HTTP listener runs at once; past this it stops
/// accepting until one finishes, which bounds the memory slow clients take.
const MAX_HANDSHAKES: usize = 256;

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{setting} {}: cannot read it: {source}", path.display())]
    Read {
        setting: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{setting} {}: {problem}", path.display())]
    Invalid {
        setting: &'static str,
        path: PathBuf,
        problem: String,
    },
    #[error(
        "{key_setting} {} does not match the certificate in {cert_setting} {}: the key must be the certificate's own",
        key.display(),
        cert.display()
    )]
    KeyMismatch {
        cert_setting: &'static str,
        cert: PathBuf,
        key_setting: &'static str,
        key: PathBuf,
    },
    #[error("{0}")]
    Usage(String),
}

/// A PEM file read and parsed, remembered with the setting it came from.
struct PemFile {
    setting: &'static str,
    path: PathBuf,
    bytes: Vec<u8>,
}

impl PemFile {
    fn read(setting: &'static str, path: &Path) -> Result<Self, TlsError> {
        let bytes = std::fs::read(path).map_err(|source| TlsError::Read {
            setting,
            path: path.to_owned(),
            source,
        })?;
        Ok(Self {
            setting,
            path: path.to_owned(),
            bytes,
        })
    }

    fn invalid(&self, problem: impl Into<String>) -> TlsError {
        TlsError::Invalid {
            setting: self.setting,
            path: self.path.clone(),
            problem: problem.into(),
        }
    }

    /// Every `CERTIFICATE` block, at least one.
    fn certificates(&self) -> Result<Vec<CertificateDer<'static>>, TlsError> {
        let certs = CertificateDer::pem_slice_iter(&self.bytes)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| self.invalid(format!("not valid PEM: {err}")))?;
        if certs.is_empty() {
            return Err(self.invalid(
                "no certificate in it: expected PEM with -----BEGIN CERTIFICATE----- blocks",
            ));
        }
        Ok(certs)
    }

    /// The first private key (PKCS#8, PKCS#1 or SEC1).
    fn private_key(&self) -> Result<PrivateKeyDer<'static>, TlsError> {
        PrivateKeyDer::from_pem_slice(&self.bytes).map_err(|err| match err {
            rustls::pki_types::pem::Error::NoItemsFound => self.invalid(
                "no private key in it: expected PEM with a -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY) block",
            ),
            err => self.invalid(format!("not valid PEM: {err}")),
        })
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The server certificate, its key, and optionally the CA client
/// certificates must be signed by, as a rustls server config. Checks that
/// every file is PEM of the right kind and that the key is the
/// certificate's.
fn server_config(
    cert: &PemFile,
    key: &PemFile,
    client_ca: Option<&PemFile>,
    client_auth_optional: bool,
) -> Result<rustls::ServerConfig, TlsError> {
    let chain = cert.certificates()?;
    let private_key = key.private_key()?;
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions");
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for der in ca.certificates()? {
                roots
                    .add(der)
                    .map_err(|err| ca.invalid(format!("not a usable CA certificate: {err}")))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(roots.into(), provider());
            let verifier = if client_auth_optional {
                verifier.allow_unauthenticated()
            } else {
                verifier
            };
            builder.with_client_cert_verifier(
                verifier
                    .build()
                    .map_err(|err| ca.invalid(format!("cannot verify clients with it: {err}")))?,
            )
        }
    };
    builder
        .with_single_cert(chain, private_key)
        .map_err(|err| match err {
            rustls::Error::InconsistentKeys(_) => TlsError::KeyMismatch {
                cert_setting: cert.setting,
                cert: cert.path.clone(),
                key_setting: key.setting,
                key: key.path.clone(),
            },
            err => cert.invalid(format!("cannot be used with {}: {err}", key.path.display())),
        })
}

/// The `[tls]` section, loaded: what every listener of the process serves.
#[derive(Clone)]
pub struct ServerTls {
    config: TlsConfig,
    cert_pem: Vec<u8>,
    key_pem: Vec<u8>,
    client_ca_pem: Option<Vec<u8>>,
    /// For the HTTP listeners (tonic builds its own from the same PEM).
    http: Arc<rustls::ServerConfig>,
}

impl std::fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("ServerTls")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl ServerTls {
    /// The process's TLS, if its config has a `[tls]` section.
    pub fn from_config(config: &Config) -> Result<Option<Self>, TlsError> {
        config.tls.as_ref().map(Self::load).transpose()
    }

    /// Reads and checks the files `config` names.
    pub fn load(config: &TlsConfig) -> Result<Self, TlsError> {
        let cert = PemFile::read("tls.cert_file", &config.cert_file)?;
        let key = PemFile::read("tls.key_file", &config.key_file)?;
        let client_ca = config
            .client_ca_file
            .as_deref()
            .map(|path| PemFile::read("tls.client_ca_file", path))
            .transpose()?;
        let mut http = server_config(
            &cert,
            &key,
            client_ca.as_ref(),
            !config.requires_client_certificate(),
        )?;
        // axum serves HTTP/1.1 only (its http2 feature is off).
        http.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            config: config.clone(),
            cert_pem: cert.bytes,
            key_pem: key.bytes,
            client_ca_pem: client_ca.map(|ca| ca.bytes),
            http: Arc::new(http),
        })
    }

    /// For `tonic::transport::Server::tls_config`.
    pub fn grpc(&self) -> ServerTlsConfig {
        let mut config = ServerTlsConfig::new()
            .identity(Identity::from_pem(&self.cert_pem, &self.key_pem))
            .timeout(HANDSHAKE_TIMEOUT);
        if let Some(ca) = &self.client_ca_pem {
            config = config
                .client_ca_root(Certificate::from_pem(ca))
                .client_auth_optional(!self.config.requires_client_certificate());
        }
        config
    }

    /// One line for operators: what a client needs to connect.
    pub fn describe(&self) -> String {
        let clients = match &self.config.client_ca_file {
            None => "no client certificate asked for".to_owned(),
            Some(ca) if self.config.requires_client_certificate() => format!(
                "mutual TLS: clients must present a certificate signed by {}",
                ca.display()
            ),
            Some(ca) => format!(
                "mutual TLS optional: a client certificate, if presented, must be signed by {}",
                ca.display()
            ),
        };
        format!(
            "TLS on every listener (certificate {}; {clients})",
            self.config.cert_file.display()
        )
    }
}

/// A TCP listener whose connections are TLS, for `axum::serve`. Handshakes
/// run in tasks it owns (dropped with it), so one slow client does not hold
/// up the others; each is bounded by [`HANDSHAKE_TIMEOUT`].
pub struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    handshakes: JoinSet<Option<(tokio_rustls::server::TlsStream<TcpStream>, SocketAddr)>>,
}

impl TlsListener {
    pub fn new(tcp: TcpListener, tls: &ServerTls) -> Self {
        Self {
            tcp,
            acceptor: TlsAcceptor::from(tls.http.clone()),
            handshakes: JoinSet::new(),
        }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            tokio::select! {
                accepted = self.tcp.accept(), if self.handshakes.len() < MAX_HANDSHAKES => {
                    match accepted {
                        Ok((stream, peer)) => {
                            let acceptor = self.acceptor.clone();
                            self.handshakes.spawn(async move {
                                match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                                    Ok(Ok(stream)) => Some((stream, peer)),
                                    Ok(Err(err)) => {
                                        tracing::debug!(%peer, error = %err, "TLS handshake failed");
                                        None
                                    }
                                    Err(_) => {
                                        tracing::debug!(%peer, "TLS handshake timed out");
                                        None
                                    }
                                }
                            });
                        }
                        Err(err) => accept_error(err).await,
                    }
                }
                Some(done) = self.handshakes.join_next() => {
                    if let Ok(Some(connection)) = done {
                        return connection;
                    }
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}

/// As axum does for plain TCP: errors about one connection are that
/// client's; anything else (out of file descriptors) is waited out.
async fn accept_error(err: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        err.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %err, "accepting a connection failed; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Serves `router` on `listener` until `shutdown` resolves: over TLS with
/// `tls`, plain HTTP without.
pub async fn serve_http(
    listener: TcpListener,
    tls: Option<&ServerTls>,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    match tls {
        None => {
            axum::serve(listener, router)
                .with_graceful_shutdown(shutdown)
                .await
        }
        Some(tls) => {
            axum::serve(TlsListener::new(listener, tls), router)
                .with_graceful_shutdown(shutdown)
                .await
        }
    }
}

/// How a client reaches a TLS listener: the CA to trust, and a certificate
/// of its own for mutual TLS.
#[derive(Debug, Clone, Default)]
pub struct ClientTls {
    /// PEM CA certificate(s) the server's certificate must chain to; none:
    /// the system's trust store.
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate and its key, presented when the server asks.
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
}

impl ClientTls {
    /// A tonic endpoint for `address`: TLS for `https://`, plaintext for
    /// `http://` (and then no TLS file may be given, so a forgotten `https`
    /// is an error rather than a silent plaintext connection).
    pub fn endpoint(&self, address: &str) -> Result<Endpoint, TlsError> {
        let endpoint = Endpoint::from_shared(address.to_owned())
            .map_err(|err| TlsError::Usage(format!("{address} is not a valid address: {err}")))?;
        let any_file =
            self.ca_file.is_some() || self.cert_file.is_some() || self.key_file.is_some();
        if !address.starts_with("https://") {
            if any_file {
                return Err(TlsError::Usage(format!(
                    "{address} is plaintext but a CA or client certificate is given: use an https:// address"
                )));
            }
            return Ok(endpoint);
        }
        let mut tls = ClientTlsConfig::new().timeout(HANDSHAKE_TIMEOUT);
        tls = match &self.ca_file {
            Some(path) => {
                let ca = PemFile::read("--ca-file", path)?;
                ca.certificates()?;
                tls.ca_certificate(Certificate::from_pem(ca.bytes))
            }
            None => tls.with_native_roots(),
        };
        match (&self.cert_file, &self.key_file) {
            (None, None) => {}
            (Some(cert), Some(key)) => {
                let cert = PemFile::read("--cert-file", cert)?;
                let key = PemFile::read("--key-file", key)?;
                // The same checks as the server's, so a wrong pair is named
                // here rather than failing as a refused handshake.
                server_config(&cert, &key, None, false)?;
                tls = tls.identity(Identity::from_pem(cert.bytes, key.bytes));
            }
            _ => {
                return Err(TlsError::Usage(
                    "a client certificate needs both --cert-file and --key-file".into(),
                ));
            }
        }
        endpoint
            .tls_config(tls)
            .map_err(|err| TlsError::Usage(format!("TLS for {address}: {err}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use modstream_testkit::certs::TestPki;

    fn tls_config(pki: &TestPki) -> TlsConfig {
        TlsConfig {
            cert_file: pki.server_cert.clone(),
            key_file: pki.server_key.clone(),
            ..Default::default()
        }
    }

    #[test]
    fn good_files_load() {
        let pki = TestPki::new();
        let mut config = tls_config(&pki);
        let tls = ServerTls::load(&config).unwrap();
        assert!(
            tls.describe().contains("no client certificate"),
            "{}",
            tls.describe()
        );
        config.client_ca_file = Some(pki.ca_cert.clone());
        let tls = ServerTls::load(&config).unwrap();
        assert!(
            tls.describe().contains("must present"),
            "{}",
            tls.describe()
        );
    }

    #[test]
    fn a_missing_file_is_named() {
        let pki = TestPki::new();
        let mut config = tls_config(&pki);
        config.cert_file = pki.dir().join("nowhere.pem");
        let err = ServerTls::load(&config).unwrap_err().to_string();
        assert!(err.contains("tls.cert_file"), "{err}");
        assert!(err.contains("nowhere.pem"), "{err}");
        assert!(err.contains("cannot read"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_pem_is_named() {
        let pki = TestPki::new();
        let not_pem = pki.dir().join("not-pem.txt");
        std::fs::write(&not_pem, "this is not a certificate\n").unwrap();

        let mut config = tls_config(&pki);
        config.cert_file = not_pem.clone();
        let err = ServerTls::load(&config).unwrap_err().to_string();
        assert!(err.contains("tls.cert_file"), "{err}");
        assert!(err.contains("no certificate"), "{err}");

        let mut config = tls_config(&pki);
        config.key_file = not_pem.clone();
        let err = ServerTls::load(&config).unwrap_err().to_string();
        assert!(err.contains("tls.key_file"), "{err}");
        assert!(err.contains("no private key"), "{err}");

        let mut config = tls_config(&pki);
        config.client_ca_file = Some(not_pem);
        let err = ServerTls::load(&config).unwrap_err().to_string();
        assert!(err.contains("tls.client_ca_file"), "{err}");

        // A PEM block that is cut short.
        let cut = pki.dir().join("cut.pem");
        let text = std::fs::read_to_string(&pki.server_cert).unwrap();
        std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
        let mut config = tls_config(&pki);
        config.cert_file = cut;
        let err = ServerTls::load(&config).unwrap_err().to_string();
        assert!(err.contains("not valid PEM"), "{err}");
    }

    #[test]
    fn a_key_of_another_certificate_is_refused() {
        let pki = TestPki::new();
        let mut config = tls_config(&pki);
        config.key_file = pki.client_key.clone();
        let err = ServerTls::load(&config).unwrap_err().to_string();
        assert!(err.contains("does not match"), "{err}");
        assert!(err.contains("tls.key_file"), "{err}");
    }

    #[test]
    fn client_endpoints_check_their_files_and_scheme() {
        let pki = TestPki::new();
        let plain = ClientTls::default();
        assert!(plain.endpoint("http://127.0.0.1:1").is_ok());

        let with_ca = ClientTls {
            ca_file: Some(pki.ca_cert.clone()),
            ..Default::default()
        };
        assert!(with_ca.endpoint("https://127.0.0.1:1").is_ok());
        let err = with_ca
            .endpoint("http://127.0.0.1:1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("https://"), "{err}");

        let half = ClientTls {
            cert_file: Some(pki.client_cert.clone()),
            ..with_ca.clone()
        };
        let err = half
            .endpoint("https://127.0.0.1:1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("key"), "{err}");

        let mismatched = ClientTls {
            cert_file: Some(pki.client_cert.clone()),
            key_file: Some(pki.server_key.clone()),
            ..with_ca
        };
        let err = mismatched
            .endpoint("https://127.0.0.1:1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not match"), "{err}");
    }
}
