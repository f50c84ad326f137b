//! The platform-neutral bot: commands in, replies out; chat messages in, crisis replies out.
//!
//! Adapters (console, Discord, Matrix) build a [`Context`] and a [`Command`], call the engine,
//! and render the [`Reply`]. Everything a user can see is decided here, so it is tested here.

mod crisis;
pub mod rate;
mod transfer;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use regex::Regex;

use crate::command::{self, Command, ConfigCommand};
use crate::content::{
    Category, Content, MAX_ECHO, MAX_EMERGENCY_LEN, MAX_IDS, MAX_LIST, Msg, Region, Resource, Substance, Topic,
    combo_details, resource, resource_lines, sources_section, text, voice,
};
use crate::detect::{CustomPhrase, Detector, MAX_PHRASE_LEN, MAX_PHRASES};
use crate::limits;
use crate::reply::{More, Reply, Section};
use crate::store::{Change, Settings, Store};

pub use crisis::{Alert, Crisis, Place};
pub use transfer::MAX_IMPORT_BYTES;

/// The most substances one `/combo` compares (15 pairs, one line each).
pub const MAX_COMBO: usize = 6;
/// Pairs explained in full behind the button, worst first: three fit one embed.
const DETAILED_PAIRS: usize = 3;

static EMERGENCY_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\p{L}\p{N} +\-().,/]+$").expect("valid emergency-number pattern"));

/// Who is asking, and where.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The community whose settings apply: a Discord server, a Matrix room, the console.
    pub community: &'a str,
    /// Allowed to change settings (checked by the adapter from the platform's permissions).
    pub moderator: bool,
    /// Who is asking, as the audit history names them (a user name or id, "console").
    pub actor: &'a str,
    /// The person's stable id on the platform (what an opt-out is kept under).
    pub user: &'a str,
}

pub struct Engine {
    content: Arc<Content>,
    store: Arc<dyn Store>,
    /// Each community's detector, compiled from its phrases and kept while they stay the same.
    detectors: Mutex<HashMap<String, (Vec<CustomPhrase>, Detector)>>,
    /// When each channel last got a crisis reply, and at what level (kept in memory only).
    cooldowns: crisis::Cooldowns,
    /// How many commands each member sent lately (kept in memory only).
    rate: rate::Limiter,
}

/// A community's settings resolved against the content: what `{emergency}` and `{region}` read.
struct View<'c> {
    settings: Settings,
    region: Option<&'c Region>,
    emergency: String,
    region_name: String,
}

impl View<'_> {
    /// The services `keep` accepts, as one field: the community's own first, then the
    /// region's national ones.
    /// With `area`, only the local services in that area (or with no area: they serve the whole
    /// community); national ones always.
    fn services(&self, keep: impl Fn(&Resource) -> bool, area: Option<&str>) -> String {
        let national = self.region.map_or(&[][..], |r| r.resources.as_slice());
        let local = self.settings.resources.iter().filter(|r| area.is_none_or(|a| in_area(r, a)));
        resource_lines(local.chain(national).filter(|r| keep(r)), limits::FIELD)
    }

    fn fill(&self, template: &str) -> String {
        self.fill_with(template, &[])
    }

    fn fill_with(&self, template: &str, extra: &[(&str, &str)]) -> String {
        let mut vars: Vec<(&str, &str)> = vec![("emergency", &self.emergency), ("region", &self.region_name)];
        vars.extend_from_slice(extra);
        text::fill(template, &vars)
    }
}

impl Engine {
    pub fn new(content: Arc<Content>, store: Arc<dyn Store>) -> Engine {
        Engine {
            content,
            store,
            detectors: Mutex::default(),
            cooldowns: crisis::Cooldowns::default(),
            rate: rate::Limiter::default(),
        }
    }

    pub fn content(&self) -> &Content {
        &self.content
    }

    /// One line typed in a direct conversation (the console): a `/command`, or a chat message
    /// answered only if it reads as a crisis.
    pub fn line(&self, ctx: Context<'_>, line: &str) -> Option<Reply> {
        if limits::len(line) > limits::MESSAGE {
            let view = self.view(ctx);
            return Some(Reply::notice(
                view.fill_with(self.msg(Msg::TooLong), &[("max", &limits::MESSAGE.to_string())]),
            ));
        }
        match command::parse(line) {
            Some(cmd) => Some(self.command(ctx, &cmd)),
            None => self.message(ctx, Place::Direct, line, Instant::now()).and_then(|crisis| crisis.reply),
        }
    }

    /// A short private answer from `messages.toml`, for what an adapter refuses before the
    /// engine sees it (a file that cannot be read, a command used in the wrong place).
    pub fn notice(&self, ctx: Context<'_>, msg: Msg, vars: &[(&str, &str)]) -> Reply {
        Reply::notice(self.view(ctx).fill_with(self.msg(msg), vars))
    }

    /// Answers a command.
    pub fn command(&self, ctx: Context<'_>, cmd: &Command) -> Reply {
        let view = self.view(ctx);
        match cmd {
            Command::Help => Reply {
                title: view.fill(self.msg(Msg::HelpTitle)),
                body: view.fill(self.msg(Msg::HelpBody)),
                ..Reply::default()
            },
            Command::Topic(id) => self.topic_by_id(&view, id),
            Command::Overdose(kind) => self.topic_by_id(&view, overdose_topic(kind.as_deref())),
            Command::SaferUse(None) => self.substance_list(&view),
            Command::SaferUse(Some(query)) => match self.content.substance(query) {
                Some(substance) => self.topic_reply(&view, &substance.topic),
                None => self.unknown_substance(&view, query),
            },
            Command::Combo(words) => self.combo(&view, words),
            Command::Resources { category, area } => self.resources(&view, category.as_deref(), area.as_deref()),
            Command::AutoReplies(on) => self.auto_replies(ctx, &view, *on),
            Command::Config(_) if !ctx.moderator => Reply::notice(view.fill(self.msg(Msg::NotModerator))),
            Command::Config(config) => self.config(ctx, &view, config),
            Command::Unknown(name) => {
                Reply::notice(view.fill_with(self.msg(Msg::UnknownCommand), &[("command", &echo(name))]))
            }
        }
    }

    /// The detector for a community's phrases: the shared built-in one when it has none,
    /// otherwise compiled once and reused until the phrases change. Phrases were validated
    /// when added; if stored ones no longer compile, the built-in rules still apply.
    fn detector(&self, community: &str, phrases: &[CustomPhrase]) -> Detector {
        if phrases.is_empty() {
            return Detector::builtin();
        }
        let mut cache = self.detectors.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((cached, detector)) = cache.get(community)
            && cached.as_slice() == phrases
        {
            return detector.clone();
        }
        let detector = Detector::with_phrases(phrases).unwrap_or_else(|e| {
            tracing::error!(error = %e, "a community's stored phrases do not compile; using the built-in rules");
            Detector::builtin()
        });
        cache.insert(community.to_string(), (phrases.to_vec(), detector.clone()));
        detector
    }

    fn msg(&self, msg: Msg) -> &str {
        self.content.messages.template(msg)
    }

    /// Settings and what they resolve to. A store failure is logged and the defaults are
    /// used, so a broken disk never silences an overdose reply.
    fn view(&self, ctx: Context<'_>) -> View<'_> {
        let settings = self.store.settings(ctx.community).unwrap_or_else(|e| {
            tracing::error!(error = %e, "reading settings failed; answering with defaults");
            Settings::default()
        });
        self.view_of(settings)
    }

    fn view_of(&self, settings: Settings) -> View<'_> {
        let region = settings.region.as_deref().and_then(|code| self.content.region(code));
        let emergency = settings
            .emergency
            .clone()
            .or_else(|| region.map(|r| r.emergency.clone()))
            .unwrap_or_else(|| self.msg(Msg::EmergencyUnset).to_string());
        let region_name = region.map_or_else(|| self.msg(Msg::RegionUnset).to_string(), |r| r.name.clone());
        View { settings, region, emergency, region_name }
    }

    fn topic_by_id(&self, view: &View<'_>, id: &str) -> Reply {
        match self.content.topic(id) {
            Some(topic) => self.topic_reply(view, topic),
            // Content validation requires every topic a command names; this is unreachable
            // with valid content, but an answer beats a panic.
            None => Reply::notice(view.fill_with(self.msg(Msg::UnknownCommand), &[("command", id)])),
        }
    }

    /// A topic with the community's own short text, if moderators set one.
    fn topic_reply(&self, view: &View<'_>, topic: &Topic) -> Reply {
        let summary = view.settings.overrides.get(&topic.id).unwrap_or(&topic.summary);
        self.topic_reply_with(view, topic, summary)
    }

    fn topic_reply_with(&self, view: &View<'_>, topic: &Topic, summary: &str) -> Reply {
        let needs_region = topic.emergency || !topic.resources.is_empty();
        Reply {
            title: view.fill(&topic.title),
            body: view.fill(summary),
            more: Some(More { label: self.msg(Msg::MoreLabel).to_string(), sections: self.sections(view, topic) }),
            footer: (needs_region && view.region.is_none()).then(|| view.fill(self.msg(Msg::NoRegionNote))),
            ..Reply::default()
        }
    }

    /// A topic's details: its sections, the services (local, then national) it names, and its
    /// sources.
    fn sections(&self, view: &View<'_>, topic: &Topic) -> Vec<Section> {
        let mut sections: Vec<Section> =
            topic.sections.iter().map(|s| Section { title: view.fill(&s.title), body: view.fill(&s.body) }).collect();
        let services = view.services(|r| topic.resources.contains(&r.category), None);
        if !services.is_empty() {
            sections.push(Section { title: view.fill(self.msg(Msg::ResourcesSectionTitle)), body: services });
        }
        sections.push(sources_section(&self.content.messages, &topic.sources, &topic.reviewed));
        sections
    }

    fn substance_list(&self, view: &View<'_>) -> Reply {
        let names: Vec<&str> = self.content.substances().iter().map(|s| s.topic.title.as_str()).collect();
        Reply {
            title: view.fill(self.msg(Msg::SubstanceListTitle)),
            body: view.fill_with(self.msg(Msg::SubstanceListBody), &[("names", &names.join(", "))]),
            ..Reply::default()
        }
    }

    fn unknown_substance(&self, view: &View<'_>, query: &str) -> Reply {
        let mut body = view.fill_with(self.msg(Msg::UnknownSubstance), &[("input", &echo(query))]);
        body.push(' ');
        let suggestions: Vec<String> =
            self.content.suggest(query).iter().map(|s| format!("`/saferuse {}`", s.topic.id)).collect();
        if suggestions.is_empty() {
            body.push_str(&view.fill(self.msg(Msg::SubstanceHint)));
        } else {
            body.push_str(&view.fill_with(self.msg(Msg::DidYouMean), &[("suggestions", &suggestions.join(", "))]));
        }
        Reply::notice(body)
    }

    fn combo(&self, view: &View<'_>, words: &[String]) -> Reply {
        let substances = match self.resolve_many(words) {
            Ok(found) => found,
            Err(unknown) => return self.unknown_substance(view, &unknown),
        };
        if substances.len() < 2 {
            return Reply::notice(view.fill(self.msg(Msg::ComboNeedsTwo)));
        }
        if substances.len() > MAX_COMBO {
            return Reply::notice(view.fill_with(self.msg(Msg::ComboTooMany), &[("max", &MAX_COMBO.to_string())]));
        }
        let mut pairs = Vec::new();
        for (i, a) in substances.iter().enumerate() {
            for b in &substances[i + 1..] {
                if let Some(combo) = self.content.combo(&a.class, &b.class) {
                    pairs.push((format!("{} + {}", a.topic.title, b.topic.title), combo));
                }
            }
        }
        // Worst first: the most important line is the one read.
        pairs.sort_by_key(|(_, combo)| std::cmp::Reverse(combo.rating));
        let why = self.msg(Msg::ComboWhyTitle);
        let if_mixing = self.msg(Msg::ComboIfMixingTitle);
        let names: Vec<&str> = substances.iter().map(|s| s.topic.title.as_str()).collect();
        let (body, sections) = match pairs.as_slice() {
            [(_, combo)] => (
                format!(
                    "**{}**\n{}",
                    self.msg(combo.rating.label()),
                    combo_details(why, if_mixing, &view.fill(&combo.why), &view.fill(&combo.if_mixing))
                ),
                Vec::new(),
            ),
            _ => (
                pairs
                    .iter()
                    .map(|(name, c)| format!("**{}**: {name}", self.msg(c.rating.label())))
                    .collect::<Vec<_>>()
                    .join("\n"),
                pairs
                    .iter()
                    .take(DETAILED_PAIRS)
                    .map(|(name, c)| Section {
                        title: format!("{} — {name}", self.msg(c.rating.label())),
                        body: combo_details(why, if_mixing, &view.fill(&c.why), &view.fill(&c.if_mixing)),
                    })
                    .collect(),
            ),
        };
        let mut sections = sections;
        let (sources, reviewed) = self.content.combo_sources();
        sections.push(sources_section(&self.content.messages, sources, reviewed));
        Reply {
            title: names.join(" + "),
            body,
            more: Some(More { label: self.msg(Msg::MoreLabel).to_string(), sections }),
            footer: Some(view.fill(self.msg(Msg::ComboNote))),
            ..Reply::default()
        }
    }

    /// Groups typed words into substances, longest name first ("china white" is one), and
    /// drops duplicates. Words like "and" and separators like "+" are skipped.
    fn resolve_many(&self, words: &[String]) -> Result<Vec<&Substance>, String> {
        let words: Vec<&str> = words
            .iter()
            .flat_map(|w| w.split(['+', '&']))
            .map(|w| w.trim_matches(|c: char| c == ',' || c.is_whitespace()))
            .filter(|w| !w.is_empty() && !["and", "with", "plus"].contains(&w.to_lowercase().as_str()))
            .collect();
        let mut found: Vec<&Substance> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let matched = (i + 1..=words.len())
                .rev()
                .find_map(|j| self.content.substance(&words[i..j].join(" ")).map(|s| (s, j)));
            let Some((substance, next)) = matched else {
                return Err(words[i].to_string());
            };
            if !found.iter().any(|s| s.topic.id == substance.topic.id) {
                found.push(substance);
            }
            i = next;
        }
        Ok(found)
    }

    fn resources(&self, view: &View<'_>, category: Option<&str>, area: Option<&str>) -> Reply {
        let wanted = match category.map(|c| (c, Category::parse(c))) {
            None => None,
            Some((all, _)) if ALL_CATEGORIES.contains(&all.to_lowercase().as_str()) => None,
            Some((_, Some(c))) => Some(c),
            Some((input, None)) => {
                let list: Vec<String> = Category::ALL.iter().map(|c| format!("`{}`", c.id())).collect();
                return Reply::notice(view.fill_with(
                    self.msg(Msg::UnknownCategory),
                    &[("input", &echo(input)), ("categories", &list.join(", "))],
                ));
            }
        };
        if view.region.is_none() && view.settings.resources.is_empty() {
            return Reply::notice(
                view.fill_with(self.msg(Msg::ResourcesNoRegion), &[("regions", &self.region_list())]),
            );
        }
        let sections: Vec<Section> = Category::ALL
            .iter()
            .filter(|c| wanted.is_none_or(|w| w == **c))
            .filter_map(|c| {
                let lines = view.services(|r| r.category == *c, area);
                (!lines.is_empty())
                    .then(|| Section { title: self.content.messages.category(*c).to_string(), body: lines })
            })
            .collect();
        if sections.is_empty() {
            let label = wanted.map_or("", |c| self.content.messages.category(c));
            return Reply::notice(view.fill_with(self.msg(Msg::ResourcesNone), &[("category", label)]));
        }
        Reply {
            title: view.fill(self.msg(Msg::ResourcesTitle)),
            body: view.fill(self.msg(Msg::ResourcesBody)),
            more: Some(More { label: self.msg(Msg::MoreLabel).to_string(), sections }),
            ..Reply::default()
        }
    }

    fn config(&self, ctx: Context<'_>, view: &View<'_>, config: &ConfigCommand) -> Reply {
        let result = match config {
            ConfigCommand::Usage => return Reply::notice(view.fill(self.msg(Msg::ConfigUsage))),
            ConfigCommand::Show => return Reply::notice(self.config_show(view)),
            ConfigCommand::Region(code) => self.set_region(ctx, view, code.as_deref()),
            ConfigCommand::Emergency(number) => self.set_emergency(ctx, view, number.as_deref()),
            ConfigCommand::ResponseShow(id) => return self.response_show(view, id),
            ConfigCommand::ResponsePreview(id, text) => return self.preview_response(view, id, text),
            ConfigCommand::ResponseSet(id, text) => self.set_response(ctx, view, id, text),
            ConfigCommand::ResponseReset(id) => self.reset_response(ctx, view, id),
            ConfigCommand::PhraseList => return Reply::notice(self.phrase_list(view)),
            ConfigCommand::PhraseAdd { level, text, regex } => {
                let phrase = CustomPhrase { text: text.clone(), level: *level, regex: *regex };
                self.add_phrase(ctx, view, phrase)
            }
            ConfigCommand::PhraseRemove(n) => self.remove_phrase(ctx, view, *n),
            ConfigCommand::PhraseTest(text) => return Reply::notice(self.phrase_test(ctx, view, text)),
            ConfigCommand::ResourceList => return Reply::notice(self.resource_list(view)),
            ConfigCommand::History => return Reply::notice(self.history(view)),
            ConfigCommand::ResourceAdd(fields) => self.add_resource(ctx, view, fields),
            ConfigCommand::ResourceEdit(n, fields) => self.edit_resource(ctx, view, *n, fields),
            ConfigCommand::ResourceRemove(n) => self.remove_resource(ctx, view, *n),
            ConfigCommand::Listen(channel, on) => self.set_listening(ctx, view, channel, *on),
            ConfigCommand::CrisisMode(mode) => self.set_crisis_mode(ctx, view, *mode),
            ConfigCommand::AlertChannel(channel) => self.set_alert_channel(ctx, view, channel.as_deref()),
            ConfigCommand::Cooldown(minutes) => self.set_cooldown(ctx, view, *minutes),
            ConfigCommand::Export => return self.export(ctx, view),
            ConfigCommand::Import { text, apply } => self.import(ctx, view, text, *apply),
        };
        Reply::notice(result.unwrap_or_else(|message| message))
    }

    fn config_show(&self, view: &View<'_>) -> String {
        let code = view.region.map_or("—", |r| r.code.as_str());
        let overrides: Vec<&str> = view.settings.overrides.keys().map(String::as_str).collect();
        let overrides = if overrides.is_empty() { "—".to_string() } else { overrides.join(", ") };
        let s = &view.settings;
        let channels: Vec<String> = s.listen.iter().map(|c| crisis::channel_label(c)).collect();
        let channels = if channels.is_empty() { "—".to_string() } else { channels.join(", ") };
        let alert = s.alert_channel.as_deref().map_or_else(|| "—".to_string(), crisis::channel_label);
        view.fill_with(
            self.msg(Msg::ConfigShow),
            &[
                ("region_code", code),
                ("overrides", &overrides),
                ("channels", &channels),
                ("mode", s.crisis_mode.id()),
                ("alert", &alert),
                ("cooldown", &s.cooldown_minutes().to_string()),
            ],
        )
    }

    /// Saves a change and describes the result in the new settings' terms; `Err` holds the
    /// message to show when nothing was saved.
    /// The change and its history entry are one write: the confirmation is worded from the
    /// settings being saved, and recorded with them.
    fn save(
        &self,
        ctx: Context<'_>,
        view: &View<'_>,
        change: &mut dyn FnMut(&mut Settings),
        done: Msg,
        extra: &[(&str, &str)],
    ) -> Result<String, String> {
        let at = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let mut confirmation = String::new();
        let saved = self.store.update(ctx.community, &mut |s| {
            change(s);
            confirmation = self.view_of(s.clone()).fill_with(self.msg(done), extra);
            let what = confirmation.lines().next().unwrap_or("").to_string();
            s.record(Change { at, actor: ctx.actor.to_string(), what });
        });
        match saved {
            Ok(_) => Ok(confirmation),
            Err(e) => {
                tracing::error!(error = %e, "saving settings failed");
                Err(view.fill(self.msg(Msg::StoreError)))
            }
        }
    }

    /// The regions moderators can choose: "`us` (United States), ...".
    fn region_list(&self) -> String {
        let regions: Vec<String> =
            self.content.regions().iter().map(|r| format!("`{}` ({})", r.code, r.name)).collect();
        regions.join(", ")
    }

    fn set_region(&self, ctx: Context<'_>, view: &View<'_>, query: Option<&str>) -> Result<String, String> {
        let Some(query) = query else {
            return self.save(ctx, view, &mut |s| s.region = None, Msg::ConfigRegionCleared, &[]);
        };
        let Some(region) = self.content.region(query) else {
            return Err(view.fill_with(
                self.msg(Msg::UnknownRegion),
                &[("input", &echo(query)), ("regions", &self.region_list())],
            ));
        };
        let code = region.code.clone();
        self.save(ctx, view, &mut |s| s.region = Some(code.clone()), Msg::ConfigRegionSet, &[])
    }

    fn set_emergency(&self, ctx: Context<'_>, view: &View<'_>, number: Option<&str>) -> Result<String, String> {
        let Some(number) = number.map(str::trim) else {
            return self.save(ctx, view, &mut |s| s.emergency = None, Msg::ConfigEmergencyCleared, &[]);
        };
        if !valid_emergency(number) {
            return Err(view.fill_with(self.msg(Msg::InvalidEmergency), &[("max", &MAX_EMERGENCY_LEN.to_string())]));
        }
        self.save(ctx, view, &mut |s| s.emergency = Some(number.to_string()), Msg::ConfigEmergencySet, &[])
    }

    /// The id a moderator's name for a topic or substance stands for.
    fn response_id(&self, query: &str) -> Option<String> {
        let query = text::lookup_key(query);
        if self.content.topic(&query).is_some() {
            return Some(query);
        }
        self.content.substance(&query).map(|s| s.topic.id.clone())
    }

    fn response_show(&self, view: &View<'_>, query: &str) -> Reply {
        match self.response_text(view, query) {
            Some((id, text)) => Reply { title: id, body: view.fill(&text), ephemeral: true, ..Reply::default() },
            None => Reply::notice(view.fill_with(self.msg(Msg::UnknownResponse), &[("input", &echo(query))])),
        }
    }

    /// A topic's id and the short text it shows now, as written (placeholders not filled in).
    fn response_text(&self, view: &View<'_>, query: &str) -> Option<(String, String)> {
        let id = self.response_id(query)?;
        let topic = self.content.topic(&id).or_else(|| self.content.substance(&id).map(|s| &s.topic))?;
        let text = view.settings.overrides.get(&id).unwrap_or(&topic.summary).clone();
        Some((id, text))
    }

    /// What a moderator edits in a text box (on Discord, a modal): the topic's id and its
    /// current short text as written. `None` for no such topic.
    pub fn editable_response(&self, ctx: Context<'_>, query: &str) -> Option<(String, String)> {
        self.response_text(&self.view(ctx), query)
    }

    /// Checks a moderator's text for a topic: the topic exists and the text fits once this
    /// community's emergency number is filled in. Returns the topic id and, if the wording has
    /// stigmatising terms, the warning to show (the text may still be saved).
    fn checked_response(&self, view: &View<'_>, query: &str, text: &str) -> Result<(String, Option<String>), String> {
        let Some(id) = self.response_id(query) else {
            return Err(view.fill_with(self.msg(Msg::UnknownResponse), &[("input", &echo(query))]));
        };
        let len = limits::len(&view.fill(text));
        if len > limits::MESSAGE {
            return Err(view.fill_with(
                self.msg(Msg::OverrideTooLong),
                &[("len", &len.to_string()), ("max", &limits::MESSAGE.to_string())],
            ));
        }
        let terms: Vec<String> = voice::stigma_terms(text).into_iter().map(|t| format!("\"{}\"", t.term)).collect();
        let warning =
            (!terms.is_empty()).then(|| view.fill_with(self.msg(Msg::StigmaWarning), &[("terms", &terms.join(", "))]));
        Ok((id, warning))
    }

    /// A topic as members would see it with `text` as its short text; nothing is saved.
    fn preview_response(&self, view: &View<'_>, query: &str, text: &str) -> Reply {
        let (id, warning) = match self.checked_response(view, query, text) {
            Ok(checked) => checked,
            Err(message) => return Reply::notice(message),
        };
        let Some(topic) = self.content.topic(&id).or_else(|| self.content.substance(&id).map(|s| &s.topic)) else {
            return Reply::notice(view.fill_with(self.msg(Msg::UnknownResponse), &[("input", &echo(query))]));
        };
        let note = view.fill_with(self.msg(Msg::ResponsePreviewNote), &[("id", &id)]);
        Reply {
            footer: Some(warning.map_or_else(|| note.clone(), |w| format!("{note}\n{w}"))),
            ephemeral: true,
            ..self.topic_reply_with(view, topic, text)
        }
    }

    fn set_response(&self, ctx: Context<'_>, view: &View<'_>, query: &str, text: &str) -> Result<String, String> {
        let (id, warning) = self.checked_response(view, query, text)?;
        let text = text.to_string();
        let saved = self.save(
            ctx,
            view,
            &mut |s| {
                s.overrides.insert(id.clone(), text.clone());
            },
            Msg::ConfigResponseSet,
            &[("id", &id)],
        )?;
        Ok(warning.map_or_else(|| saved.clone(), |w| format!("{saved}\n{w}")))
    }

    fn reset_response(&self, ctx: Context<'_>, view: &View<'_>, query: &str) -> Result<String, String> {
        let Some(id) = self.response_id(query) else {
            return Err(view.fill_with(self.msg(Msg::UnknownResponse), &[("input", &echo(query))]));
        };
        if !view.settings.overrides.contains_key(&id) {
            return Err(view.fill_with(self.msg(Msg::ConfigResponseNone), &[("id", &id)]));
        }
        self.save(
            ctx,
            view,
            &mut |s| {
                s.overrides.remove(&id);
            },
            Msg::ConfigResponseReset,
            &[("id", &id)],
        )
    }
}

impl Engine {
    fn phrase_list(&self, view: &View<'_>) -> String {
        let list: Vec<String> = view
            .settings
            .phrases
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let kind = if p.regex { " (regex)" } else { "" };
                format!("{}. {}{kind}: `{}`", i + 1, p.level, echo_long(&p.text))
            })
            .collect();
        self.list_reply(view, &list, Msg::PhraseNone, Msg::PhraseList, "phrases")
    }

    fn add_phrase(&self, ctx: Context<'_>, view: &View<'_>, phrase: CustomPhrase) -> Result<String, String> {
        if view.settings.phrases.len() >= MAX_PHRASES {
            return Err(view.fill_with(self.msg(Msg::PhraseTooMany), &[("max", &MAX_PHRASES.to_string())]));
        }
        // Compiled together with the others, so nothing is saved that would not work.
        let mut all = view.settings.phrases.clone();
        all.push(phrase.clone());
        if let Err(e) = Detector::with_phrases(&all) {
            return Err(view.fill_with(self.msg(Msg::PhraseInvalid), &[("reason", &e.to_string())]));
        }
        let n = all.len().to_string();
        let id = format!("custom.{n}");
        self.save(ctx, view, &mut |s| s.phrases.push(phrase.clone()), Msg::PhraseAdded, &[("n", &n), ("id", &id)])
    }

    fn remove_phrase(&self, ctx: Context<'_>, view: &View<'_>, n: usize) -> Result<String, String> {
        let number = n.to_string();
        if n == 0 || n > view.settings.phrases.len() {
            return Err(view.fill_with(self.msg(Msg::PhraseNotFound), &[("n", &number)]));
        }
        let removed = view.settings.phrases[n - 1].clone();
        self.save(
            ctx,
            view,
            &mut |s| {
                if let Some(i) = s.phrases.iter().position(|p| *p == removed) {
                    s.phrases.remove(i);
                }
            },
            Msg::PhraseRemoved,
            &[("n", &number)],
        )
    }

    /// How Harbor would read `text` in this community: ids only, like `harbor scan --explain`.
    fn phrase_test(&self, ctx: Context<'_>, view: &View<'_>, text: &str) -> String {
        let detection = self.detector(ctx.community, &view.settings.phrases).scan(text);
        let list = |ids: &[String]| {
            if ids.is_empty() { "—".to_string() } else { fit_lines(ids, ", ", MAX_IDS) }
        };
        view.fill_with(
            self.msg(Msg::PhraseTest),
            &[
                ("level", &detection.level.to_string()),
                ("rules", &list(&detection.rules)),
                ("guards", &list(&detection.guards)),
            ],
        )
    }
}

impl Engine {
    /// The community's changes, newest first, as many as fit one message.
    fn history(&self, view: &View<'_>) -> String {
        let changes: Vec<String> = view
            .settings
            .history
            .iter()
            .rev()
            .map(|c| format!("{} · {} · {}", utc(c.at), echo(&c.actor), c.what))
            .collect();
        self.list_reply(view, &changes, Msg::HistoryNone, Msg::HistoryList, "changes")
    }

    /// `empty` when there are no lines, else the lines in `template`'s `{key}`, cut to fit.
    fn list_reply(&self, view: &View<'_>, lines: &[String], empty: Msg, template: Msg, key: &str) -> String {
        if lines.is_empty() {
            return view.fill(self.msg(empty));
        }
        view.fill_with(self.msg(template), &[(key, &fit_lines(lines, "\n", MAX_LIST))])
    }
}

/// `YYYY-MM-DD HH:MM UTC` for seconds since 1970 (Howard Hinnant's civil-from-days).
fn utc(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let (hour, minute) = ((seconds % 86_400) / 3_600, (seconds % 3_600) / 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

/// Most local services one community may list.
pub const MAX_LOCAL_RESOURCES: usize = 50;

impl Engine {
    fn resource_list(&self, view: &View<'_>) -> String {
        let list: Vec<String> = view
            .settings
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{}. {} ({})", i + 1, r.name, self.content.messages.category(r.category)))
            .collect();
        self.list_reply(view, &list, Msg::ResourceNone, Msg::ResourceList, "resources")
    }

    fn add_resource(&self, ctx: Context<'_>, view: &View<'_>, fields: &[(String, String)]) -> Result<String, String> {
        let invalid = |reason: String| view.fill_with(self.msg(Msg::ResourceInvalid), &[("reason", &reason)]);
        if view.settings.resources.len() >= MAX_LOCAL_RESOURCES {
            return Err(view.fill_with(self.msg(Msg::ResourceTooMany), &[("max", &MAX_LOCAL_RESOURCES.to_string())]));
        }
        if !fields.iter().any(|(key, _)| key == "category") {
            return Err(invalid(format!("a service needs a category ({})", category_list())));
        }
        let blank = Resource {
            name: String::new(),
            category: Category::Other,
            area: None,
            phone: None,
            url: None,
            hours: None,
            notes: None,
        };
        let added = with_fields(blank, fields).map_err(invalid)?;
        let n = (view.settings.resources.len() + 1).to_string();
        let name = added.name.clone();
        self.save(
            ctx,
            view,
            &mut |s| s.resources.push(added.clone()),
            Msg::ResourceAdded,
            &[("n", &n), ("name", &name)],
        )
    }

    fn edit_resource(
        &self,
        ctx: Context<'_>,
        view: &View<'_>,
        n: usize,
        fields: &[(String, String)],
    ) -> Result<String, String> {
        let number = n.to_string();
        let Some(old) = n.checked_sub(1).and_then(|i| view.settings.resources.get(i)) else {
            return Err(view.fill_with(self.msg(Msg::ResourceNotFound), &[("n", &number)]));
        };
        let new = with_fields(old.clone(), fields)
            .map_err(|reason| view.fill_with(self.msg(Msg::ResourceInvalid), &[("reason", &reason)]))?;
        let name = new.name.clone();
        self.save(
            ctx,
            view,
            &mut |s| {
                if let Some(slot) = s.resources.iter_mut().find(|r| *r == old) {
                    *slot = new.clone();
                }
            },
            Msg::ResourceUpdated,
            &[("n", &number), ("name", &name)],
        )
    }

    fn remove_resource(&self, ctx: Context<'_>, view: &View<'_>, n: usize) -> Result<String, String> {
        let number = n.to_string();
        let Some(old) = n.checked_sub(1).and_then(|i| view.settings.resources.get(i)).cloned() else {
            return Err(view.fill_with(self.msg(Msg::ResourceNotFound), &[("n", &number)]));
        };
        self.save(ctx, view, &mut |s| s.resources.retain(|r| *r != old), Msg::ResourceRemoved, &[("n", &number)])
    }
}

/// Words for "every category" in `/resources all <area>`.
const ALL_CATEGORIES: &[&str] = &["all", "any", "every"];

/// Whether a local service is in the area asked for: either name contains the other, ignoring
/// case ("Downtown" finds "Downtown Eastside"). A service with no area serves everyone.
fn in_area(resource: &Resource, area: &str) -> bool {
    let Some(own) = &resource.area else { return true };
    let (own, area) = (own.to_lowercase(), area.trim().to_lowercase());
    own.contains(&area) || area.contains(&own)
}

/// An emergency number as moderators may set it: short, digits and simple punctuation.
fn valid_emergency(number: &str) -> bool {
    limits::len(number) <= MAX_EMERGENCY_LEN && EMERGENCY_NUMBER.is_match(number)
}

/// `resource` with the typed fields applied (an empty value or `-` clears an optional one),
/// then checked as a whole.
fn with_fields(mut resource: Resource, fields: &[(String, String)]) -> Result<Resource, String> {
    for (key, value) in fields {
        let value = value.trim();
        let optional = (!value.is_empty() && value != "-").then(|| value.to_string());
        match key.as_str() {
            "category" => {
                resource.category = Category::parse(value)
                    .ok_or_else(|| format!("there is no category \"{}\" ({})", echo(value), category_list()))?
            }
            "name" => resource.name = value.to_string(),
            "phone" => resource.phone = optional,
            "url" => resource.url = optional,
            "hours" => resource.hours = optional,
            "area" => resource.area = optional,
            "notes" => resource.notes = optional,
            other => {
                return Err(format!(
                    "there is no field \"{}\" (fields are category, name, phone, url, hours, area, notes)",
                    echo(other)
                ));
            }
        }
    }
    resource::check(&resource)?;
    Ok(resource)
}

/// The category ids, for messages.
fn category_list() -> String {
    Category::ALL.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ")
}

/// The topic `/overdose <kind>` answers; unknown kinds get the general steps, never an error.
fn overdose_topic(kind: Option<&str>) -> &'static str {
    let kind = kind.map(text::lookup_key).unwrap_or_default();
    match kind.as_str() {
        "opioid" | "opioids" | "opiate" | "opiates" | "heroin" | "fentanyl" | "fent" | "dope" => "overdose-opioid",
        "stimulant" | "stimulants" | "upper" | "uppers" | "overamp" | "overamping" | "over-amping" | "coke"
        | "cocaine" | "meth" | "speed" => "overdose-stimulant",
        "mixed" | "mix" | "mixing" | "benzo" | "benzos" | "alcohol" | "xylazine" | "tranq" | "ghb" => "overdose-mixed",
        _ => "overdose",
    }
}

/// User input as it may appear in a reply: one line, at most [`MAX_ECHO`] characters, and
/// unable to ping anyone even where a platform would read `@everyone` or `<@id>`.
fn echo(input: &str) -> String {
    echo_at_most(input, MAX_ECHO)
}

/// Items joined by `separator`, as many as fit in `max` characters, then "…".
fn fit_lines(items: &[String], separator: &str, max: usize) -> String {
    let mut out = String::new();
    for item in items {
        let needed = limits::len(&out) + limits::len(separator) + limits::len(item);
        if needed > max - 2 {
            out.push_str(separator);
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push_str(separator);
        }
        out.push_str(item);
    }
    out
}

/// A moderator's phrase as it appears in their list: whole, up to the phrase length limit.
fn echo_long(input: &str) -> String {
    echo_at_most(input, MAX_PHRASE_LEN)
}

fn echo_at_most(input: &str, max: usize) -> String {
    let line: String = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut short: String = line.chars().take(max).collect();
    if limits::len(&line) > max {
        short.push('…');
    }
    short.replace('@', "@\u{200B}").replace('<', "‹").replace('>', "›").replace('`', "'")
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_times_in_utc() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(super::utc(1_795_446_300), "2026-11-23 15:05 UTC");
    }
}
