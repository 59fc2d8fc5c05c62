//! Explainable risk assessment of forum posts.
//!
//! [`Assessor::assess`] puts a post (or reply, or edit) at one of four
//! [`Level`]s and says why:
//! - `none`: no sign of risk;
//! - `concern`: distress, hopelessness, passive wishes not to exist;
//! - `high`: current suicidal thoughts or self-harm, without a stated plan
//!   or time;
//! - `crisis`: intent with a plan, means or a time; an act in progress or
//!   just done; a farewell; or someone else in immediate danger.
//!
//! `high` and `crisis` are escalated to a human. Nothing here hides or
//! removes a post: it only routes it.
//!
//! Every [`Assessment`] lists the rules that fired, the text they matched
//! (as byte spans of the original) and the ruleset version, so a moderator
//! sees why a post was flagged. Forums adjust the ruleset with
//! [`AssessorOptions`]: extra terms, disabled rules, the escalation level.
//!
//! Modules: [`normalize`] (text normal form and spans), [`rules`] (the
//! built-in ruleset).

pub mod normalize;
pub mod rules;

use regex::{Regex, RegexSet};
use serde::{Deserialize, Serialize};

use crate::normalize::{Normalized, normalize};
use crate::rules::{Kind, RULES, RuleDef};

/// The version of the built-in ruleset; stored with every assessment.
pub const RULESET_VERSION: &str = "2026-11-22.1";

/// How much risk a post shows. Ordered: `None < Concern < High < Crisis`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    None,
    Concern,
    High,
    Crisis,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Concern => "concern",
            Level::High => "high",
            Level::Crisis => "crisis",
        }
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "none" => Ok(Level::None),
            "concern" => Ok(Level::Concern),
            "high" => Ok(Level::High),
            "crisis" => Ok(Level::Crisis),
            other => Err(format!(
                "unknown level {other:?}: expected none, concern, high or crisis"
            )),
        }
    }
}

/// Why a post got its level: one fired rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub rule: String,
    pub level: Level,
    pub description: String,
    /// Byte range of the matched words in the original text.
    pub start: usize,
    pub end: usize,
    /// The matched words as written.
    pub text: String,
}

/// The result of assessing one text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub level: Level,
    pub escalate: bool,
    pub reasons: Vec<Reason>,
    pub ruleset_version: &'static str,
}

/// A forum's own term: a phrase (or regex) that signals risk at a level.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraTerm {
    /// Shown to moderators as the rule that fired, e.g. "forum.local-slang".
    pub id: String,
    /// A regular expression over the normal form (lowercase, no
    /// apostrophes), e.g. "\\bgoing to the big sleep\\b".
    pub pattern: String,
    pub level: Level,
    /// What it means, for moderators.
    #[serde(default)]
    pub description: String,
}

/// How a forum adjusts the ruleset, without code changes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessorOptions {
    /// Extra terms, checked like built-in rules (negation and past contexts
    /// suppress them).
    #[serde(default)]
    pub extra_terms: Vec<ExtraTerm>,
    /// Ids of built-in rules to turn off, e.g. "concern.distress".
    #[serde(default)]
    pub disabled_rules: Vec<String>,
    /// The lowest level that is escalated to a human (default `high`).
    #[serde(default = "default_escalate_at")]
    pub escalate_at: Level,
}

fn default_escalate_at() -> Level {
    Level::High
}

impl Default for AssessorOptions {
    fn default() -> Self {
        Self {
            extra_terms: Vec::new(),
            disabled_rules: Vec::new(),
            escalate_at: default_escalate_at(),
        }
    }
}

/// Why options could not be used.
#[derive(Debug, thiserror::Error)]
pub enum OptionsError {
    #[error("extra term {id:?}: invalid pattern: {source}")]
    BadPattern { id: String, source: regex::Error },
    #[error("disabled_rules: {0:?} is not a rule of ruleset {RULESET_VERSION}")]
    UnknownRule(String),
}

struct Rule {
    id: String,
    level: Level,
    kind: Kind,
    description: String,
    pattern: Regex,
    guard: Option<Regex>,
    negatable: bool,
    past_sensitive: bool,
    needs_support: bool,
}

/// A compiled ruleset. Build once, assess many texts (it is `Sync`).
pub struct Assessor {
    rules: Vec<Rule>,
    /// All rule patterns in one automaton: one pass finds which may match.
    prefilter: RegexSet,
    negation: Regex,
    not_negating: Regex,
    past: Regex,
    recurrence: Regex,
    now: Regex,
    escalate_at: Level,
}

impl std::fmt::Debug for Assessor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assessor")
            .field("rules", &self.rules.len())
            .finish()
    }
}

fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|err| panic!("built-in pattern does not compile: {err}"))
}

impl Assessor {
    /// The built-in ruleset with default options.
    pub fn new() -> Self {
        Self::with_options(&AssessorOptions::default()).expect("default options are valid")
    }

    pub fn with_options(options: &AssessorOptions) -> Result<Self, OptionsError> {
        for id in &options.disabled_rules {
            if !RULES.iter().any(|r| r.id == id) {
                return Err(OptionsError::UnknownRule(id.clone()));
            }
        }
        let mut rules: Vec<Rule> = RULES
            .iter()
            .filter(|def| !options.disabled_rules.iter().any(|d| d == def.id))
            .map(|def: &RuleDef| Rule {
                id: def.id.to_owned(),
                level: def.level,
                kind: def.kind,
                description: def.description.to_owned(),
                pattern: compile(def.pattern),
                guard: def.guard.map(compile),
                negatable: def.negatable,
                past_sensitive: def.past_sensitive,
                needs_support: def.needs_support,
            })
            .collect();
        for term in &options.extra_terms {
            let pattern = Regex::new(&term.pattern).map_err(|source| OptionsError::BadPattern {
                id: term.id.clone(),
                source,
            })?;
            rules.push(Rule {
                id: term.id.clone(),
                level: term.level,
                kind: Kind::Signal,
                description: if term.description.is_empty() {
                    "a term this forum added".into()
                } else {
                    term.description.clone()
                },
                pattern,
                guard: None,
                negatable: true,
                past_sensitive: true,
                needs_support: false,
            });
        }
        let prefilter = RegexSet::new(rules.iter().map(|r| r.pattern.as_str()))
            .expect("rules compiled already");
        Ok(Self {
            rules,
            prefilter,
            negation: compile(rules::NEGATION),
            not_negating: compile(rules::NOT_NEGATING),
            past: compile(rules::PAST),
            recurrence: compile(rules::RECURRENCE),
            now: compile(rules::NOW_CONTEXT),
            escalate_at: options.escalate_at,
        })
    }

    /// Assesses one text.
    pub fn assess(&self, text: &str) -> Assessment {
        let normal = normalize(text);
        let candidates = self.prefilter.matches(&normal.text);
        let mut signals: Vec<(Reason, bool)> = Vec::new();
        let mut farewells: Vec<Reason> = Vec::new();
        for index in candidates.iter() {
            let rule = &self.rules[index];
            for m in rule.pattern.find_iter(&normal.text) {
                let sentence = sentence_around(&normal.text, m.start(), m.end());
                if self.suppressed(rule, &normal.text, sentence, m.start()) {
                    continue;
                }
                let reason = reason(rule, &normal, text, m.start(), m.end());
                match rule.kind {
                    Kind::WeakFarewell => farewells.push(reason),
                    Kind::Signal => {
                        let supported_here = !rule.needs_support
                            || self.now.is_match(&normal.text[sentence.0..sentence.1]);
                        signals.push((reason, supported_here));
                    }
                }
            }
        }
        // A rule that needs support counts only beside another signal (or a
        // "right now" in its sentence).
        let supported: Vec<bool> = (0..signals.len())
            .map(|i| {
                signals[i].1
                    || signals
                        .iter()
                        .enumerate()
                        .any(|(j, (other, own))| j != i && *own && other.rule != signals[i].0.rule)
            })
            .collect();
        let mut reasons: Vec<Reason> = signals
            .into_iter()
            .zip(supported)
            .filter(|(_, ok)| *ok)
            .map(|((r, _), _)| r)
            .collect();

        // Weak farewells: two of them, or one beside any other sign of risk.
        let distinct_farewells = {
            let mut spans: Vec<&str> = farewells.iter().map(|r| r.text.as_str()).collect();
            spans.sort_unstable();
            spans.dedup();
            spans.len()
        };
        if distinct_farewells >= 2 || (distinct_farewells == 1 && !reasons.is_empty()) {
            reasons.extend(farewells);
        }

        let mut level = reasons.iter().map(|r| r.level).max().unwrap_or_default();
        // Thoughts of ending one's life with the means at hand, or set for
        // tonight, are a crisis.
        if level >= Level::Concern && level < Level::Crisis {
            let wish = reasons
                .iter()
                .any(|r| r.level >= Level::High || r.rule == "concern.passive-wish");
            if let Some(amplifier) = self.means_at_hand(&normal, text) {
                if wish {
                    level = Level::Crisis;
                    reasons.push(amplifier);
                }
            } else if level == Level::High
                && let Some(m) = self.now.find(&normal.text)
                && reasons
                    .iter()
                    .any(|r| r.rule == "high.wants-to-die" || r.rule == "high.self-kill")
            {
                level = Level::Crisis;
                let (start, end) = normal.original_span(m.start(), m.end());
                reasons.push(Reason {
                    rule: "crisis.tonight".into(),
                    level: Level::Crisis,
                    description: "thoughts of ending their life tied to now or tonight".into(),
                    start,
                    end,
                    text: text[start..end].to_owned(),
                });
            }
        }
        reasons.sort_by(|a, b| b.level.cmp(&a.level).then(a.start.cmp(&b.start)));
        Assessment {
            level,
            escalate: level >= self.escalate_at,
            reasons,
            ruleset_version: RULESET_VERSION,
        }
    }

    /// Whether `rule`'s match at `start` is cancelled by its context.
    fn suppressed(&self, rule: &Rule, text: &str, sentence: (usize, usize), start: usize) -> bool {
        let sentence_text = &text[sentence.0..sentence.1];
        if rule
            .guard
            .as_ref()
            .is_some_and(|guard| guard.is_match(sentence_text))
        {
            return true;
        }
        if rule.negatable {
            // The clause before the match, back to a comma or "but".
            let before = &text[sentence.0..start];
            let clause_start = before.rfind([',', ';', ':']).map_or(0, |i| i + 1);
            let clause_start = before[clause_start..]
                .rfind(" but ")
                .map_or(clause_start, |i| clause_start + i + 5);
            let clause = &before[clause_start..];
            let window = &clause[clause.len().saturating_sub(40)..];
            let window = window.trim_start_matches(|c: char| !c.is_ascii());
            if self.negation.is_match(window) && !self.not_negating.is_match(clause) {
                return true;
            }
        }
        rule.past_sensitive
            && self.past.is_match(sentence_text)
            && !self.recurrence.is_match(sentence_text)
    }

    /// Means of ending one's life at hand ("the pills are next to me").
    fn means_at_hand(&self, normal: &Normalized, text: &str) -> Option<Reason> {
        static MEANS: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
        let means = MEANS.get_or_init(|| {
            compile(r"\b(?:i have|ive got|i got|got|have|holding|bought|in front of me|next to me|beside me|in my hand|right here|here with me|ready)\b[^.!?\n]{0,30}\b(?:pills|tablets|paracetamol|painkillers|rope|noose|ligature|blades?|razors?|knife)\b|\b(?:pills|tablets|paracetamol|painkillers|rope|noose|blades?|razors?)\b[^.!?\n]{0,25}\b(?:in front of me|next to me|beside me|in my hand|right here|here|ready)\b")
        });
        let m = means.find(&normal.text)?;
        let (start, end) = normal.original_span(m.start(), m.end());
        Some(Reason {
            rule: "crisis.means-at-hand".into(),
            level: Level::Crisis,
            description: "the means to end their life are at hand".into(),
            start,
            end,
            text: text[start..end].to_owned(),
        })
    }
}

impl Default for Assessor {
    fn default() -> Self {
        Self::new()
    }
}

fn reason(rule: &Rule, normal: &Normalized, original: &str, start: usize, end: usize) -> Reason {
    let (start, end) = normal.original_span(start, end);
    Reason {
        rule: rule.id.clone(),
        level: rule.level,
        description: rule.description.clone(),
        start,
        end,
        text: original.get(start..end).unwrap_or_default().to_owned(),
    }
}

/// The sentence (between . ! ? or a line break) holding `start..end`.
fn sentence_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let is_end = |c: char| matches!(c, '.' | '!' | '?' | '\n');
    let from = text[..start].rfind(is_end).map_or(0, |i| i + 1);
    let to = text[end..].find(is_end).map_or(text.len(), |i| end + i);
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(text: &str) -> Level {
        Assessor::new().assess(text).level
    }

    #[test]
    fn levels_for_clear_cases() {
        assert_eq!(level("Made pasta for tea, pretty proud of it"), Level::None);
        assert_eq!(
            level("honestly whats the point of anything anymore"),
            Level::Concern
        );
        assert_eq!(level("i keep thinking about killing myself"), Level::High);
        assert_eq!(level("I'm going to end my life tonight"), Level::Crisis);
    }

    #[test]
    fn explains_with_spans_of_the_original() {
        let text = "Honestly I’m going to k!ll myself tonight.";
        let a = Assessor::new().assess(text);
        assert_eq!(a.level, Level::Crisis);
        assert!(a.escalate);
        assert_eq!(a.ruleset_version, RULESET_VERSION);
        let top = &a.reasons[0];
        assert_eq!(top.rule, "crisis.intent");
        assert_eq!(&text[top.start..top.end], top.text);
        assert!(top.text.contains("k!ll myself"), "{top:?}");
    }

    #[test]
    fn negation_past_and_idioms_do_not_escalate() {
        for text in [
            "I'm not going to kill myself, I just needed to vent",
            "Two years ago I tried to end my life. Today I'm doing well.",
            "this essay is killing me",
            "I could murder a brew",
            "I nearly died laughing at that video",
        ] {
            assert!(!Assessor::new().assess(text).escalate, "{text}");
        }
    }

    #[test]
    fn forums_can_add_and_disable_rules() {
        let options = AssessorOptions {
            extra_terms: vec![ExtraTerm {
                id: "forum.big-sleep".into(),
                pattern: r"\bthe big sleep\b".into(),
                level: Level::High,
                description: String::new(),
            }],
            disabled_rules: vec!["concern.hopeless".into()],
            escalate_at: Level::High,
        };
        let assessor = Assessor::with_options(&options).unwrap();
        assert_eq!(
            assessor.assess("ready for the big sleep").level,
            Level::High
        );
        assert_eq!(
            assessor.assess("whats the point of anything").level,
            Level::None
        );
        let bad = AssessorOptions {
            disabled_rules: vec!["no.such.rule".into()],
            ..AssessorOptions::default()
        };
        assert!(matches!(
            Assessor::with_options(&bad),
            Err(OptionsError::UnknownRule(_))
        ));
    }
}
