//! The voice rules that code can check: stigmatising words (see `shared/CONTENT.md`).
//!
//! They are errors in content files and warnings in moderators' own wording.

use std::sync::LazyLock;

use regex::Regex;

static STIGMA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(addicts?|junk(?:ie|y|ies)|abusers?|drug abuse|substance abuse|clean|dirty|crackheads?|tweakers?|drugg(?:ie|y|ies))\b",
    )
    .expect("the stigma pattern is valid")
});

/// A stigmatising term found in a text: the term as written and its byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StigmaTerm {
    pub term: String,
    pub offset: usize,
}

/// Every stigmatising term in `text`, in order.
pub fn stigma_terms(text: &str) -> Vec<StigmaTerm> {
    STIGMA.find_iter(text).map(|m| StigmaTerm { term: m.as_str().to_string(), offset: m.start() }).collect()
}

/// What to say instead, shown with every finding.
pub const STIGMA_ADVICE: &str = "use person-first words: \"people who use drugs\", \"substance use\", \"new\"/\"sterile\"/\"used\" for supplies, \"positive\"/\"negative\" for tests";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_stigma_words_as_whole_words_only() {
        let found: Vec<_> =
            stigma_terms("Addicts and a junkie; drug abuse; clean needles").into_iter().map(|t| t.term).collect();
        assert_eq!(found, ["Addicts", "junkie", "drug abuse", "clean"]);
        assert!(stigma_terms("addiction services, cleaner, a dirtbike").is_empty());
    }
}
