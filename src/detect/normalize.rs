//! Puts a chat message into one plain form before matching, so that "He’s NOT breathing",
//! "hes not breathinggg", "h3s n0t br3athing", a fullwidth copy, one laced with zero-width
//! characters and "hes not breathng" all read ` hes not breathing `.
//!
//! The form is lower-case ASCII-ish tokens, each followed by one space and the whole preceded
//! by one, so a phrase ` not breathing ` can only match whole words. Rules are put through the
//! same steps (without spelling correction), so they always agree with the text.
//!
//! Each word also gets its id in the rules' vocabulary (0 for a word no rule uses), so that the
//! built-in phrases can be matched as sequences of ids: two bytes a word instead of the letters.
//! Most chat is ASCII and most words need nothing but one lookup, so those paths are kept short:
//! the detector has to keep up with every message of every channel it listens in.

use std::sync::atomic::{AtomicU64, Ordering};

use super::wordmap::WordMap;
use unicode_normalization::char::decompose_canonical;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Longest token that spelling correction looks at: keeps the work per token bounded.
const MAX_CORRECTED_LEN: usize = 20;
/// Shortest token that spelling correction looks at: short words are too easy to confuse.
const MIN_CORRECTED_LEN: usize = 6;
/// Words a [`NotTypos`] holds before it starts over.
const MAX_REMEMBERED: usize = 20_000;

/// Gives each normaliser with a vocabulary its own id, so remembered words never cross from
/// one vocabulary to another.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

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
        // Small capitals, a "font" of fancy-text generators that NFKC leaves as it is.
        'ᴀ' => 'a',
        'ʙ' => 'b',
        'ᴄ' => 'c',
        'ᴅ' => 'd',
        'ᴇ' => 'e',
        'ꜰ' | 'ғ' => 'f',
        'ɢ' => 'g',
        'ʜ' => 'h',
        'ɪ' => 'i',
        'ᴊ' => 'j',
        'ᴋ' => 'k',
        'ʟ' => 'l',
        'ᴍ' => 'm',
        'ɴ' => 'n',
        'ᴏ' => 'o',
        'ᴘ' => 'p',
        'ǫ' => 'q',
        'ʀ' => 'r',
        'ꜱ' => 's',
        'ᴛ' => 't',
        'ᴜ' => 'u',
        'ᴠ' => 'v',
        'ᴡ' => 'w',
        'ʏ' => 'y',
        'ᴢ' => 'z',
        _ => return None,
    })
}

/// Emoji that mean someone is laughing ("💀": "I'm dead", of laughter) or rolling their eyes
/// ("he wont wake up 🙄"): read as "lol".
fn is_laughing(c: char) -> bool {
    matches!(c, '😂' | '🤣' | '😆' | '😹' | '😅' | '💀' | '☠' | '🙄')
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

/// Whether `word` is lower-case ASCII letters without a letter twice in a row: nothing to read
/// or squeeze, as most words.
fn is_plain(word: &str) -> bool {
    let mut last = 0;
    word.bytes().all(|b| b.is_ascii_lowercase() && std::mem::replace(&mut last, b) != b)
}

/// The word a chat spelling of "overdose" stands for ("od'd", "0d'd" → "overdosed"). Read
/// before repeated letters are squeezed, so that the word "odd" stays odd.
#[inline(always)]
fn overdose_spelling(token: &str) -> Option<&'static str> {
    let ending = token.strip_prefix("od").or_else(|| token.strip_prefix("0d"))?;
    match ending {
        "" => Some("overdose"),
        "s" | "'s" => Some("overdoses"),
        "'d" | "'ed" | "ed" | "ded" => Some("overdosed"),
        "'ing" | "'in" | "ing" | "ding" | "in'" => Some("overdosing"),
        _ => None,
    }
}

/// A number and its unit ("200bpm", "10mg"), to be read as two words ("200 bpm") rather than
/// as leetspeak. One digit before letters is still leetspeak ("0d", "1m"), unless the letters
/// are a unit of a dose or of time ("1g", "5mg", "2am").
fn number_and_unit(token: &str) -> Option<(&str, &str)> {
    let digits = token.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = token.split_at(digits);
    let unit_of_one = || ONE_DIGIT_UNITS.contains(&unit);
    (digits >= 1 && !unit.is_empty() && is_plain(unit) && (digits >= 2 || unit_of_one())).then_some((number, unit))
}

/// Units read as units even after a single digit: none of them is a word in leetspeak.
const ONE_DIGIT_UNITS: &[&str] = &[
    "g", "mg", "mcg", "ug", "ml", "gs", "gram", "grams", "oz", "tab", "tabs", "cap", "caps", "bar", "bars", "am", "pm",
    "hr", "hrs", "min", "mins",
];

/// Writes `token` into `out` the way it reads: apostrophes dropped, leetspeak read as letters
/// if the word has any ("n0t" but "911"), runs of one letter squeezed to one ("helppp" →
/// "help", "sleep" → "slep": text and rules are squeezed alike, so doubled letters never
/// decide a match).
fn read_word(token: &str, out: &mut String) {
    if token.bytes().all(|b| b.is_ascii_lowercase()) {
        // Most words: only letters, to squeeze.
        let mut last = 0;
        out.extend(token.bytes().filter(|b| std::mem::replace(&mut last, *b) != *b).map(char::from));
        return;
    }
    let has_letter = token.chars().any(char::is_alphabetic);
    let mut last = None;
    for c in token.chars() {
        let c = match c {
            '\'' => continue,
            '@' | '$' | '!' if !has_letter => continue,
            c if has_letter => leet(c),
            c => c,
        };
        if Some(c) != last || !c.is_alphabetic() {
            out.push(c);
        }
        last = Some(c);
    }
}

/// A message in matching form, and the same words as rule-word ids for the phrase automaton.
/// Kept between messages by its owner, so that reading one costs no allocation.
#[derive(Debug, Default)]
pub struct Normalized {
    /// ` word word `: each word followed by one space, the whole preceded by one.
    pub text: String,
    /// Each word as [`code`] of its id in the vocabulary (0 for a word no rule uses): two bytes
    /// a word instead of five or so, and matches can only start and end between words.
    pub code: Vec<u8>,
    /// Byte offset in `text` of the space before each word, then of the final space.
    pub starts: Vec<usize>,
    /// Kept here only between messages, for their capacity.
    buffers: Buffers,
    not_typos: NotTypos,
}

/// Long words found to be no typo of a rule word, for the normaliser with this id: chat
/// repeats its words, and trying every deletion and swap of "yesterday" costs ~20 lookups.
#[derive(Debug, Default)]
struct NotTypos {
    normalizer: u64,
    words: WordMap<()>,
}

impl NotTypos {
    fn contains(&self, normalizer: u64, word: &str) -> bool {
        self.normalizer == normalizer && self.words.contains(word)
    }

    fn insert(&mut self, normalizer: u64, word: &str) {
        if self.normalizer != normalizer || self.words.len() >= MAX_REMEMBERED {
            self.words.clear();
            self.normalizer = normalizer;
        }
        self.words.insert(word, ());
    }
}

/// The word being read, and scratch space for its transformations.
#[derive(Debug, Default)]
struct Buffers {
    token: String,
    scratch: String,
}

impl Normalized {
    /// The words, in order.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.starts.windows(2).map(|pair| &self.text[pair[0] + 1..pair[1]])
    }

    /// The vocabulary ids of the words, in order.
    pub fn ids(&self) -> impl Iterator<Item = u16> {
        self.code.chunks_exact(2).map(|c| u16::from(c[0] & 0x7F) << 7 | u16::from(c[1]))
    }

    /// Appends a finished word with its vocabulary id.
    fn push(&mut self, word: &str, id: u16) {
        self.starts.push(self.text.len() - 1);
        self.text.push_str(word);
        self.text.push(' ');
        self.code.extend_from_slice(&code(id));
    }
}

/// What an ASCII character is to a word: letters, digits, "@" and "$" can start one ("$5",
/// "@lex"); "'" and "!" can only continue one ("can't", "h!gh").
const ASCII_WORD: [u8; 256] = {
    let mut table = [APART; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'@' || c == b'$' {
            table[b] = STARTS;
        } else if c == b'\'' || c == b'!' {
            table[b] = CONTINUES;
        }
        b += 1;
    }
    table
};
const APART: u8 = 0;
const STARTS: u8 = 1;
const CONTINUES: u8 = 2;

/// Most words the vocabulary can hold: ids are coded in 14 bits.
pub const MAX_VOCABULARY: usize = 1 << 14;

/// A vocabulary id as two bytes, the first with the high bit set and the second without, so
/// that a coded phrase can only match a coded message at a word boundary.
pub fn code(id: u16) -> [u8; 2] {
    [0x80 | (id >> 7) as u8, (id & 0x7F) as u8]
}

/// The words a chat spelling means, each with its vocabulary id (0 for none).
type Meaning = Box<[(Box<str>, u16)]>;

/// What a known word stands for.
#[derive(Debug, Clone, Copy)]
enum Known {
    /// A word of the vocabulary with its id, or a real word no rule uses (id 0): never taken
    /// for a typo of a rule word ("cooking" is no "choking").
    Word(u16),
    /// A chat spelling or listed misspelling, with its own id if it is a vocabulary word too
    /// (else 0), and the index of the words it means in [`Normalizer::meanings`].
    Spelling(u16, u16),
}

/// The normaliser: the fixed steps, plus the words rules use and a table of chat spellings
/// and common misspellings, for correcting text towards them.
#[derive(Debug, Clone, Default)]
pub struct Normalizer {
    /// Every token that appears in a rule or guard, and every chat spelling: one lookup
    /// settles most words of a message.
    lexicon: WordMap<Known>,
    /// What each chat spelling means: words with their ids.
    meanings: Vec<Meaning>,
    /// The vocabulary by id (0 is no word).
    words: Vec<Box<str>>,
    /// Each long vocabulary word with one letter deleted, mapped to the word's id.
    deletions: WordMap<u16>,
    /// Which words a [`NotTypos`] remembers for this vocabulary (0: none, as for `basic`).
    id: u64,
}

impl Normalizer {
    /// A normaliser that corrects text towards `vocabulary`, except `real_words`, and rewrites
    /// `spellings`.
    ///
    /// # Panics
    /// If the vocabulary has more than 16,384 words (the built-in one has a few thousand).
    pub fn new<'a>(
        vocabulary: impl IntoIterator<Item = &'a str>,
        spellings: &[(String, String)],
        real_words: impl IntoIterator<Item = &'a str>,
    ) -> Normalizer {
        let vocabulary: std::collections::BTreeSet<&str> = vocabulary.into_iter().collect();
        assert!(vocabulary.len() < MAX_VOCABULARY, "at most {MAX_VOCABULARY} rule words");
        let mut words: Vec<Box<str>> = vec!["".into()];
        words.extend(vocabulary.iter().map(|w| Box::from(*w)));
        let mut lexicon = WordMap::default();
        for (id, word) in words.iter().enumerate().skip(1) {
            lexicon.insert(word, Known::Word(id as u16));
        }
        let id = |word: &str| match lexicon.get(word) {
            Some(Known::Word(id)) => *id,
            _ => 0,
        };
        let mut meanings = Vec::new();
        let spellings: Vec<(String, Known)> = spellings
            .iter()
            .map(|(from, to)| {
                let mut key = String::new();
                read_word(&from.to_lowercase(), &mut key);
                meanings.push(basic(to).split_whitespace().map(|w| (Box::from(w), id(w))).collect());
                let own = id(&key);
                (key, Known::Spelling(own, (meanings.len() - 1) as u16))
            })
            .collect();
        for (key, known) in spellings {
            lexicon.insert(&key, known);
        }
        let mut key = String::new();
        for word in real_words {
            key.clear();
            read_word(word, &mut key);
            lexicon.insert_new(&key, Known::Word(0));
        }
        let mut deletions = WordMap::default();
        for (id, word) in words.iter().enumerate().filter(|(_, w)| w.len() > MIN_CORRECTED_LEN && w.is_ascii()) {
            for i in 0..word.len() {
                deletions.insert_new(&format!("{}{}", &word[..i], &word[i + 1..]), id as u16);
            }
        }
        Normalizer { lexicon, meanings, words, deletions, id: NEXT_ID.fetch_add(1, Ordering::Relaxed) }
    }

    /// The vocabulary word with this id ("" for 0).
    pub fn word(&self, id: u16) -> &str {
        &self.words[usize::from(id)]
    }

    /// The id of a word the vocabulary was built from (a word of the rules).
    ///
    /// # Panics
    /// If `word` is not in the vocabulary: the caller built it from these words.
    pub fn rule_word_id(&self, word: &str) -> u16 {
        self.word_id(word).expect("every rule word is in the vocabulary")
    }

    /// The id of a vocabulary word, if it is one.
    pub fn word_id(&self, word: &str) -> Option<u16> {
        match self.lexicon.get(word)? {
            Known::Word(id) | Known::Spelling(id, _) => (*id != 0).then_some(*id),
        }
    }

    /// The matching form of `text`, written into `out` (cleared first).
    pub fn normalize_into(&self, text: &str, out: &mut Normalized) {
        out.text.clear();
        out.code.clear();
        out.starts.clear();
        out.text.push(' ');
        let mut buffers = std::mem::take(&mut out.buffers);
        buffers.token.clear();
        if text.is_ascii() {
            // Word by word rather than character by character: most chat is ASCII.
            let bytes = text.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if ASCII_WORD[usize::from(bytes[i])] != STARTS {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < bytes.len() && ASCII_WORD[usize::from(bytes[i])] != APART {
                    i += 1;
                }
                let word = &text[start..i];
                if is_plain(word) && overdose_spelling(word).is_none() {
                    // Most words: nothing to change but maybe their meaning.
                    self.push_word(word, &mut buffers.scratch, out);
                } else {
                    buffers.token.push_str(word);
                    buffers.token.make_ascii_lowercase();
                    self.finish(&mut buffers, out);
                }
            }
        } else if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
            // Most non-ASCII chat is emoji and accents already in NFKC: no need to recompose.
            self.read_all(text.chars(), &mut buffers, out);
        } else {
            self.read_all(text.nfkc(), &mut buffers, out);
        }
        self.finish(&mut buffers, out);
        out.starts.push(out.text.len() - 1);
        out.buffers = buffers;
    }

    /// Reads characters that are not all ASCII: invisibles dropped, lower-cased, quotes made
    /// one apostrophe, look-alikes and accented letters made their plain Latin letter.
    fn read_all(&self, chars: impl Iterator<Item = char>, buffers: &mut Buffers, out: &mut Normalized) {
        for c in chars {
            if c.is_ascii() {
                // Most characters even of these messages.
                self.read(if c == '`' { '\'' } else { c.to_ascii_lowercase() }, buffers, out);
                continue;
            }
            if is_invisible(c) {
                continue;
            }
            for c in c.to_lowercase() {
                let c = match c {
                    '’' | '‘' | '´' | 'ʼ' => '\'',
                    c if c.is_ascii() => c,
                    c => match look_alike(c) {
                        Some(latin) => latin,
                        None => base_letter(c),
                    },
                };
                if c != '\0' {
                    self.read(c, buffers, out);
                }
            }
        }
    }

    /// Reads one lower-cased character: part of a word, or the end of one.
    fn read(&self, c: char, buffers: &mut Buffers, out: &mut Normalized) {
        let inside = !buffers.token.is_empty();
        if c.is_alphanumeric() || matches!(c, '\'' | '!') && inside || matches!(c, '@' | '$') {
            buffers.token.push(c);
        } else {
            if inside {
                self.finish(buffers, out);
            }
            if is_laughing(c) {
                out.push("lol", self.word_id("lol").unwrap_or(0));
            }
        }
    }

    /// The matching form of `text`.
    pub fn normalize(&self, text: &str) -> String {
        let mut out = Normalized::default();
        self.normalize_into(text, &mut out);
        out.text
    }

    /// Ends the current word, `buffers.token` (lower-cased): spells out "od'd", reads
    /// leetspeak, drops apostrophes, squeezes repeated letters, rewrites chat spellings and
    /// corrects small typos; then appends it.
    fn finish(&self, buffers: &mut Buffers, out: &mut Normalized) {
        let Buffers { token, scratch } = buffers;
        // Trailing "!" and "'" belong to the sentence, not the word ("help!!!", "dogs'").
        while token.ends_with(['!', '\'']) {
            token.pop();
        }
        if token.is_empty() {
            return;
        }
        if let Some(word) = overdose_spelling(token) {
            out.push(word, self.word_id(word).unwrap_or(0));
        } else if let Some((number, unit)) = number_and_unit(token) {
            self.push_word(number, scratch, out);
            self.push_word(unit, scratch, out);
        } else if is_plain(token) {
            self.push_word(token, scratch, out);
        } else {
            scratch.clear();
            read_word(token, scratch);
            if !scratch.is_empty() {
                self.push_word(scratch, token, out);
            }
        }
        token.clear();
    }

    /// Appends `word` (read and squeezed) as what it stands for: itself, the words a chat
    /// spelling means, or the rule word a typo was meant to be. `buf` is scratch space.
    fn push_word(&self, word: &str, buf: &mut String, out: &mut Normalized) {
        match self.lexicon.get(word) {
            Some(Known::Word(id)) => out.push(word, *id),
            Some(Known::Spelling(_, meaning)) => {
                self.meanings[usize::from(*meaning)].iter().for_each(|(word, id)| out.push(word, *id))
            }
            None => match self.correct(word, buf, &mut out.not_typos) {
                Some(id) => out.push(self.word(id), id),
                None => out.push(word, 0),
            },
        }
    }

    /// The id of the vocabulary word that `word`, no word of the vocabulary, was meant to be,
    /// if it is a small typo of one. `buf` is scratch space for the candidates.
    fn correct(&self, word: &str, buf: &mut String, not_typos: &mut NotTypos) -> Option<u16> {
        let short = word.len() < MIN_CORRECTED_LEN;
        if !word.is_ascii() || word.len() < 4 || short && !word.ends_with("in") {
            return None;
        }
        // "breathin" → "breathing"
        if word.ends_with("in") {
            buf.clear();
            buf.push_str(word);
            buf.push('g');
            if let Some(id) = self.word_id(buf) {
                return Some(id);
            }
        }
        if short || word.len() > MAX_CORRECTED_LEN || not_typos.contains(self.id, word) {
            return None;
        }
        // A letter missing ("breathng").
        if let Some(id) = self.deletions.get(word) {
            return Some(*id);
        }
        let bytes = word.as_bytes();
        let found = (0..bytes.len()).find_map(|i| {
            // A letter too many ("breathiong").
            buf.clear();
            buf.push_str(&word[..i]);
            buf.push_str(&word[i + 1..]);
            if let Some(id) = self.word_id(buf) {
                return Some(id);
            }
            // Two letters swapped ("breahting").
            if i + 1 < bytes.len() && bytes[i] != bytes[i + 1] {
                buf.clear();
                buf.push_str(&word[..i]);
                buf.push(char::from(bytes[i + 1]));
                buf.push(char::from(bytes[i]));
                buf.push_str(&word[i + 2..]);
                return self.word_id(buf);
            }
            None
        });
        if found.is_none() && self.id != 0 {
            // (`basic` reads rules, not chat: nothing worth remembering.)
            not_typos.insert(self.id, word);
        }
        found
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
            ["breathing", "unresponsive", "overdosing", "not", "he", "choking", "neither"],
            &[("rn".into(), "right now".into()), ("siezure".into(), "seizure".into())],
            ["cooking", "either", "breathing"],
        )
    }

    #[test]
    fn folds_case_width_invisibles_look_alikes_and_accents() {
        let n = normalizer();
        assert_eq!(n.normalize("He’s NOT\u{200B} breathing!!"), " hes not breathing ");
        assert_eq!(n.normalize("ｈｅ ｉｓ ｎｏｔ ｂｒｅａｔｈｉｎｇ"), " he is not breathing ");
        assert_eq!(n.normalize("he is not bre\u{00AD}athing"), " he is not breathing ");
        assert_eq!(n.normalize("hе іs nоt brеаthіng"), " he is not breathing ", "Cyrillic look-alikes");
        assert_eq!(n.normalize("ɪ ᴄᴀɴᴛ ʙʀᴇᴀᴛʜᴇ"), " i cant breathe ", "small capitals");
        assert_eq!(n.normalize("nót bréathing"), " not breathing ");
    }

    #[test]
    fn reads_leetspeak_repeats_and_chat_spellings() {
        let n = normalizer();
        assert_eq!(n.normalize("h3s n0t br3athing rn"), " hes not breathing right now ");
        assert_eq!(n.normalize("helppp she is not breathinggg"), " help she is not breathing ");
        assert_eq!(n.normalize("he od'd, that's odd"), " he overdosed thats od ");
        assert_eq!(n.normalize("h3lp 0d in the bathr00m"), " help overdose in the bathrom ");
        assert_eq!(n.normalize("is 1g too much, took 5mg at 2am"), " is 1 g to much tok 5 mg at 2 am ");
        assert_eq!(n.normalize("heart at 200bpm, took 10mg"), " heart at 200 bpm tok 10 mg ", "numbers and units");
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
        assert_eq!(n.normalize("chokng"), " choking ");
        assert_eq!(n.normalize("cooking"), " coking ", "a real word is no typo, squeezed as it is");
        assert_eq!(n.normalize("either"), " either ", "a real word is no typo");
    }

    #[test]
    fn words_come_with_their_vocabulary_ids_and_offsets() {
        let n = normalizer();
        let mut out = Normalized::default();
        n.normalize_into("He’s NOT breathng rn 😂", &mut out);
        assert_eq!(out.text, " hes not breathing right now lol ");
        assert_eq!(out.words().collect::<Vec<_>>(), ["hes", "not", "breathing", "right", "now", "lol"]);
        let ids: Vec<u16> = out.ids().collect();
        assert_eq!(ids, [0, n.word_id("not").unwrap(), n.word_id("breathing").unwrap(), 0, 0, 0]);
        assert_eq!(out.code.len(), 2 * ids.len());
        assert!(out.code.chunks(2).all(|c| c[0] >= 0x80 && c[1] < 0x80), "a word boundary can't be mistaken");
    }

    #[test]
    fn a_word_that_is_no_typo_for_one_vocabulary_can_be_one_for_another() {
        let other = Normalizer::new(["something"], &[], []);
        let n = normalizer();
        let mut out = Normalized::default();
        for _ in 0..2 {
            other.normalize_into("breathiong", &mut out);
            assert_eq!(out.text, " breathiong ", "no typo of `something`");
            n.normalize_into("breathiong", &mut out);
            assert_eq!(out.text, " breathing ", "still corrected for the rules");
        }
    }
}
