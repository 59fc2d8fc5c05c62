//! The files in deploy/ must keep matching the code: they are not run here
//! (no Docker engine), so these checks stop them rotting silently.

use std::path::{Path, PathBuf};

use modstream_config::Config;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn compose() -> String {
    std::fs::read_to_string(repo().join("deploy/compose/docker-compose.yml")).unwrap()
}

/// `NAME: value` lines of the compose file for MODSTREAM_* variables.
fn modstream_env(compose: &str) -> Vec<(String, String)> {
    compose
        .lines()
        .filter_map(|line| line.trim().split_once(": "))
        .filter(|(name, _)| name.starts_with("MODSTREAM_"))
        .map(|(name, value)| (name.to_owned(), value.trim_matches('"').to_owned()))
        .collect()
}

#[test]
fn the_compose_config_and_environment_load() {
    let compose = compose();
    let env = modstream_env(&compose);
    assert!(
        !env.is_empty(),
        "the compose file sets MODSTREAM_* variables"
    );
    let config = Config::load(Some(&repo().join("deploy/compose/modstream.toml")), env).unwrap();
    assert_eq!(
        config.bus.brokers, "kafka:9092",
        "compose runs on Kafka, not the embedded log"
    );
    assert!(
        compose.contains(&format!("127.0.0.1:{0}:{0}", config.gateway.listen.port())),
        "gateway port published"
    );
    assert!(
        compose.contains("KAFKA_PROCESS_ROLES: broker,controller"),
        "KRaft mode"
    );
    assert!(compose.contains(r#"KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false""#));
}

#[test]
fn the_binaries_the_deploy_files_run_exist() {
    let gateway_manifest =
        std::fs::read_to_string(repo().join("services/gateway/Cargo.toml")).unwrap();
    assert!(gateway_manifest.contains("name = \"modstream-gateway\""));
    for service in ["gateway", "responsiveness", "safeguarding", "dashboard"] {
        let manifest =
            std::fs::read_to_string(repo().join(format!("services/{service}/Cargo.toml"))).unwrap();
        assert!(manifest.contains(&format!("name = \"modstream-{service}\"")));
        assert!(
            compose().contains(&format!(r#"command: ["modstream-{service}", "--config""#)),
            "{service} runs in compose"
        );
    }
    let dockerfile = std::fs::read_to_string(repo().join("deploy/Dockerfile")).unwrap();
    assert!(
        dockerfile.contains("--bin modstream-gateway")
            && dockerfile.contains("--bin modstream-safeguarding")
            && dockerfile.contains("--bin modstream-dashboard")
            && dockerfile.contains("--bin modstream ")
    );
}
