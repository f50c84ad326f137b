//! A map from words to values, for the lookups the normaliser makes on every word of every
//! message. A word of up to seven bytes (most chat words) is one integer key: hashed with one
//! multiplication and compared without following a pointer to its letters, which on a
//! vocabulary of thousands of words is a cache miss saved per word.

use rustc_hash::FxHashMap;

/// Words to values: short words by [`packed`] key, longer ones by their text.
#[derive(Debug, Clone)]
pub struct WordMap<V> {
    short: FxHashMap<u64, V>,
    long: FxHashMap<Box<str>, V>,
}

impl<V> Default for WordMap<V> {
    fn default() -> Self {
        WordMap { short: FxHashMap::default(), long: FxHashMap::default() }
    }
}

impl<V> WordMap<V> {
    pub fn get(&self, word: &str) -> Option<&V> {
        match packed(word) {
            Some(key) => self.short.get(&key),
            None => self.long.get(word),
        }
    }

    pub fn contains(&self, word: &str) -> bool {
        self.get(word).is_some()
    }

    /// Sets `word` to `value`, replacing what it had.
    pub fn insert(&mut self, word: &str, value: V) {
        match packed(word) {
            Some(key) => self.short.insert(key, value),
            None => self.long.insert(word.into(), value),
        };
    }

    /// Sets `word` to `value` unless it has one already.
    pub fn insert_new(&mut self, word: &str, value: V) {
        match packed(word) {
            Some(key) => self.short.entry(key).or_insert(value),
            None => self.long.entry(word.into()).or_insert(value),
        };
    }

    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    pub fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }
}

/// A word of at most seven bytes as one number: its bytes, and its length in the top byte
/// (so that "a" and "a\0" differ). Read as two overlapping loads rather than copied byte by
/// byte to the stack, which costs a stalled load on every word.
fn packed(word: &str) -> Option<u64> {
    let b = word.as_bytes();
    let n = b.len();
    let bytes = match n {
        0 => 0,
        1 => u64::from(b[0]),
        2..=3 => {
            u64::from(u16::from_le_bytes([b[0], b[1]]))
                | u64::from(u16::from_le_bytes([b[n - 2], b[n - 1]])) << (8 * (n - 2))
        }
        4..=7 => {
            u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                | u64::from(u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]])) << (8 * (n - 4))
        }
        _ => return None,
    };
    Some(bytes | (n as u64) << 56)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_words_are_found_and_only_they() {
        let mut map = WordMap::default();
        let words = ["a", "a\0", "on", "one", "ones", "breath", "breathe", "breathing", "breathin"];
        for (i, word) in words.into_iter().enumerate() {
            map.insert(word, i);
        }
        for (i, word) in words.into_iter().enumerate() {
            assert_eq!(map.get(word), Some(&i), "{word:?}");
        }
        for word in ["", "b", "a\0\0", "no", "eno", "onse", "breaths", "breathings"] {
            assert_eq!(map.get(word), None, "{word:?}");
        }
        map.insert_new("a", 9);
        assert_eq!(map.get("a"), Some(&0), "insert_new keeps the first value");
        assert_eq!(map.len(), words.len());
    }
}
