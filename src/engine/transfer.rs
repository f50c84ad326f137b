//! A community's whole configuration as one TOML file: `/config export`, and `/config import`
//! with every value checked as the single commands check it, and a dry run that lists the
//! changes before anything is saved.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::crisis::{MAX_COOLDOWN_MINUTES, MAX_LISTENING, channel_id, channel_label};
use super::{Context, Engine, MAX_LOCAL_RESOURCES, View, echo, valid_emergency};
use crate::content::{Msg, Resource, resource};
use crate::detect::{CustomPhrase, Detector, MAX_PHRASES};
use crate::limits;
use crate::reply::{File, Reply};
use crate::store::{CrisisMode, Settings};

/// The largest file `/config import` reads: far more than the most settings a community can
/// have, small enough to refuse garbage quickly.
pub const MAX_IMPORT_BYTES: usize = 256 * 1024;
/// The version of the file layout; a file says which one it was written in.
const FORMAT: u32 = 1;
/// Problems listed at most when a file is refused.
const MAX_PROBLEMS: usize = 10;

/// Everything moderators configure, in the order a person reads it. Not the history (an audit
/// log) and not members' opt-outs (their own choice, not the community's configuration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportFile {
    format: u32,
    region: Option<String>,
    emergency: Option<String>,
    #[serde(default)]
    crisis_mode: CrisisMode,
    cooldown_minutes: Option<u32>,
    alert_channel: Option<String>,
    #[serde(default)]
    listen: Vec<String>,
    #[serde(default)]
    overrides: BTreeMap<String, String>,
    #[serde(default)]
    phrases: Vec<CustomPhrase>,
    #[serde(default)]
    resources: Vec<Resource>,
}

impl ExportFile {
    fn of(s: &Settings) -> ExportFile {
        ExportFile {
            format: FORMAT,
            region: s.region.clone(),
            emergency: s.emergency.clone(),
            crisis_mode: s.crisis_mode,
            cooldown_minutes: s.cooldown,
            alert_channel: s.alert_channel.clone(),
            listen: s.listen.iter().cloned().collect(),
            overrides: s.overrides.clone(),
            phrases: s.phrases.clone(),
            resources: s.resources.clone(),
        }
    }
}

impl Engine {
    pub(super) fn export(&self, ctx: Context<'_>, view: &View<'_>) -> Reply {
        match toml::to_string_pretty(&ExportFile::of(&view.settings)) {
            Ok(text) => Reply {
                file: Some(File { name: format!("harbor-{}.toml", ctx.community), text }),
                ..Reply::notice(view.fill(self.msg(Msg::ExportDone)))
            },
            Err(e) => {
                tracing::error!(error = %e, "exporting settings failed");
                Reply::notice(view.fill(self.msg(Msg::StoreError)))
            }
        }
    }

    /// Reads a file, checks every value, and lists what would change; saves only if `apply`.
    pub(super) fn import(&self, ctx: Context<'_>, view: &View<'_>, text: &str, apply: bool) -> Result<String, String> {
        let refuse = |problems: Vec<String>| {
            let list: Vec<String> = problems.iter().take(MAX_PROBLEMS).map(|p| format!("- {p}")).collect();
            view.fill_with(self.msg(Msg::ImportInvalid), &[("problems", &list.join("\n"))])
        };
        if text.len() > MAX_IMPORT_BYTES {
            let max = format!("{} KiB", MAX_IMPORT_BYTES / 1024);
            return Err(view.fill_with(self.msg(Msg::ImportTooLarge), &[("max", &max)]));
        }
        let file: ExportFile = toml::from_str(text).map_err(|e| refuse(vec![toml_problem(text, &e)]))?;
        let imported = self.checked(file).map_err(refuse)?;
        let changes = changes(&view.settings, &imported);
        if changes.is_empty() {
            return Ok(view.fill(self.msg(Msg::ImportUnchanged)));
        }
        let list = changes.join("\n");
        if !apply {
            return Ok(view.fill_with(self.msg(Msg::ImportPreview), &[("changes", &list)]));
        }
        let mut replace = |s: &mut Settings| {
            let (history, opted_out) = (std::mem::take(&mut s.history), std::mem::take(&mut s.opted_out));
            *s = Settings { history, opted_out, ..imported.clone() };
        };
        self.save(ctx, view, &mut replace, Msg::ImportApplied, &[("changes", &list)])
    }

    /// The file's values as settings, each checked as its own command would check it.
    fn checked(&self, file: ExportFile) -> Result<Settings, Vec<String>> {
        let mut problems = Vec::new();
        if file.format != FORMAT {
            problems.push(format!("format {} is not one this Harbor reads (it reads {FORMAT})", file.format));
        }
        let region = file.region.as_deref().and_then(|code| match self.content.region(code) {
            Some(region) => Some(region.code.clone()),
            None => {
                problems.push(format!("region: there is no region \"{}\"", echo(code)));
                None
            }
        });
        if let Some(number) = file.emergency.as_deref().filter(|n| !valid_emergency(n)) {
            problems.push(format!("emergency: \"{}\" is not an emergency number", echo(number)));
        }
        if file.cooldown_minutes.is_some_and(|m| m > MAX_COOLDOWN_MINUTES) {
            problems.push(format!("cooldown_minutes: at most {MAX_COOLDOWN_MINUTES}"));
        }
        let mut channel = |field: &str, input: &str| {
            let id = channel_id(input);
            if id.is_none() {
                problems.push(format!("{field}: \"{}\" is not a channel", echo(input)));
            }
            id
        };
        let alert_channel = file.alert_channel.as_deref().and_then(|c| channel("alert_channel", c));
        let listen: BTreeSet<String> = file.listen.iter().filter_map(|c| channel("listen", c)).collect();
        if listen.len() > MAX_LISTENING {
            problems.push(format!("listen: at most {MAX_LISTENING} channels"));
        }
        let mut overrides = BTreeMap::new();
        for (key, text) in file.overrides {
            match self.response_id(&key) {
                Some(id) => _ = overrides.insert(id, text),
                None => problems.push(format!("overrides: there is no topic or substance \"{}\"", echo(&key))),
            }
        }
        if file.phrases.len() > MAX_PHRASES {
            problems.push(format!("phrases: at most {MAX_PHRASES}"));
        } else if let Err(e) = Detector::with_phrases(&file.phrases) {
            problems.push(format!("phrases: {e}"));
        }
        if file.resources.len() > MAX_LOCAL_RESOURCES {
            problems.push(format!("resources: at most {MAX_LOCAL_RESOURCES}"));
        }
        for (i, r) in file.resources.iter().enumerate() {
            if let Err(reason) = resource::check(r) {
                problems.push(format!("resources, number {}: {reason}", i + 1));
            }
        }
        let settings = Settings {
            region,
            emergency: file.emergency,
            overrides,
            phrases: file.phrases,
            resources: file.resources,
            listen,
            crisis_mode: file.crisis_mode,
            alert_channel,
            cooldown: file.cooldown_minutes,
            ..Settings::default()
        };
        // Texts must fit once this file's own emergency number and region are filled in.
        let imported = self.view_of(settings.clone());
        for (id, text) in &settings.overrides {
            let len = limits::len(&imported.fill(text));
            if len > limits::MESSAGE {
                problems.push(format!("overrides.{id}: {len} characters once filled in, at most {}", limits::MESSAGE));
            }
        }
        if problems.is_empty() { Ok(settings) } else { Err(problems) }
    }
}

/// Where a TOML error is, in words a moderator can act on.
fn toml_problem(text: &str, e: &toml::de::Error) -> String {
    let line = e.span().map(|span| text[..span.start.min(text.len())].lines().count().max(1));
    let message = e.message().trim();
    match line {
        Some(line) => format!("line {line}: {message}"),
        None => message.to_string(),
    }
}

/// What importing `new` over `old` changes, one line per setting.
fn changes(old: &Settings, new: &Settings) -> Vec<String> {
    let mut lines = Vec::new();
    let show = |v: &Option<String>| v.as_deref().map_or_else(|| "—".to_string(), |v| format!("`{}`", echo(v)));
    let mut value = |name: &str, a: String, b: String| {
        if a != b {
            lines.push(format!("{name}: {a} → {b}"));
        }
    };
    value("region", show(&old.region), show(&new.region));
    value("emergency", show(&old.emergency), show(&new.emergency));
    value("crisis mode", old.crisis_mode.id().to_string(), new.crisis_mode.id().to_string());
    value("cooldown", format!("{} min", old.cooldown_minutes()), format!("{} min", new.cooldown_minutes()));
    let channel = |c: &Option<String>| c.as_deref().map_or_else(|| "—".to_string(), channel_label);
    value("alert channel", channel(&old.alert_channel), channel(&new.alert_channel));
    let labels = |set: &BTreeSet<String>| set.iter().map(|c| channel_label(c)).collect::<Vec<_>>();
    lines.extend(list_changes("listening in", &labels(&old.listen), &labels(&new.listen)));
    let (old_texts, new_texts): (Vec<_>, Vec<_>) = (old.overrides.iter().collect(), new.overrides.iter().collect());
    lines.extend(count_changes("replaced texts", &old_texts, &new_texts));
    lines.extend(count_changes("crisis phrases", &old.phrases, &new.phrases));
    let names = |list: &[Resource]| list.iter().map(|r| echo(&r.name)).collect::<Vec<_>>();
    if old.resources != new.resources {
        lines.extend(list_changes("local services", &names(&old.resources), &names(&new.resources)));
        if names(&old.resources) == names(&new.resources) {
            lines.push("local services: details changed".to_string());
        }
    }
    lines
}

/// Added and removed items, named (as they are to be shown).
fn list_changes(name: &str, old: &[String], new: &[String]) -> Vec<String> {
    let added: Vec<&str> = new.iter().filter(|x| !old.contains(x)).map(String::as_str).collect();
    let removed: Vec<&str> = old.iter().filter(|x| !new.contains(x)).map(String::as_str).collect();
    let mut lines = Vec::new();
    if !added.is_empty() {
        lines.push(format!("{name}: + {}", added.join(", ")));
    }
    if !removed.is_empty() {
        lines.push(format!("{name}: − {}", removed.join(", ")));
    }
    lines
}

/// Added and removed items, counted (for long texts).
fn count_changes<T: PartialEq>(name: &str, old: &[T], new: &[T]) -> Option<String> {
    let added = new.iter().filter(|x| !old.contains(x)).count();
    let removed = old.iter().filter(|x| !new.contains(x)).count();
    (added + removed > 0).then(|| format!("{name}: {added} new or changed, {removed} removed"))
}
