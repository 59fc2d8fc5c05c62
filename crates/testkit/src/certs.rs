//! Test certificates, made fresh by each test that asks (feature `certs`):
//! a CA, a server certificate for `127.0.0.1` and `localhost` and a client
//! certificate it signed, and a second CA with a client certificate of its
//! own (one the first CA never signed). Nothing here is for production.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

/// The PEM files of a test PKI, in a temporary directory removed on drop.
pub struct TestPki {
    dir: tempfile::TempDir,
    /// The CA that signed the server and client certificates.
    pub ca_cert: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    /// A client certificate signed by [`TestPki::ca_cert`].
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// Another CA, and a client certificate signed by it only.
    pub other_ca_cert: PathBuf,
    pub other_client_cert: PathBuf,
    pub other_client_key: PathBuf,
}

fn new_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("CA key")).expect("CA cert")
}

/// A leaf certificate for `names`, signed by `issuer`: (cert PEM, key PEM).
fn leaf(
    issuer: &CertifiedIssuer<'static, KeyPair>,
    name: &str,
    names: &[&str],
    usage: ExtendedKeyUsagePurpose,
) -> (String, String) {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .expect("leaf params");
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![usage];
    let key = KeyPair::generate().expect("leaf key");
    let cert = params.signed_by(&key, issuer).expect("leaf cert");
    (cert.pem(), key.serialize_pem())
}

impl TestPki {
    /// Makes every certificate and writes it to a new temporary directory.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temp dir for test certificates");
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("write a test certificate");
            path
        };
        let ca = new_ca("modstream test CA");
        let (server_cert, server_key) = leaf(
            &ca,
            "modstream test server",
            &["127.0.0.1", "localhost"],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let (client_cert, client_key) = leaf(
            &ca,
            "modstream test platform",
            &["platform.test"],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let other_ca = new_ca("another test CA");
        let (other_client_cert, other_client_key) = leaf(
            &other_ca,
            "a stranger",
            &["stranger.test"],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        Self {
            ca_cert: write("ca.pem", &ca.pem()),
            server_cert: write("server.pem", &server_cert),
            server_key: write("server.key", &server_key),
            client_cert: write("client.pem", &client_cert),
            client_key: write("client.key", &client_key),
            other_ca_cert: write("other-ca.pem", &other_ca.pem()),
            other_client_cert: write("other-client.pem", &other_client_cert),
            other_client_key: write("other-client.key", &other_client_key),
            dir,
        }
    }

    /// The directory the files are in (for more files a test writes).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Default for TestPki {
    fn default() -> Self {
        Self::new()
    }
}
