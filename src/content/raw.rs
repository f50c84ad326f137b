//! The files as written, with the position of every value, so that validation can name the
//! file and line of each problem. [`super::validate`] turns these into the model types.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub type Text = Spanned<String>;

/// `topics/<id>.toml` and `substances/<id>.toml` share this shape; a topic has a `title`,
/// a substance a `name`, `class` and `aliases` (checked in validation).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicFile {
    pub title: Option<Text>,
    pub name: Option<Text>,
    pub class: Option<Text>,
    #[serde(default)]
    pub aliases: Vec<Text>,
    pub reviewed: Option<Text>,
    #[serde(default)]
    pub emergency: bool,
    #[serde(default)]
    pub resources: Vec<Text>,
    pub summary: Text,
    #[serde(default)]
    pub sections: Vec<SectionFile>,
    #[serde(default)]
    pub sources: Vec<SourceEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFile {
    pub title: Text,
    pub body: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    pub name: Text,
    pub url: Option<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CombosFile {
    pub reviewed: Option<Text>,
    #[serde(default)]
    pub sources: Vec<SourceEntry>,
    #[serde(default)]
    pub combo: Vec<ComboEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComboEntry {
    pub a: Text,
    pub b: Text,
    pub rating: Text,
    pub why: Text,
    pub if_mixing: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionFile {
    pub name: Text,
    #[serde(default)]
    pub aliases: Vec<Text>,
    pub emergency: Text,
    pub reviewed: Option<Text>,
    #[serde(default)]
    pub resources: Vec<ResourceEntry>,
    #[serde(default)]
    pub sources: Vec<SourceEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceEntry {
    pub name: Text,
    pub category: Text,
    pub area: Option<Text>,
    pub phone: Option<Text>,
    pub url: Option<Text>,
    pub hours: Option<Text>,
    pub notes: Option<Text>,
}

/// `messages.toml`: a `[messages]` table of texts and a `[categories]` table of names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessagesFile {
    pub messages: BTreeMap<String, Text>,
    pub categories: BTreeMap<String, Text>,
}
