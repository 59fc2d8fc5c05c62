//! `MODSTREAM_*` environment overrides.
//!
//! The environment is passed in rather than read here, so tests never touch
//! the process environment.

use crate::{Config, ConfigError};

const PREFIX: &str = "MODSTREAM_";

/// Every variable this module understands, for the error on an unknown one.
const KNOWN: &[&str] = &[
    "MODSTREAM_DATA_DIR",
    "MODSTREAM_BUS_BROKERS",
    "MODSTREAM_BUS_PARTITIONS",
    "MODSTREAM_BUS_DELIVERY_TIMEOUT_MS",
    "MODSTREAM_GATEWAY_LISTEN",
    "MODSTREAM_RESPONSIVENESS_LISTEN",
    "MODSTREAM_SAFEGUARDING_LISTEN",
    "MODSTREAM_DASHBOARD_LISTEN",
    "MODSTREAM_METRICS_LISTEN",
    "MODSTREAM_OTLP_ENDPOINT",
    "MODSTREAM_LOG",
    "MODSTREAM_TLS_CERT_FILE",
    "MODSTREAM_TLS_KEY_FILE",
    "MODSTREAM_TLS_CLIENT_CA_FILE",
    "MODSTREAM_TLS_CLIENT_AUTH",
];

/// Variables for modstream's tools, not the services' config.
const TOOLS: &[&str] = &[
    "MODSTREAM_API_KEY",
    "MODSTREAM_MODERATOR_TOKEN",
    "MODSTREAM_ADMIN_KEY",
    "MODSTREAM_CA_FILE",
    "MODSTREAM_CLIENT_CERT_FILE",
    "MODSTREAM_CLIENT_KEY_FILE",
];

pub(crate) fn apply(
    config: &mut Config,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<(), ConfigError> {
    for (name, value) in env {
        if !name.starts_with(PREFIX) || TOOLS.contains(&name.as_str()) {
            continue;
        }
        let bad = |problem: String| ConfigError::Env {
            name: name.clone(),
            problem,
        };
        match name.as_str() {
            "MODSTREAM_DATA_DIR" => config.data_dir = value.into(),
            "MODSTREAM_BUS_BROKERS" => config.bus.brokers = value,
            "MODSTREAM_BUS_PARTITIONS" => {
                config.bus.partitions = value
                    .parse()
                    .map_err(|e| bad(format!("not a partition count: {e}")))?
            }
            "MODSTREAM_BUS_DELIVERY_TIMEOUT_MS" => {
                config.bus.delivery_timeout_ms = value
                    .parse()
                    .map_err(|e| bad(format!("not milliseconds: {e}")))?
            }
            "MODSTREAM_GATEWAY_LISTEN" => {
                config.gateway.listen = value
                    .parse()
                    .map_err(|e| bad(format!("not an address: {e}")))?
            }
            "MODSTREAM_RESPONSIVENESS_LISTEN" => {
                config.responsiveness.listen = value
                    .parse()
                    .map_err(|e| bad(format!("not an address: {e}")))?
            }
            "MODSTREAM_SAFEGUARDING_LISTEN" => {
                config.safeguarding.listen = value
                    .parse()
                    .map_err(|e| bad(format!("not an address: {e}")))?
            }
            "MODSTREAM_DASHBOARD_LISTEN" => {
                config.dashboard.listen = value
                    .parse()
                    .map_err(|e| bad(format!("not an address: {e}")))?
            }
            "MODSTREAM_METRICS_LISTEN" => {
                config.telemetry.metrics_listen = value
                    .parse()
                    .map_err(|e| bad(format!("not an address: {e}")))?
            }
            "MODSTREAM_OTLP_ENDPOINT" => config.telemetry.otlp_endpoint = value,
            "MODSTREAM_LOG" => config.telemetry.log_filter = value,
            // Any of these turns TLS on; validation asks for the rest.
            "MODSTREAM_TLS_CERT_FILE" => {
                config.tls.get_or_insert_default().cert_file = value.into()
            }
            "MODSTREAM_TLS_KEY_FILE" => config.tls.get_or_insert_default().key_file = value.into(),
            "MODSTREAM_TLS_CLIENT_CA_FILE" => {
                config.tls.get_or_insert_default().client_ca_file = Some(value.into())
            }
            "MODSTREAM_TLS_CLIENT_AUTH" => {
                config.tls.get_or_insert_default().client_auth = Some(match value.as_str() {
                    "required" => crate::ClientAuth::Required,
                    "optional" => crate::ClientAuth::Optional,
                    _ => return Err(bad("must be \"required\" or \"optional\"".into())),
                })
            }
            _ => {
                return Err(bad(format!(
                    "unknown setting; known ones are {}",
                    KNOWN.join(", ")
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn overrides_apply() {
        let config = Config::load(
            None,
            vars(&[
                ("MODSTREAM_BUS_BROKERS", "k1:9092,k2:9092"),
                ("MODSTREAM_GATEWAY_LISTEN", "127.0.0.1:7000"),
                ("PATH", "/usr/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(config.bus.brokers, "k1:9092,k2:9092");
        assert!(!config.uses_embedded_bus());
        assert_eq!(config.gateway.listen.port(), 7000);
    }

    #[test]
    fn tls_can_be_turned_on_from_the_environment() {
        let config = Config::load(
            None,
            vars(&[
                ("MODSTREAM_TLS_CERT_FILE", "/run/tls/server.pem"),
                ("MODSTREAM_TLS_KEY_FILE", "/run/tls/server.key"),
                ("MODSTREAM_TLS_CLIENT_CA_FILE", "/run/tls/clients-ca.pem"),
                // The client tools' variables are not the services' config.
                ("MODSTREAM_CA_FILE", "/run/tls/ca.pem"),
            ]),
        )
        .unwrap();
        let tls = config.tls.unwrap();
        assert_eq!(tls.cert_file, std::path::Path::new("/run/tls/server.pem"));
        assert_eq!(tls.key_file, std::path::Path::new("/run/tls/server.key"));
        assert!(tls.requires_client_certificate());

        let err = Config::load(None, vars(&[("MODSTREAM_TLS_CERT_FILE", "s.pem")])).unwrap_err();
        assert!(err.to_string().contains("MODSTREAM_TLS_KEY_FILE"), "{err}");
    }

    #[test]
    fn unknown_and_malformed_variables_are_named() {
        let err = Config::load(None, vars(&[("MODSTREAM_BUS_BROKER", "x")])).unwrap_err();
        assert!(err.to_string().contains("MODSTREAM_BUS_BROKER"), "{err}");
        let err = Config::load(None, vars(&[("MODSTREAM_BUS_PARTITIONS", "six")])).unwrap_err();
        assert!(
            err.to_string().contains("MODSTREAM_BUS_PARTITIONS"),
            "{err}"
        );
    }
}
