//! Text normalisation for matching, with a map back to the original.
//!
//! People write "I'm", "Im" and "i’m"; "k!ll", "s*icide" and "su1cidal". The
//! rules match one normal form: lowercase, apostrophes removed, curly quotes
//! and dashes folded, runs of spaces collapsed, and obfuscated tokens
//! restored when (and only when) the result is a known risk word, so "b4"
//! or "2nite" are left alone. Every byte of the normal form remembers which
//! bytes of the original it came from, so a match can be shown to a
//! moderator as the words the member actually wrote.

/// Words that obfuscated tokens may stand for.
const RISK_WORDS: &[&str] = &[
    "suicide",
    "suicidal",
    "kill",
    "killing",
    "killed",
    "myself",
    "die",
    "dying",
    "dead",
    "death",
    "overdose",
    "overdosed",
    "cutting",
    "cut",
    "selfharm",
    "harm",
    "hang",
    "hanging",
    "pills",
    "unalive",
    "sewer",
    "sewerslide",
    "end",
    "life",
];

/// Common misspellings and dialect spellings (Scots, mostly), mapped to the
/// word the rules know: "gonnae", "cannae dae this nae mair".
const TYPOS: &[(&str, &str)] = &[
    ("myslef", "myself"),
    ("mysef", "myself"),
    ("mysefl", "myself"),
    ("mself", "myself"),
    ("myselfe", "myself"),
    ("kil", "kill"),
    ("sucide", "suicide"),
    ("suicde", "suicide"),
    ("suiside", "suicide"),
    ("sucidal", "suicidal"),
    ("suicial", "suicidal"),
    ("suisidal", "suicidal"),
    ("sucicidal", "suicidal"),
    ("overdoes", "overdose"),
    ("paracetemol", "paracetamol"),
    ("tabs", "tablets"),
    ("gonnae", "gonna"),
    ("gunna", "gonna"),
    ("cannae", "cant"),
    ("dinnae", "dont"),
    ("didnae", "didnt"),
    ("wouldnae", "wouldnt"),
    ("couldnae", "couldnt"),
    ("willnae", "wont"),
    ("isnae", "isnt"),
    ("wisnae", "wasnt"),
    ("masel", "myself"),
    ("mysel", "myself"),
    ("mahself", "myself"),
    ("dae", "do"),
    ("nae", "no"),
    ("mair", "more"),
    ("wi", "with"),
    ("doon", "down"),
    ("hame", "home"),
    ("tae", "to"),
    ("comin", "coming"),
    ("fae", "from"),
    ("fir", "for"),
    ("airms", "arms"),
    ("bout", "about"),
    ("u", "you"),
    // Dropped g's: "thinkin bout endin it".
    ("thinkin", "thinking"),
    ("endin", "ending"),
    ("killin", "killing"),
    ("cuttin", "cutting"),
    ("nothin", "nothing"),
    ("everythin", "everything"),
    ("somethin", "something"),
    ("goin", "going"),
    ("doin", "doing"),
    ("feelin", "feeling"),
    ("tryin", "trying"),
    ("takin", "taking"),
    ("sayin", "saying"),
    ("hurtin", "hurting"),
    ("harmin", "harming"),
    ("dyin", "dying"),
    ("livin", "living"),
    ("gettin", "getting"),
    ("lookin", "looking"),
    ("hearin", "hearing"),
    ("scratchin", "scratching"),
    ("plannin", "planning"),
    ("wantin", "wanting"),
    ("jumpin", "jumping"),
    ("hangin", "hanging"),
    ("drinkin", "drinking"),
    ("sittin", "sitting"),
    ("standin", "standing"),
    ("walkin", "walking"),
    ("drivin", "driving"),
    ("writin", "writing"),
    ("leavin", "leaving"),
    ("givin", "giving"),
];

/// Normalised text plus, for each of its bytes, the original byte range.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    /// Original (start, end) of the character each normalised byte came from.
    origin: Vec<(usize, usize)>,
}

impl Normalized {
    /// The original byte range covering normalised bytes `start..end`.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.origin.is_empty() || start >= end {
            return (0, 0);
        }
        let first = self.origin[start.min(self.origin.len() - 1)].0;
        let last = self.origin[(end - 1).min(self.origin.len() - 1)].1;
        (first, last.max(first))
    }
}

pub fn normalize(original: &str) -> Normalized {
    let mut text = String::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len());
    let mut last_was_space = true;
    for (start, c) in original.char_indices() {
        let end = start + c.len_utf8();
        let folded: Option<char> = match c {
            '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{00b4}' => None,
            '\u{201c}' | '\u{201d}' => Some('"'),
            '\u{2013}' | '\u{2014}' | '\u{2212}' => Some('-'),
            '\n' | '\r' => Some('\n'),
            c if c.is_whitespace() => Some(' '),
            c => Some(c),
        };
        let Some(folded) = folded else { continue };
        if folded == ' ' {
            if last_was_space {
                continue;
            }
            last_was_space = true;
        } else {
            last_was_space = folded == '\n';
        }
        for lower in folded.to_lowercase() {
            let mut buf = [0u8; 4];
            for _ in lower.encode_utf8(&mut buf).bytes() {
                origin.push((start, end));
            }
            text.push(lower);
        }
    }
    restore_tokens(Normalized { text, origin })
}

/// Replaces obfuscated or misspelt tokens by the risk word they stand for.
fn restore_tokens(input: Normalized) -> Normalized {
    let bytes = input.text.as_bytes();
    let mut text = String::with_capacity(input.text.len());
    let mut origin = Vec::with_capacity(input.origin.len());
    let is_token_byte = |b: u8| b.is_ascii_alphanumeric() || b"!@$*|./-_".contains(&b);
    let mut i = 0;
    while i < bytes.len() {
        if !is_token_byte(bytes[i]) {
            // Copy one whole (possibly multi-byte) character.
            let len = utf8_len(bytes[i]);
            text.push_str(&input.text[i..i + len]);
            origin.extend_from_slice(&input.origin[i..i + len]);
            i += len;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_token_byte(bytes[i]) {
            i += 1;
        }
        // Keep trailing sentence punctuation out of the token.
        let mut end = i;
        while end > start
            && b"!.".contains(&bytes[end - 1])
            && !is_obfuscated_end(&bytes[start..end])
        {
            end -= 1;
        }
        let token = &input.text[start..end];
        match restore(token) {
            Some(word) => {
                let span = (input.origin[start].0, input.origin[end - 1].1);
                text.push_str(word);
                origin.extend(std::iter::repeat_n(span, word.len()));
            }
            None => {
                text.push_str(token);
                origin.extend_from_slice(&input.origin[start..end]);
            }
        }
        text.push_str(&input.text[end..i]);
        origin.extend_from_slice(&input.origin[end..i]);
    }
    Normalized { text, origin }
}

/// "k!ll!" ends in "!" that belongs to the word only if removing it breaks a
/// risk word; keep it simple: never treat a trailing "!" as part of a word
/// unless the token has no letters after its last symbol.
fn is_obfuscated_end(_token: &[u8]) -> bool {
    false
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// The risk word `token` stands for, if it is obfuscated or misspelt.
fn restore(token: &str) -> Option<&'static str> {
    if let Some((_, word)) = TYPOS.iter().find(|(typo, _)| *typo == token) {
        return Some(word);
    }
    if matches!(token, "s/h" | "s.h" | "s-h" | "s.h." | "s*h" | "s_h") {
        return Some("self harm");
    }
    if matches!(
        token,
        "s/hd" | "s/hed" | "s/h-ed" | "s*hd" | "s*hed" | "sh-ed" | "sh-d"
    ) {
        return Some("self harmed");
    }
    if matches!(
        token,
        "s/hing" | "s/h-ing" | "s*hing" | "s*h-ing" | "sh-ing"
    ) {
        return Some("self harming");
    }
    let letters = token.bytes().filter(u8::is_ascii_alphabetic).count();
    let symbols = token.len() - letters;
    if symbols == 0 || letters < 2 {
        return None;
    }
    let mapped: String = token
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | '_' | '/'))
        .map(|c| match c {
            '!' | '|' | '1' => 'i',
            '@' | '4' => 'a',
            '$' | '5' => 's',
            '0' => 'o',
            '3' => 'e',
            '7' => 't',
            c => c,
        })
        .collect();
    if let Some(word) = RISK_WORDS.iter().find(|w| **w == mapped) {
        return Some(word);
    }
    if mapped.contains('*') {
        // "*" hides one or two letters: s*icide, s**cide, k*ll.
        return RISK_WORDS
            .iter()
            .copied()
            .find(|word| wildcard_match(&mapped, word));
    }
    None
}

fn wildcard_match(pattern: &str, word: &str) -> bool {
    fn go(p: &[u8], w: &[u8]) -> bool {
        match (p.first(), w.first()) {
            (None, None) => true,
            (Some(b'*'), _) => {
                // One star stands for one or two letters.
                (!w.is_empty() && go(&p[1..], &w[1..])) || (w.len() >= 2 && go(&p[1..], &w[2..]))
            }
            (Some(a), Some(b)) if a == b => go(&p[1..], &w[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), word.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_apostrophes_and_space() {
        assert_eq!(normalize("I’m   NOT  ok\nReally").text, "im not ok\nreally");
        assert_eq!(normalize("don't").text, "dont");
    }

    #[test]
    fn restores_obfuscated_risk_words_only() {
        assert_eq!(
            normalize("I want to k!ll myself").text,
            "i want to kill myself"
        );
        assert_eq!(normalize("s*icide thoughts").text, "suicide thoughts");
        assert_eq!(normalize("feeling su1cidal").text, "feeling suicidal");
        assert_eq!(normalize("urges to s/h").text, "urges to self harm");
        assert_eq!(normalize("see you b4 2nite").text, "see you b4 2nite");
        assert_eq!(normalize("k.i.l.l myslef").text, "kill myself");
    }

    #[test]
    fn restores_dialect_and_shorthand() {
        assert_eq!(
            normalize("I cannae dae this nae mair, gonnae end it").text,
            "i cant do this no more, gonna end it"
        );
        assert_eq!(normalize("s/h'd again").text, "self harmed again");
        assert_eq!(normalize("been s/hing").text, "been self harming");
        assert_eq!(normalize("the urge to s*h").text, "the urge to self harm");
        assert_eq!(normalize("sh-ing in class").text, "self harming in class");
        assert_eq!(
            normalize("thinkin bout endin it").text,
            "thinking about ending it"
        );
        // Ordinary words that look like dialect stay as they are.
        assert_eq!(normalize("wifi is down").text, "wifi is down");
    }

    #[test]
    fn spans_map_back_to_what_was_written() {
        let original = "Honestly I’d k!ll myself";
        let n = normalize(original);
        let start = n.text.find("kill").unwrap();
        let (a, b) = n.original_span(start, start + "kill myself".len());
        assert_eq!(&original[a..b], "k!ll myself");
    }
}
