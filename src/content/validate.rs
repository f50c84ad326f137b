//! Turns the raw files into the model, collecting every problem with the file and line it is on.
//!
//! Everything `shared/CONTENT.md` asks the code to check is here: each file parses, every
//! required topic and message exists, sources and review dates are present, every text fits
//! Discord's limits after its placeholders are filled with the longest values they can take,
//! and no stigmatising word is used.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::de::DeserializeOwned;

use super::raw::{self, Text};
use super::text::{line_of, lookup_key, placeholders, worst_len};
use super::voice::{STIGMA_ADVICE, stigma_terms};
use super::{
    Category, Combo, Content, GLOBAL_PLACEHOLDERS, MAX_EMERGENCY_LEN, Messages, Msg, REQUIRED_TOPICS, Rating, Region,
    Resource, Source, SourceFile, Substance, Topic, pair_key, render, resource,
};
use crate::limits;
use crate::reply::Section;

/// Sections a topic may have: Discord allows 25 fields, and sources and services take two.
pub const MAX_SECTIONS: usize = 20;
/// Longest echo of user input inside a reply (longer input is cut).
pub const MAX_ECHO: usize = 40;
/// Longest list of phrases inside a reply; longer lists are cut.
pub const MAX_LIST: usize = 1_200;
/// Longest list of rule or guard ids inside a reply; longer lists are cut.
pub const MAX_IDS: usize = 400;

/// One problem in the content, at a file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: error: {}", self.file, self.line, self.message)
    }
}

static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$").expect("valid date pattern"));
static ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z0-9][a-z0-9-]*$").expect("valid id pattern"));

/// A file and what was parsed from it.
struct Parsed<'f, T> {
    file: &'f SourceFile,
    id: String,
    data: T,
}

/// The longest value each placeholder can take, for measuring texts.
struct Maxima(HashMap<&'static str, usize>);

impl Maxima {
    fn get(&self, name: &str) -> usize {
        self.0.get(name).copied().unwrap_or(0)
    }
}

struct Validator {
    diags: Vec<Diagnostic>,
    root: String,
}

pub fn validate(files: &[SourceFile]) -> Result<Content, Vec<Diagnostic>> {
    let root = files.first().and_then(|f| f.display.strip_suffix(&f.rel)).unwrap_or("responses/").to_string();
    let mut v = Validator { diags: Vec::new(), root };

    let mut messages_file = None;
    let mut combos_file = None;
    let mut topic_files = Vec::new();
    let mut substance_files = Vec::new();
    let mut region_files = Vec::new();
    for file in files {
        let rel = file.rel.as_str();
        let stem = rel.rsplit('/').next().unwrap_or(rel).trim_end_matches(".toml").to_string();
        match rel.split_once('/').map_or(("", rel), |(dir, _)| (dir, rel)) {
            ("", "messages.toml") => messages_file = v.parse::<raw::MessagesFile>(file).map(|d| (file, d)),
            ("", "combos.toml") => combos_file = v.parse::<raw::CombosFile>(file).map(|d| (file, d)),
            ("topics", _) => v.push_parsed(file, stem, &mut topic_files),
            ("substances", _) => v.push_parsed(file, stem, &mut substance_files),
            ("regions", _) => v.push_parsed(file, stem, &mut region_files),
            _ => v.error(
                file,
                0,
                "unexpected file: content is messages.toml, combos.toml, topics/, substances/ and regions/",
            ),
        }
    }
    if messages_file.is_none() {
        v.missing("messages.toml", "messages.toml is missing or unreadable");
    }
    if combos_file.is_none() {
        v.missing("combos.toml", "combos.toml is missing or unreadable");
    }

    let maxima = maxima(messages_file.as_ref().map(|(_, m)| m), &substance_files, &region_files);
    let messages = messages_file.map(|(file, m)| v.messages(file, m, &maxima));
    let regions: Vec<Region> = region_files.iter().filter_map(|p| v.region(p, &maxima)).collect();
    let topics: Vec<Topic> = topic_files.iter().filter_map(|p| v.topic(p, &maxima)).collect();
    let substances: Vec<Substance> = substance_files.iter().filter_map(|p| v.substance(p, &maxima)).collect();

    for id in REQUIRED_TOPICS {
        if !topics.iter().any(|t| t.id == *id) {
            v.missing(&format!("topics/{id}.toml"), &format!("required topic `{id}` is missing or could not be read"));
        }
    }
    let substance_keys = v.substance_keys(&substance_files, &topics);
    let region_keys = v.region_keys(&region_files);
    let titles = messages.as_ref().map_or_else(Default::default, |m| {
        (m.template(Msg::ComboWhyTitle).to_string(), m.template(Msg::ComboIfMixingTitle).to_string())
    });
    let (combos, combo_sources, combo_reviewed) = match &combos_file {
        Some((file, data)) => v.combos(file, data, &substance_files, &titles, &maxima),
        None => (HashMap::new(), Vec::new(), String::new()),
    };
    let all_topics: Vec<&Topic> = topics.iter().chain(substances.iter().map(|s| &s.topic)).collect();
    v.rendered_resources(&all_topics, &regions);

    match messages {
        Some(messages) if v.diags.is_empty() => Ok(Content {
            messages,
            topics: topics.into_iter().map(|t| (t.id.clone(), t)).collect(),
            substances,
            substance_keys,
            combos,
            combo_sources,
            combo_reviewed,
            regions,
            region_keys,
        }),
        _ => Err(v.diags),
    }
}

/// The longest value of each placeholder, from the content itself.
fn maxima(
    messages: Option<&raw::MessagesFile>,
    substances: &[Parsed<'_, raw::TopicFile>],
    regions: &[Parsed<'_, raw::RegionFile>],
) -> Maxima {
    let message_len = |key: &str| messages.and_then(|m| m.messages.get(key)).map_or(0, |t| limits::len(t.get_ref()));
    let emergency = regions
        .iter()
        .map(|r| limits::len(r.data.emergency.get_ref()))
        .chain([MAX_EMERGENCY_LEN, message_len(Msg::EmergencyUnset.key())])
        .max()
        .unwrap_or(0);
    let region = regions
        .iter()
        .map(|r| limits::len(r.data.name.get_ref()))
        .chain([message_len(Msg::RegionUnset.key())])
        .max()
        .unwrap_or(0);
    let names: Vec<usize> =
        substances.iter().map(|s| s.data.name.as_ref().map_or(0, |n| limits::len(n.get_ref()))).collect();
    let longest_name = names.iter().copied().max().unwrap_or(0);
    let category_labels: usize =
        messages.map_or(0, |m| m.categories.values().map(|t| limits::len(t.get_ref()) + 2).sum());
    Maxima(HashMap::from([
        ("emergency", emergency),
        ("region", region),
        ("names", names.iter().map(|n| n + 2).sum()),
        ("suggestions", 3 * (longest_name + 2)),
        ("regions", regions.iter().map(|r| r.id.len() + limits::len(r.data.name.get_ref()) + 5).sum()),
        ("categories", category_labels + Category::ALL.iter().map(|c| c.id().len() + 5).sum::<usize>()),
        (
            "category",
            messages.map_or(0, |m| m.categories.values().map(|t| limits::len(t.get_ref())).max().unwrap_or(0)),
        ),
        ("input", MAX_ECHO),
        ("command", MAX_ECHO),
        ("id", MAX_ECHO),
        ("max", 6),
        ("len", 6),
        ("reviewed", 10),
        ("region_code", 12),
        ("overrides", 600),
        ("terms", 200),
        ("phrases", MAX_LIST),
        ("reason", 200),
        ("level", 9),
        ("rules", MAX_IDS),
        ("guards", MAX_IDS),
        ("n", 4),
        ("name", resource::MAX_NAME),
        ("resources", MAX_LIST),
        ("changes", MAX_LIST),
    ]))
}

impl Validator {
    fn error(&mut self, file: &SourceFile, offset: usize, message: impl Into<String>) {
        let line = line_of(&file.text, offset);
        self.diags.push(Diagnostic { file: file.display.clone(), line, message: message.into() });
    }

    /// A problem with a file that does not exist.
    fn missing(&mut self, rel: &str, message: &str) {
        self.diags.push(Diagnostic { file: format!("{}{rel}", self.root), line: 1, message: message.to_string() });
    }

    fn parse<T: DeserializeOwned>(&mut self, file: &SourceFile) -> Option<T> {
        match toml::from_str::<T>(&file.text) {
            Ok(data) => Some(data),
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                self.error(file, offset, e.message().trim().to_string());
                None
            }
        }
    }

    fn push_parsed<'f, T: DeserializeOwned>(&mut self, file: &'f SourceFile, id: String, out: &mut Vec<Parsed<'f, T>>) {
        if !ID.is_match(&id) {
            self.error(file, 0, format!("file name `{id}` must be lower-case letters, digits and dashes"));
        }
        if let Some(data) = self.parse(file) {
            out.push(Parsed { file, id, data });
        }
    }

    /// The line of `needle` inside a value's source span (falls back to the value's start).
    fn offset_in(file: &SourceFile, span: Range<usize>, needle: &str) -> usize {
        let raw = file.text.get(span.clone()).unwrap_or("").to_lowercase();
        raw.find(&needle.to_lowercase()).map_or(span.start, |i| span.start + i)
    }

    /// Checks one text: not empty, known placeholders, no stigma, within `limit` once filled.
    fn text(
        &mut self,
        file: &SourceFile,
        t: &Text,
        what: &str,
        limit: usize,
        allowed: &[&str],
        maxima: &Maxima,
    ) -> String {
        let value = t.get_ref().trim();
        if value.is_empty() {
            self.error(file, t.span().start, format!("{what} is empty"));
        }
        for (name, _) in placeholders(value) {
            if !GLOBAL_PLACEHOLDERS.contains(&name) && !allowed.contains(&name) {
                let at = Self::offset_in(file, t.span(), &format!("{{{name}}}"));
                let mut known: Vec<String> =
                    GLOBAL_PLACEHOLDERS.iter().chain(allowed).map(|p| format!("{{{p}}}")).collect();
                known.sort();
                self.error(
                    file,
                    at,
                    format!("{what} uses unknown placeholder {{{name}}}; this text may use {}", known.join(", ")),
                );
            }
        }
        for term in stigma_terms(value) {
            let at = Self::offset_in(file, t.span(), &term.term);
            self.error(file, at, format!("{what} uses the stigmatising term \"{}\": {STIGMA_ADVICE}", term.term));
        }
        let len = worst_len(value, |name| maxima.get(name));
        if len > limit {
            self.error(
                file,
                t.span().start,
                format!("{what} can be {len} characters once placeholders are filled; the limit is {limit}"),
            );
        }
        value.to_string()
    }

    fn reviewed(&mut self, file: &SourceFile, reviewed: &Option<Text>) -> String {
        match reviewed {
            None => {
                self.error(
                    file,
                    0,
                    "`reviewed = \"YYYY-MM-DD\"` is missing: say when a person last checked these facts",
                );
                String::new()
            }
            Some(date) if !DATE.is_match(date.get_ref()) => {
                self.error(file, date.span().start, "`reviewed` must be a date written \"YYYY-MM-DD\"");
                String::new()
            }
            Some(date) => date.get_ref().clone(),
        }
    }

    fn url(&mut self, file: &SourceFile, url: &Text) -> String {
        let value = url.get_ref().trim();
        if !resource::is_web_address(value) {
            self.error(
                file,
                url.span().start,
                format!("`{value}` is not a web address starting with https:// or http://"),
            );
        }
        value.to_string()
    }

    fn sources(&mut self, file: &SourceFile, sources: &[raw::SourceEntry], maxima: &Maxima) -> Vec<Source> {
        if sources.is_empty() {
            self.error(file, 0, "no [[sources]]: name at least one organisation the facts come from");
        }
        let sources: Vec<Source> = sources
            .iter()
            .map(|s| Source {
                name: self.text(file, &s.name, "source name", limits::TITLE, &[], maxima),
                url: s.url.as_ref().map(|u| self.url(file, u)),
            })
            .collect();
        let len = limits::len(&render::sources_body(&sources));
        if len > limits::FIELD {
            self.error(file, 0, format!("the sources list is {len} characters; one field holds {}", limits::FIELD));
        }
        sources
    }

    fn messages(&mut self, file: &SourceFile, data: raw::MessagesFile, maxima: &Maxima) -> Messages {
        let mut texts = HashMap::new();
        for msg in Msg::ALL {
            match data.messages.get(msg.key()) {
                Some(t) => {
                    let value = self.text(
                        file,
                        t,
                        &format!("message `{}`", msg.key()),
                        limits::MESSAGE,
                        msg.placeholders(),
                        maxima,
                    );
                    texts.insert(*msg, value);
                }
                None => self.error(file, 0, format!("message `{}` is missing from [messages]", msg.key())),
            }
        }
        for (key, t) in &data.messages {
            if !Msg::ALL.iter().any(|m| m.key() == key) {
                self.error(file, t.span().start, format!("unknown message `{key}`"));
            }
        }
        let mut categories = HashMap::new();
        for (key, t) in &data.categories {
            match Category::parse(key) {
                Some(c) => {
                    categories.insert(c, self.text(file, t, &format!("category `{key}`"), 100, &[], maxima));
                }
                None => self.error(file, t.span().start, format!("unknown category `{key}`")),
            }
        }
        for c in Category::ALL {
            if !categories.contains_key(c) {
                self.error(file, 0, format!("category `{}` has no name in [categories]", c.id()));
            }
        }
        Messages::new(texts, categories)
    }

    /// The fields topics and substances share.
    fn topic_body(&mut self, p: &Parsed<'_, raw::TopicFile>, title: String, maxima: &Maxima) -> Topic {
        let (file, data) = (p.file, &p.data);
        let summary = self.text(file, &data.summary, "summary", limits::MESSAGE, &[], maxima);
        if data.emergency {
            let start = summary.trim_start_matches(['*', '_', ' ']);
            if !start.starts_with("Call {emergency}") {
                self.error(
                    file,
                    data.summary.span().start,
                    "an emergency topic's summary must begin with the action: \"Call {emergency} now\"",
                );
            }
        }
        if data.sections.len() > MAX_SECTIONS {
            self.error(file, 0, format!("{} sections; the most is {MAX_SECTIONS}", data.sections.len()));
        }
        let sections: Vec<Section> = data
            .sections
            .iter()
            .map(|s| Section {
                title: self.text(file, &s.title, "section title", limits::TITLE, &[], maxima),
                body: self.text(file, &s.body, "section body", limits::FIELD, &[], maxima),
            })
            .collect();
        let resources = data
            .resources
            .iter()
            .filter_map(|r| {
                let category = Category::parse(r.get_ref());
                if category.is_none() {
                    self.error(file, r.span().start, format!("unknown resource category `{}`", r.get_ref()));
                }
                category
            })
            .collect::<Vec<_>>();
        let sources = self.sources(file, &data.sources, maxima);
        let reviewed = self.reviewed(file, &data.reviewed);
        let details: usize = data
            .sections
            .iter()
            .map(|s| worst_len(s.title.get_ref(), |n| maxima.get(n)) + worst_len(s.body.get_ref(), |n| maxima.get(n)))
            .sum();
        let sources_len = sources
            .iter()
            .map(|s| limits::len(&s.name) + s.url.as_ref().map_or(0, |u| limits::len(u) + 6))
            .sum::<usize>()
            + limits::TITLE;
        let services_len = if resources.is_empty() { 0 } else { limits::TITLE + limits::FIELD };
        if details + sources_len + services_len > limits::EMBED_TOTAL {
            self.error(
                file,
                0,
                format!(
                    "the details (sections, sources and services) can reach {} characters; one embed holds {}",
                    details + sources_len + services_len,
                    limits::EMBED_TOTAL
                ),
            );
        }
        Topic { id: p.id.clone(), title, summary, sections, emergency: data.emergency, resources, sources, reviewed }
    }

    fn topic(&mut self, p: &Parsed<'_, raw::TopicFile>, maxima: &Maxima) -> Option<Topic> {
        for (field, present) in [
            ("name", p.data.name.is_some()),
            ("class", p.data.class.is_some()),
            ("aliases", !p.data.aliases.is_empty()),
        ] {
            if present {
                self.error(p.file, 0, format!("`{field}` belongs in substances/, not topics/"));
            }
        }
        let Some(title) = &p.data.title else {
            self.error(p.file, 0, "`title` is missing");
            return None;
        };
        let title = self.text(p.file, title, "title", limits::TITLE, &[], maxima);
        Some(self.topic_body(p, title, maxima))
    }

    fn substance(&mut self, p: &Parsed<'_, raw::TopicFile>, maxima: &Maxima) -> Option<Substance> {
        if p.data.title.is_some() {
            self.error(p.file, 0, "a substance has a `name`, not a `title`");
        }
        let (Some(name), Some(class)) = (&p.data.name, &p.data.class) else {
            self.error(p.file, 0, "a substance needs `name` and `class`");
            return None;
        };
        if !ID.is_match(class.get_ref()) {
            self.error(p.file, class.span().start, "`class` must be lower-case letters, digits and dashes");
        }
        let name = self.text(p.file, name, "name", limits::TITLE, &[], maxima);
        let topic = self.topic_body(p, name, maxima);
        let aliases = p.data.aliases.iter().map(|a| lookup_key(a.get_ref())).collect();
        Some(Substance { topic, class: class.get_ref().clone(), aliases })
    }

    /// Every id, name and alias maps to one substance; none clashes with a topic id.
    fn substance_keys(
        &mut self,
        substances: &[Parsed<'_, raw::TopicFile>],
        topics: &[Topic],
    ) -> HashMap<String, usize> {
        let mut keys: HashMap<String, usize> = HashMap::new();
        for (i, p) in substances.iter().enumerate() {
            if topics.iter().any(|t| t.id == p.id) {
                self.error(p.file, 0, format!("`{}` is both a topic and a substance; ids must be unique", p.id));
            }
            let mut own: Vec<(String, usize)> = vec![(p.id.clone(), 0)];
            own.extend(p.data.name.iter().map(|n| (lookup_key(n.get_ref()), n.span().start)));
            own.extend(p.data.aliases.iter().map(|a| (lookup_key(a.get_ref()), a.span().start)));
            for (key, offset) in own {
                if key.is_empty() {
                    self.error(p.file, offset, "an alias is empty");
                    continue;
                }
                match keys.get(&key) {
                    Some(&other) if other != i => {
                        self.error(
                            p.file,
                            offset,
                            format!("`{key}` already names substance `{}`", substances[other].id),
                        );
                    }
                    _ => {
                        keys.insert(key, i);
                    }
                }
            }
        }
        keys
    }

    fn region_keys(&mut self, regions: &[Parsed<'_, raw::RegionFile>]) -> HashMap<String, usize> {
        let mut keys: HashMap<String, usize> = HashMap::new();
        for (i, p) in regions.iter().enumerate() {
            let mut own = vec![(p.id.clone(), 0), (lookup_key(p.data.name.get_ref()), p.data.name.span().start)];
            own.extend(p.data.aliases.iter().map(|a| (lookup_key(a.get_ref()), a.span().start)));
            for (key, offset) in own {
                if let Some(&other) = keys.get(&key).filter(|&&other| other != i) {
                    self.error(p.file, offset, format!("`{key}` already names region `{}`", regions[other].id));
                } else {
                    keys.insert(key, i);
                }
            }
        }
        keys
    }

    fn region(&mut self, p: &Parsed<'_, raw::RegionFile>, maxima: &Maxima) -> Option<Region> {
        let (file, data) = (p.file, &p.data);
        let name = self.text(file, &data.name, "region name", 100, &[], maxima);
        let emergency = data.emergency.get_ref().trim().to_string();
        if emergency.is_empty() || limits::len(&emergency) > MAX_EMERGENCY_LEN {
            self.error(
                file,
                data.emergency.span().start,
                format!("`emergency` must be 1 to {MAX_EMERGENCY_LEN} characters"),
            );
        }
        self.reviewed(file, &data.reviewed);
        let sources = self.sources(file, &data.sources, maxima);
        let resources = data.resources.iter().filter_map(|r| self.resource(file, r, maxima)).collect();
        Some(Region {
            code: p.id.clone(),
            name,
            aliases: data.aliases.iter().map(|a| lookup_key(a.get_ref())).collect(),
            emergency,
            resources,
            sources,
        })
    }

    fn resource(&mut self, file: &SourceFile, r: &raw::ResourceEntry, maxima: &Maxima) -> Option<Resource> {
        let category = Category::parse(r.category.get_ref());
        if category.is_none() {
            let ids: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
            self.error(
                file,
                r.category.span().start,
                format!("unknown category `{}`; use one of {}", r.category.get_ref(), ids.join(", ")),
            );
        }
        let mut optional = |t: &Option<Text>, what: &str, limit: usize| {
            t.as_ref().map(|t| self.text(file, t, what, limit, &[], maxima))
        };
        let area = optional(&r.area, "area", resource::MAX_AREA);
        let phone = optional(&r.phone, "phone", resource::MAX_PHONE);
        let hours = optional(&r.hours, "hours", resource::MAX_HOURS);
        let notes = optional(&r.notes, "notes", resource::MAX_NOTES);
        let name = self.text(file, &r.name, "resource name", resource::MAX_NAME, &[], maxima);
        let url = r.url.as_ref().map(|u| self.url(file, u));
        Some(Resource { name, category: category?, area, phone, url, hours, notes })
    }

    /// Resource lists, as the bot renders them for each region, fit in one field: each
    /// category of `/resources`, and the services section under each topic.
    fn rendered_resources(&mut self, topics: &[&Topic], regions: &[Region]) {
        let singles: Vec<(String, Vec<Category>)> =
            Category::ALL.iter().map(|c| (format!("category {}", c.id()), vec![*c])).collect();
        let under_topics =
            topics.iter().filter(|t| !t.resources.is_empty()).map(|t| (format!("`{}`", t.id), t.resources.clone()));
        let groups: Vec<(String, Vec<Category>)> = singles.into_iter().chain(under_topics).collect();
        for region in regions {
            for (what, group) in &groups {
                let text =
                    render::resource_lines(region.resources.iter().filter(|r| group.contains(&r.category)), usize::MAX);
                if limits::len(&text) > limits::FIELD {
                    self.diags.push(Diagnostic {
                        file: format!("{}regions/{}.toml", self.root, region.code),
                        line: 1,
                        message: format!(
                            "the services listed for {what} come to {} characters; one field holds {}: shorten their notes or list fewer categories under {what}",
                            limits::len(&text),
                            limits::FIELD
                        ),
                    });
                }
            }
        }
    }

    fn combos(
        &mut self,
        file: &SourceFile,
        data: &raw::CombosFile,
        substances: &[Parsed<'_, raw::TopicFile>],
        titles: &(String, String),
        maxima: &Maxima,
    ) -> (HashMap<(String, String), Combo>, Vec<Source>, String) {
        let mut members: BTreeMap<&str, usize> = BTreeMap::new();
        for s in substances {
            if let Some(class) = &s.data.class {
                *members.entry(class.get_ref().as_str()).or_default() += 1;
            }
        }
        let reviewed = self.reviewed(file, &data.reviewed);
        let sources = self.sources(file, &data.sources, maxima);
        let mut combos = HashMap::new();
        let mut rated = BTreeSet::new();
        for entry in &data.combo {
            for side in [&entry.a, &entry.b] {
                if !members.contains_key(side.get_ref().as_str()) {
                    let known: Vec<&str> = members.keys().copied().collect();
                    self.error(
                        file,
                        side.span().start,
                        format!("unknown class `{}`; classes are {}", side.get_ref(), known.join(", ")),
                    );
                }
            }
            let rating = Rating::parse(entry.rating.get_ref());
            if rating.is_none() {
                self.error(file, entry.rating.span().start, "rating must be low-risk, caution, unsafe or dangerous");
            }
            let why = self.text(file, &entry.why, "why", limits::FIELD, &[], maxima);
            let if_mixing = self.text(file, &entry.if_mixing, "if_mixing", limits::FIELD, &[], maxima);
            let details = render::combo_details(&titles.0, &titles.1, "", "");
            let len =
                limits::len(&details) + worst_len(&why, |n| maxima.get(n)) + worst_len(&if_mixing, |n| maxima.get(n));
            if len > limits::FIELD {
                self.error(
                    file,
                    entry.why.span().start,
                    format!(
                        "why and if_mixing together can be {len} characters once filled in; one field holds {}",
                        limits::FIELD
                    ),
                );
            }
            let key = pair_key(entry.a.get_ref(), entry.b.get_ref());
            if !rated.insert(key.clone()) {
                self.error(file, entry.a.span().start, format!("{} + {} is rated twice", key.0, key.1));
            }
            if let Some(rating) = rating {
                combos.insert(key, Combo { rating, why, if_mixing });
            }
        }
        let classes: BTreeSet<&str> = members.keys().copied().collect();
        for a in &classes {
            for b in classes.range::<&str, _>(a..) {
                let needed = a != b || members[a] > 1;
                if needed && !rated.contains(&pair_key(a, b)) {
                    self.error(file, file.text.len(), format!("no rating for {a} + {b}: add a [[combo]] entry"));
                }
            }
        }
        (combos, sources, reviewed)
    }
}
