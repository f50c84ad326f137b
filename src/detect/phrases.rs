//! Moderators' own crisis phrases: plain words, or a regular expression for those who need
//! one. Both are checked when added, so a bad phrase is refused with a clear reason instead
//! of breaking detection for the community.

use serde::{Deserialize, Serialize};

use super::Level;
use super::normalize::basic;

/// Longest phrase, in characters.
pub const MAX_PHRASE_LEN: usize = 200;
/// Most phrases one community may add.
pub const MAX_PHRASES: usize = 1_000;
/// Compiled size allowed per regular expression, in bytes.
pub const REGEX_SIZE_LIMIT: usize = 64 * 1024;

/// One phrase a community added, and the level it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)] // a typo in an imported file is an error, not a lost field
pub struct CustomPhrase {
    pub text: String,
    pub level: Level,
    /// A regular expression, matched against the normalised text (lower case, no punctuation).
    #[serde(default)]
    pub regex: bool,
}

/// Why a phrase was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhraseError {
    #[error("a phrase is 3 to {MAX_PHRASE_LEN} characters")]
    Length,
    #[error("a phrase needs at least one word of letters or digits")]
    NoWords,
    #[error("a phrase must mean concern or emergency, not none")]
    NoLevel,
    #[error("that regular expression is not valid: {0}")]
    InvalidRegex(String),
    #[error("that regular expression matches every message; make it more specific")]
    MatchesEverything,
    #[error("the phrases are too large to compile together: {0}")]
    TooBig(String),
}

impl CustomPhrase {
    /// Checks the phrase on its own: length, words, and (for a regex) that it compiles within
    /// the size limit and does not match empty text.
    pub fn validate(&self) -> Result<(), PhraseError> {
        let len = self.text.chars().count();
        if !(3..=MAX_PHRASE_LEN).contains(&len) {
            return Err(PhraseError::Length);
        }
        if self.level == Level::None {
            return Err(PhraseError::NoLevel);
        }
        if !self.regex {
            return if basic(&self.text).trim().is_empty() { Err(PhraseError::NoWords) } else { Ok(()) };
        }
        let regex = regex::RegexBuilder::new(&self.text)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| PhraseError::InvalidRegex(e.to_string().lines().last().unwrap_or("").trim().to_string()))?;
        if regex.is_match(" ") || regex.is_match(" a ") {
            return Err(PhraseError::MatchesEverything);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(text: &str, regex: bool) -> CustomPhrase {
        CustomPhrase { text: text.into(), level: Level::Emergency, regex }
    }

    #[test]
    fn refuses_bad_phrases_with_a_reason() {
        assert_eq!(phrase("ok", false).validate(), Err(PhraseError::Length));
        assert_eq!(phrase(&"a".repeat(201), false).validate(), Err(PhraseError::Length));
        assert_eq!(phrase("!!! ???", false).validate(), Err(PhraseError::NoWords));
        assert!(matches!(phrase("(unclosed", true).validate(), Err(PhraseError::InvalidRegex(_))));
        assert_eq!(phrase(".{0,9}", true).validate(), Err(PhraseError::MatchesEverything));
        assert!(matches!(phrase("a{1000}{1000}", true).validate(), Err(PhraseError::InvalidRegex(_))), "size limit");
        assert_eq!(
            CustomPhrase { level: Level::None, ..phrase("man down", false) }.validate(),
            Err(PhraseError::NoLevel)
        );
        assert_eq!(phrase("man down", false).validate(), Ok(()));
        assert_eq!(phrase(r"code (red|blue)", true).validate(), Ok(()));
    }
}
