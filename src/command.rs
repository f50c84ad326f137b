//! Commands as people type them (`/combo alcohol heroin`), parsed into [`Command`] values.
//!
//! The console and text-prefix platforms use [`parse`]; Discord builds the same values from
//! slash-command options. The engine never sees platform types.

use crate::content::Category;
use crate::detect::Level;
use crate::store::CrisisMode;

/// Topics that have a command of the same name and no arguments.
pub const TOPIC_COMMANDS: &[&str] =
    &["naloxone", "testing", "dontusealone", "injecting", "moud", "principles", "support", "goodsamaritan"];

/// What a person asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    /// One of [`TOPIC_COMMANDS`].
    Topic(String),
    /// `/overdose [opioid|stimulant|mixed]`; any other word gets the general steps.
    Overdose(Option<String>),
    /// `/saferuse [substance]`.
    SaferUse(Option<String>),
    /// `/combo a b [more...]`: the words as typed; the engine groups multi-word names.
    Combo(Vec<String>),
    /// `/resources [category] [area]`: the category's first word (or `all`), then the area.
    Resources {
        category: Option<String>,
        area: Option<String>,
    },
    Config(ConfigCommand),
    /// `/optout` (false) or `/optin` (true): whether Harbor may reply on its own to the
    /// person's messages.
    AutoReplies(bool),
    /// A `/word` that is no command.
    Unknown(String),
}

impl Command {
    /// The line that asks for this again, for a button that redoes a command later (Discord
    /// keeps it in the button). Only information commands: settings are never redone.
    pub fn to_line(&self) -> Option<String> {
        let with = |name: &str, arg: &Option<String>| match arg {
            Some(arg) => format!("/{name} {arg}"),
            None => format!("/{name}"),
        };
        Some(match self {
            Command::Help => "/help".to_string(),
            Command::Topic(id) => format!("/{id}"),
            Command::Overdose(kind) => with("overdose", kind),
            Command::SaferUse(query) => with("saferuse", query),
            Command::Combo(words) => format!("/combo {}", words.join(" ")),
            Command::Resources { category, area: None } => with("resources", category),
            Command::Resources { category, area: Some(area) } => {
                format!("/resources {} {area}", category.as_deref().unwrap_or("all"))
            }
            Command::Config(_) | Command::AutoReplies(_) | Command::Unknown(_) => return None,
        })
    }
}

/// Moderator settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigCommand {
    /// `/config` alone or with a wrong sub-command: the list of settings.
    Usage,
    Show,
    /// `None` resets.
    Region(Option<String>),
    /// `None` resets to the region's number.
    Emergency(Option<String>),
    ResponseShow(String),
    /// How a topic would read with this text, without saving it.
    ResponsePreview(String, String),
    ResponseSet(String, String),
    ResponseReset(String),
    PhraseList,
    /// A crisis phrase and the level it means; a regular expression if `regex`.
    PhraseAdd {
        level: Level,
        text: String,
        regex: bool,
    },
    /// By its number in the list, from 1.
    PhraseRemove(usize),
    /// How a message would be read: level, rules, guards.
    PhraseTest(String),
    ResourceList,
    /// `key=value` fields: category, name, phone, url, hours, area, notes.
    ResourceAdd(Vec<(String, String)>),
    /// A resource by its number in the list, from 1, and the fields to change.
    ResourceEdit(usize, Vec<(String, String)>),
    ResourceRemove(usize),
    /// The last changes: who, when, what.
    History,
    /// `/config listen add|remove <channel>`: start (true) or stop reading a channel.
    Listen(String, bool),
    CrisisMode(CrisisMode),
    /// `None` turns alerts off.
    AlertChannel(Option<String>),
    /// Minutes between two crisis replies in one channel.
    Cooldown(u32),
    /// The whole configuration as a TOML file.
    Export,
    /// A configuration file: checked and compared with the current one; saved if `apply`.
    /// The console reads `text` as a file path first.
    Import {
        text: String,
        apply: bool,
    },
}

/// Words that mean "back to the default" in `/config` settings.
const RESET_WORDS: &[&str] = &["reset", "clear", "none", "default", "off"];

/// Parses a line that starts with `/`; `None` for any other line (a chat message).
pub fn parse(line: &str) -> Option<Command> {
    let rest = line.trim().strip_prefix('/')?;
    let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let args = args.trim();
    let arg = (!args.is_empty()).then(|| args.to_string());
    let name = name.to_lowercase();
    Some(match name.as_str() {
        "help" | "start" => Command::Help,
        "overdose" | "od" => Command::Overdose(arg),
        "saferuse" => Command::SaferUse(arg),
        "combo" => Command::Combo(args.split_whitespace().map(str::to_string).collect()),
        "resources" => resources(args),
        "config" => Command::Config(parse_config(args)),
        "optout" => Command::AutoReplies(false),
        "optin" => Command::AutoReplies(true),
        _ if TOPIC_COMMANDS.contains(&name.as_str()) => Command::Topic(name),
        _ => Command::Unknown(name),
    })
}

/// `[category] [area]`: the longest run of first words that names a category (`syringe
/// services` is one), or else the first word; the rest is the area.
fn resources(args: &str) -> Command {
    let words: Vec<&str> = args.split_whitespace().collect();
    let split = (1..=words.len())
        .rev()
        .find(|&n| Category::parse(&words[..n].join(" ")).is_some())
        .unwrap_or(words.len().min(1));
    let joined = |w: &[&str]| (!w.is_empty()).then(|| w.join(" "));
    Command::Resources { category: joined(&words[..split]), area: joined(&words[split..]) }
}

fn parse_config(args: &str) -> ConfigCommand {
    let mut words = args.splitn(2, char::is_whitespace);
    let sub = words.next().unwrap_or("").to_lowercase();
    let rest = words.next().unwrap_or("").trim();
    let value = || (!RESET_WORDS.contains(&rest.to_lowercase().as_str())).then(|| rest.to_string());
    match sub.as_str() {
        "show" => ConfigCommand::Show,
        "region" if !rest.is_empty() => ConfigCommand::Region(value()),
        "emergency" if !rest.is_empty() => ConfigCommand::Emergency(value()),
        "response" => parse_response(rest),
        "phrase" | "phrases" => parse_phrase(rest),
        "resource" | "resources" => parse_resource(rest),
        "history" => ConfigCommand::History,
        "listen" => match rest.split_once(char::is_whitespace) {
            Some((action, channel)) if action.eq_ignore_ascii_case("add") => {
                ConfigCommand::Listen(channel.trim().into(), true)
            }
            Some((action, channel)) if action.eq_ignore_ascii_case("remove") => {
                ConfigCommand::Listen(channel.trim().into(), false)
            }
            _ => ConfigCommand::Usage,
        },
        "crisis" => CrisisMode::parse(rest).map_or(ConfigCommand::Usage, ConfigCommand::CrisisMode),
        "alert" if !rest.is_empty() => ConfigCommand::AlertChannel(value()),
        "cooldown" => rest.parse().map_or(ConfigCommand::Usage, ConfigCommand::Cooldown),
        "export" => ConfigCommand::Export,
        "import" if !rest.is_empty() => match rest.split_once(char::is_whitespace) {
            Some((first, text)) if first.eq_ignore_ascii_case("apply") => {
                ConfigCommand::Import { text: text.trim().to_string(), apply: true }
            }
            _ => ConfigCommand::Import { text: rest.to_string(), apply: false },
        },
        _ => ConfigCommand::Usage,
    }
}

/// `list`, `add key=value...`, `edit <n> key=value...`, `remove <n>`.
fn parse_resource(args: &str) -> ConfigCommand {
    let mut words = args.splitn(2, char::is_whitespace);
    let action = words.next().unwrap_or("").to_lowercase();
    let rest = words.next().unwrap_or("").trim();
    let (first, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    match action.as_str() {
        "list" => ConfigCommand::ResourceList,
        "add" if !rest.is_empty() => ConfigCommand::ResourceAdd(key_values(rest)),
        "edit" => match first.parse() {
            Ok(n) if !after.trim().is_empty() => ConfigCommand::ResourceEdit(n, key_values(after)),
            _ => ConfigCommand::Usage,
        },
        "remove" => first.parse().map_or(ConfigCommand::Usage, ConfigCommand::ResourceRemove),
        _ => ConfigCommand::Usage,
    }
}

/// `name="Main St Pharmacy" phone=555-0100`: keys lower-cased, values unquoted. A word
/// without `=` joins the value before it, so an unquoted `area=Old Town` still reads whole.
fn key_values(text: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (word, after) = match rest.split_once('=') {
            Some((key, value)) if !key.contains(char::is_whitespace) => {
                let value = value.trim_start();
                let (value, after) = match value.strip_prefix('"') {
                    Some(quoted) => quoted.split_once('"').unwrap_or((quoted, "")),
                    None => value.split_once(char::is_whitespace).unwrap_or((value, "")),
                };
                pairs.push((key.to_lowercase(), value.to_string()));
                (None, after)
            }
            _ => rest.split_once(char::is_whitespace).map_or((Some(rest), ""), |(w, a)| (Some(w), a)),
        };
        if let (Some(word), Some((_, value))) = (word, pairs.last_mut()) {
            value.push(' ');
            value.push_str(word);
        }
        rest = after.trim_start();
    }
    pairs
}

/// `list`, `add <emergency|concern> <text>`, `add-regex <emergency|concern> <regex>`,
/// `remove <number>`, `test <text>`.
fn parse_phrase(args: &str) -> ConfigCommand {
    let mut words = args.splitn(2, char::is_whitespace);
    let action = words.next().unwrap_or("").to_lowercase();
    let rest = words.next().unwrap_or("").trim();
    let mut level_and_text = rest.splitn(2, char::is_whitespace);
    let level = match level_and_text.next().unwrap_or("").to_lowercase().as_str() {
        "emergency" => Some(Level::Emergency),
        "concern" => Some(Level::Concern),
        _ => None,
    };
    let text = level_and_text.next().unwrap_or("").trim().to_string();
    match (action.as_str(), level) {
        ("list", _) => ConfigCommand::PhraseList,
        ("add", Some(level)) if !text.is_empty() => ConfigCommand::PhraseAdd { level, text, regex: false },
        ("add-regex", Some(level)) if !text.is_empty() => ConfigCommand::PhraseAdd { level, text, regex: true },
        ("remove", _) => rest.parse().map_or(ConfigCommand::Usage, ConfigCommand::PhraseRemove),
        ("test", _) if !rest.is_empty() => ConfigCommand::PhraseTest(rest.to_string()),
        _ => ConfigCommand::Usage,
    }
}

/// `show <id>`, `reset <id>`, `set <id> <text>`, `preview <id> <text>`; in typed text `\n` stands for a new line.
fn parse_response(args: &str) -> ConfigCommand {
    let mut words = args.splitn(3, char::is_whitespace);
    let action = words.next().unwrap_or("").to_lowercase();
    let id = words.next().unwrap_or("").to_lowercase();
    let text = words.next().unwrap_or("").trim().replace("\\n", "\n");
    match action.as_str() {
        _ if id.is_empty() => ConfigCommand::Usage,
        "show" => ConfigCommand::ResponseShow(id),
        "reset" => ConfigCommand::ResponseReset(id),
        "set" if !text.is_empty() => ConfigCommand::ResponseSet(id, text),
        "preview" if !text.is_empty() => ConfigCommand::ResponsePreview(id, text),
        _ => ConfigCommand::Usage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_as_typed() {
        assert_eq!(parse("hello"), None);
        assert_eq!(parse("/overdose"), Some(Command::Overdose(None)));
        assert_eq!(parse("/Overdose  stimulant "), Some(Command::Overdose(Some("stimulant".into()))));
        assert_eq!(parse("/combo alcohol  heroin"), Some(Command::Combo(vec!["alcohol".into(), "heroin".into()])));
        assert_eq!(parse("/saferuse china white"), Some(Command::SaferUse(Some("china white".into()))));
        assert_eq!(parse("/naloxone"), Some(Command::Topic("naloxone".into())));
        assert_eq!(parse("/dance"), Some(Command::Unknown("dance".into())));
    }

    #[test]
    fn information_commands_read_back_as_the_same_command() {
        for line in [
            "/help",
            "/naloxone",
            "/overdose",
            "/overdose opioid",
            "/saferuse china white",
            "/combo a b c",
            "/resources naloxone",
            "/resources all old town",
            "/resources syringe services east end",
        ] {
            let command = parse(line).unwrap();
            assert_eq!(command.to_line().as_deref(), Some(line));
            assert_eq!(parse(&command.to_line().unwrap()), Some(command));
        }
        assert_eq!(parse("/config region us").unwrap().to_line(), None, "settings are never redone by a button");
        assert_eq!(parse("/optout").unwrap().to_line(), None);
    }

    #[test]
    fn parses_config() {
        assert_eq!(parse("/config"), Some(Command::Config(ConfigCommand::Usage)));
        assert_eq!(parse("/config region us"), Some(Command::Config(ConfigCommand::Region(Some("us".into())))));
        assert_eq!(parse("/config region reset"), Some(Command::Config(ConfigCommand::Region(None))));
        assert_eq!(
            parse("/config emergency 112 or 999"),
            Some(Command::Config(ConfigCommand::Emergency(Some("112 or 999".into()))))
        );
        assert_eq!(
            parse("/config response set Naloxone Line one\\nline two"),
            Some(Command::Config(ConfigCommand::ResponseSet("naloxone".into(), "Line one\nline two".into())))
        );
        assert_eq!(parse("/config response set naloxone"), Some(Command::Config(ConfigCommand::Usage)));
        assert_eq!(parse("/config phrase remove 2"), Some(Command::Config(ConfigCommand::PhraseRemove(2))));
        assert_eq!(parse("/config phrase add urgent x"), Some(Command::Config(ConfigCommand::Usage)));
        let pairs = |list: &[(&str, &str)]| list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(
            parse(r#"/config resource add category=naloxone name="Main St Pharmacy" phone=555-0100 area=Old Town"#),
            Some(Command::Config(ConfigCommand::ResourceAdd(pairs(&[
                ("category", "naloxone"),
                ("name", "Main St Pharmacy"),
                ("phone", "555-0100"),
                ("area", "Old Town"),
            ]))))
        );
        assert_eq!(
            parse("/config resource edit 2 hours=24/7"),
            Some(Command::Config(ConfigCommand::ResourceEdit(2, pairs(&[("hours", "24/7")]))))
        );
        assert_eq!(parse("/config resource remove x"), Some(Command::Config(ConfigCommand::Usage)));
        assert_eq!(
            parse("/config listen add #general"),
            Some(Command::Config(ConfigCommand::Listen("#general".into(), true)))
        );
        assert_eq!(parse("/config crisis Both"), Some(Command::Config(ConfigCommand::CrisisMode(CrisisMode::Both))));
        assert_eq!(parse("/config crisis loud"), Some(Command::Config(ConfigCommand::Usage)));
        assert_eq!(parse("/config alert off"), Some(Command::Config(ConfigCommand::AlertChannel(None))));
        assert_eq!(parse("/config cooldown 10"), Some(Command::Config(ConfigCommand::Cooldown(10))));
        assert_eq!(parse("/config cooldown soon"), Some(Command::Config(ConfigCommand::Usage)));
    }
}
