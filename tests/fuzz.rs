//! Bad input of every kind the bot reads, generated: typed commands and their arguments,
//! settings files for `/config import`, and content files. Nothing may panic; every answer must
//! still fit Discord's limits. (The detector has its own properties in `src/detect`.)
//!
//! Cases per property: `PROPTEST_CASES` (default 1,000 here); CI runs the default.

use std::sync::{Arc, LazyLock};

use proptest::prelude::*;
use proptest::test_runner::Config;

use harbor::command::{Command, ConfigCommand};
use harbor::content::{Content, ContentSource, SourceFile};
use harbor::engine::{Context, Engine};
use harbor::limits;
use harbor::reply::Reply;
use harbor::store::MemoryStore;

const MODERATOR: Context<'static> = Context { community: "fuzz", moderator: true, actor: "fuzz", user: "fuzz" };

/// One engine for all cases, so settings pile up as they would over a community's life.
static ENGINE: LazyLock<Engine> =
    LazyLock::new(|| Engine::new(Arc::new(Content::embedded()), Arc::new(MemoryStore::default())));

/// A valid export with something in every setting, to mutate.
static EXPORT: LazyLock<String> = LazyLock::new(|| {
    let engine = Engine::new(Arc::new(Content::embedded()), Arc::new(MemoryStore::default()));
    for line in [
        "/config region gb",
        "/config emergency 999 or 112",
        "/config response set testing Ask us for strips.",
        "/config phrase add emergency man down",
        "/config phrase add-regex concern code (red|blue)",
        "/config resource add category=naloxone name=\"Pharmacy\" url=https://example.org",
        "/config listen add 3001",
        "/config alert 3002",
        "/config crisis both",
        "/config cooldown 3",
    ] {
        engine.line(MODERATOR, line);
    }
    engine.command(MODERATOR, &Command::Config(ConfigCommand::Export)).file.expect("an export").text
});

fn config() -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000),
        ..Config::default()
    }
}

/// What every answer must be, whatever was asked: within Discord's limits.
fn fits(reply: &Reply) -> Result<(), TestCaseError> {
    prop_assert!(limits::len(&reply.title) <= limits::TITLE, "title: {}", reply.title);
    prop_assert!(limits::len(&reply.body) <= limits::MESSAGE, "body of {}", limits::len(&reply.body));
    Ok(())
}

/// A command name people might type, or a random word.
fn command_word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "help",
            "overdose",
            "saferuse",
            "combo",
            "resources",
            "naloxone",
            "config",
            "optout",
            "optin",
            "od",
        ])
        .prop_map(str::to_string),
        "[a-z]{1,12}",
    ]
}

/// Arguments: settings words, substance names, numbers, mentions, markup and arbitrary text.
fn argument() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "region",
            "emergency",
            "response",
            "set",
            "preview",
            "reset",
            "show",
            "phrase",
            "add",
            "add-regex",
            "remove",
            "test",
            "resource",
            "edit",
            "list",
            "listen",
            "crisis",
            "alert",
            "cooldown",
            "import",
            "export",
            "apply",
            "history",
            "emergency",
            "concern",
            "both",
            "off",
            "fent",
            "alcohol",
            "heroin",
            "china",
            "white",
            "us",
            "0",
            "1",
            "999999999999999999999",
            "-1",
            "category=naloxone",
            "name=\"x\"",
            "url=javascript:alert(1)",
            "@everyone",
            "<@&1>",
            "(((",
            "[",
            "{emergency}",
            "\\n",
        ])
        .prop_map(str::to_string),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Any command line, moderator or not: an answer that fits, or silence; never a panic.
    #[test]
    fn any_command_line_is_answered_within_limits(
        name in command_word(),
        args in prop::collection::vec(argument(), 0..6),
        moderator in any::<bool>(),
    ) {
        let line = format!("/{name} {}", args.join(" "));
        let ctx = Context { moderator, ..MODERATOR };
        if let Some(reply) = ENGINE.line(ctx, &line) {
            fits(&reply)?;
        }
    }

    /// Any file given to `/config import`, and valid files with a few characters changed:
    /// refused or previewed, never a panic, and a dry run never changes anything.
    #[test]
    fn any_import_file_is_checked_without_panic(
        arbitrary in any::<String>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<char>(), any::<bool>()), 1..8),
    ) {
        let mut mutated: Vec<char> = EXPORT.chars().collect();
        for (at, c, insert) in edits {
            let i = at.index(mutated.len());
            if insert { mutated.insert(i, c) } else { mutated[i] = c }
        }
        let before = ENGINE.command(MODERATOR, &Command::Config(ConfigCommand::Export)).file;
        for text in [arbitrary, mutated.into_iter().collect()] {
            let reply = ENGINE.command(MODERATOR, &Command::Config(ConfigCommand::Import { text, apply: false }));
            fits(&reply)?;
        }
        prop_assert_eq!(ENGINE.command(MODERATOR, &Command::Config(ConfigCommand::Export)).file, before);
    }

    /// A content file replaced by arbitrary text, or with a few characters changed: either it
    /// loads or it is refused with diagnostics; never a panic.
    #[test]
    fn any_content_file_is_loaded_or_refused_without_panic(
        which in any::<prop::sample::Index>(),
        arbitrary in any::<String>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<char>()), 1..8),
        replace in any::<bool>(),
    ) {
        let mut files: Vec<SourceFile> = ContentSource::Embedded.read().unwrap();
        let chosen = which.index(files.len());
        let file = &mut files[chosen];
        file.text = if replace {
            arbitrary
        } else {
            let mut chars: Vec<char> = file.text.chars().collect();
            for (at, c) in edits {
                let i = at.index(chars.len());
                chars[i] = c;
            }
            chars.into_iter().collect()
        };
        if let Err(diagnostics) = Content::from_files(&files) {
            prop_assert!(!diagnostics.is_empty(), "a refusal says why");
        }
    }
}
