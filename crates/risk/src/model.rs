//! A lexical safety net beside the rules: logistic regression over the words
//! and word pairs of a post's normal form, trained on the labelled posts in
//! `eval/` (`cargo run -p modstream-risk --example train_model`).
//!
//! The rules explain themselves but only know the phrasings someone wrote a
//! rule for; people in crisis find endless others. The model scores how much
//! a post's wording resembles posts that had to be escalated, and names the
//! words that weighed most, so a moderator still sees why. It only ever adds
//! an escalation (at `high`); it never lowers what the rules found.

use std::collections::HashMap;

/// One feature of a text: a word or a pair of words, with its byte span in
/// the normal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    pub ngram: String,
    pub start: usize,
    pub end: usize,
}

/// The words and adjacent word pairs of a normalised text, each once (the
/// first place it occurs).
pub fn features(normal: &str) -> Vec<Feature> {
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in normal.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            words.push((s, i));
        }
    }
    if let Some(s) = start {
        words.push((s, normal.len()));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(words.len() * 2);
    for (i, &(s, e)) in words.iter().enumerate() {
        let word = &normal[s..e];
        if seen.insert(word.to_owned()) {
            out.push(Feature {
                ngram: word.to_owned(),
                start: s,
                end: e,
            });
        }
        if let Some(&(_, next_end)) = words.get(i + 1) {
            let pair = format!("{word} {}", &normal[words[i + 1].0..next_end]);
            if seen.insert(pair.clone()) {
                out.push(Feature {
                    ngram: pair,
                    start: s,
                    end: next_end,
                });
            }
        }
    }
    out
}

/// The model trained on `eval/` that ships with modstream
/// (`model/lexical.tsv`), parsed once.
pub fn built_in() -> &'static Model {
    static MODEL: std::sync::LazyLock<Model> = std::sync::LazyLock::new(|| {
        Model::parse(include_str!("../model/lexical.tsv")).expect("the shipped model parses")
    });
    &MODEL
}

/// A trained model: a bias and one weight per n-gram.
#[derive(Debug, Clone, Default)]
pub struct Model {
    bias: f32,
    weights: HashMap<String, f32>,
}

/// A model's view of one text.
#[derive(Debug, Clone)]
pub struct Score {
    /// Estimated probability that the post must be escalated.
    pub probability: f32,
    /// The features that pushed hardest towards escalation, strongest first.
    pub strongest: Vec<Feature>,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Model {
    /// Reads the model file: a line `<bias><TAB>w`, then `ngram<TAB>w` lines
    /// (n-grams are letters, digits and spaces, so `<bias>` is never one).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut model = Model::default();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, weight) = line
                .rsplit_once('\t')
                .ok_or_else(|| format!("line {}: expected `ngram<TAB>weight`", n + 1))?;
            let weight: f32 = weight
                .parse()
                .map_err(|e| format!("line {}: weight: {e}", n + 1))?;
            if name == "<bias>" {
                model.bias = weight;
            } else {
                model.weights.insert(name.to_owned(), weight);
            }
        }
        Ok(model)
    }

    /// The model file's text (see [`Model::parse`]), n-grams sorted.
    pub fn to_text(&self) -> String {
        let mut names: Vec<&String> = self.weights.keys().collect();
        names.sort();
        let mut text = format!("<bias>\t{:.4}\n", self.bias);
        for name in names {
            text.push_str(&format!("{name}\t{:.4}\n", self.weights[name]));
        }
        text
    }

    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Features are present or absent; a text's vector is scaled to unit
    /// length so long posts do not score high just by being long.
    fn scale(count: usize) -> f32 {
        1.0 / (count.max(1) as f32).sqrt()
    }

    /// Scores a normalised text.
    pub fn score(&self, normal: &str) -> Score {
        let features = features(normal);
        let scale = Self::scale(features.len());
        let mut total = self.bias;
        let mut pushes: Vec<(f32, Feature)> = Vec::new();
        for f in features {
            if let Some(w) = self.weights.get(&f.ngram) {
                total += w * scale;
                if *w > 0.0 {
                    pushes.push((*w, f));
                }
            }
        }
        pushes.sort_by(|a, b| b.0.total_cmp(&a.0));
        Score {
            probability: sigmoid(total),
            strongest: pushes.into_iter().take(3).map(|(_, f)| f).collect(),
        }
    }

    /// Trains on normalised texts labelled escalate or not: class-balanced
    /// logistic regression by stochastic gradient descent with L2, in a
    /// fixed order so the same data always gives the same model. Weights
    /// too small to matter are dropped.
    pub fn train(docs: &[(String, bool)], epochs: usize, l2: f32) -> Self {
        let vectors: Vec<(Vec<String>, f32, bool)> = docs
            .iter()
            .map(|(text, label)| {
                let f = features(text);
                let scale = Self::scale(f.len());
                (f.into_iter().map(|f| f.ngram).collect(), scale, *label)
            })
            .collect();
        let positives = docs.iter().filter(|(_, l)| *l).count().max(1) as f32;
        let negatives = (docs.len() as f32 - positives).max(1.0);
        let n = docs.len() as f32;
        let class_weight = |label: bool| {
            if label {
                n / (2.0 * positives)
            } else {
                n / (2.0 * negatives)
            }
        };
        let mut model = Model::default();
        let mut order: Vec<usize> = (0..vectors.len()).collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for epoch in 0..epochs {
            // A fixed pseudo-random order per epoch (Fisher-Yates, LCG).
            for i in (1..order.len()).rev() {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                order.swap(i, (seed >> 33) as usize % (i + 1));
            }
            let rate = 0.5 / (1.0 + epoch as f32 * 0.1);
            for &i in &order {
                let (features, scale, label) = &vectors[i];
                let mut total = model.bias;
                for f in features {
                    total += model.weights.get(f).copied().unwrap_or(0.0) * scale;
                }
                let error =
                    (sigmoid(total) - if *label { 1.0 } else { 0.0 }) * class_weight(*label);
                model.bias -= rate * error;
                for f in features {
                    let w = model.weights.entry(f.clone()).or_insert(0.0);
                    *w -= rate * (error * scale + l2 * *w);
                }
            }
        }
        model.weights.retain(|_, w| w.abs() >= 0.02);
        model
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_words_and_pairs_with_spans() {
        let f = features("i cant go on, i cant");
        let names: Vec<&str> = f.iter().map(|f| f.ngram.as_str()).collect();
        assert_eq!(
            names,
            [
                "i", "i cant", "cant", "cant go", "go", "go on", "on", "on i"
            ]
        );
        assert_eq!((f[3].start, f[3].end), (2, 9));
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
        let model = Model::train(&docs, 50, 1e-4);
        let yes = model.score("please i want to stop existing");
        let no = model.score("i want to stop smoking please");
        assert!(
            yes.probability > 0.5 && no.probability < 0.5,
            "{yes:?} {no:?}"
        );
        assert!(yes.strongest.iter().any(|f| f.ngram.contains("existing")));
        let again = Model::parse(&model.to_text()).unwrap();
        let diff = (again.score("stop existing").probability
            - model.score("stop existing").probability)
            .abs();
        assert!(diff < 1e-3);
        assert!(Model::parse("nonsense").is_err());
    }

    #[test]
    fn the_shipped_model_loads_and_separates_clear_cases() {
        let model = built_in();
        assert!(model.len() > 1_000);
        let crisis =
            crate::normalize::normalize("i have taken all my tablets and said goodbye").text;
        let calm = crate::normalize::normalize("lovely walk with the dog this morning").text;
        assert!(model.score(&crisis).probability > model.score(&calm).probability);
        assert!(model.score(&calm).probability < 0.5);
    }
}
