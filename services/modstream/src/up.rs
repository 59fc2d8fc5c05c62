//! `modstream up`: the whole system in one process.

use std::path::PathBuf;

use anyhow::Context as _;
use modstream_config::{Config, DEMO_FORUMS, DEMO_OPS_VIEWERS};
use tokio::sync::watch;

pub async fn up(config_path: Option<PathBuf>) -> anyhow::Result<()> {
    let config = match &config_path {
        Some(path) => Config::load(Some(path), std::env::vars()).context("loading the config")?,
        None => {
            let mut config = Config::demo();
            // The environment still applies to the demo (e.g. another port).
            let overridden =
                Config::load(None, std::env::vars()).context("reading MODSTREAM_* variables")?;
            config.data_dir = overridden.data_dir;
            config.bus = overridden.bus;
            config.gateway = overridden.gateway;
            config.responsiveness = overridden.responsiveness;
            config.safeguarding = overridden.safeguarding;
            config.dashboard = overridden.dashboard;
            config.telemetry = overridden.telemetry;
            config.tls = overridden.tls;
            config
        }
    };
    // Checked before anything listens, so a bad file is one clear error.
    let tls = modstream_tls::ServerTls::from_config(&config).context("TLS")?;
    modstream_telemetry::init("modstream", &config.telemetry);

    if config_path.is_none() {
        println!("No --config given: running the built-in demo (not for real members).");
        for forum in DEMO_FORUMS {
            println!("  demo forum {:<12} API key {}", forum.id, forum.api_key);
        }
        for (id, _, token) in DEMO_OPS_VIEWERS {
            println!("  demo ops viewer {id:<15} dashboard token {token}");
        }
        for forum in DEMO_FORUMS {
            println!(
                "  demo forum {:<12} admin key {}",
                forum.id, forum.admin_key
            );
            for moderator in forum.moderators {
                println!(
                    "  demo moderator {}/{:<5} console token {}",
                    forum.id, moderator.id, moderator.token
                );
            }
        }
    }
    let bus_kind = if config.uses_embedded_bus() {
        format!("embedded log in {}", config.data_dir.join("bus").display())
    } else {
        format!("Kafka at {}", config.bus.brokers)
    };
    let bus = modstream_runtime::open_bus(&config).context("opening the bus")?;
    let gateway = tokio::net::TcpListener::bind(config.gateway.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.gateway.listen))?;
    let responsiveness = tokio::net::TcpListener::bind(config.responsiveness.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.responsiveness.listen))?;
    let safeguarding = tokio::net::TcpListener::bind(config.safeguarding.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.safeguarding.listen))?;
    let dashboard = tokio::net::TcpListener::bind(config.dashboard.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.dashboard.listen))?;
    let (metrics_address, _metrics) = modstream_runtime::metrics_endpoint(&config).await?;
    println!("modstream is up. Bus: {bus_kind}.");
    match &tls {
        Some(tls) => println!("  {}.", tls.describe()),
        None => println!("  TLS off: every listener is plaintext (fine on loopback; see [tls])."),
    }
    let web = if tls.is_some() { "https" } else { "http" };
    println!(
        "  gateway (gRPC ingest, health, reflection): {}",
        gateway.local_addr()?
    );
    println!(
        "  responsiveness (gRPC queries, health): {}",
        responsiveness.local_addr()?
    );
    println!(
        "  safeguarding (gRPC moderation, rosters, forum actions, health): {}",
        safeguarding.local_addr()?
    );
    println!(
        "  dashboard (web, for operations staff): {web}://{}/",
        dashboard.local_addr()?
    );
    println!("  metrics (Prometheus): {web}://{metrics_address}/metrics");
    println!(
        "Try: modstream client --key <API key> --forum <forum> post --author <member> --body \"...\""
    );
    println!("     modstream console --token <moderator token>   (escalations as they arrive)");
    if tls.is_some() {
        println!(
            "     over TLS: --gateway https://{} --ca-file <the CA that signed the certificate>",
            gateway.local_addr()?
        );
    }
    println!("Ctrl-C stops it cleanly.");

    // One signal drains every service.
    let (stop, stopping) = watch::channel(false);
    let stopped = || {
        let mut stopping = stopping.clone();
        async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        }
    };
    let signal = async {
        modstream_runtime::shutdown_signal().await;
        let _ = stop.send(true);
        Ok::<(), anyhow::Error>(())
    };
    let clock = modstream_clock::system();
    let result = tokio::try_join!(
        modstream_gateway::serve(&config, bus.clone(), clock.clone(), gateway, stopped()),
        modstream_responsiveness::serve(
            &config,
            bus.clone(),
            clock.clone(),
            responsiveness,
            stopped()
        ),
        modstream_safeguarding::serve(&config, bus.clone(), clock.clone(), safeguarding, stopped()),
        modstream_dashboard::serve(&config, bus, clock, dashboard, stopped()),
        async {
            tokio::select! {
                result = signal => result,
                // A service that ends by itself (an error) ends the others.
                () = stopped() => Ok(()),
            }
        },
    )
    .map(|_| ());
    modstream_telemetry::shutdown();
    result
}
