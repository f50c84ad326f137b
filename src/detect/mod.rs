//! Decides whether a chat message reads as a crisis happening now.
//!
//! Rules (phrases for the signs of an overdose) and guards (figurative, resolved, past,
//! general or hypothetical speech) are data in `rules.toml`, compiled into two [`RegexSet`]s
//! so that one pass over a message tests all of them. The text is matched in the form
//! [`normalize`] gives. Only ids leave this module: never the message text.

mod normalize;

use std::fmt;

use regex::RegexSet;
use serde::{Deserialize, Serialize};

pub use normalize::normalize;

/// How urgent a message reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    /// Worry without the signs of an overdose: took too much, feels wrong after mixing.
    Concern,
    /// An overdose or medical crisis happening now.
    Emergency,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::None => "none",
            Level::Concern => "concern",
            Level::Emergency => "emergency",
        })
    }
}

/// What the detector found in one message: the level and the ids of what matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    pub level: Level,
    /// Rules that matched, whether or not a guard then cancelled them.
    pub rules: Vec<&'static str>,
    /// Guards that matched; any guard makes the level `none`.
    pub guards: Vec<&'static str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    rule: Vec<RuleEntry>,
    guard: Vec<GuardEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    id: String,
    level: Level,
    patterns: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardEntry {
    id: String,
    patterns: Vec<String>,
}

/// The compiled rules and guards.
#[derive(Debug, Clone)]
pub struct Detector {
    rules: RegexSet,
    /// For each pattern in `rules`, its rule id and level.
    rule_of: Vec<(&'static str, Level)>,
    guards: RegexSet,
    guard_of: Vec<&'static str>,
}

impl Default for Detector {
    fn default() -> Self {
        Detector::builtin()
    }
}

impl Detector {
    /// The built-in rules. They are tested, so failing to compile them is a build defect.
    pub fn builtin() -> Detector {
        let file: RulesFile =
            toml::from_str(include_str!("rules.toml")).expect("src/detect/rules.toml parses");
        let mut rule_patterns = Vec::new();
        let mut rule_of = Vec::new();
        for rule in file.rule {
            let id: &'static str = Box::leak(rule.id.into_boxed_str());
            for pattern in rule.patterns {
                rule_patterns.push(format!(r"\b(?:{pattern})\b"));
                rule_of.push((id, rule.level));
            }
        }
        let mut guard_patterns = Vec::new();
        let mut guard_of = Vec::new();
        for guard in file.guard {
            let id: &'static str = Box::leak(guard.id.into_boxed_str());
            for pattern in guard.patterns {
                guard_patterns.push(format!(r"\b(?:{pattern})\b"));
                guard_of.push(id);
            }
        }
        Detector {
            rules: RegexSet::new(rule_patterns).expect("built-in rule patterns compile"),
            rule_of,
            guards: RegexSet::new(guard_patterns).expect("built-in guard patterns compile"),
            guard_of,
        }
    }

    /// Reads one chat message.
    pub fn scan(&self, text: &str) -> Detection {
        let normalized = normalize(text);
        let mut rules: Vec<&'static str> = Vec::new();
        let mut level = Level::None;
        for i in self.rules.matches(&normalized).iter() {
            let (id, rule_level) = self.rule_of[i];
            level = level.max(rule_level);
            if !rules.contains(&id) {
                rules.push(id);
            }
        }
        let mut guards: Vec<&'static str> = Vec::new();
        if !rules.is_empty() {
            for i in self.guards.matches(&normalized).iter() {
                if !guards.contains(&self.guard_of[i]) {
                    guards.push(self.guard_of[i]);
                }
            }
        }
        if !guards.is_empty() {
            level = Level::None;
        }
        Detection {
            level,
            rules,
            guards,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(text: &str) -> Level {
        Detector::builtin().scan(text).level
    }

    #[test]
    fn overdose_signs_happening_now_are_emergencies() {
        for text in [
            "my friend is not breathing",
            "HE'S NOT BREATHING",
            "she's turning blue",
            "his lips are blue",
            "he won't wake up",
            "i can't wake her up",
            "i think he's od'ing",
            "she is overdosing help",
            "he is making a gurgling sound",
            "my friend is having a seizure after using",
            "he's not breathing\u{200B}!!",
        ] {
            assert_eq!(level(text), Level::Emergency, "{text}");
        }
    }

    #[test]
    fn worry_without_signs_is_concern() {
        for text in ["i think i took too much", "nodding out hard after that"] {
            assert_eq!(level(text), Level::Concern, "{text}");
        }
    }

    #[test]
    fn figurative_past_resolved_and_general_speech_is_not_an_emergency() {
        for text in [
            "I'm dying of laughter",
            "this beat is killing me",
            "he's breathing fine now",
            "last year my friend overdosed",
            "what are the signs of an overdose?",
            "i cant breathe lmao",
            "after the narcan she's ok",
            "that's odd",
            "those items are expensive",
        ] {
            assert_eq!(level(text), Level::None, "{text}");
        }
    }

    #[test]
    fn reports_rule_ids_not_text() {
        let d = Detector::builtin().scan("he's not breathing");
        assert_eq!(d.rules, ["emergency.not_breathing"]);
        assert!(d.guards.is_empty());
    }
}

#[cfg(test)]
mod properties {
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use super::*;

    static DETECTOR: LazyLock<Detector> = LazyLock::new(Detector::builtin);

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// No message, however strange, makes the detector panic.
        #[test]
        fn any_text_scans_without_panic(text in any::<String>()) {
            let _ = DETECTOR.scan(&text);
        }

        /// Invisible characters and case never hide a crisis.
        #[test]
        fn invisible_characters_and_case_do_not_hide_a_crisis(
            gaps in proptest::collection::vec(prop_oneof![Just(""), Just("\u{200B}"), Just("\u{FEFF}"), Just("\u{2060}")], 18),
            upper in proptest::collection::vec(any::<bool>(), 18),
        ) {
            let text: String = "hes not breathing".chars().zip(gaps.iter().zip(&upper)).map(|(c, (gap, up))| {
                let c = if *up { c.to_ascii_uppercase() } else { c };
                format!("{c}{gap}")
            }).collect();
            prop_assert_eq!(DETECTOR.scan(&text).level, Level::Emergency, "{:?}", text);
        }
    }

    #[test]
    fn a_megabyte_message_scans_without_panic() {
        let text = "not breathing ".repeat(75_000);
        assert_eq!(DETECTOR.scan(&text).level, Level::Emergency);
    }
}
