//! `modstream classify`: risk assessment from the terminal, for testing and
//! for forum staff.
//!
//! Reads JSON lines `{"id": ..., "text": "..."}` on stdin and writes one JSON
//! line per input line, in input order:
//! `{"id", "level", "escalate", "reasons": [...], "ruleset_version"}`. A line
//! that cannot be read gets `{"line": N, "id": ..., "error": "..."}` in its
//! place, and the lines around it are still assessed. Blank lines are
//! skipped.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use modstream_risk::{Assessor, AssessorOptions};
use serde::Deserialize;

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// A TOML file of risk options (extra_terms, disabled_rules,
    /// escalate_at), as in a forum's `[forums.risk]` table.
    #[arg(long)]
    options: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Input {
    #[serde(default)]
    id: serde_json::Value,
    text: String,
}

pub fn run(args: ClassifyArgs) -> anyhow::Result<()> {
    let options = match &args.options {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            toml::from_str::<AssessorOptions>(&text)
                .with_context(|| format!("{} is not valid", path.display()))?
        }
        None => AssessorOptions::default(),
    };
    let assessor = Assessor::with_options(&options)?;
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    classify(&assessor, stdin, &mut out)?;
    out.flush()?;
    Ok(())
}

/// Classifies every line of `input` into `output`; returns how many lines
/// could not be read.
pub fn classify(
    assessor: &Assessor,
    input: impl BufRead,
    output: &mut impl Write,
) -> anyhow::Result<usize> {
    let mut bad = 0;
    for (index, line) in input.lines().enumerate() {
        let number = index + 1;
        let line = match line {
            Ok(line) => line,
            Err(err) => {
                bad += 1;
                writeln!(
                    output,
                    "{}",
                    serde_json::json!({"line": number, "error": format!("not UTF-8 text: {err}")})
                )?;
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let value = match serde_json::from_str::<Input>(&line) {
            Ok(input) => {
                let a = assessor.assess(&input.text);
                serde_json::json!({
                    "id": input.id,
                    "level": a.level,
                    "escalate": a.escalate,
                    "reasons": a.reasons,
                    "ruleset_version": a.ruleset_version,
                })
            }
            Err(err) => {
                bad += 1;
                // Echo the id if the line had one, so the caller can match it.
                let id = serde_json::from_str::<serde_json::Value>(&line)
                    .ok()
                    .and_then(|v| v.get("id").cloned())
                    .unwrap_or(serde_json::Value::Null);
                serde_json::json!({
                    "line": number,
                    "id": id,
                    "error": format!("expected {{\"id\": ..., \"text\": \"...\"}}: {err}"),
                })
            }
        };
        writeln!(output, "{value}")?;
    }
    Ok(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_output_line_per_input_in_order_with_errors_in_place() {
        let input = concat!(
            "{\"id\": \"a\", \"text\": \"lovely walk by the river today\"}\n",
            "not json at all\n",
            "\n",
            "{\"id\": 7, \"text\": \"im going to kill myself tonight\"}\n",
            "{\"id\": \"c\"}\n",
        );
        let mut out = Vec::new();
        let bad = classify(&Assessor::new(), input.as_bytes(), &mut out).unwrap();
        assert_eq!(bad, 2);
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            (lines[0]["id"].as_str(), lines[0]["level"].as_str()),
            (Some("a"), Some("none"))
        );
        assert_eq!(lines[1]["line"], 2);
        assert!(lines[1]["error"].as_str().unwrap().contains("expected"));
        assert_eq!(
            (lines[2]["id"].as_i64(), lines[2]["level"].as_str()),
            (Some(7), Some("crisis"))
        );
        assert_eq!(lines[2]["escalate"], true);
        assert!(!lines[2]["reasons"].as_array().unwrap().is_empty());
        assert_eq!(
            (lines[3]["line"].as_i64(), lines[3]["id"].as_str()),
            (Some(5), Some("c"))
        );
        assert!(lines[3]["error"].as_str().unwrap().contains("text"));
    }
}
