//! Everything Harbor says, loaded from `responses/` and validated before use.
//!
//! The defaults are embedded in the binary; `--responses DIR` replaces them with a directory of
//! the same layout. Loading validates everything (see [`validate`]), so a running bot never
//! holds content that breaks Discord's limits or the voice rules.

mod files;
mod messages;
mod raw;
mod render;
pub mod resource;
pub mod text;
mod validate;
pub mod voice;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

pub use files::{ContentSource, SourceFile};
pub use messages::{GLOBAL_PLACEHOLDERS, Messages, Msg};
pub use render::{combo_details, resource_lines, sources_section};
pub use validate::{Diagnostic, MAX_ECHO, MAX_IDS, MAX_LIST};

use crate::reply::Section;

/// Topics that must exist, each answering the command of the same name.
pub const REQUIRED_TOPICS: &[&str] = &[
    "principles",
    "support",
    "overdose",
    "overdose-opioid",
    "overdose-stimulant",
    "overdose-mixed",
    "naloxone",
    "testing",
    "dontusealone",
    "injecting",
    "moud",
    "goodsamaritan",
];

/// The longest emergency number a region file or a moderator may set.
pub const MAX_EMERGENCY_LEN: usize = 32;

/// A kind of local or national service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Naloxone,
    SyringeServices,
    DrugChecking,
    Treatment,
    CrisisLine,
    NeverUseAlone,
    PeerSupport,
    Medical,
    HousingFood,
    Other,
}

impl Category {
    pub const ALL: &'static [Category] = &[
        Category::Naloxone,
        Category::SyringeServices,
        Category::DrugChecking,
        Category::Treatment,
        Category::CrisisLine,
        Category::NeverUseAlone,
        Category::PeerSupport,
        Category::Medical,
        Category::HousingFood,
        Category::Other,
    ];

    /// The id used in files and commands: `syringe-services`.
    pub fn id(self) -> &'static str {
        match self {
            Category::Naloxone => "naloxone",
            Category::SyringeServices => "syringe-services",
            Category::DrugChecking => "drug-checking",
            Category::Treatment => "treatment",
            Category::CrisisLine => "crisis-line",
            Category::NeverUseAlone => "never-use-alone",
            Category::PeerSupport => "peer-support",
            Category::Medical => "medical",
            Category::HousingFood => "housing-food",
            Category::Other => "other",
        }
    }

    /// Parses an id, ignoring case and accepting spaces or underscores for dashes.
    pub fn parse(text: &str) -> Option<Category> {
        let wanted = text::lookup_key(text).replace([' ', '_'], "-");
        Category::ALL.iter().copied().find(|c| c.id() == wanted)
    }
}

/// How risky a combination is, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rating {
    LowRisk,
    Caution,
    Unsafe,
    Dangerous,
}

impl Rating {
    fn parse(text: &str) -> Option<Rating> {
        match text {
            "low-risk" => Some(Rating::LowRisk),
            "caution" => Some(Rating::Caution),
            "unsafe" => Some(Rating::Unsafe),
            "dangerous" => Some(Rating::Dangerous),
            _ => None,
        }
    }

    /// The message holding this rating's label.
    pub fn label(self) -> Msg {
        match self {
            Rating::LowRisk => Msg::RatingLowRisk,
            Rating::Caution => Msg::RatingCaution,
            Rating::Unsafe => Msg::RatingUnsafe,
            Rating::Dangerous => Msg::RatingDangerous,
        }
    }
}

/// Where a topic's facts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub url: Option<String>,
}

/// One topic: a short summary first, details in sections.
#[derive(Debug, Clone)]
pub struct Topic {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub sections: Vec<Section>,
    /// Overdose topics: the summary begins with the action and the emergency number.
    pub emergency: bool,
    /// Categories of services listed under the text.
    pub resources: Vec<Category>,
    pub sources: Vec<Source>,
    pub reviewed: String,
}

/// Safer-use notes for one substance: a topic plus what it is called and its class.
#[derive(Debug, Clone)]
pub struct Substance {
    pub topic: Topic,
    /// The class used by combinations, such as `opioids`.
    pub class: String,
    pub aliases: Vec<String>,
}

/// The risk of taking two classes of substances together.
#[derive(Debug, Clone)]
pub struct Combo {
    pub rating: Rating,
    pub why: String,
    pub if_mixing: String,
}

/// A service people can reach: a national default from `responses/regions/`, or a local one
/// moderators added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)] // a typo in an imported file is an error, not a lost field
pub struct Resource {
    pub name: String,
    pub category: Category,
    pub area: Option<String>,
    pub phone: Option<String>,
    pub url: Option<String>,
    pub hours: Option<String>,
    pub notes: Option<String>,
}

/// A region: its emergency number and national services.
#[derive(Debug, Clone)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub emergency: String,
    pub resources: Vec<Resource>,
    pub sources: Vec<Source>,
}

/// The whole validated content set.
#[derive(Debug, Clone)]
pub struct Content {
    pub messages: Messages,
    topics: BTreeMap<String, Topic>,
    substances: Vec<Substance>,
    substance_keys: HashMap<String, usize>,
    combos: HashMap<(String, String), Combo>,
    combo_sources: Vec<Source>,
    combo_reviewed: String,
    regions: Vec<Region>,
    region_keys: HashMap<String, usize>,
}

/// Why content could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read content: {0}")]
    Io(#[from] std::io::Error),
    #[error("content has {} problem(s); run `harbor check` to see them", .0.len())]
    Invalid(Vec<Diagnostic>),
}

impl Content {
    /// Reads and validates a content set.
    pub fn load(source: &ContentSource) -> Result<Content, LoadError> {
        Content::from_files(&source.read()?).map_err(LoadError::Invalid)
    }

    /// The defaults compiled into the binary. They are validated by the test suite and CI, so a
    /// failure here is a build defect, not a user error.
    pub fn embedded() -> Content {
        Content::load(&ContentSource::Embedded).expect("the embedded responses/ are valid (see `harbor check`)")
    }

    /// Validates files and builds the content set, or lists every problem found.
    pub fn from_files(files: &[SourceFile]) -> Result<Content, Vec<Diagnostic>> {
        validate::validate(files)
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.get(id)
    }

    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.values()
    }

    pub fn substances(&self) -> &[Substance] {
        &self.substances
    }

    /// The substance whose id, name or alias is `query`, ignoring case and spacing.
    pub fn substance(&self, query: &str) -> Option<&Substance> {
        self.substance_keys.get(&text::lookup_key(query)).map(|&i| &self.substances[i])
    }

    /// Up to three substances whose names or aliases are close to `query`, best first.
    pub fn suggest(&self, query: &str) -> Vec<&Substance> {
        let query = text::lookup_key(query);
        let mut scored: Vec<(f64, usize)> = self
            .substance_keys
            .iter()
            .map(|(key, &i)| (strsim::jaro_winkler(&query, key), i))
            .filter(|(score, _)| *score >= 0.82)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out: Vec<&Substance> = Vec::new();
        for (_, i) in scored {
            let candidate = &self.substances[i];
            if !out.iter().any(|s| s.topic.id == candidate.topic.id) {
                out.push(candidate);
            }
            if out.len() == 3 {
                break;
            }
        }
        out
    }

    /// The rating for two classes, in either order.
    pub fn combo(&self, a: &str, b: &str) -> Option<&Combo> {
        self.combos.get(&pair_key(a, b))
    }

    /// Where the combination ratings come from, and when they were last reviewed.
    pub fn combo_sources(&self) -> (&[Source], &str) {
        (&self.combo_sources, &self.combo_reviewed)
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The region whose code, name or alias is `query`, ignoring case.
    pub fn region(&self, query: &str) -> Option<&Region> {
        self.region_keys.get(&text::lookup_key(query)).map(|&i| &self.regions[i])
    }
}

/// The key of an unordered pair of classes.
fn pair_key(a: &str, b: &str) -> (String, String) {
    if a <= b { (a.to_string(), b.to_string()) } else { (b.to_string(), a.to_string()) }
}
