//! TLS for the server's outgoing links: the HTTPS webhook, syslog over TLS (RFC 5425) and
//! PostgreSQL (`sslmode`). One place builds rustls client configurations (ring provider, TLS 1.2
//! and 1.3) from a trust choice:
//!
//! - [`Trust::System`]: the Mozilla root store compiled in (`webpki-roots`), plus an optional CA
//!   file (PEM, one or more certificates) for a private CA;
//! - [`Trust::Only`]: only the certificates of a CA file (PostgreSQL's `sslrootcert=FILE`);
//!
//! and a check: [`Check::Full`] verifies the chain and the host name (the default everywhere),
//! [`Check::ChainOnly`] the chain but not the name (`sslmode=verify-ca`), [`Check::None`] only
//! that the handshake is signed by the presented key (`sslmode=require`/`prefer` without a root
//! certificate: encrypted, not authenticated, as libpq does).

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum TlsConfigError {
    #[error("CA file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
    #[error("TLS setup: {0}")]
    Setup(String),
}

/// Which certificate authorities are trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// The compiled-in Mozilla roots, plus the certificates of this CA file if given.
    System { extra_ca: Option<PathBuf> },
    /// Only the certificates of this CA file.
    Only(PathBuf),
}

/// What is checked of the server's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Chain to a trusted root and the host name (`verify-full`).
    Full,
    /// Chain to a trusted root; any name (`verify-ca`).
    ChainOnly,
    /// Nothing but the handshake signature: encrypted, not authenticated.
    None,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Reads every certificate of a PEM file; an unreadable file or one without a certificate is an
/// error (a typo in a CA path must not silently fall back to other roots).
pub fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsConfigError> {
    let err = |reason: String| TlsConfigError::CaFile { path: path.to_path_buf(), reason };
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&bytes).collect::<Result<_, _>>().map_err(|e| err(format!("not PEM certificates: {e:?}")))?;
    if certs.is_empty() {
        return Err(err("no certificate in the file".into()));
    }
    Ok(certs)
}

/// The root store for a trust choice.
pub fn roots(trust: &Trust) -> Result<RootCertStore, TlsConfigError> {
    let mut store = RootCertStore::empty();
    let file = match trust {
        Trust::System { extra_ca } => {
            store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            extra_ca.as_deref()
        }
        Trust::Only(f) => Some(f.as_path()),
    };
    if let Some(f) = file {
        for c in read_ca_file(f)? {
            store.add(c).map_err(|e| TlsConfigError::CaFile { path: f.to_path_buf(), reason: format!("unusable certificate: {e}") })?;
        }
    }
    Ok(store)
}

/// A rustls client configuration; `alpn` e.g. `[b"http/1.1"]` for HTTPS.
pub fn client_config(trust: &Trust, check: Check, alpn: &[&[u8]]) -> Result<Arc<ClientConfig>, TlsConfigError> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsConfigError::Setup(e.to_string()))?;
    let mut cfg = match check {
        Check::Full => builder.with_root_certificates(roots(trust)?).with_no_client_auth(),
        Check::ChainOnly => {
            let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots(trust)?), provider)
                .build()
                .map_err(|e| TlsConfigError::Setup(e.to_string()))?;
            builder.dangerous().with_custom_certificate_verifier(Arc::new(AnyName(inner))).with_no_client_auth()
        }
        Check::None => builder.dangerous().with_custom_certificate_verifier(Arc::new(Unauthenticated(provider))).with_no_client_auth(),
    };
    cfg.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(Arc::new(cfg))
}

/// The TLS name for a host (`[::1]` → the address), or an error naming it.
pub fn server_name(host: &str) -> Result<ServerName<'static>, TlsConfigError> {
    let h = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    ServerName::try_from(h.to_string()).map_err(|_| TlsConfigError::Setup(format!("`{host}` is not a valid TLS server name")))
}

/// `sslmode=verify-ca`: the chain must reach a trusted root, the name may be anything.
#[derive(Debug)]
struct AnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(CertificateError::NotValidForName))
            | Err(rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. })) => {
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `sslmode=require`/`prefer` without a root certificate: any certificate, but the handshake
/// must still be signed by its key (so the session keys are the server's).
#[derive(Debug)]
struct Unauthenticated(Arc<CryptoProvider>);

impl ServerCertVerifier for Unauthenticated {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// An error and its causes, one after another (`request failed: …: invalid peer certificate:
/// UnknownIssuer`), for logs that must say why a TLS link was refused.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let m = s.to_string();
        if !out.contains(&m) {
            out.push_str(": ");
            out.push_str(&m);
        }
        cur = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_file_errors_name_the_file() {
        let dir = std::env::temp_dir().join(format!("pw-tls-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "no certificate here\n").unwrap();
        let e = roots(&Trust::Only(empty.clone())).unwrap_err().to_string();
        assert!(e.contains("empty.pem") && e.contains("no certificate"), "{e}");
        let e = roots(&Trust::System { extra_ca: Some(dir.join("missing.pem")) }).unwrap_err().to_string();
        assert!(e.contains("missing.pem"), "{e}");
        assert!(!roots(&Trust::System { extra_ca: None }).unwrap().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn server_names() {
        assert!(matches!(server_name("[::1]").unwrap(), ServerName::IpAddress(_)));
        assert!(matches!(server_name("siem.example.com").unwrap(), ServerName::DnsName(_)));
        assert!(server_name("bad name").is_err());
    }
}
