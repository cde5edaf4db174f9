//! The process-wide TLS setup, a leaf so every module that makes outgoing HTTPS calls can
//! reach it without depending on start-up.

/// Outgoing HTTPS (JWKS, connectors, secret stores) uses rustls with the ring provider.
pub fn install_tls_provider() {
    // Fails only if a provider is already installed, which is what we want anyway.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
