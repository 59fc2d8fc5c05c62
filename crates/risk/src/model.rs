//! A lexical safety net beside the rules: logistic regression over the
//! words, word pairs and word fragments of a post's normal form, trained on
//! the labelled posts in `eval/` (`cargo run -p modstream-risk --example
//! train_model`).
//!
//! The rules explain themselves but only know the phrasings someone wrote a
//! rule for; people in crisis find endless others. The model scores how much
//! a post's wording resembles posts that had to be escalated, and names the
//! words that weighed most, so a moderator still sees why. It only ever adds
//! an escalation (at `high`); it never lowers what the rules found.
//!
//! Features are hashed (FNV-1a) into a fixed table of weights, so scoring a
//! post walks its text once and allocates nothing: each word, each pair of
//! neighbouring words, each pair one word apart, and each fragment of three
//! to five letters of a word, with its edges marked (so "overdosing" shares
//! weight with "overdosed", and "tabletz" with "tablets"). Words and
//! fragments are weighed as two groups, each scaled by one over the square
//! root of its size, so long posts do not score high by length and the many
//! fragments do not drown the words. (Words in the reach of a negation can be
//! features too; cross-validation found they did not help, so the shipped
//! model leaves them out.) A fragment is explained by the word it is in.
//!
//! The model file (`model/lexical.tsv`) lists each weight under one of the
//! n-grams that hash to it, so it reads like a word list and loads into the
//! same table it was trained in.

use std::collections::HashMap;
use std::fmt::Write as _;

/// Which features a model reads. Stored in the model file, so a model is
/// always scored with the features it was trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureSet {
    /// log2 of the number of weights (hash buckets).
    pub bits: u8,
    /// Single words.
    pub words: bool,
    /// Neighbouring word pairs ("end it").
    pub pairs: bool,
    /// Word pairs one word apart ("end ... all").
    pub skips: bool,
    /// Shortest and longest letter fragments of a word, 0 for none.
    pub min_chars: u8,
    pub max_chars: u8,
    /// Words up to three after a negation, as features of their own.
    pub negation: bool,
    /// How much the fragments weigh against the words, in percent.
    pub fragment_share: u8,
}

impl Default for FeatureSet {
    fn default() -> Self {
        Self {
            bits: 20,
            words: true,
            pairs: true,
            skips: true,
            min_chars: 3,
            max_chars: 5,
            negation: false,
            fragment_share: 50,
        }
    }
}

impl FeatureSet {
    /// The header line of a model file.
    fn to_text(self) -> String {
        format!(
            "<features>\tbits={} words={} pairs={} skips={} chars={}-{} negation={} fragments={}",
            self.bits,
            u8::from(self.words),
            u8::from(self.pairs),
            u8::from(self.skips),
            self.min_chars,
            self.max_chars,
            u8::from(self.negation),
            self.fragment_share
        )
    }

    fn parse(text: &str) -> Result<Self, String> {
        let mut set = FeatureSet {
            bits: 18,
            words: false,
            pairs: false,
            skips: false,
            min_chars: 0,
            max_chars: 0,
            negation: false,
            fragment_share: 0,
        };
        for field in text.split_whitespace() {
            let (key, value) = field
                .split_once('=')
                .ok_or_else(|| format!("feature {field:?}: expected key=value"))?;
            let flag = || value == "1";
            let bad = || format!("feature {field:?}: bad value");
            match key {
                "bits" => {
                    set.bits = value.parse().map_err(|_| bad())?;
                    if !(8..=24).contains(&set.bits) {
                        return Err(bad());
                    }
                }
                "words" => set.words = flag(),
                "pairs" => set.pairs = flag(),
                "skips" => set.skips = flag(),
                "negation" => set.negation = flag(),
                "fragments" => set.fragment_share = value.parse().map_err(|_| bad())?,
                "chars" => {
                    let (a, b) = value.split_once('-').ok_or_else(bad)?;
                    set.min_chars = a.parse().map_err(|_| bad())?;
                    set.max_chars = b.parse().map_err(|_| bad())?;
                    let none = (set.min_chars, set.max_chars) == (0, 0);
                    if !none
                        && (set.min_chars < 2 || set.min_chars > set.max_chars || set.max_chars > 8)
                    {
                        return Err(bad());
                    }
                }
                _ => return Err(format!("unknown feature {key:?}")),
            }
        }
        Ok(set)
    }
}

/// The kinds of feature, each hashed from its own seed so a word and a
/// fragment with the same letters are different features. The names are
/// the model file's first column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Pair,
    Skip,
    Chars,
    Negated,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Word,
        Kind::Pair,
        Kind::Skip,
        Kind::Chars,
        Kind::Negated,
    ];

    fn seed(self) -> u64 {
        // FNV-1a offset basis, perturbed per kind.
        0xcbf2_9ce4_8422_2325 ^ (self as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Word => "w",
            Kind::Pair => "p",
            Kind::Skip => "s",
            Kind::Chars => "c",
            Kind::Negated => "n",
        }
    }
}

const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

#[inline]
fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash = (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME);
    }
    hash
}

/// A fragment's word boundary, written as `_` in the model file: "_sui" is
/// the start of a word, "cide_" its end.
const EDGE: u8 = b'_';

/// Words that put the next few words in the reach of a negation.
fn negates(word: &[u8]) -> bool {
    matches!(
        word,
        b"not"
            | b"no"
            | b"never"
            | b"dont"
            | b"didnt"
            | b"doesnt"
            | b"wont"
            | b"wouldnt"
            | b"cant"
            | b"cannot"
            | b"couldnt"
            | b"isnt"
            | b"wasnt"
            | b"arent"
            | b"werent"
            | b"havent"
            | b"hasnt"
            | b"hadnt"
            | b"shouldnt"
            | b"nor"
            | b"without"
            | b"nobody"
            | b"nothing"
    )
}

/// One feature occurrence, as the scorer and the trainer see it.
#[derive(Debug, Clone, Copy)]
struct Gram {
    kind: Kind,
    hash: u64,
    /// The words shown to a moderator for it (a fragment shows its word),
    /// as a byte range of the normal form.
    start: usize,
    end: usize,
    /// For a fragment, its range in the word with an edge mark each side;
    /// for a pair, the end of its first word and the start of its last.
    piece: (usize, usize),
}

/// Whether a byte of the normal form belongs to a word. Non-ASCII bytes
/// count when their character is alphanumeric (checked by the caller).
#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The words of `text` as byte ranges, without allocating: letters and
/// digits, ASCII or not.
struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl Iterator for Words<'_> {
    /// (start, end, whether a sentence or clause break came before it)
    type Item = (usize, usize, bool);

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        let mut broke = false;
        let word_at = |i: usize| {
            let b = bytes[i];
            if b < 0x80 {
                is_word_byte(b)
            } else {
                self.text[i..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            }
        };
        while self.at < bytes.len() && !word_at(self.at) {
            broke |= matches!(
                bytes[self.at],
                b'.' | b'!' | b'?' | b',' | b';' | b':' | b'\n'
            );
            self.at += if bytes[self.at] < 0x80 {
                1
            } else {
                self.text[self.at..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8)
            };
        }
        if self.at >= bytes.len() {
            return None;
        }
        let start = self.at;
        while self.at < bytes.len() && word_at(self.at) {
            self.at += if bytes[self.at] < 0x80 {
                1
            } else {
                self.text[self.at..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8)
            };
        }
        Some((start, self.at, broke))
    }
}

/// Calls `emit` for every feature occurrence of a normalised text, in text
/// order; a word's own features (the word, its fragments, its negated form)
/// come together, so a scorer can add them up per word.
fn grams(set: &FeatureSet, text: &str, mut emit: impl FnMut(Gram)) {
    let bytes = text.as_bytes();
    // The two words before this one in its sentence, for pairs.
    let mut prev: Option<(usize, usize)> = None;
    let mut prev2: Option<(usize, usize)> = None;
    let mut negated_for = 0u8;
    let mut padded = [0u8; 34];
    for (start, end, broke) in (Words { text, at: 0 }) {
        if broke {
            prev = None;
            prev2 = None;
            negated_for = 0;
        }
        let word = &bytes[start..end];
        if set.words {
            emit(Gram {
                kind: Kind::Word,
                hash: fnv(Kind::Word.seed(), word),
                start,
                end,
                piece: (0, 0),
            });
        }
        if set.negation && negated_for > 0 {
            negated_for -= 1;
            emit(Gram {
                kind: Kind::Negated,
                hash: fnv(Kind::Negated.seed(), word),
                start,
                end,
                piece: (0, 0),
            });
        }
        if set.max_chars > 0 && word.is_ascii() && word.len() + 2 <= padded.len() {
            let len = word.len() + 2;
            padded[0] = EDGE;
            padded[1..len - 1].copy_from_slice(word);
            padded[len - 1] = EDGE;
            let (min, max) = (usize::from(set.min_chars), usize::from(set.max_chars));
            for from in 0..len.saturating_sub(min - 1) {
                // FNV extends a prefix's hash, so the 3-, 4- and 5-letter
                // fragments at one place cost five bytes of hashing.
                let mut hash = fnv(Kind::Chars.seed(), &padded[from..from + min - 1]);
                for to in from + min..=(from + max).min(len) {
                    hash = fnv(hash, &padded[to - 1..to]);
                    emit(Gram {
                        kind: Kind::Chars,
                        hash,
                        start,
                        end,
                        piece: (from, to),
                    });
                }
            }
        }
        if set.pairs
            && let Some((s, e)) = prev
        {
            let hash = fnv(fnv(fnv(Kind::Pair.seed(), &bytes[s..e]), b" "), word);
            emit(Gram {
                kind: Kind::Pair,
                hash,
                start: s,
                end,
                piece: (e, start),
            });
        }
        if set.skips
            && let Some((s, e)) = prev2
        {
            let hash = fnv(fnv(fnv(Kind::Skip.seed(), &bytes[s..e]), b" "), word);
            emit(Gram {
                kind: Kind::Skip,
                hash,
                start: s,
                end,
                piece: (e, start),
            });
        }
        if set.negation && negates(word) {
            negated_for = 3;
        }
        prev2 = prev;
        prev = Some((start, end));
    }
}

/// Calls `emit` for every feature occurrence of a normalised text with its
/// readable name, for the model file.
fn names(set: &FeatureSet, text: &str, mut emit: impl FnMut(u64, Kind, String)) {
    grams(set, text, |g| {
        let name = match g.kind {
            Kind::Word | Kind::Negated => text[g.start..g.end].to_owned(),
            Kind::Pair | Kind::Skip => {
                format!("{} {}", &text[g.start..g.piece.0], &text[g.piece.1..g.end])
            }
            Kind::Chars => {
                let mut padded = String::with_capacity(g.end - g.start + 2);
                padded.push(EDGE as char);
                padded.push_str(&text[g.start..g.end]);
                padded.push(EDGE as char);
                padded[g.piece.0..g.piece.1].to_owned()
            }
        };
        emit(g.hash, g.kind, name);
    });
}

/// The hash of a feature from its model-file name.
fn hash_of_name(kind: Kind, name: &str) -> u64 {
    fnv(kind.seed(), name.as_bytes())
}

/// Words too common to explain anything, left out of explanations (not of
/// the score).
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "by",
    "from", "as", "is", "am", "are", "was", "were", "be", "been", "being", "have", "has", "had",
    "do", "did", "does", "i", "im", "ive", "id", "ill", "me", "my", "you", "your", "he", "she",
    "it", "its", "we", "they", "them", "his", "her", "their", "this", "that", "there", "then",
    "just", "up", "out", "about", "if", "when", "what", "all", "some", "any",
];

/// The model trained on `eval/` that ships with modstream
/// (`model/lexical.tsv`), parsed once.
pub fn built_in() -> &'static Model {
    static MODEL: std::sync::LazyLock<Model> = std::sync::LazyLock::new(|| {
        Model::parse(include_str!("../model/lexical.tsv")).expect("the shipped model parses")
    });
    &MODEL
}

/// A trained model: a bias and a table of weights indexed by feature hash.
#[derive(Debug, Clone)]
pub struct Model {
    features: FeatureSet,
    bias: f32,
    weights: Vec<f32>,
    /// One name per nonzero weight, for the model file (training only).
    names: HashMap<u32, (Kind, String)>,
}

/// Words of a text that pushed its score up, with their byte range in the
/// normal form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Push {
    pub start: usize,
    pub end: usize,
    /// The summed weight of the word's (or pair's) features.
    pub weight: f32,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// How a model is trained (see [`Model::train`]).
#[derive(Debug, Clone, Copy)]
pub struct Training {
    pub features: FeatureSet,
    pub epochs: usize,
    /// L2 penalty per update.
    pub l2: f32,
    /// How much more a missed escalation costs than a false one, beyond
    /// balancing the classes.
    pub positive_weight: f32,
    /// Weights smaller than this are dropped from the file.
    pub min_weight: f32,
}

impl Default for Training {
    fn default() -> Self {
        Self {
            features: FeatureSet::default(),
            epochs: 30,
            l2: 3e-3,
            positive_weight: 1.0,
            min_weight: 0.01,
        }
    }
}

impl Model {
    fn empty(features: FeatureSet) -> Self {
        Self {
            features,
            bias: 0.0,
            weights: vec![0.0; 1 << features.bits],
            names: HashMap::new(),
        }
    }

    #[inline]
    fn bucket(&self, hash: u64) -> usize {
        // Multiply-shift: the top bits of a well-mixed product.
        (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - u32::from(self.features.bits))) as usize
    }

    /// Reads the model file: a `<features>` line, a `<bias>` line, then
    /// `kind<TAB>ngram<TAB>weight` lines (kinds: `w` word, `p` pair, `s`
    /// pair one word apart, `c` fragment, `n` negated word).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
        let features = match lines.next() {
            Some((_, line)) if line.starts_with("<features>\t") => {
                FeatureSet::parse(&line["<features>\t".len()..])?
            }
            _ => return Err("line 1: expected `<features><TAB>...`".into()),
        };
        let mut model = Model::empty(features);
        for (n, line) in lines {
            let mut fields = line.split('\t');
            let (kind, name, weight) = match (fields.next(), fields.next(), fields.next()) {
                (Some("<bias>"), Some(weight), None) => ("<bias>", "", weight),
                (Some(kind), Some(name), Some(weight)) => (kind, name, weight),
                _ => {
                    return Err(format!(
                        "line {}: expected `kind<TAB>ngram<TAB>weight`",
                        n + 1
                    ));
                }
            };
            let weight: f32 = weight
                .parse()
                .map_err(|e| format!("line {}: weight: {e}", n + 1))?;
            if kind == "<bias>" {
                model.bias = weight;
                continue;
            }
            let kind = Kind::ALL
                .into_iter()
                .find(|k| k.name() == kind)
                .ok_or_else(|| format!("line {}: unknown kind {kind:?}", n + 1))?;
            let bucket = model.bucket(hash_of_name(kind, name));
            model.weights[bucket] = weight;
        }
        Ok(model)
    }

    /// The model file's text (see [`Model::parse`]), sorted by kind and
    /// n-gram.
    pub fn to_text(&self) -> String {
        let mut rows: Vec<(&'static str, &str, f32)> = self
            .names
            .iter()
            .map(|(&bucket, (kind, name))| {
                (kind.name(), name.as_str(), self.weights[bucket as usize])
            })
            .filter(|(_, _, w)| *w != 0.0)
            .collect();
        rows.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let mut text = format!("{}\n<bias>\t{:.4}\n", self.features.to_text(), self.bias);
        for (kind, name, weight) in rows {
            writeln!(text, "{kind}\t{name}\t{weight:.3}").expect("writing to a String");
        }
        text
    }

    /// How many weights are not zero.
    pub fn len(&self) -> usize {
        self.weights.iter().filter(|w| **w != 0.0).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The scales of a text's word features and of its fragments: each
    /// group is scaled by one over the square root of its number of
    /// occurrences, so a long post does not score high just by being long,
    /// and fragments (many per word) by their share besides.
    fn scales(&self, words: usize, fragments: usize) -> (f32, f32) {
        (
            1.0 / (words.max(1) as f32).sqrt(),
            f32::from(self.features.fragment_share) / 100.0 / (fragments.max(1) as f32).sqrt(),
        )
    }

    /// The estimated probability that a normalised text must be escalated.
    pub fn score(&self, normal: &str) -> f32 {
        let (mut words, mut n_words, mut fragments, mut n_fragments) = (0.0f32, 0, 0.0f32, 0);
        grams(&self.features, normal, |g| {
            let w = self.weights[self.bucket(g.hash)];
            if g.kind == Kind::Chars {
                fragments += w;
                n_fragments += 1;
            } else {
                words += w;
                n_words += 1;
            }
        });
        let (a, b) = self.scales(n_words, n_fragments);
        sigmoid(self.bias + words * a + fragments * b)
    }

    /// The words (or word pairs) of a normalised text that pushed its score
    /// up most, strongest first, at most three, each text once, leaving out
    /// function words; a word's fragments count towards the word.
    pub fn explain(&self, normal: &str) -> Vec<Push> {
        let (mut n_words, mut n_fragments) = (0, 0);
        grams(&self.features, normal, |g| {
            if g.kind == Kind::Chars {
                n_fragments += 1;
            } else {
                n_words += 1;
            }
        });
        let (a, b) = self.scales(n_words, n_fragments);
        // A word's features arrive together: add them up per word or pair.
        let mut pushes: Vec<Push> = Vec::new();
        grams(&self.features, normal, |g| {
            let w = self.weights[self.bucket(g.hash)] * if g.kind == Kind::Chars { b } else { a };
            match pushes.last_mut() {
                Some(p) if (p.start, p.end) == (g.start, g.end) => p.weight += w,
                _ => pushes.push(Push {
                    start: g.start,
                    end: g.end,
                    weight: w,
                }),
            }
        });
        // Function words ("ive", "been") carry weight, but naming them tells
        // a moderator nothing: show the words that mean something.
        pushes.retain(|p| {
            p.weight > 0.0
                && !normal[p.start..p.end]
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .all(|w| FUNCTION_WORDS.contains(&w))
        });
        pushes.sort_by(|x, y| y.weight.total_cmp(&x.weight));
        let mut strongest: Vec<Push> = Vec::with_capacity(3);
        for p in pushes {
            let text = &normal[p.start..p.end];
            if strongest.len() < 3 && !strongest.iter().any(|s| &normal[s.start..s.end] == text) {
                strongest.push(p);
            }
        }
        strongest
    }

    /// Trains on normalised texts labelled escalate or not: class-balanced
    /// logistic regression by stochastic gradient descent with L2, in a
    /// fixed order so the same data always gives the same model. Weights
    /// too small to matter are dropped.
    pub fn train(docs: &[(String, bool)], training: &Training) -> Self {
        let mut model = Model::empty(training.features);
        let vectors: Vec<(Vec<(u32, f32)>, bool)> = docs
            .iter()
            .map(|(text, label)| {
                // Per bucket, how often a word feature and a fragment fell in.
                let mut counts: HashMap<u32, (f32, f32)> = HashMap::new();
                let (mut n_words, mut n_fragments) = (0, 0);
                names(&training.features, text, |hash, kind, name| {
                    let bucket = model.bucket(hash) as u32;
                    let count = counts.entry(bucket).or_default();
                    if kind == Kind::Chars {
                        count.1 += 1.0;
                        n_fragments += 1;
                    } else {
                        count.0 += 1.0;
                        n_words += 1;
                    }
                    model.names.entry(bucket).or_insert((kind, name));
                });
                let (a, b) = model.scales(n_words, n_fragments);
                let mut v: Vec<(u32, f32)> = counts
                    .into_iter()
                    .map(|(k, (words, fragments))| (k, words * a + fragments * b))
                    .collect();
                v.sort_unstable_by_key(|(b, _)| *b);
                (v, *label)
            })
            .collect();
        let positives = docs.iter().filter(|(_, l)| *l).count().max(1) as f32;
        let negatives = (docs.len() as f32 - positives).max(1.0);
        let n = docs.len() as f32;
        let class_weight = |label: bool| {
            if label {
                n / (2.0 * positives) * training.positive_weight
            } else {
                n / (2.0 * negatives)
            }
        };
        let mut order: Vec<usize> = (0..vectors.len()).collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for epoch in 0..training.epochs {
            // A fixed pseudo-random order per epoch (Fisher-Yates, LCG).
            for i in (1..order.len()).rev() {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                order.swap(i, (seed >> 33) as usize % (i + 1));
            }
            let rate = 0.5 / (1.0 + epoch as f32 * 0.1);
            for &i in &order {
                let (features, label) = &vectors[i];
                let mut total = model.bias;
                for &(b, x) in features {
                    total += model.weights[b as usize] * x;
                }
                let error =
                    (sigmoid(total) - if *label { 1.0 } else { 0.0 }) * class_weight(*label);
                model.bias -= rate * error;
                for &(b, x) in features {
                    let w = &mut model.weights[b as usize];
                    *w -= rate * (error * x + training.l2 * *w);
                }
            }
        }
        for w in &mut model.weights {
            if w.abs() < training.min_weight {
                *w = 0.0;
            }
        }
        // Round as the file does, so a trained model and its file agree.
        for w in &mut model.weights {
            *w = (*w * 1000.0).round() / 1000.0;
        }
        model.bias = (model.bias * 10000.0).round() / 10000.0;
        let weights = &model.weights;
        model.names.retain(|b, _| weights[*b as usize] != 0.0);
        model
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(set: &FeatureSet, text: &str) -> Vec<(Kind, String)> {
        let mut out = Vec::new();
        names(set, text, |_, kind, name| out.push((kind, name)));
        out
    }

    #[test]
    fn features_are_words_pairs_fragments_and_negations() {
        let set = FeatureSet {
            negation: true,
            ..FeatureSet::default()
        };
        let f = all(&set, "i cant go on. ok");
        let of = |kind: Kind| -> Vec<&str> {
            f.iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, n)| n.as_str())
                .collect()
        };
        assert_eq!(of(Kind::Word), ["i", "cant", "go", "on", "ok"]);
        // Pairs stop at a sentence break.
        assert_eq!(of(Kind::Pair), ["i cant", "cant go", "go on"]);
        assert_eq!(of(Kind::Skip), ["i go", "cant on"]);
        assert_eq!(of(Kind::Negated), ["go", "on"]);
        let chars = of(Kind::Chars);
        assert!(chars.starts_with(&["_i_", "_ca", "_can", "_cant", "can", "cant", "cant_"]));
        // Every name hashes back to its feature.
        let mut hashes = Vec::new();
        grams(&set, "i cant go on. ok", |g| hashes.push((g.kind, g.hash)));
        let mut named = Vec::new();
        names(&set, "i cant go on. ok", |h, kind, name| {
            assert_eq!(hash_of_name(kind, &name), h, "{name}");
            named.push((kind, h));
        });
        assert_eq!(hashes, named);
    }

    #[test]
    fn learns_and_round_trips() {
        let docs: Vec<(String, bool)> = [
            ("i want to stop existing tonight", true),
            ("i want to stop existing", true),
            ("stop existing now", true),
            ("i want to stop smoking", false),
            ("stop the music", false),
            ("i want a cup of tea", false),
        ]
        .iter()
        .map(|(t, l)| (t.to_string(), *l))
        .collect();
        let model = Model::train(
            &docs,
            &Training {
                epochs: 50,
                ..Training::default()
            },
        );
        let text = "please i want to stop existing";
        let yes = model.score(text);
        let no = model.score("i want to stop smoking please");
        assert!(yes > 0.5 && no < 0.5, "{yes} {no}");
        let strongest = model.explain(text);
        let top = strongest.first().expect("a word pushed up");
        assert!(
            text[top.start..top.end].contains("existing"),
            "{strongest:?}"
        );
        let again = Model::parse(&model.to_text()).unwrap();
        for text in ["stop existing", "i want a cup of tea"] {
            let diff = (again.score(text) - model.score(text)).abs();
            assert!(diff < 1e-3, "{text}: {diff}");
        }
        assert!(Model::parse("nonsense").is_err());
    }

    #[test]
    fn the_shipped_model_loads_and_separates_clear_cases() {
        let model = built_in();
        assert!(model.len() > 1_000);
        let crisis =
            crate::normalize::normalize("i have taken all my tablets and said goodbye").text;
        let calm = crate::normalize::normalize("lovely walk with the dog this morning").text;
        assert!(model.score(&crisis) > model.score(&calm));
        assert!(model.score(&calm) < 0.5);
    }
}
