//! Puts a chat message into one plain form before matching, so that "He’s NOT breathing",
//! "hes not breathinggg", "h3s n0t br3athing", a fullwidth copy, one laced with zero-width
//! characters and "hes not breathng" all read ` hes not breathing `.
//!
//! The form is lower-case ASCII-ish tokens, each followed by one space and the whole preceded
//! by one, so a phrase ` not breathing ` can only match whole words. Rules are put through the
//! same steps (without spelling correction), so they always agree with the text.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::{FxHashMap, FxHashSet};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::decompose_canonical;

/// Longest token that spelling correction looks at: keeps the work per token bounded.
const MAX_CORRECTED_LEN: usize = 20;
/// Shortest token that spelling correction looks at: short words are too easy to confuse.
const MIN_CORRECTED_LEN: usize = 6;
/// Words remembered per thread and normaliser as "no typo of a rule word" before that memory
/// starts over.
const MAX_REMEMBERED: usize = 20_000;
/// Normalisers a thread remembers words for (the built-in one and a few communities' own).
const MAX_REMEMBERING: usize = 8;

/// Gives each normaliser with a vocabulary its own id, so remembered words never cross from
/// one vocabulary to another.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// Long words found to be no typo of a rule word, for the normaliser with this id: chat
    /// repeats its words, and trying every deletion and swap of "yesterday" costs ~20 lookups.
    static NOT_TYPOS: RefCell<FxHashMap<u64, FxHashSet<Box<str>>>> = RefCell::default();
}

/// Characters that render as nothing (format characters: zero-width spaces and joiners,
/// direction marks, soft hyphens, the byte-order mark, tags). People and spam put them
/// inside words.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E0FFF}')
}

/// Letters from other scripts that look like Latin ones (after lower-casing).
fn look_alike(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'в' => 'b',
        'е' | 'ё' => 'e',
        'к' => 'k',
        'м' => 'm',
        'н' => 'h',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'т' => 't',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'ɡ' => 'g',
        'һ' => 'h',
        'ӏ' => 'l',
        'α' => 'a',
        'β' => 'b',
        'ε' => 'e',
        'ι' => 'i',
        'κ' => 'k',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'τ' => 't',
        'υ' => 'u',
        'χ' => 'x',
        'ı' => 'i',
        'ł' => 'l',
        'ø' => 'o',
        'đ' => 'd',
        'ß' => 's',
        _ => return None,
    })
}

/// Emoji that mean someone is laughing ("💀": "I'm dead", of laughter): read as "lol".
fn is_laughing(c: char) -> bool {
    matches!(c, '😂' | '🤣' | '😆' | '😹' | '😅' | '💀' | '☠')
}

/// Digits and symbols read as letters inside a word that has letters ("n0t", "br3athing").
fn leet(c: char) -> char {
    match c {
        '0' => 'o',
        '1' | '!' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        other => other,
    }
}

/// Collapses runs of one letter to a single letter ("helppp" → "help", "sleep" → "slep"):
/// text and rules are squeezed alike, so doubled letters never decide a match.
fn squeeze(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut last = None;
    for c in token.chars() {
        if Some(c) != last || !c.is_alphabetic() {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

/// The normaliser: the fixed steps, plus the words rules use and a table of chat spellings
/// and common misspellings, for correcting text towards them.
#[derive(Debug, Clone, Default)]
pub struct Normalizer {
    /// Every token that appears in a rule or guard.
    vocabulary: FxHashSet<String>,
    /// Each vocabulary word with one letter deleted, mapped to the word.
    deletions: FxHashMap<String, String>,
    /// Chat spellings and misspellings to the word they mean ("rn" → "right now").
    spellings: FxHashMap<String, String>,
    /// Which words [`NOT_TYPOS`] remembers for this vocabulary (0: none, as for `basic`).
    id: u64,
}

impl Normalizer {
    /// A normaliser that corrects text towards `vocabulary` and rewrites `spellings`.
    pub fn new<'a>(vocabulary: impl IntoIterator<Item = &'a str>, spellings: &[(String, String)]) -> Normalizer {
        let vocabulary: FxHashSet<String> = vocabulary.into_iter().map(str::to_string).collect();
        let mut deletions = FxHashMap::default();
        for word in vocabulary.iter().filter(|w| w.len() > MIN_CORRECTED_LEN && w.is_ascii()) {
            for i in 0..word.len() {
                let mut deleted = word.clone();
                deleted.remove(i);
                deletions.entry(deleted).or_insert_with(|| word.clone());
            }
        }
        let spellings =
            spellings.iter().map(|(from, to)| (squeeze(&from.to_lowercase()), basic(to).trim().to_string())).collect();
        Normalizer { vocabulary, deletions, spellings, id: NEXT_ID.fetch_add(1, Ordering::Relaxed) }
    }

    /// The matching form of `text`, written into `out` (cleared first).
    pub fn normalize_into(&self, text: &str, out: &mut String) {
        out.clear();
        out.push(' ');
        let mut token = String::new();
        let mut scratch = String::new();
        let mut push = |c: char, token: &mut String, out: &mut String| {
            if c.is_alphanumeric() || matches!(c, '\'' | '@' | '$' | '!') && !token.is_empty() || matches!(c, '@' | '$')
            {
                token.push(c);
            } else {
                self.finish(token, &mut scratch, out);
                if is_laughing(c) {
                    out.push_str("lol ");
                }
            }
        };
        if text.is_ascii() {
            for b in text.bytes() {
                push(char::from(b.to_ascii_lowercase()), &mut token, out);
            }
        } else {
            for c in text.nfkc().filter(|c| !is_invisible(*c)).flat_map(char::to_lowercase) {
                let c = match c {
                    '’' | '‘' | '`' | '´' | 'ʼ' => '\'',
                    c if c.is_ascii() => c,
                    c => match look_alike(c) {
                        Some(latin) => latin,
                        None => base_letter(c),
                    },
                };
                if c != '\0' {
                    push(c, &mut token, out);
                }
            }
        }
        self.finish(&mut token, &mut scratch, out);
    }

    /// The matching form of `text`.
    pub fn normalize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 2);
        self.normalize_into(text, &mut out);
        out
    }

    /// Ends the current token: spells out "od'd", reads leetspeak, drops apostrophes, squeezes
    /// repeated letters, rewrites chat spellings and corrects small typos; then appends it.
    /// `scratch` is reused from token to token, so a message costs no allocation per word.
    fn finish(&self, token: &mut String, scratch: &mut String, out: &mut String) {
        // Trailing "!" and "'" belong to the sentence, not the word ("help!!!", "dogs'").
        while token.ends_with(['!', '\'']) {
            token.pop();
        }
        if token.is_empty() {
            return;
        }
        // Chat spellings of "overdose", read before repeated letters are squeezed so that the
        // word "odd" stays odd.
        let spelled = match token.as_str() {
            "od" => Some("overdose"),
            "ods" | "od's" => Some("overdoses"),
            "od'd" | "od'ed" | "oded" | "odded" => Some("overdosed"),
            "od'ing" | "od'in" | "oding" | "odding" | "odin'" => Some("overdosing"),
            _ => None,
        };
        if let Some(word) = spelled {
            out.push_str(word);
            out.push(' ');
            token.clear();
            return;
        }
        let has_letter = token.chars().any(char::is_alphabetic);
        scratch.clear();
        let mut last = None;
        for c in token.chars() {
            let c = match c {
                '\'' => continue,
                '@' | '$' | '!' if !has_letter => continue,
                c if has_letter => leet(c),
                c => c,
            };
            if Some(c) != last || !c.is_alphabetic() {
                scratch.push(c);
            }
            last = Some(c);
        }
        token.clear();
        if scratch.is_empty() {
            return;
        }
        match self.correct(scratch, token) {
            Some(meant) => out.push_str(meant),
            None => out.push_str(scratch),
        }
        out.push(' ');
        token.clear();
    }

    /// The word `word` stands for, if it is not itself: a chat spelling's meaning, or the
    /// vocabulary word a small typo was meant to be. `buf` is scratch space for the candidates.
    fn correct<'a>(&'a self, word: &str, buf: &'a mut String) -> Option<&'a str> {
        if let Some(meant) = self.spellings.get(word) {
            return Some(meant);
        }
        let short = word.len() < MIN_CORRECTED_LEN;
        if !word.is_ascii() || word.len() < 4 || short && !word.ends_with("in") || self.vocabulary.contains(word) {
            return None;
        }
        // "breathin" → "breathing"
        if word.ends_with("in") {
            buf.clear();
            buf.push_str(word);
            buf.push('g');
            if self.vocabulary.contains(buf.as_str()) {
                return Some(buf);
            }
        }
        if short || word.len() > MAX_CORRECTED_LEN || self.known_not_typo(word) {
            return None;
        }
        // A letter missing ("breathng").
        if let Some(meant) = self.deletions.get(word) {
            return Some(meant);
        }
        let bytes = word.as_bytes();
        let found = (0..bytes.len()).any(|i| {
            // A letter too many ("breathiong").
            buf.clear();
            buf.push_str(&word[..i]);
            buf.push_str(&word[i + 1..]);
            if self.vocabulary.contains(buf.as_str()) {
                return true;
            }
            // Two letters swapped ("breahting").
            if i + 1 < bytes.len() && bytes[i] != bytes[i + 1] {
                buf.clear();
                buf.push_str(&word[..i]);
                buf.push(char::from(bytes[i + 1]));
                buf.push(char::from(bytes[i]));
                buf.push_str(&word[i + 2..]);
                return self.vocabulary.contains(buf.as_str());
            }
            false
        });
        if !found {
            self.remember_not_typo(word);
        }
        found.then_some(buf.as_str())
    }

    fn known_not_typo(&self, word: &str) -> bool {
        NOT_TYPOS.with_borrow(|memory| memory.get(&self.id).is_some_and(|words| words.contains(word)))
    }

    fn remember_not_typo(&self, word: &str) {
        NOT_TYPOS.with_borrow_mut(|memory| {
            if !memory.contains_key(&self.id) && memory.len() >= MAX_REMEMBERING {
                memory.clear();
            }
            let words = memory.entry(self.id).or_default();
            if words.len() >= MAX_REMEMBERED {
                words.clear();
            }
            words.insert(word.into());
        });
    }
}

/// The ASCII letter under an accented one ("é" → "e"); other letters as they are; combining
/// marks left over from decomposition are dropped (`'\0'`).
fn base_letter(c: char) -> char {
    if matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}')
    {
        return '\0';
    }
    let mut base = c;
    decompose_canonical(c, |d| {
        if base == c && d.is_ascii_alphabetic() {
            base = d;
        }
    });
    base
}

/// The matching form without spelling correction: how rules are read.
pub fn basic(text: &str) -> String {
    Normalizer::default().normalize(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalizer() -> Normalizer {
        Normalizer::new(
            ["breathing", "unresponsive", "overdosing", "not", "he"],
            &[("rn".into(), "right now".into()), ("siezure".into(), "seizure".into())],
        )
    }

    #[test]
    fn folds_case_width_invisibles_look_alikes_and_accents() {
        let n = normalizer();
        assert_eq!(n.normalize("He’s NOT\u{200B} breathing!!"), " hes not breathing ");
        assert_eq!(n.normalize("ｈｅ ｉｓ ｎｏｔ ｂｒｅａｔｈｉｎｇ"), " he is not breathing ");
        assert_eq!(n.normalize("he is not bre\u{00AD}athing"), " he is not breathing ");
        assert_eq!(n.normalize("hе іs nоt brеаthіng"), " he is not breathing ", "Cyrillic look-alikes");
        assert_eq!(n.normalize("nót bréathing"), " not breathing ");
    }

    #[test]
    fn reads_leetspeak_repeats_and_chat_spellings() {
        let n = normalizer();
        assert_eq!(n.normalize("h3s n0t br3athing rn"), " hes not breathing right now ");
        assert_eq!(n.normalize("helppp she is not breathinggg"), " help she is not breathing ");
        assert_eq!(n.normalize("he od'd, that's odd"), " he overdosed thats od ");
        assert_eq!(n.normalize("call 911 $5"), " cal 911 5 ", "letters squeezed, digits kept");
        assert_eq!(n.normalize("crying 😂"), " crying lol ");
    }

    #[test]
    fn corrects_small_typos_towards_rule_words_only() {
        let n = normalizer();
        assert_eq!(n.normalize("breathin"), " breathing ");
        assert_eq!(n.normalize("breathng"), " breathing ", "a letter missing");
        assert_eq!(n.normalize("breathiong"), " breathing ", "a letter too many");
        assert_eq!(n.normalize("unrseponsive"), " unresponsive ", "two letters swapped");
        assert_eq!(n.normalize("a siezure"), " a seizure ", "a listed misspelling");
        assert_eq!(n.normalize("breakfast"), " breakfast ", "unrelated words stay");
    }

    #[test]
    fn a_word_that_is_no_typo_for_one_vocabulary_can_be_one_for_another() {
        let other = Normalizer::new(["something"], &[]);
        let n = normalizer();
        for _ in 0..2 {
            assert_eq!(other.normalize("breathiong"), " breathiong ", "no typo of `something`");
            assert_eq!(n.normalize("breathiong"), " breathing ", "still corrected for the rules");
        }
    }
}
