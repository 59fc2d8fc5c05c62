//! The files in deploy/ must keep matching the code: they are not run here
//! (no Docker engine, no Kubernetes), so these checks stop them rotting
//! silently. Each one reads the deploy file it checks and the code or config
//! it must agree with, and fails naming what drifted:
//!
//! - every YAML and JSON file parses;
//! - compose: the config and environment load, ports are the config's and
//!   bound to 127.0.0.1, images are pinned, OTLP goes to the collector's
//!   receiver, Prometheus scrapes every service and loads the alert rules,
//!   Grafana is provisioned with the dashboard;
//! - the metric names in the rules, the dashboard and the Prometheus config
//!   are ones the code defines;
//! - the alert rules cover what operations must be told about;
//! - k8s: the StatefulSets load their config, listen, probe, expose and
//!   store where the config says, and run unprivileged.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use modstream_config::Config;
use regex::Regex;
use serde::Deserialize;
use serde_norway::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn read(relative: &str) -> String {
    let path = repo().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// All documents of a YAML file (Kubernetes manifests hold several).
fn yaml_docs(relative: &str) -> Vec<Value> {
    let text = read(relative);
    serde_norway::Deserializer::from_str(&text)
        .map(|doc| Value::deserialize(doc).unwrap_or_else(|err| panic!("{relative}: {err}")))
        .collect()
}

fn yaml(relative: &str) -> Value {
    let mut docs = yaml_docs(relative);
    assert_eq!(docs.len(), 1, "{relative}: one YAML document");
    docs.remove(0)
}

fn str_of<'a>(value: &'a Value, what: &str) -> &'a str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{what}: expected a string, found {value:?}"))
}

fn seq<'a>(value: &'a Value, what: &str) -> &'a [Value] {
    value
        .as_sequence()
        .unwrap_or_else(|| panic!("{what}: expected a list, found {value:?}"))
}

/// The port every modstream process serves Prometheus `/metrics` on.
fn metrics_port(config: &Config) -> u16 {
    config.telemetry.metrics_listen.port()
}

/// Loads a config file with an environment, as the binaries do.
fn load(path: &Path, env: &[(String, String)]) -> Config {
    Config::load(Some(path), env.to_vec())
        .unwrap_or_else(|err| panic!("{} with {env:?}: {err}", path.display()))
}

/// The address a service binary listens on, by the config.
fn listen_of(config: &Config, binary: &str) -> SocketAddr {
    match binary {
        "modstream-gateway" => config.gateway.listen,
        "modstream-responsiveness" => config.responsiveness.listen,
        "modstream-safeguarding" => config.safeguarding.listen,
        "modstream-dashboard" => config.dashboard.listen,
        other => panic!("{other} is not a modstream service binary"),
    }
}

const BINARIES: [&str; 4] = [
    "modstream-gateway",
    "modstream-responsiveness",
    "modstream-safeguarding",
    "modstream-dashboard",
];

/// The gRPC service a binary reports on `grpc.health.v1` besides `""`;
/// `None` for the dashboard, which answers `GET /healthz` instead.
fn grpc_health_service(binary: &str) -> Option<&'static str> {
    match binary {
        "modstream-gateway" => Some("modstream.v1.Ingest"),
        "modstream-responsiveness" => Some("modstream.v1.Responsiveness"),
        "modstream-safeguarding" => Some("modstream.v1.Moderation"),
        _ => None,
    }
}

/// The `MODSTREAM_METRICS_LISTEN` a container gets must be reachable from
/// outside it, on the metrics port.
fn check_metrics_listen(env: &[(String, String)], config: &Config, what: &str) {
    let value = env
        .iter()
        .find(|(name, _)| name == "MODSTREAM_METRICS_LISTEN")
        .map(|(_, value)| value)
        .unwrap_or_else(|| panic!("{what}: MODSTREAM_METRICS_LISTEN is not set"));
    let address: SocketAddr = value
        .parse()
        .unwrap_or_else(|err| panic!("{what}: MODSTREAM_METRICS_LISTEN={value}: {err}"));
    assert!(
        address.ip().is_unspecified(),
        "{what}: metrics must listen on all interfaces in a container, not {address}"
    );
    assert_eq!(address.port(), metrics_port(config), "{what}: metrics port");
}

// ---------------------------------------------------------------------------
// Every file parses.

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_yaml_and_json_file_under_deploy_parses() {
    let mut files = Vec::new();
    files_under(&repo().join("deploy"), &mut files);
    let mut parsed = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        match path.extension().and_then(|e| e.to_str()) {
            Some("yml" | "yaml") => {
                let docs: Vec<Value> = serde_norway::Deserializer::from_str(&text)
                    .map(|doc| {
                        Value::deserialize(doc)
                            .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
                    })
                    .collect();
                assert!(!docs.is_empty(), "{}: no YAML document", path.display());
            }
            Some("json") => {
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            }
            _ => continue,
        }
        parsed += 1;
    }
    // compose (5), prometheus rules, grafana dashboard, k8s (7) at least.
    assert!(
        parsed >= 14,
        "only {parsed} YAML/JSON files found under deploy/"
    );
}

// ---------------------------------------------------------------------------
// docker compose.

const COMPOSE: &str = "deploy/compose/docker-compose.yml";

fn compose() -> Value {
    yaml(COMPOSE)
}

fn compose_services(compose: &Value) -> Vec<(String, Value)> {
    compose["services"]
        .as_mapping()
        .expect("compose: services")
        .iter()
        .map(|(name, service)| (str_of(name, "service name").to_owned(), service.clone()))
        .collect()
}

fn compose_service(compose: &Value, name: &str) -> Value {
    compose["services"]
        .get(name)
        .unwrap_or_else(|| panic!("compose: no service {name}"))
        .clone()
}

/// The compose service running each modstream binary.
fn modstream_services(compose: &Value) -> Vec<(String, String, Value)> {
    let found: Vec<_> = compose_services(compose)
        .into_iter()
        .filter_map(|(name, service)| {
            let binary = service["command"][0].as_str()?.to_owned();
            binary
                .starts_with("modstream-")
                .then_some((name, binary, service))
        })
        .collect();
    let binaries: BTreeSet<_> = found.iter().map(|(_, binary, _)| binary.as_str()).collect();
    assert_eq!(
        binaries,
        BINARIES.into_iter().collect(),
        "compose runs each service binary"
    );
    found
}

/// The compose service whose image starts with `prefix`.
fn service_by_image(compose: &Value, prefix: &str) -> (String, Value) {
    compose_services(compose)
        .into_iter()
        .find(|(_, service)| {
            service["image"]
                .as_str()
                .is_some_and(|image| image.starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("compose: no service runs {prefix}"))
}

fn compose_env(service: &Value) -> Vec<(String, String)> {
    match &service["environment"] {
        Value::Null => Vec::new(),
        Value::Mapping(map) => map
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Value::String(s) => s.clone(),
                    other => serde_norway::to_string(other).unwrap().trim().to_owned(),
                };
                (str_of(name, "variable").to_owned(), value)
            })
            .collect(),
        Value::Sequence(list) => list
            .iter()
            .map(|item| {
                let (name, value) = str_of(item, "variable")
                    .split_once('=')
                    .expect("NAME=value");
                (name.to_owned(), value.to_owned())
            })
            .collect(),
        other => panic!("compose environment: {other:?}"),
    }
}

/// Short-syntax volumes as (source, target): `./a:/b:ro` -> ("./a", "/b").
fn compose_mounts(service: &Value) -> Vec<(String, String)> {
    match &service["volumes"] {
        Value::Null => Vec::new(),
        volumes => seq(volumes, "volumes")
            .iter()
            .map(|volume| {
                let mut parts = str_of(volume, "volume").split(':');
                let source = parts.next().unwrap().to_owned();
                let target = parts.next().expect("volume target").to_owned();
                (source, target)
            })
            .collect(),
    }
}

/// The file on the host that a bind mount shows at `container_path`.
fn host_path(service: &Value, container_path: &str) -> Option<PathBuf> {
    let container_path = Path::new(container_path);
    compose_mounts(service)
        .into_iter()
        .filter(|(source, _)| source.starts_with('.') || source.starts_with('/'))
        .find_map(|(source, target)| {
            let rest = container_path.strip_prefix(&target).ok()?;
            let mut on_host = repo().join("deploy/compose").join(source);
            if !rest.as_os_str().is_empty() {
                on_host.push(rest);
            }
            Some(on_host.canonicalize().unwrap_or(on_host))
        })
}

/// The value of a `--flag=value` argument in a service's command.
fn flag(service: &Value, flag: &str) -> String {
    seq(&service["command"], "command")
        .iter()
        .find_map(|arg| arg.as_str()?.strip_prefix(&format!("{flag}=")))
        .unwrap_or_else(|| panic!("no {flag}= in {:?}", service["command"]))
        .to_owned()
}

fn published_ports(service: &Value) -> Vec<String> {
    match &service["ports"] {
        Value::Null => Vec::new(),
        ports => seq(ports, "ports")
            .iter()
            .map(|p| str_of(p, "port").to_owned())
            .collect(),
    }
}

/// Loads the config each compose service gets (file + environment).
fn compose_config(service: &Value) -> Config {
    let command = seq(&service["command"], "command");
    assert_eq!(command[1].as_str(), Some("--config"));
    let in_container = str_of(&command[2], "config path");
    let file = host_path(service, in_container)
        .unwrap_or_else(|| panic!("compose: {in_container} is not mounted"));
    load(&file, &compose_env(service))
}

#[test]
fn the_compose_config_and_environment_load() {
    let compose = compose();
    let defaults = Config::default();
    for (name, binary, service) in modstream_services(&compose) {
        let config = compose_config(&service);
        assert_eq!(
            config.bus.brokers, "kafka:9092",
            "{name}: compose runs on Kafka, not the embedded log"
        );
        let listen = listen_of(&config, &binary);
        assert!(
            listen.ip().is_unspecified(),
            "{name}: listens on {listen}, unreachable through the published port"
        );
        assert_eq!(
            listen.port(),
            listen_of(&defaults, &binary).port(),
            "{name}: the README documents the default port"
        );
        assert!(
            published_ports(&service).contains(&format!("127.0.0.1:{0}:{0}", listen.port())),
            "{name}: port {} published on 127.0.0.1",
            listen.port()
        );
        check_metrics_listen(&compose_env(&service), &config, &name);
        let data_dir = config.data_dir.to_str().unwrap().to_owned();
        assert!(
            compose_mounts(&service)
                .iter()
                .any(|(source, target)| *target == data_dir && !source.starts_with('.')),
            "{name}: a named volume holds its data_dir {data_dir}"
        );
    }
    let kafka = compose_env(&compose_service(&compose, "kafka"));
    let kafka = |name: &str| {
        kafka
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        kafka("KAFKA_PROCESS_ROLES").as_deref(),
        Some("broker,controller"),
        "KRaft mode"
    );
    assert_eq!(
        kafka("KAFKA_AUTO_CREATE_TOPICS_ENABLE").as_deref(),
        Some("false")
    );
}

#[test]
fn compose_binds_host_ports_to_loopback_and_pins_images() {
    let compose = compose();
    let built: BTreeSet<String> = compose_services(&compose)
        .iter()
        .filter(|(_, service)| !service["build"].is_null())
        .filter_map(|(_, service)| service["image"].as_str().map(str::to_owned))
        .collect();
    for (name, service) in compose_services(&compose) {
        for port in published_ports(&service) {
            assert!(
                port.starts_with("127.0.0.1:"),
                "{name}: port {port} must be bound to 127.0.0.1 only"
            );
        }
        let image = str_of(&service["image"], &format!("{name}: image"));
        if built.contains(image) {
            continue;
        }
        let tag = image.rsplit_once(':').map(|(_, tag)| tag);
        assert!(
            tag.is_some_and(|tag| !tag.contains('/') && tag != "latest"),
            "{name}: pin the image version ({image})"
        );
    }
}

#[test]
fn compose_services_send_otlp_to_the_collector() {
    let compose = compose();
    let (collector_name, collector) =
        service_by_image(&compose, "otel/opentelemetry-collector-contrib:");
    let config_file = flag(&collector, "--config");
    assert_eq!(
        host_path(&collector, &config_file),
        Some(repo().join("deploy/compose/otel-collector.yaml")),
        "the collector runs deploy/compose/otel-collector.yaml"
    );
    let otel = yaml("deploy/compose/otel-collector.yaml");
    let endpoint = str_of(
        &otel["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"],
        "OTLP gRPC receiver endpoint",
    );
    let receiver: SocketAddr = endpoint.parse().unwrap();
    assert!(
        receiver.ip().is_unspecified(),
        "the collector must accept OTLP from other containers, not only on {receiver}"
    );
    let pipelines = otel["service"]["pipelines"]
        .as_mapping()
        .expect("pipelines");
    for signal in ["traces", "metrics"] {
        let pipeline = otel["service"]["pipelines"]
            .get(signal)
            .unwrap_or_else(|| panic!("collector: no {signal} pipeline"));
        assert!(
            seq(&pipeline["receivers"], "receivers").contains(&Value::from("otlp")),
            "{signal} pipeline receives OTLP"
        );
    }
    for (name, pipeline) in pipelines {
        for part in ["receivers", "processors", "exporters"] {
            for component in seq(&pipeline[part], part) {
                assert!(
                    otel[part].get(component).is_some(),
                    "collector pipeline {name:?} uses {component:?}, not defined under {part}"
                );
            }
        }
    }
    let expected = format!("http://{collector_name}:{}", receiver.port());
    for (name, _, service) in modstream_services(&compose) {
        let env = compose_env(&service);
        let otlp = env
            .iter()
            .find(|(n, _)| n == "MODSTREAM_OTLP_ENDPOINT")
            .map(|(_, v)| v.as_str());
        assert_eq!(
            otlp,
            Some(expected.as_str()),
            "{name}: MODSTREAM_OTLP_ENDPOINT"
        );
    }
}

#[test]
fn prometheus_scrapes_every_service_and_loads_the_alert_rules() {
    let compose = compose();
    let (_, prometheus) = service_by_image(&compose, "prom/prometheus:");
    let config_file = flag(&prometheus, "--config.file");
    assert_eq!(
        host_path(&prometheus, &config_file),
        Some(repo().join("deploy/compose/prometheus/prometheus.yml")),
        "Prometheus runs deploy/compose/prometheus/prometheus.yml"
    );
    let config = yaml("deploy/compose/prometheus/prometheus.yml");

    let rules: Vec<_> = seq(&config["rule_files"], "rule_files")
        .iter()
        .map(|file| {
            let file = str_of(file, "rule file");
            host_path(&prometheus, file)
                .unwrap_or_else(|| panic!("rule file {file} is not mounted into Prometheus"))
        })
        .collect();
    assert!(
        rules.contains(&repo().join("deploy/prometheus/alerts.yml")),
        "Prometheus loads deploy/prometheus/alerts.yml (loads {rules:?})"
    );

    let mut targets = BTreeSet::new();
    for job in seq(&config["scrape_configs"], "scrape_configs") {
        let path = job["metrics_path"].as_str().unwrap_or("/metrics");
        assert_eq!(path, "/metrics", "job {:?}", job["job_name"]);
        for group in seq(&job["static_configs"], "static_configs") {
            for target in seq(&group["targets"], "targets") {
                targets.insert(str_of(target, "target").to_owned());
            }
        }
    }
    let expected: BTreeSet<_> = modstream_services(&compose)
        .into_iter()
        .map(|(name, _, service)| format!("{name}:{}", metrics_port(&compose_config(&service))))
        .collect();
    assert_eq!(
        targets, expected,
        "Prometheus scrapes every modstream service on its metrics port"
    );

    // The Prometheus and Grafana the README tells people to open.
    let (_, grafana) = service_by_image(&compose, "grafana/grafana:");
    let readme = read("README.md");
    for (service, port) in [(&prometheus, 9090), (&grafana, 3000)] {
        assert!(
            published_ports(service).contains(&format!("127.0.0.1:{port}:{port}")),
            "port {port} published"
        );
        assert!(
            readme.contains(&format!("127.0.0.1:{port}")),
            "README names 127.0.0.1:{port}"
        );
    }
}

// ---------------------------------------------------------------------------
// Grafana.

const DASHBOARD: &str = "deploy/grafana/modstream-dashboard.json";

fn dashboard() -> serde_json::Value {
    serde_json::from_str(&read(DASHBOARD)).unwrap()
}

/// Every panel, rows' nested panels included.
fn panels(dashboard: &serde_json::Value) -> Vec<serde_json::Value> {
    fn walk(list: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
        for panel in list.as_array().into_iter().flatten() {
            out.push(panel.clone());
            walk(&panel["panels"], out);
        }
    }
    let mut out = Vec::new();
    walk(&dashboard["panels"], &mut out);
    out
}

/// Every PromQL expression of the dashboard (panels and variables).
fn dashboard_exprs(dashboard: &serde_json::Value) -> Vec<String> {
    let mut exprs: Vec<String> = panels(dashboard)
        .iter()
        .flat_map(|panel| panel["targets"].as_array().cloned().unwrap_or_default())
        .map(|target| target["expr"].as_str().expect("target expr").to_owned())
        .collect();
    for variable in dashboard["templating"]["list"].as_array().unwrap() {
        if variable["type"] == "query" {
            let query = &variable["query"];
            let text = query["query"].as_str().or(query.as_str()).unwrap();
            exprs.push(text.to_owned());
        }
    }
    exprs
}

#[test]
fn grafana_is_provisioned_with_the_dashboard_and_prometheus() {
    let compose = compose();
    let (_, grafana) = service_by_image(&compose, "grafana/grafana:");
    let provisioning = "deploy/compose/grafana/provisioning";
    assert_eq!(
        host_path(&grafana, "/etc/grafana/provisioning"),
        Some(repo().join(provisioning)),
        "Grafana reads its provisioning from {provisioning}"
    );
    let dashboard_file = repo().join(DASHBOARD);

    let mut providers = 0;
    for entry in std::fs::read_dir(repo().join(provisioning).join("dashboards")).unwrap() {
        let file = entry.unwrap().path();
        let relative = file.strip_prefix(repo()).unwrap().to_str().unwrap();
        for provider in seq(&yaml(relative)["providers"], "providers") {
            let path = str_of(&provider["options"]["path"], "provider path");
            let on_host = host_path(&grafana, path)
                .unwrap_or_else(|| panic!("dashboards path {path} is not mounted into Grafana"));
            assert_eq!(
                on_host.join("modstream-dashboard.json").canonicalize().ok(),
                Some(dashboard_file.clone()),
                "provider {:?} loads {DASHBOARD}",
                provider["name"]
            );
            providers += 1;
        }
    }
    assert_eq!(providers, 1, "one dashboard provider");
    let env = compose_env(&grafana);
    if let Some((_, home)) = env
        .iter()
        .find(|(n, _)| n == "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    {
        assert_eq!(
            host_path(&grafana, home),
            Some(dashboard_file.clone()),
            "home dashboard"
        );
    }

    let (prometheus_name, prometheus) = service_by_image(&compose, "prom/prometheus:");
    let prometheus_port = published_ports(&prometheus)
        .iter()
        .find_map(|p| p.rsplit(':').next().map(str::to_owned))
        .expect("Prometheus port");
    let datasources = yaml(&format!("{provisioning}/datasources/prometheus.yml"));
    let datasources = seq(&datasources["datasources"], "datasources");
    let prometheus_sources: Vec<_> = datasources
        .iter()
        .filter(|ds| ds["type"].as_str() == Some("prometheus"))
        .collect();
    assert_eq!(prometheus_sources.len(), 1, "one Prometheus data source");
    assert_eq!(
        prometheus_sources[0]["url"].as_str(),
        Some(format!("http://{prometheus_name}:{prometheus_port}").as_str()),
        "the data source is compose's Prometheus"
    );

    // Panels use the Prometheus chosen in the dashboard's data source
    // variable, so the same file also works in another Grafana.
    let dashboard = dashboard();
    let variables = dashboard["templating"]["list"].as_array().unwrap();
    let ds_variable = variables
        .iter()
        .find(|v| v["type"] == "datasource")
        .expect("a data source variable");
    assert_eq!(ds_variable["query"], "prometheus");
    let reference = format!("${{{}}}", ds_variable["name"].as_str().unwrap());
    let uses = |ds: &serde_json::Value, what: &str| {
        assert_eq!(ds["type"], "prometheus", "{what}");
        assert_eq!(ds["uid"].as_str(), Some(reference.as_str()), "{what}");
    };
    for variable in variables.iter().filter(|v| v["type"] == "query") {
        uses(
            &variable["datasource"],
            &format!("variable {}", variable["name"]),
        );
    }
    for panel in panels(&dashboard) {
        if panel["type"] == "row" {
            continue;
        }
        let title = panel["title"].as_str().unwrap_or("?").to_owned();
        uses(&panel["datasource"], &title);
        let targets = panel["targets"].as_array().expect("panel targets");
        assert!(!targets.is_empty(), "{title}: no queries");
        for target in targets {
            uses(&target["datasource"], &title);
        }
    }
}

#[test]
fn the_grafana_dashboard_shows_what_operations_need() {
    let dashboard = dashboard();
    let exprs = dashboard_exprs(&dashboard);
    let shows = |needle: &str| exprs.iter().any(|e| e.contains(needle));
    for metric in [
        "modstream_gateway_events_total",
        "modstream_bus_consumer_lag",
        "modstream_responsiveness_unanswered_posts",
        "modstream_responsiveness_oldest_unanswered_seconds",
        "modstream_safeguarding_open_escalations",
        "modstream_safeguarding_overdue_escalations",
        "modstream_safeguarding_uncovered_escalations",
        "modstream_safeguarding_next_cover_gap_seconds",
    ] {
        assert!(shows(metric), "the dashboard shows {metric}");
    }
    assert!(
        exprs
            .iter()
            .any(|e| e.contains("modstream_gateway_events_total") && e.contains("code")),
        "ingest errors by code"
    );
    for (quantile, histogram) in [
        ("0.99", "modstream_gateway_ack_seconds_bucket"),
        ("0.5", "modstream_responsiveness_ttfr_seconds_bucket"),
        ("0.9", "modstream_responsiveness_ttfr_seconds_bucket"),
        (
            "0.9",
            "modstream_safeguarding_time_to_acknowledge_seconds_bucket",
        ),
    ] {
        assert!(
            exprs
                .iter()
                .any(|e| e.contains(&format!("histogram_quantile({quantile}, "))
                    && e.contains(histogram)),
            "the dashboard shows the {quantile} quantile of {histogram}"
        );
    }
    let mut ids = BTreeSet::new();
    for panel in panels(&dashboard) {
        assert!(
            ids.insert(panel["id"].as_u64().unwrap()),
            "panel ids unique"
        );
        let grid = &panel["gridPos"];
        let (x, w) = (grid["x"].as_u64().unwrap(), grid["w"].as_u64().unwrap());
        assert!(
            x + w <= 24,
            "{:?} is wider than the dashboard",
            panel["title"]
        );
    }
}

// ---------------------------------------------------------------------------
// Metric names.

/// The `modstream_*` metric names a text refers to, without a histogram's
/// `_bucket`/`_sum`/`_count` suffix.
fn metric_names(text: &str) -> BTreeSet<String> {
    let name = Regex::new(r"modstream_[a-z0-9_]+").unwrap();
    name.find_iter(text)
        .map(|m| {
            let name = m.as_str();
            ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix))
                .unwrap_or(name)
                .to_owned()
        })
        .collect()
}

fn rust_sources(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
            out.push('\n');
        }
    }
}

#[test]
fn metric_names_in_deploy_files_exist_in_the_code() {
    let mut referenced = BTreeMap::<String, BTreeSet<&str>>::new();
    let files = [
        "deploy/prometheus/alerts.yml",
        DASHBOARD,
        "deploy/compose/prometheus/prometheus.yml",
    ];
    for file in files {
        for name in metric_names(&read(file)) {
            referenced.entry(name).or_default().insert(file);
        }
    }
    assert!(referenced.len() >= 10, "metric names found: {referenced:?}");
    let mut code = String::new();
    rust_sources(&repo().join("crates"), &mut code);
    rust_sources(&repo().join("services"), &mut code);
    let missing: Vec<String> = referenced
        .iter()
        .filter(|(name, _)| !code.contains(&format!("\"{name}\"")))
        .map(|(name, files)| format!("{name} (in {})", Vec::from_iter(files.clone()).join(", ")))
        .collect();
    assert!(
        missing.is_empty(),
        "metrics the deploy files use but no .rs file under crates/ or services/ names as a string literal:\n  {}",
        missing.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// Alert rules.

#[derive(Debug)]
struct Rule {
    alert: String,
    expr: String,
    severity: String,
}

fn alert_rules() -> Vec<Rule> {
    let doc = yaml("deploy/prometheus/alerts.yml");
    let duration = Regex::new(r"^[0-9]+[smhd]$").unwrap();
    let comparison = Regex::new(r"(>=|<=|==|!=|>|<)\s*[0-9]").unwrap();
    let mut rules = Vec::new();
    for group in seq(&doc["groups"], "groups") {
        str_of(&group["name"], "group name");
        for rule in seq(&group["rules"], "rules") {
            let alert = str_of(&rule["alert"], "alert").to_owned();
            let expr = str_of(&rule["expr"], &alert).to_owned();
            let pending = str_of(&rule["for"], &format!("{alert}: for"));
            assert!(duration.is_match(pending), "{alert}: for: {pending}");
            let severity = str_of(&rule["labels"]["severity"], &alert).to_owned();
            assert!(
                ["critical", "warning"].contains(&severity.as_str()),
                "{alert}: severity {severity}"
            );
            for annotation in ["summary", "description"] {
                let text = str_of(&rule["annotations"][annotation], &alert);
                assert!(!text.trim().is_empty(), "{alert}: {annotation}");
            }
            assert!(
                comparison.is_match(&expr),
                "{alert}: {expr} compares with no threshold, so it fires whenever the metric exists"
            );
            let mut depth = 0i32;
            for c in expr.chars() {
                depth += match c {
                    '(' | '{' | '[' => 1,
                    ')' | '}' | ']' => -1,
                    _ => 0,
                };
                assert!(depth >= 0, "{alert}: unbalanced brackets in {expr}");
            }
            assert_eq!(depth, 0, "{alert}: unbalanced brackets in {expr}");
            rules.push(Rule {
                alert,
                expr,
                severity,
            });
        }
    }
    let names: BTreeSet<_> = rules.iter().map(|r| &r.alert).collect();
    assert_eq!(names.len(), rules.len(), "alert names are unique");
    rules
}

/// The rule watching `condition`, found by what its expression says.
fn rule_for<'a>(rules: &'a [Rule], condition: &str, matches: impl Fn(&str) -> bool) -> &'a Rule {
    rules
        .iter()
        .find(|rule| matches(&rule.expr))
        .unwrap_or_else(|| panic!("no alert rule for {condition}"))
}

fn threshold(expr: &str, metric: &str, op: &str) -> Option<f64> {
    let pattern = format!(
        r"{metric}\b[^<>]*\)\s*{}\s*([0-9.]+)(\s*\*\s*([0-9.]+))?",
        regex::escape(op)
    );
    let caps = Regex::new(&pattern).unwrap().captures(expr)?;
    let value: f64 = caps[1].parse().ok()?;
    let factor: f64 = caps.get(3).map_or(1.0, |m| m.as_str().parse().unwrap());
    Some(value * factor)
}

#[test]
fn alert_rules_cover_what_operations_must_be_told() {
    let rules = alert_rules();

    let overdue = rule_for(&rules, "a crisis escalation past its deadline", |e| {
        e.contains(r#"modstream_safeguarding_overdue_escalations{severity="crisis"}"#)
            && e.contains("> 0")
    });
    assert_eq!(overdue.severity, "critical", "{}", overdue.alert);

    let uncovered = rule_for(&rules, "an escalation nobody can receive", |e| {
        e.contains("modstream_safeguarding_uncovered_escalations")
            || e.contains("modstream_safeguarding_escalations_uncovered_total")
    });
    assert_eq!(uncovered.severity, "critical", "{}", uncovered.alert);

    let gap = rule_for(&rules, "a coming gap in cover", |e| {
        e.contains("modstream_safeguarding_next_cover_gap_seconds")
    });
    let notice = threshold(
        &gap.expr,
        "modstream_safeguarding_next_cover_gap_seconds",
        "<",
    );
    assert!(
        notice.is_some_and(|s| s >= 3600.0),
        "{}: warn at least an hour before a gap in cover ({})",
        gap.alert,
        gap.expr
    );

    let unanswered = rule_for(&rules, "posts left unanswered", |e| {
        threshold(e, "modstream_responsiveness_oldest_unanswered_seconds", ">").is_some()
            || threshold(e, "modstream_responsiveness_unanswered_posts", ">").is_some()
    });
    assert!(!unanswered.alert.is_empty());

    let lag = rule_for(&rules, "consumer lag growing", |e| {
        let growing = ["deriv", "increase", "delta"]
            .iter()
            .any(|f| e.contains(&format!("{f}(modstream_bus_consumer_lag")));
        growing && threshold(e, "modstream_bus_consumer_lag", ">").is_some()
    });
    assert!(
        lag.expr.contains("> 0") || lag.expr.contains(">= 0"),
        "{}: lag must be growing",
        lag.alert
    );

    // Label values the rules match on must be ones modstream produces.
    let config = compose_config(&compose_service(&compose(), "safeguarding"));
    let groups = [
        config.responsiveness.consumer_group.as_str(),
        config.safeguarding.consumer_group.as_str(),
        config.dashboard.consumer_group.as_str(),
    ];
    let matcher = Regex::new(r#"\b(group|severity|code|job)(=~?|!=)"([^"]*)""#).unwrap();
    let codes = [
        "ok",
        "invalid_argument",
        "unauthenticated",
        "permission_denied",
        "already_exists",
        "resource_exhausted",
        "unavailable",
        "internal",
        "deadline_exceeded",
        "failed_precondition",
    ];
    let jobs: Vec<String> = seq(
        &yaml("deploy/compose/prometheus/prometheus.yml")["scrape_configs"],
        "scrape_configs",
    )
    .iter()
    .map(|job| str_of(&job["job_name"], "job_name").to_owned())
    .collect();
    for rule in &rules {
        for caps in matcher.captures_iter(&rule.expr) {
            let (label, op, value) = (&caps[1], &caps[2], &caps[3]);
            let what = format!("{}: {label}{op}{value:?}", rule.alert);
            match label {
                "group" => assert!(groups.contains(&value), "{what}: not a consumer group"),
                "severity" => assert!(["crisis", "high"].contains(&value), "{what}"),
                "code" => assert!(codes.contains(&value), "{what}: not a code"),
                "job" => {
                    let pattern = Regex::new(&format!("^(?:{value})$")).unwrap();
                    assert!(
                        jobs.iter().all(|job| pattern.is_match(job)),
                        "{what}: does not match every scrape job {jobs:?}"
                    );
                }
                _ => unreachable!(),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Kubernetes.

const K8S: &str = "deploy/k8s";

/// Every object of every manifest, with the file it is in.
fn k8s_objects() -> Vec<(String, Value)> {
    let kustomization = yaml(&format!("{K8S}/kustomization.yaml"));
    seq(&kustomization["resources"], "resources")
        .iter()
        .flat_map(|file| {
            let file = str_of(file, "resource").to_owned();
            yaml_docs(&format!("{K8S}/{file}"))
                .into_iter()
                .map(move |doc| (file.clone(), doc))
        })
        .collect()
}

fn k8s_object<'a>(objects: &'a [(String, Value)], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .map(|(_, object)| object)
        .find(|o| o["kind"].as_str() == Some(kind) && o["metadata"]["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("k8s: no {kind} {name}"))
}

#[test]
fn the_kustomization_lists_every_manifest() {
    let kustomization = yaml(&format!("{K8S}/kustomization.yaml"));
    let listed: BTreeSet<String> = seq(&kustomization["resources"], "resources")
        .iter()
        .map(|f| str_of(f, "resource").to_owned())
        .collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(repo().join(K8S))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_str().unwrap().to_owned())
        .filter(|f| f.ends_with(".yaml") && f != "kustomization.yaml")
        .collect();
    assert_eq!(listed, on_disk, "kustomization.yaml resources");

    let objects = k8s_objects();
    let namespace = str_of(&kustomization["namespace"], "namespace");
    k8s_object(&objects, "Namespace", namespace);

    let images: BTreeMap<&str, &Value> = seq(&kustomization["images"], "images")
        .iter()
        .map(|i| (str_of(&i["name"], "image name"), i))
        .collect();
    let mut statefulsets = 0;
    for (file, object) in &objects {
        if object["kind"].as_str() != Some("StatefulSet") {
            continue;
        }
        statefulsets += 1;
        for container in seq(
            &object["spec"]["template"]["spec"]["containers"],
            "containers",
        ) {
            let image = str_of(&container["image"], "image");
            let entry = images.get(image).unwrap_or_else(|| {
                panic!("{file}: image {image} is not set in kustomization.yaml")
            });
            let tag = str_of(&entry["newTag"], "newTag");
            assert!(tag != "latest", "pin the image version");
        }
    }
    assert_eq!(statefulsets, BINARIES.len(), "one StatefulSet per service");
}

/// The Dockerfile's numeric user, which the pods must run as.
fn image_uid() -> u64 {
    let dockerfile = read("deploy/Dockerfile");
    let user = Regex::new(r"(?m)^USER ([0-9]+)").unwrap();
    user.captures(&dockerfile)
        .expect("the Dockerfile sets a numeric USER")[1]
        .parse()
        .unwrap()
}

/// A container port by number or name.
fn resolve_port(container: &Value, port: &Value) -> u64 {
    match port {
        Value::Number(n) => n.as_u64().unwrap(),
        Value::String(name) => seq(&container["ports"], "ports")
            .iter()
            .find(|p| p["name"].as_str() == Some(name))
            .and_then(|p| p["containerPort"].as_u64())
            .unwrap_or_else(|| panic!("no container port named {name}")),
        other => panic!("port {other:?}"),
    }
}

/// The container's environment: its ConfigMaps (envFrom), then `env`.
fn k8s_env(objects: &[(String, Value)], container: &Value) -> Vec<(String, String)> {
    let mut env = Vec::new();
    if let Some(sources) = container["envFrom"].as_sequence() {
        for source in sources {
            let name = str_of(&source["configMapRef"]["name"], "envFrom configMapRef");
            let map = k8s_object(objects, "ConfigMap", name);
            for (key, value) in map["data"].as_mapping().expect("ConfigMap data") {
                env.push((
                    str_of(key, "key").to_owned(),
                    str_of(value, "ConfigMap value (quote numbers)").to_owned(),
                ));
            }
        }
    }
    for var in container["env"].as_sequence().into_iter().flatten() {
        let name = str_of(&var["name"], "env name").to_owned();
        let value = str_of(&var["value"], &name).to_owned();
        env.retain(|(n, _)| *n != name);
        env.push((name, value));
    }
    env
}

/// The Secret key a container sees at `path`, through a secret volume.
fn secret_file<'a>(
    objects: &'a [(String, Value)],
    pod: &Value,
    container: &Value,
    path: &str,
) -> &'a str {
    let path = Path::new(path);
    let mount = seq(&container["volumeMounts"], "volumeMounts")
        .iter()
        .find(|m| path.parent() == Some(Path::new(str_of(&m["mountPath"], "mountPath"))))
        .unwrap_or_else(|| panic!("nothing mounted at {}", path.display()));
    let volume = seq(&pod["volumes"], "volumes")
        .iter()
        .find(|v| v["name"] == mount["name"])
        .expect("the mount's volume");
    let secret = str_of(
        &volume["secret"]["secretName"],
        &format!("{}: a Secret volume", path.display()),
    );
    let key = path.file_name().unwrap().to_str().unwrap();
    let secret = k8s_object(objects, "Secret", secret);
    str_of(
        &secret["stringData"][key],
        &format!("Secret key {key} for {}", path.display()),
    )
}

/// Loads the config a StatefulSet's container gets, as it would at start-up.
/// The Secrets hold REPLACE_ME placeholders (which modstream rejects); here
/// they become well-formed values so the rest of the config is checked.
fn k8s_config(
    objects: &[(String, Value)],
    pod: &Value,
    container: &Value,
    env: &[(String, String)],
) -> Config {
    let command = seq(&container["command"], "command");
    assert_eq!(command[1].as_str(), Some("--config"));
    let path = str_of(&command[2], "config path");
    let placeholder = Regex::new(r"REPLACE_ME[A-Za-z0-9_]*").unwrap();
    let valid = "ab".repeat(32);
    let mut text = secret_file(objects, pod, container, path).to_owned();
    let dir = tempfile::tempdir().unwrap();
    let secret_path = Regex::new(r#"(?m)^pseudonym_secret_file = "([^"]+)""#).unwrap();
    for caps in secret_path.captures_iter(&text.clone()) {
        let in_pod = &caps[1];
        let content = secret_file(objects, pod, container, in_pod);
        let here = dir.path().join(Path::new(in_pod).file_name().unwrap());
        std::fs::write(
            &here,
            placeholder.replace_all(content, valid.as_str()).as_ref(),
        )
        .unwrap();
        text = text.replace(in_pod, here.to_str().unwrap());
    }
    let file = dir.path().join("modstream.toml");
    std::fs::write(
        &file,
        placeholder.replace_all(&text, valid.as_str()).as_ref(),
    )
    .unwrap();
    load(&file, env)
}

#[test]
fn k8s_secrets_hold_placeholders_only() {
    let text = read(&format!("{K8S}/secret.yaml"));
    let hex = Regex::new(r"[0-9a-fA-F]{64}").unwrap();
    assert!(
        !hex.is_match(&text) && !text.contains("ms_demo"),
        "deploy/k8s/secret.yaml must hold REPLACE_ME placeholders, not real (or demo) keys"
    );
    assert!(text.contains("REPLACE_ME"));
}

#[test]
fn k8s_statefulsets_match_the_config() {
    let objects = k8s_objects();
    let defaults = Config::default();
    let uid = image_uid();
    let proto: String = ["ingest", "responsiveness", "safeguarding"]
        .iter()
        .map(|f| read(&format!("proto/modstream/v1/{f}.proto")))
        .collect();
    let mut seen = BTreeSet::new();
    for (file, set) in &objects {
        if set["kind"].as_str() != Some("StatefulSet") {
            continue;
        }
        let spec = &set["spec"];
        let pod = &spec["template"]["spec"];
        let containers = seq(&pod["containers"], "containers");
        assert_eq!(containers.len(), 1, "{file}: one container");
        let container = &containers[0];
        let binary = str_of(&container["command"][0], "command").to_owned();
        let what = format!("{file} ({binary})");
        assert!(seen.insert(binary.clone()), "{what}: twice");
        assert_eq!(
            spec["replicas"].as_u64(),
            Some(1),
            "{what}: state is per pod"
        );

        let env = k8s_env(&objects, container);
        for (name, _) in &env {
            assert!(name.starts_with("MODSTREAM_"), "{what}: {name}");
        }
        assert_eq!(
            pod["enableServiceLinks"].as_bool(),
            Some(false),
            "{what}: service links would add MODSTREAM_*_SERVICE_HOST variables, which modstream rejects"
        );
        let config = k8s_config(&objects, pod, container, &env);
        assert!(
            !config.uses_embedded_bus(),
            "{what}: MODSTREAM_BUS_BROKERS must point at Kafka"
        );

        // Listening, as the config says.
        let listen = listen_of(&config, &binary);
        assert!(listen.ip().is_unspecified(), "{what}: listens on {listen}");
        assert_eq!(
            listen.port(),
            listen_of(&defaults, &binary).port(),
            "{what}: the default port"
        );
        let port = u64::from(listen.port());
        let metrics = u64::from(metrics_port(&config));
        let container_ports: Vec<u64> = seq(&container["ports"], "ports")
            .iter()
            .map(|p| p["containerPort"].as_u64().unwrap())
            .collect();
        assert!(
            container_ports.contains(&port),
            "{what}: containerPort {port}"
        );
        assert!(
            container_ports.contains(&metrics),
            "{what}: containerPort {metrics}"
        );
        check_metrics_listen(&env, &config, &what);

        // Probes: gRPC health for the gRPC services, /healthz for the dashboard.
        for kind in ["startupProbe", "readinessProbe", "livenessProbe"] {
            let probe = &container[kind];
            assert!(!probe.is_null(), "{what}: no {kind}");
            match grpc_health_service(&binary) {
                Some(service) => {
                    let grpc = &probe["grpc"];
                    assert_eq!(grpc["port"].as_u64(), Some(port), "{what}: {kind} port");
                    let name = grpc["service"].as_str().unwrap_or("");
                    assert!(
                        name.is_empty() || name == service,
                        "{what}: {kind} asks gRPC health about {name:?}"
                    );
                    let (package, short) = service.rsplit_once('.').unwrap();
                    assert!(
                        proto.contains(&format!("package {package};"))
                            && proto.contains(&format!("service {short} {{")),
                        "{service} is not in proto/"
                    );
                }
                None => {
                    let http = &probe["httpGet"];
                    assert_eq!(http["path"].as_str(), Some("/healthz"), "{what}: {kind}");
                    assert_eq!(
                        resolve_port(container, &http["port"]),
                        port,
                        "{what}: {kind} port"
                    );
                }
            }
        }
        if let Some(service) = grpc_health_service(&binary) {
            assert_eq!(
                container["readinessProbe"]["grpc"]["service"].as_str(),
                Some(service),
                "{what}: readiness follows {service}, which stops serving when the pod drains"
            );
        }

        // The Service in front of it.
        let labels = spec["template"]["metadata"]["labels"].as_mapping().unwrap();
        let services: Vec<&Value> = objects
            .iter()
            .map(|(_, o)| o)
            .filter(|o| o["kind"].as_str() == Some("Service"))
            .filter(|o| {
                o["spec"]["selector"]
                    .as_mapping()
                    .is_some_and(|s| s.iter().all(|(k, v)| labels.get(k) == Some(v)))
            })
            .collect();
        assert_eq!(services.len(), 1, "{what}: one Service selects its pods");
        let service_ports = seq(&services[0]["spec"]["ports"], "Service ports");
        assert!(!service_ports.is_empty());
        for service_port in service_ports {
            assert_eq!(
                service_port["port"].as_u64(),
                Some(port),
                "{what}: Service port"
            );
            assert_eq!(
                resolve_port(container, &service_port["targetPort"]),
                port,
                "{what}: Service targetPort"
            );
        }
        assert_eq!(
            spec["serviceName"], services[0]["metadata"]["name"],
            "{what}: serviceName"
        );

        // Scraped by Prometheus on the metrics port.
        let annotations = &spec["template"]["metadata"]["annotations"];
        assert_eq!(annotations["prometheus.io/scrape"].as_str(), Some("true"));
        assert_eq!(
            annotations["prometheus.io/port"].as_str(),
            Some(metrics.to_string().as_str()),
            "{what}: prometheus.io/port"
        );
        assert_eq!(annotations["prometheus.io/path"].as_str(), Some("/metrics"));

        // Its state on a persistent volume at data_dir.
        let data_dir = env
            .iter()
            .find(|(n, _)| n == "MODSTREAM_DATA_DIR")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{what}: MODSTREAM_DATA_DIR"));
        assert_eq!(config.data_dir, Path::new(&data_dir));
        let claims: Vec<&str> = seq(&spec["volumeClaimTemplates"], "volumeClaimTemplates")
            .iter()
            .map(|c| str_of(&c["metadata"]["name"], "claim name"))
            .collect();
        let data_mount = seq(&container["volumeMounts"], "volumeMounts")
            .iter()
            .find(|m| m["mountPath"].as_str() == Some(data_dir.as_str()))
            .unwrap_or_else(|| panic!("{what}: nothing mounted at {data_dir}"));
        assert!(
            claims.contains(&str_of(&data_mount["name"], "mount name")),
            "{what}: {data_dir} must be a volumeClaimTemplate, not {:?}",
            data_mount["name"]
        );

        // Unprivileged, bounded, and given time to drain.
        let pod_security = &pod["securityContext"];
        assert_eq!(pod_security["runAsNonRoot"].as_bool(), Some(true), "{what}");
        assert_eq!(
            pod_security["runAsUser"].as_u64(),
            Some(uid),
            "{what}: the Dockerfile's user"
        );
        assert_eq!(
            pod_security["fsGroup"].as_u64(),
            Some(uid),
            "{what}: fsGroup"
        );
        let security = &container["securityContext"];
        assert_eq!(
            security["readOnlyRootFilesystem"].as_bool(),
            Some(true),
            "{what}"
        );
        assert_eq!(
            security["allowPrivilegeEscalation"].as_bool(),
            Some(false),
            "{what}"
        );
        for bound in ["requests", "limits"] {
            for resource in ["cpu", "memory"] {
                assert!(
                    !container["resources"][bound][resource].is_null(),
                    "{what}: resources.{bound}.{resource}"
                );
            }
        }
        let grace = pod["terminationGracePeriodSeconds"].as_u64().unwrap_or(30);
        assert!(
            grace >= 30 && grace * 1000 > config.bus.delivery_timeout_ms,
            "{what}: terminationGracePeriodSeconds {grace}"
        );
    }
    assert_eq!(
        seen,
        BINARIES.iter().map(|b| b.to_string()).collect(),
        "a StatefulSet per service"
    );
}

// ---------------------------------------------------------------------------
// The image.

#[test]
fn the_binaries_the_deploy_files_run_exist() {
    let compose = compose();
    for binary in BINARIES {
        let service = binary.strip_prefix("modstream-").unwrap();
        let manifest = read(&format!("services/{service}/Cargo.toml"));
        assert!(
            manifest.contains(&format!("name = \"{binary}\"")),
            "services/{service} builds {binary}"
        );
        assert!(
            modstream_services(&compose)
                .iter()
                .any(|(_, b, _)| b == binary),
            "{binary} runs in compose"
        );
    }
    let dockerfile = read("deploy/Dockerfile");
    for binary in BINARIES.iter().chain(&["modstream"]) {
        let built = Regex::new(&format!(r"--bin {binary}(\s|$)")).unwrap();
        assert!(
            built.is_match(&dockerfile),
            "the Dockerfile builds {binary}"
        );
        let copied = Regex::new(&format!(r"/src/target/release/{binary}(\s|$)")).unwrap();
        assert!(
            copied.is_match(&dockerfile),
            "the Dockerfile copies {binary}"
        );
    }
}
