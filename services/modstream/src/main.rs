//! `modstream`: every service in one process, plus tools.
//!
//! - `modstream up`: run the whole system (gateway, responsiveness,
//!   safeguarding) on the embedded log or Kafka.
//! - `modstream client ...`: publish events to a running gateway from a
//!   terminal, and query the responsiveness service.
//! - `modstream console`: a moderator's terminal console for escalations.
//! - `modstream simulate`: synthetic demo traffic through the gateway.
//! - `modstream loadgen`: open-loop load with latency histograms (ingest
//!   ack, visible in responsiveness, escalation on a moderator's stream).
//! - `modstream classify`: risk assessment of JSON lines on stdin.
//! - `modstream hash-key KEY`: the hash to put in `api_key_sha256`.

mod classify;
mod client;
mod connect;
mod console;
mod loadgen;
mod simulate;
mod up;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "modstream",
    version,
    about = "Moderation event service for peer mental-health forums"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every modstream service in this process. Without --config it runs
    /// the built-in demo (two demo forums, embedded log in ./modstream-data).
    Up {
        /// A config file (see modstream.example.toml).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Publish events to a running gateway.
    Client(Box<client::ClientArgs>),
    /// A moderator's console: escalations as they arrive; acknowledge,
    /// resolve, add notes, hand over.
    Console(console::ConsoleArgs),
    /// Publish synthetic traffic for the demo forums through the gateway, so
    /// the dashboard and consoles have something to show.
    Simulate(simulate::SimulateArgs),
    /// Open-loop load at a fixed rate through the gateway, measuring ingest
    /// acknowledgement, visibility in responsiveness and escalation delivery.
    Loadgen(Box<loadgen::LoadgenArgs>),
    /// Assess the risk in posts: JSON lines {"id", "text"} on stdin, one
    /// JSON line per post on stdout (level, escalate, reasons).
    Classify(classify::ClassifyArgs),
    /// Print the SHA-256 of an API key, for `api_key_sha256` in the config.
    HashKey { key: String },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::HashKey { key } => {
            println!("{}", modstream_config::api_key_hash(&key));
            Ok(())
        }
        Command::Classify(args) => classify::run(args),
        Command::Up { config } => runtime()?.block_on(up::up(config)),
        Command::Simulate(args) => {
            if let Err(err) = runtime()?.block_on(simulate::run(args)) {
                eprintln!("error: {err:#}");
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Loadgen(args) => {
            if let Err(err) = runtime()?.block_on(loadgen::run(*args)) {
                eprintln!("error: {err:#}");
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Console(args) => {
            if let Err(err) = runtime()?.block_on(console::run(args)) {
                eprintln!("error: {err:#}");
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Client(args) => {
            // A refused event is an answer, not a crash: one clear line.
            if let Err(err) = runtime()?.block_on(client::run(*args)) {
                eprintln!("error: {err:#}");
                std::process::exit(1);
            }
            Ok(())
        }
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}
