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
//! Beside the rules, a lexical model ([`model`], trained on the labelled
//! posts in `eval/`) catches phrasings no rule knows: when the rules did not
//! escalate a post and the model scores it at or above [`MODEL_THRESHOLD`]
//! (or [`MODEL_THRESHOLD_OVER_CANCELLED`] where the rules cancelled one of
//! their matches: a negation, the past, an idiom), the post is escalated at
//! `high` with the reason `model.lexical`, naming the words that weighed
//! most. It never lowers what the rules found; a forum can turn it off by
//! disabling `model.lexical`.
//!
//! Modules: [`normalize`] (text normal form and spans), [`rules`] (the
//! built-in ruleset), [`model`] (the lexical model).

pub mod model;
pub mod normalize;
pub mod rules;

use regex::{Regex, RegexSet};
use serde::{Deserialize, Serialize};

use crate::normalize::{Normalized, normalize};
use crate::rules::{RULES, RuleDef};

/// The id of the lexical model's reason (`model.rs`); a forum turns the model
/// off by listing it in `disabled_rules`.
pub const MODEL_RULE: &str = "model.lexical";

/// The model's probability at or above which it escalates a post the rules
/// did not. Chosen by leave-one-set-out cross-validation over
/// `eval/posts.jsonl` (a model trained on every set of posts but one, scored
/// on that one; `examples/cross_validate.rs`) as the value with the highest
/// recall whose pooled false escalation stayed at or under 0.04.
pub const MODEL_THRESHOLD: f32 = 0.52;

/// The model's threshold for a post where a rule matched but its context
/// cancelled it (a negation, the past, an idiom): the rules judged the post
/// harmless, so the model must be surer to overrule them. Deferring to the
/// rules outright missed posts the model was sure of ("won't need my hoodie
/// after tonight"); in cross-validation 0.7 caught a few more of those at
/// the same false escalation.
pub const MODEL_THRESHOLD_OVER_CANCELLED: f32 = 0.7;

/// The version of the built-in ruleset; stored with every assessment.
pub const RULESET_VERSION: &str = "2026-11-23.3";

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
    description: String,
    pattern: Regex,
    /// What the one-pass prefilter looks for: the rule's trigger words, or
    /// its whole pattern when it has none (a forum's own terms).
    prefilter: String,
    guard: Option<Regex>,
    negatable: bool,
    past_sensitive: bool,
    needs_support: bool,
    now_supports: bool,
    own_support_only: bool,
    support: Option<Regex>,
    support_in_sentence: bool,
    veto: Option<Regex>,
}

/// One unsuppressed match of a rule, before support is settled.
struct Hit {
    reason: Reason,
    /// The matched normal text, to tell two cues apart.
    normal: String,
    /// Counts without help from another rule (it needs none, or its
    /// sentence says "right now", or its own confirming cue is in the post).
    alone: bool,
    /// The confirming cue that made it count alone, shown to moderators.
    confirmed_by: Option<Reason>,
    /// Only its own confirming context makes it count, not other signals.
    own_support_only: bool,
}

/// What the rules made of a text.
struct Judgement {
    reasons: Vec<Reason>,
    level: Level,
    /// A rule matched but its context cancelled it.
    cancelled: bool,
}

/// A compiled ruleset. Build once, assess many texts (it is `Sync`).
pub struct Assessor {
    rules: Vec<Rule>,
    /// All rules' triggers in one automaton: one pass finds which rules may
    /// match, and only those run their full patterns.
    prefilter: RegexSet,
    negation: Regex,
    not_negating: Regex,
    past: Regex,
    recurrence: Regex,
    recovery: Regex,
    now: Regex,
    escalate_at: Level,
    /// The lexical safety net, unless the forum turned it off.
    model: Option<&'static model::Model>,
    model_threshold: f32,
}

impl std::fmt::Debug for Assessor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assessor")
            .field("rules", &self.rules.len())
            .finish()
    }
}

/// The lazy DFA cache of each pattern, per thread. The default (2 MiB) is
/// too small for the longer rules: their cache filled and was rebuilt over
/// and over, and building states took most of the time.
const DFA_CACHE: usize = 16 << 20;

/// Compiles a built-in pattern with ASCII classes (see `ascii_classes`).
fn compile(pattern: &str) -> Regex {
    regex::RegexBuilder::new(&ascii_classes(pattern))
        .dfa_size_limit(DFA_CACHE)
        .build()
        .unwrap_or_else(|err| panic!("built-in pattern does not compile: {err}"))
}

/// Makes `\b`, `\w` and `\s` ASCII-only. The rules are English over the
/// normal form (lowercase, spaces folded), so nothing is lost; but Unicode
/// classes make the automata many times bigger, and a Unicode `\b` stops
/// the lazy DFA at the first emoji, falling back to a much slower engine.
/// ASCII classes only ever narrow a pattern, so a trigger written for the
/// Unicode pattern still covers it. (Patterns keep `\w` and `\s` out of
/// `[...]` sets, where this rewrite would not apply.)
fn ascii_classes(pattern: &str) -> String {
    pattern
        .replace(r"\b", r"(?-u:\b)")
        .replace(r"\w", r"(?-u:\w)")
        .replace(r"\s", r"(?-u:\s)")
}

impl Assessor {
    /// The built-in ruleset with default options.
    pub fn new() -> Self {
        Self::with_options(&AssessorOptions::default()).expect("default options are valid")
    }

    pub fn with_options(options: &AssessorOptions) -> Result<Self, OptionsError> {
        for id in &options.disabled_rules {
            if id != MODEL_RULE && !RULES.iter().any(|r| r.id == id) {
                return Err(OptionsError::UnknownRule(id.clone()));
            }
        }
        let mut rules: Vec<Rule> = RULES
            .iter()
            .filter(|def| !options.disabled_rules.iter().any(|d| d == def.id))
            .map(|def: &RuleDef| Rule {
                id: def.id.to_owned(),
                level: def.level,
                description: def.description.to_owned(),
                pattern: compile(def.pattern),
                prefilter: ascii_classes(def.trigger.unwrap_or(def.pattern)),
                guard: def.guard.map(compile),
                negatable: def.negatable,
                past_sensitive: def.past_sensitive,
                needs_support: def.needs_support,
                now_supports: def.now_supports,
                own_support_only: def.own_support_only,
                support: def.support.map(compile),
                support_in_sentence: def.support_in_sentence,
                veto: def.veto.map(compile),
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
                description: if term.description.is_empty() {
                    "a term this forum added".into()
                } else {
                    term.description.clone()
                },
                prefilter: term.pattern.clone(),
                pattern,
                guard: None,
                negatable: true,
                past_sensitive: true,
                needs_support: false,
                now_supports: false,
                own_support_only: false,
                support: None,
                support_in_sentence: false,
                veto: None,
            });
        }
        let prefilter = regex::RegexSetBuilder::new(rules.iter().map(|r| r.prefilter.as_str()))
            .dfa_size_limit(DFA_CACHE)
            .build()
            .expect("triggers compile like their rules");
        Ok(Self {
            rules,
            prefilter,
            negation: compile(rules::NEGATION),
            not_negating: compile(rules::NOT_NEGATING),
            past: compile(rules::PAST),
            recurrence: compile(rules::RECURRENCE),
            recovery: compile(rules::RECOVERY),
            now: compile(rules::NOW_CONTEXT),
            escalate_at: options.escalate_at,
            model: (!options.disabled_rules.iter().any(|d| d == MODEL_RULE)).then(model::built_in),
            model_threshold: MODEL_THRESHOLD,
        })
    }

    /// The same ruleset with another model and threshold (for training and
    /// evaluating models: `examples/train_model.rs`).
    pub fn with_model(mut self, model: &'static model::Model, threshold: f32) -> Self {
        self.model = Some(model);
        self.model_threshold = threshold;
        self
    }

    /// Assesses one text.
    pub fn assess(&self, text: &str) -> Assessment {
        let normal = normalize(text);
        let Judgement {
            mut reasons,
            mut level,
            cancelled,
        } = self.judge(&normal, text);
        // Phrasings no rule knows: the model may add an escalation (never
        // remove one), naming the words that weighed most.
        if level < Level::High
            && let Some(model) = self.model
        {
            let probability = model.score(&normal.text);
            let threshold = if cancelled {
                self.model_threshold.max(MODEL_THRESHOLD_OVER_CANCELLED)
            } else {
                self.model_threshold
            };
            if probability >= threshold {
                let strongest = model.explain(&normal.text);
                let words: Vec<&str> = strongest
                    .iter()
                    .map(|p| {
                        let (start, end) = normal.original_span(p.start, p.end);
                        &text[start..end]
                    })
                    .collect();
                // The span is the strongest words, or the whole post when
                // only function words pushed it up.
                let (start, end) = strongest
                    .first()
                    .map_or((0, text.len()), |p| normal.original_span(p.start, p.end));
                level = Level::High;
                reasons.push(Reason {
                    rule: MODEL_RULE.into(),
                    level: Level::High,
                    description: format!(
                        "worded like posts that needed a human (model score {probability:.2}; strongest words: {}); no rule matched, so please read it",
                        if words.is_empty() {
                            "none stand out".to_owned()
                        } else {
                            words.join(", ")
                        }
                    ),
                    start,
                    end,
                    text: text[start..end].to_owned(),
                });
            }
        }
        reasons.sort_by(|a, b| b.level.cmp(&a.level).then(a.start.cmp(&b.start)));
        reasons.dedup();
        Assessment {
            level,
            escalate: level >= self.escalate_at,
            reasons,
            ruleset_version: RULESET_VERSION,
        }
    }

    /// What the rules alone make of a text, and whether the model may add an
    /// escalation: for tuning the model and its threshold without running
    /// the rules once per candidate (`examples/cross_validate.rs`).
    #[doc(hidden)]
    pub fn rules_verdict(&self, text: &str) -> (Level, bool) {
        let judgement = self.judge(&normalize(text), text);
        (judgement.level, !judgement.cancelled)
    }

    /// The rules' reasons and level for a normalised text.
    fn judge(&self, normal: &Normalized, text: &str) -> Judgement {
        let candidates = self.prefilter.matches(&normal.text);
        #[cfg(debug_assertions)]
        for (index, rule) in self.rules.iter().enumerate() {
            // A trigger must cover every match of its rule; tests run in
            // debug, so each test post checks this. (No post text in the
            // message: it may be a held-out evaluation post.)
            assert!(
                candidates.matched(index) || !rule.pattern.is_match(&normal.text),
                "rule {} matched a post its trigger missed: widen its trigger",
                rule.id
            );
        }
        let mut hits: Vec<Hit> = Vec::new();
        // A rule matched but its context cancelled it (a negation, the past,
        // an idiom, a veto): the rules read this post and judged it, so the
        // model below defers to them.
        let mut cancelled = false;
        // Whether the post says the member is well now: looked up once, for
        // the first rule that asks.
        let mut recovering = None;
        for index in candidates.iter() {
            let rule = &self.rules[index];
            let mut vetoed = None;
            for m in rule.pattern.find_iter(&normal.text) {
                // The post-wide veto, checked once and only for a rule that
                // matched.
                if *vetoed.get_or_insert_with(|| {
                    rule.veto
                        .as_ref()
                        .is_some_and(|veto| veto.is_match(&normal.text))
                }) {
                    cancelled = true;
                    break;
                }
                let hit = self.hit(rule, normal, text, &mut recovering, m.start(), m.end());
                cancelled |= hit.is_none();
                hits.extend(hit);
            }
        }
        // A cue that needs support counts beside any other signal or any
        // other, different cue: "going to do it" with a farewell, a bridge
        // with "im so tired", two farewells.
        let counted: Vec<bool> = (0..hits.len())
            .map(|i| {
                hits[i].alone
                    || !hits[i].own_support_only
                        && hits.iter().enumerate().any(|(j, other)| {
                            // Another signal or a different cue, elsewhere in the
                            // post: two rules reading the same words ("on the
                            // ledge", "thoughts about stepping in front of the
                            // train") are one piece of evidence, not two.
                            let (a, b) = (&hits[i].reason, &other.reason);
                            j != i
                                && (a.rule != b.rule || other.normal != hits[i].normal)
                                && (b.end <= a.start || a.end <= b.start)
                        })
            })
            .collect();
        let mut reasons: Vec<Reason> = Vec::new();
        for (hit, counted) in hits.into_iter().zip(counted) {
            if counted {
                reasons.push(hit.reason);
                reasons.extend(hit.confirmed_by);
            }
        }

        let mut level = reasons.iter().map(|r| r.level).max().unwrap_or_default();
        // A wish to die with the means at hand is a crisis.
        if level >= Level::Concern && level < Level::Crisis {
            let wish = reasons
                .iter()
                .any(|r| r.level >= Level::High || r.rule == "concern.passive-wish");
            if wish && let Some(amplifier) = self.means_at_hand(normal, text) {
                level = Level::Crisis;
                reasons.push(amplifier);
            }
        }
        Judgement {
            reasons,
            level,
            cancelled,
        }
    }

    /// A rule's match at `from..to` of the normal text, unless its context
    /// cancels it.
    fn hit(
        &self,
        rule: &Rule,
        normal: &Normalized,
        text: &str,
        recovering: &mut Option<bool>,
        from: usize,
        to: usize,
    ) -> Option<Hit> {
        let normal_text = normal.text.as_str();
        // Patterns may begin at a sentence break ("... . cut myself"): the
        // match proper starts at its first word.
        let mut start = from
            + normal_text[from..to]
                .find(|c: char| c.is_alphanumeric())
                .unwrap_or(0);
        // Nor at a joining word ("... and cutting"): the negation check then
        // sees its clause start there.
        for joiner in ["and ", "then ", "but "] {
            if normal_text[start..to].starts_with(joiner) {
                start += joiner.len();
            }
        }
        // Nor does it end on the punctuation some patterns consume ("im
        // done."): the sentence is the one the words are in.
        let end = normal_text[..to]
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .len()
            .max(start);
        let sentence = sentence_around(normal_text, start, end);
        if self.suppressed(rule, normal_text, recovering, sentence, start, end) {
            return None;
        }
        let mut confirmed_by = None;
        let alone = !rule.needs_support
            || (rule.now_supports && self.now.is_match(&normal_text[sentence.0..sentence.1]))
            || rule.support.as_ref().is_some_and(|support| {
                let scope = if rule.support_in_sentence {
                    sentence
                } else {
                    (0, normal_text.len())
                };
                support
                    .find(&normal_text[scope.0..scope.1])
                    .is_some_and(|s| {
                        let (from, to) = (scope.0 + s.start(), scope.0 + s.end());
                        let mut confirm = reason(rule, normal, text, from, to);
                        confirm.description =
                            format!("{} (confirmed by this context)", rule.description);
                        confirmed_by = Some(confirm);
                        true
                    })
            });
        Some(Hit {
            reason: reason(rule, normal, text, start, end),
            normal: normal_text[start..end].to_owned(),
            alone,
            confirmed_by,
            own_support_only: rule.own_support_only,
        })
    }

    /// Whether `rule`'s match at `start` is cancelled by its context.
    fn suppressed(
        &self,
        rule: &Rule,
        text: &str,
        recovering: &mut Option<bool>,
        sentence: (usize, usize),
        start: usize,
        end: usize,
    ) -> bool {
        if rule
            .guard
            .as_ref()
            .is_some_and(|guard| guard.is_match(&text[sentence.0..sentence.1]))
        {
            return true;
        }
        if rule.negatable {
            // The clause before the match, back to a comma, "but" or "and":
            // in "i dont want to wake up and ive been thinking about ways
            // to...", the "dont" is not about the second clause.
            let clause = &text[clause_bounds(text, sentence, start, start).0..start];
            let mut from = clause.len().saturating_sub(40);
            while !clause.is_char_boundary(from) {
                from += 1;
            }
            let window = &clause[from..];
            if self.negation.is_match(window) && !self.not_negating.is_match(clause) {
                return true;
            }
        }
        if !rule.past_sensitive {
            return false;
        }
        // A post that says the member is well now ("four months clear
        // again") tells its story in the past, sentence by sentence.
        if *recovering.get_or_insert_with(|| self.recovery.is_match(text)) {
            return true;
        }
        // A past context counts in the match's part of the sentence, between
        // "but"s: "60 days sober but the cravings are awful today" is about
        // today. And "again" overrides it only in the match's own clause:
        // in "i self harmed as a teenager and lately the urges are back",
        // "lately" is about the urges, not the self-harm.
        let part = {
            let from = text[sentence.0..start]
                .rfind(" but ")
                .map_or(sentence.0, |i| sentence.0 + i + 5);
            let to = text[end..sentence.1]
                .find(" but ")
                .map_or(sentence.1, |i| end + i);
            &text[from..to]
        };
        let (from, to) = clause_bounds(text, sentence, start, end);
        self.past.is_match(part) && !self.recurrence.is_match(&text[from..to])
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

/// The bounds of the clause of `sentence` holding `start..end`: between
/// commas, semicolons, "but" and "and".
fn clause_bounds(text: &str, sentence: (usize, usize), start: usize, end: usize) -> (usize, usize) {
    const BREAKS: [&str; 5] = [",", ";", ":", " but ", " and "];
    let before = &text[sentence.0..start];
    let from = BREAKS
        .iter()
        .filter_map(|b| before.rfind(b).map(|i| sentence.0 + i + b.len()))
        .max()
        .unwrap_or(sentence.0);
    let after = &text[end..sentence.1];
    let to = BREAKS
        .iter()
        .filter_map(|b| after.find(b).map(|i| end + i))
        .min()
        .unwrap_or(sentence.1);
    (from, to)
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

    /// One assessor for the rules' tests: building one compiles every
    /// pattern. Without the model, so these tests say what the rules do.
    fn assessor() -> &'static Assessor {
        static ASSESSOR: std::sync::OnceLock<Assessor> = std::sync::OnceLock::new();
        ASSESSOR.get_or_init(|| {
            Assessor::with_options(&AssessorOptions {
                disabled_rules: vec![MODEL_RULE.into()],
                ..Default::default()
            })
            .unwrap()
        })
    }

    #[test]
    fn the_model_catches_what_no_rule_knows_and_defers_when_rules_judged() {
        let full = Assessor::new();
        // No rule knows this phrasing; the model escalates it and says why.
        let text = "Sorted the bills and wrote a note for Mum. I feel calm now it's decided.";
        let rules_only = assessor().assess(text);
        let both = full.assess(text);
        assert!(!rules_only.escalate, "{:?}", rules_only.reasons);
        assert!(both.escalate, "the model should catch it");
        let reason = both.reasons.iter().find(|r| r.rule == MODEL_RULE).unwrap();
        assert_eq!(&text[reason.start..reason.end], reason.text);
        assert!(reason.description.contains("strongest words"));
        // A negated statement the rules read is not second-guessed.
        for calm in [
            "I'm not going to kill myself, I just needed to vent",
            "I don't want to die and I'm fine, just tired",
        ] {
            assert!(!full.assess(calm).escalate, "{calm}");
        }
        // A forum can turn the model off.
        let off = Assessor::with_options(&AssessorOptions {
            disabled_rules: vec![MODEL_RULE.into()],
            ..Default::default()
        })
        .unwrap();
        assert!(!off.assess(text).escalate);
    }

    fn level(text: &str) -> Level {
        assessor().assess(text).level
    }

    /// Checks each (text, level) and reports every mismatch at once.
    fn assert_levels(cases: &[(&str, Level)]) {
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|(text, want)| {
                let got = assessor().assess(text);
                (got.level != *want).then(|| {
                    let rules: Vec<&str> = got.reasons.iter().map(|r| r.rule.as_str()).collect();
                    format!(
                        "{text:?}: want {}, got {} {rules:?}",
                        want.as_str(),
                        got.level.as_str()
                    )
                })
            })
            .collect();
        assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
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
    fn cues_count_only_with_support() {
        use Level::*;
        assert_levels(&[
            // A place alone is a view; with a drop, a train or a goodbye it
            // is a crisis.
            ("Standing on the bridge over the motorway", None),
            (
                "Standing on the bridge over the motorway. I'm sorry everyone",
                Crisis,
            ),
            (
                "Waiting on the platform, next fast train is in 4 minutes",
                Crisis,
            ),
            (
                "Waiting on the platform, my train is in 10 mins, can't wait to see mum",
                None,
            ),
            ("I'm sitting on the ledge of my flat's balcony", Crisis),
            (
                "At the top of the cliffs with a flask, the view is stunning",
                None,
            ),
            // Two different cues confirm each other; one is not enough.
            ("Thank you all for everything.", None),
            (
                "Thank you all for everything. Please look after my cat.",
                Crisis,
            ),
            ("Got my dad's gun out of the safe.", None),
            (
                "Got my dad's gun out of the safe. Just wanted someone to know.",
                Crisis,
            ),
            // "right now" confirms an ambiguous intent.
            ("I'm going to end it right now", Crisis),
            ("I'm going to end it with him tonight, wish me luck", None),
        ]);
    }

    #[test]
    fn upbeat_posts_cancel_farewell_cues() {
        use Level::*;
        assert_levels(&[
            ("Goodbye everyone, I'm off to bed. Love you all x", None),
            (
                "Thank you for everything, I'll miss you! Moving to Perth next week",
                None,
            ),
            (
                "Saying goodbye to the forum for a while, new job. Love you all",
                None,
            ),
            (
                "goodbye everyone. i love you all. thank you for everything.",
                Crisis,
            ),
        ]);
    }

    #[test]
    fn third_parties_in_danger() {
        use Level::*;
        assert_levels(&[
            (
                "My brother has taken a load of tablets and won't open the door",
                Crisis,
            ),
            (
                "My dad texted the family 'sorry for everything' and his phone is off",
                Crisis,
            ),
            (
                "My sister texted me goodbye from the airport, she's moving to Spain",
                None,
            ),
            (
                "my friend is going to jump off the car park roof, what do I do",
                Crisis,
            ),
            (
                "My friend is going to jump out of a plane for charity!",
                None,
            ),
            (
                "My flatmate is unconscious and there are empty pill packets",
                Crisis,
            ),
            ("My son told his teacher he wants to kill himself", High),
            (
                "She's been self-harming again and hides it under her sleeves",
                High,
            ),
            ("How do I support my friend who self-harms?", None),
            ("My partner has been cutting down on sugar", None),
        ]);
    }

    #[test]
    fn acts_done_and_means_at_hand() {
        use Level::*;
        assert_levels(&[
            ("took 30 paracetamol an hour ago", Crisis),
            ("I've swallowed a whole box of my sertraline", Crisis),
            ("Already took them. All of them.", Crisis),
            ("I drank bleach about ten minutes ago", Crisis),
            (
                "I've cut my leg really badly and it won't stop bleeding",
                Crisis,
            ),
            ("I've been stockpiling my tablets for weeks", Crisis),
            ("tied my belt to the banister", Crisis),
            (
                "I took all my tablets this morning like the doctor said",
                None,
            ),
            ("took 20 mg diazepam before the dentist", None),
            ("Cut my finger chopping onions, blood everywhere lol", None),
            ("Got some rope for the allotment to tie up the beans", None),
        ]);
    }

    #[test]
    fn self_harm_acts_and_urges() {
        use Level::*;
        assert_levels(&[
            ("Cut again last night after six months clean", High),
            ("Hurt myself again tonight", High),
            ("been scratching my arms till they bleed", High),
            ("I burnt my wrist with a lighter on purpose", High),
            ("s/h'd twice this week", High),
            (
                "The urge to cut was strong but I held an ice cube instead",
                Concern,
            ),
            ("Scared I'm going to start self harming again", Concern),
            (
                "I self harmed as a teenager and lately the old urges are back",
                Concern,
            ),
            ("Cutting my own fringe was a mistake lol", None),
            ("Burnt my arm on the oven again", None),
            ("I would never hurt myself, I just need to vent", None),
        ]);
    }

    #[test]
    fn thoughts_plans_and_methods() {
        use Level::*;
        assert_levels(&[
            ("I'm considering ending my life", High),
            ("Every night I lie there planning how I'd do it", High),
            ("I keep imagining hanging myself", High),
            ("Been googling painless ways to die", High),
            ("I keep thinking suicide is the only way out", High),
            (
                "Does anyone else think about killing themselves? Because I do.",
                High,
            ),
            (
                "i dont want to wake up and ive been thinking about ways to make sure i dont",
                High,
            ),
            ("I think I'm going to kill myself eventually", High),
            (
                "I'm going to kill myself if I have to sit through another meeting",
                None,
            ),
            (
                "The GP asked if I'd ever thought about ending my life",
                None,
            ),
            (
                "I had thoughts of ending my life back in 2019, therapy helped",
                None,
            ),
            (
                "Does anyone know how many paracetamol you can take safely?",
                None,
            ),
        ]);
    }

    #[test]
    fn intent_with_a_time_or_a_plan() {
        use Level::*;
        assert_levels(&[
            ("k1lling myself tonight", Crisis),
            (
                "Once the kids are at school on Monday I'm going to end it",
                Crisis,
            ),
            ("unaliving myself this weekend", Crisis),
            ("I want to die. That's it. That's the post.", High),
            ("wanna kms so bad rn", High),
            (
                "The voices are telling me to walk into the river tonight",
                Crisis,
            ),
            ("I'm going to do it! Signed up for the marathon", None),
        ]);
    }

    #[test]
    fn first_person_phrases_and_unsafe_states() {
        use Level::*;
        assert_levels(&[
            // "myself" or "my life" makes any frame first person.
            ("I'm contemplating ending my life", High),
            ("it's getting harder to not kill myself", High),
            (
                "if I didn't have my cat I would have killed myself by now",
                High,
            ),
            ("I can't promise I won't hurt myself tonight", High),
            ("I'm not safe with myself at the moment", High),
            ("I nearly killed myself laughing", None),
            ("I promised my mum I wouldn't kill myself", None),
            ("I'm taking my life into my own hands and quitting", None),
        ]);
    }

    #[test]
    fn urges_acted_on_or_held_off() {
        use Level::*;
        assert_levels(&[
            ("I want to hurt myself so badly right now", High),
            (
                "s/h'd three times this week, the urges win every time",
                High,
            ),
            (
                "Having urges to self harm tonight but I'm holding ice cubes",
                Concern,
            ),
            ("I'm going to hurt myself laughing at this thread", None),
        ]);
    }

    #[test]
    fn methods_places_and_means() {
        use Level::*;
        assert_levels(&[
            (
                "im done. heading to the beach to walk into the water.",
                Crisis,
            ),
            ("I keep thinking about stepping in front of a train", High),
            (
                "I'm sat in the car with the hose running in from the exhaust",
                Crisis,
            ),
            (
                "I have the rope hanging from the beam in the garage",
                Crisis,
            ),
            ("I have a plan and a date.", Crisis),
            ("I have a plan and a date for my driving test!", None),
            (
                "Just jumped into the sea at Brighton for a charity dip!",
                None,
            ),
            (
                "I'm parked at the level crossing waiting for the train to pass",
                None,
            ),
        ]);
    }

    #[test]
    fn passive_wishes_and_distress() {
        use Level::*;
        assert_levels(&[
            (
                "Every morning I wake up disappointed that I'm still here",
                Concern,
            ),
            ("I wish I'd never been born", Concern),
            ("i cannae dae this nae mair", Concern),
            ("I feel like a terrible mum", Concern),
            ("I could honestly sleep forever after that shift lol", None),
            ("I'm so tired, the baby was up all night", None),
        ]);
    }

    #[test]
    fn contexts_are_read_by_clause() {
        use Level::*;
        assert_levels(&[
            // "but" separates a recovery context from the present.
            ("60 days sober but the cravings are awful today", Concern),
            (
                "Two years ago I tried to end my life. Today I'm doing well.",
                None,
            ),
            // A negation before "and" does not reach the next clause.
            ("I don't want to die and I'm fine, just tired", None),
            ("I'm not suicidal, just exhausted with twin newborns", None),
        ]);
    }

    #[test]
    fn spans_leave_out_sentence_breaks() {
        let text = "Rough week. Cut myself again last night.";
        let a = assessor().assess(text);
        let harm = a
            .reasons
            .iter()
            .find(|r| r.rule == "high.self-harm")
            .expect("self-harm reason");
        assert_eq!(harm.text, "Cut myself");
        assert_eq!(&text[harm.start..harm.end], harm.text);
    }

    #[test]
    fn triggers_cover_their_rules() {
        // `assess` checks in debug builds that no rule matched where its
        // trigger did not; run it over sentences that exercise every rule.
        for def in RULES {
            let trigger = def.trigger.expect("every built-in rule has a trigger");
            Regex::new(&ascii_classes(trigger)).expect("trigger compiles");
        }
        for text in [
            "i have the pills lined up in front of me",
            "its all arranged for tonight",
            "my mum has injected all her insulin",
            "tied the cord around my neck",
            "left instructions for my funeral",
            "suicidal. again.",
            "ive locked myself in with all my tablets",
            "used all ive saved",
            "nobody to stop me this time",
        ] {
            assessor().assess(text);
        }
    }

    #[test]
    fn wishes_and_thoughts_in_many_phrasings() {
        assert_levels(&[
            ("i dont want to be alive any more", Level::High),
            ("I honestly don't want to exist.", Level::High),
            ("I just want everything to end", Level::High),
            ("I pray every night that I die in my sleep", Level::High),
            ("part of me really wants to die", Level::High),
            ("my sui thoughts are really loud tonight", Level::High),
            (
                "I've been thinking about ending it a lot lately",
                Level::High,
            ),
            (
                "My head keeps saying kill yourself over and over",
                Level::High,
            ),
            ("no one would miss me if i killed myself", Level::High),
            ("im lowkey suicidal ngl", Level::High),
            // Hard negatives: places, idioms, negations, other people's
            // words, the past, and what a course or film is about.
            (
                "I don't want to live in London any more, rent is mad",
                Level::Concern,
            ),
            ("I wish the meeting would just end", Level::None),
            (
                "I never think about killing myself, just feel low",
                Level::Concern,
            ),
            (
                "better off if I just ended it with him honestly",
                Level::None,
            ),
            (
                "Part of me wants to die of embarrassment after that meeting lol",
                Level::None,
            ),
            (
                "I watched a documentary about suicidal thoughts in young men",
                Level::None,
            ),
            (
                "A year ago I thought about ending it. Today I'm getting married.",
                Level::None,
            ),
            (
                "My friend asked how to support someone having suicidal thoughts",
                Level::None,
            ),
            (
                "My friend keeps saying she wishes she was dead, is it just a phrase?",
                Level::None,
            ),
        ]);
    }

    #[test]
    fn self_harm_by_many_means() {
        assert_levels(&[
            ("carved his name into my arm last night", Level::High),
            ("stubbed a cigarette out on my wrist", Level::High),
            ("I burned my arm with a lighter on purpose", Level::High),
            ("took a blade to my wrist again", Level::High),
            (
                "I haven't eaten in a week on purpose, I don't deserve it",
                Level::High,
            ),
            ("stopped taking my insulin to hurt myself", Level::High),
            ("sh'd again", Level::High),
            (
                "She bit my arm on purpose, toddlers are savage",
                Level::None,
            ),
            (
                "took a razor to my legs before the beach, smooth at last",
                Level::None,
            ),
            (
                "I dug at my cuticles until they bled, anxiety habit",
                Level::None,
            ),
            ("I deliberately skipped the gym today", Level::None),
            (
                "I've stopped taking my meds on purpose because my GP is tapering me off",
                Level::None,
            ),
        ]);
    }

    #[test]
    fn acts_farewells_and_others_in_danger_broadly() {
        assert_levels(&[
            (
                "Paracetamol, 40 of them, washed down with vodka",
                Level::Crisis,
            ),
            ("ate every pill in the cupboard", Level::Crisis),
            ("the overdose didnt work so im getting more", Level::Crisis),
            ("Tonight I end it", Level::Crisis),
            ("When you read this I'll be gone", Level::Crisis),
            ("I've written goodbye letters for my boys", Level::Crisis),
            ("logging off for the last time", Level::Crisis),
            ("Time to go. Love you all.", Level::Crisis),
            (
                "please look after Biscuit for me. i wont be back",
                Level::Crisis,
            ),
            (
                "my dad is in the garage and the engine is running",
                Level::Crisis,
            ),
            (
                "my brother says he wishes he was dead and I think he means it",
                Level::High,
            ),
            ("I mixed all my pills with alcohol", Level::Crisis),
            ("I took my whole week's meds at once", Level::Crisis),
            (
                "I drove to the cliffs. Nobody knows where I am.",
                Level::Crisis,
            ),
            ("my friend is on the train tracks", Level::Crisis),
            (
                "I took more ibuprofen than I should have for my back, is that dangerous?",
                Level::None,
            ),
            (
                "I'm on the bridge right now, traffic is terrible",
                Level::None,
            ),
            ("Tomorrow it ends! Last exam ever", Level::None),
            (
                "I hung the rope up in the garage for the tyre swing",
                Level::None,
            ),
            (
                "Drank something weird from the garden centre cafe",
                Level::None,
            ),
            ("I overdosed on chocolate this Easter", Level::None),
            (
                "Love you all, this community got me through a hard winter.",
                Level::None,
            ),
            ("I'm ready. First day at the new job tomorrow", Level::None),
            (
                "I've written thank you notes for everyone at my leaving do",
                Level::None,
            ),
            ("she doesn't know. surprise party on saturday!", Level::None),
            (
                "The engine was running in the garage while my dad fixed it",
                Level::None,
            ),
        ]);
    }

    #[test]
    fn euphemisms_affairs_and_other_peoples_words() {
        use Level::*;
        assert_levels(&[
            ("think it's time i checked out for good", Crisis),
            ("gonna ctb at 2am", Crisis),
            (
                "Changed my will, cancelled my subscriptions, wiped my phone.",
                Crisis,
            ),
            (
                "gave my guitar to my cousin. told him to look after the dog for me.",
                Crisis,
            ),
            (
                "asked next door to keep the cat. she doesn't know it's for good",
                Crisis,
            ),
            ("Train times checked. Tonight at 11.", Crisis),
            ("Does it hurt? The jumping part I mean.", Crisis),
            (
                "finished my nan's heart pills and some vodka. starting to feel really strange",
                Crisis,
            ),
            (
                "my dad said to me \"I'd be better off dead\" and I think he meant it",
                High,
            ),
            (
                "My brother keeps saying he doesn't see the point in carrying on",
                High,
            ),
            (
                "Keep getting the thought of swerving into the oncoming traffic",
                High,
            ),
            ("wanna sleep forever fr. not in a lazy way", High),
            ("went at my legs with a compass last night", High),
            ("cut twice this week", High),
            ("thinkin bout endin it a lot", High),
            ("the urge to s*h won and i did", High),
            (
                "Everything would be easier if I wasn't here and I'm going to make that happen",
                High,
            ),
            ("watching my last sunset from the pier", Crisis),
            (
                "wrote my goodbyes on instagram, turned my phone off",
                Crisis,
            ),
            (
                "the insulin's in the fridge and I know exactly how much I'd need",
                High,
            ),
            // Hard negatives that share their words.
            ("My last cigarette was 100 days ago! So proud", None),
            ("I took the whole packet of biscuits to work", None),
            (
                "Train times checked, bags packed, off to Edinburgh tomorrow",
                None,
            ),
            ("about to unalive this entire pizza", None),
            ("Goodbye forever, old car, you served me well", None),
            ("that exam was so bad i want to die lol", None),
            ("Is 'I want to die' overused as a joke?", None),
            (
                "Left the spare key with my neighbour while we're on holiday",
                None,
            ),
            (
                "I relapsed into self-harm in January, now three months clear again",
                None,
            ),
            (
                "My cat knocked over my pills and I had to count them all again",
                None,
            ),
        ]);
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
