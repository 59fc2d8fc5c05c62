//! How the client tools reach a service: `http://` addresses in plaintext,
//! `https://` over TLS, trusting a CA file (or the system's trust store) and,
//! for mutual TLS, presenting a client certificate.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use tonic::transport::Channel;

#[derive(Debug, Clone, Args)]
pub struct TlsArgs {
    /// PEM CA certificate the server's certificate must chain to, for
    /// https:// addresses (default: the system's trust store).
    #[arg(long, env = "MODSTREAM_CA_FILE", global = true)]
    ca_file: Option<PathBuf>,
    /// PEM client certificate to present when the server asks for one
    /// (mutual TLS); needs --key-file.
    #[arg(long, env = "MODSTREAM_CLIENT_CERT_FILE", global = true)]
    cert_file: Option<PathBuf>,
    /// The client certificate's PEM private key.
    #[arg(long, env = "MODSTREAM_CLIENT_KEY_FILE", global = true)]
    key_file: Option<PathBuf>,
}

impl TlsArgs {
    /// A channel to `service` (named in errors) at `address`.
    pub async fn connect(&self, address: &str, service: &str) -> anyhow::Result<Channel> {
        let tls = modstream_tls::ClientTls {
            ca_file: self.ca_file.clone(),
            cert_file: self.cert_file.clone(),
            key_file: self.key_file.clone(),
        };
        tls.endpoint(address)?
            .connect()
            .await
            .with_context(|| format!("cannot reach {service} at {address}"))
    }
}
