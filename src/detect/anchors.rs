//! Anchors: words one of which a message must hold for a set of phrases to fire a rule. Most
//! chat holds none, and then the phrase automaton and the guards need not run at all; this
//! check runs on every message of every channel, so it is a table lookup or two per word.

use rustc_hash::{FxHashMap, FxHashSet};

use super::Tag;
use super::normalize::{MAX_VOCABULARY, Normalized, Normalizer};

/// In [`Anchors::Ids`]: the word is an anchor.
const ANCHOR_WORD: u8 = 1;
/// In [`Anchors::Ids`]: the word ends an anchor pair.
const ENDS_PAIR: u8 = 2;
/// In [`Anchors::Ids`]: the word is, or ends, an anchor of a side of a `near` pair.
const NEAR_SIDE: u8 = 4;
/// Bits in a [`Anchors::Words`] sketch.
const SKETCH_BITS: usize = 1 << 16;

/// Words one of which every message that can fire a rule of a phrase set holds.
#[derive(Debug)]
pub enum Anchors {
    /// By vocabulary id (built-in rules): for each word whether it is an anchor, whether it
    /// ends an anchor pair and whether it is or ends an anchor of a side of a `near` pair; the
    /// pairs (as [`pair_key`]s); and the near sides' anchors, as a bit per near pair on each side.
    Ids { words: Box<[u8]>, pairs: FxHashSet<u32>, sides: FxHashMap<Anchor, [u64; 2]> },
    /// As text (a community's phrases): the [`anchor`] of each, and a bit per [`sketch`] of
    /// them, so that most words are ruled out without hashing them.
    Words { sketch: Box<[u64]>, words: FxHashSet<Box<str>> },
}

/// One anchor of a built-in phrase, by vocabulary ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Anchor {
    Word(u16),
    /// Two words, one right after the other.
    Pair(u16, u16),
}

impl Anchors {
    /// The anchors of the built-in rules (phrases in matching form, words all in `normalizer`'s
    /// vocabulary): each rule phrase gives its one word if it has only one, else its
    /// neighbouring pair with the fewest `everyday` words (then the longest). Every pair of a
    /// phrase is in any message the phrase matches, and pairs are rare in everyday chat where
    /// single words are not ("check", "watching"). A rule of `near` pairs needs an anchor of
    /// each side of one pair: "felt" alone, or "methadone" alone, is no reason to look closer.
    pub fn of_rules(phrases: &[(String, Tag)], everyday: &FxHashSet<String>, normalizer: &Normalizer) -> Anchors {
        let id = |word: &str| normalizer.rule_word_id(word);
        let phrase_anchor = |phrase: &str| -> Anchor {
            let words: Vec<&str> = phrase.split_whitespace().collect();
            let best = words.windows(2).min_by_key(|pair| {
                let everyday_words = pair.iter().filter(|w| everyday.contains(**w)).count();
                (everyday_words, std::cmp::Reverse(pair[0].len() + pair[1].len()))
            });
            match best {
                Some(pair) => Anchor::Pair(id(pair[0]), id(pair[1])),
                None => Anchor::Word(id(phrase.trim())),
            }
        };
        let mut anchors = Vec::new();
        let mut sides: FxHashMap<Anchor, [u64; 2]> = Default::default();
        let mut near_pairs: FxHashMap<(usize, u16), u64> = Default::default();
        for (phrase, tag) in phrases {
            match *tag {
                Tag::Rule(_) => anchors.push(phrase_anchor(phrase)),
                Tag::Near(rule, pair, side) => {
                    // One bit per near pair; pairs past the 64th share bits, which can only
                    // make a message look closer, never miss one.
                    let count = near_pairs.len() as u64;
                    let bit = *near_pairs.entry((rule, pair)).or_insert(1 << (count % 64));
                    sides.entry(phrase_anchor(phrase)).or_default()[usize::from(side)] |= bit;
                }
                Tag::Context(_) | Tag::Guard(_) | Tag::Unless(_) | Tag::Except(_) | Tag::Now => {}
            }
        }
        let mut words = vec![0; MAX_VOCABULARY];
        let mut pairs = FxHashSet::default();
        for anchor in anchors {
            match anchor {
                Anchor::Word(word) => words[usize::from(word)] |= ANCHOR_WORD,
                Anchor::Pair(first, second) => {
                    words[usize::from(second)] |= ENDS_PAIR;
                    pairs.insert(pair_key(first, second));
                }
            }
        }
        for anchor in sides.keys() {
            let (Anchor::Word(last) | Anchor::Pair(_, last)) = *anchor;
            words[usize::from(last)] |= NEAR_SIDE;
        }
        Anchors::Ids { words: words.into(), pairs, sides }
    }

    /// The anchors of phrases in matching form: the [`anchor`] of each.
    pub fn of_words<'a>(phrases: impl IntoIterator<Item = &'a str>, everyday: &FxHashSet<String>) -> Anchors {
        let words: FxHashSet<Box<str>> = phrases.into_iter().map(|p| anchor(p, everyday).into()).collect();
        let mut sketch = vec![0; SKETCH_BITS / 64];
        for word in &words {
            let bit = self::sketch(word);
            sketch[bit / 64] |= 1 << (bit % 64);
        }
        Anchors::Words { sketch: sketch.into(), words }
    }

    /// Whether the message holds one of these anchors.
    pub fn anchored(&self, normalized: &Normalized) -> bool {
        match self {
            Anchors::Ids { words, pairs, sides } => {
                let mut last = 0;
                // The near pairs with an anchor seen on each side.
                let mut seen = [0u64; 2];
                normalized.ids().any(|id| {
                    let before = std::mem::replace(&mut last, id);
                    let flags = words[usize::from(id)];
                    if flags & NEAR_SIDE != 0 {
                        for anchor in [Anchor::Word(id), Anchor::Pair(before, id)] {
                            if let Some(bits) = sides.get(&anchor) {
                                seen = [seen[0] | bits[0], seen[1] | bits[1]];
                            }
                        }
                    }
                    flags & ANCHOR_WORD != 0
                        || flags & ENDS_PAIR != 0 && pairs.contains(&pair_key(before, id))
                        || seen[0] & seen[1] != 0
                })
            }
            Anchors::Words { sketch, words } => normalized.words().any(|word| {
                let bit = self::sketch(word);
                sketch[bit / 64] & 1 << (bit % 64) != 0 && words.contains(word)
            }),
        }
    }
}

/// Two neighbouring words' ids as one number.
fn pair_key(first: u16, second: u16) -> u32 {
    u32::from(first) << 16 | u32::from(second)
}

/// A number below [`SKETCH_BITS`] from a word's length and its first, middle and last bytes:
/// cheaper than a hash, and words that differ there differ in it most of the time.
fn sketch(word: &str) -> usize {
    let bytes = word.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else { return 0 };
    let key = u32::from(*first)
        | u32::from(bytes[bytes.len() / 2]) << 8
        | u32::from(*last) << 16
        | (bytes.len() as u32) << 24;
    (key.wrapping_mul(0x9E37_79B1) >> 16) as usize
}

/// The word of a phrase a message must contain for the phrase to match: its longest word
/// that is not an `everyday` one (or its longest word, if all are).
fn anchor<'a>(phrase: &'a str, everyday: &FxHashSet<String>) -> &'a str {
    let words = || phrase.split_whitespace();
    words()
        .filter(|w| !everyday.contains(*w))
        .max_by_key(|w| w.len())
        .or_else(|| words().max_by_key(|w| w.len()))
        .unwrap_or("")
}
