//! Prints what the assessor makes of each line of stdin: the level, and
//! each reason with its rule and the words it matched. For working on the
//! rules: `echo "some post" | cargo run -p modstream-risk --example explain`.
//! With `RULES_ONLY=1` the lexical model is off.

use std::io::BufRead;

use modstream_risk::{Assessor, AssessorOptions, MODEL_RULE};

fn main() {
    let options = AssessorOptions {
        disabled_rules: if std::env::var_os("RULES_ONLY").is_some() {
            vec![MODEL_RULE.into()]
        } else {
            Vec::new()
        },
        ..Default::default()
    };
    let assessor = Assessor::with_options(&options).expect("valid options");
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("text on stdin");
        if line.trim().is_empty() {
            continue;
        }
        let a = assessor.assess(&line);
        println!("{} {}", a.level.as_str(), line);
        for r in &a.reasons {
            println!("    {} [{}] {:?}", r.rule, r.level.as_str(), r.text);
            if std::env::var_os("DESCRIBE").is_some() {
                println!("        {}", r.description);
            }
        }
    }
}
