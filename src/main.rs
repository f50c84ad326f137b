//! The `harbor` command line: `console`, `scan` and `check`.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use harbor::content::{Content, ContentSource};
use harbor::detect::Detector;
use harbor::engine::{Context, Engine};
use harbor::store::{MemoryStore, SledStore, Store};

/// Harbor: safer-use information and quiet overdose help for peer-support chat communities.
#[derive(Parser)]
#[command(name = "harbor", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the bot in this terminal: `/commands`, or chat messages to see how it reacts.
    Console {
        /// Keep settings in this directory (without it, settings last until you quit).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
        /// Use the content in this directory instead of the built-in responses/.
        #[arg(long, value_name = "DIR")]
        responses: Option<PathBuf>,
        /// Allow `/config` commands, as a moderator would.
        #[arg(long)]
        moderator: bool,
        /// The community whose settings apply.
        #[arg(long, default_value = "console")]
        community: String,
    },
    /// Read one chat message per line from stdin; print one JSON object per line with its level.
    Scan {
        /// Print only the number of messages at each level.
        #[arg(long, conflicts_with = "explain")]
        summary: bool,
        /// Also print, per message, the guards that changed the outcome (ids only).
        #[arg(long)]
        explain: bool,
        /// Add a community's own phrases from this file, one per line
        /// (`emergency: man down`, `concern: feeling rough`, `regex emergency: code (red|blue)`).
        #[arg(long, value_name = "FILE")]
        phrases: Option<PathBuf>,
    },
    /// Check content: every file parses, every topic exists, every text fits and reads well.
    Check {
        /// Check this directory instead of the built-in responses/.
        #[arg(long, value_name = "DIR")]
        responses: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("harbor: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Cmd::Console { data, responses, moderator, community } => {
            let content = Content::load(&ContentSource::from_option(responses))?;
            let store: Arc<dyn Store> = match data {
                Some(dir) => Arc::new(SledStore::open(&dir)?),
                None => Arc::new(MemoryStore::default()),
            };
            let engine = Engine::new(Arc::new(content), store);
            let interactive = io::stdin().is_terminal();
            let ctx = Context { community: &community, moderator, actor: "console" };
            harbor::console::run(&engine, ctx, io::stdin().lock(), &mut io::stdout().lock(), interactive)
                .context("console input or output failed")?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Scan { summary, explain, phrases } => {
            let detector = match phrases {
                None => Detector::builtin(),
                Some(path) => {
                    let text =
                        std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
                    let phrases =
                        harbor::scan::read_phrases(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    Detector::with_phrases(&phrases)?
                }
            };
            let output = match (summary, explain) {
                (true, _) => harbor::scan::Output::Summary,
                (_, true) => harbor::scan::Output::Explain,
                _ => harbor::scan::Output::Lines,
            };
            let mut out = io::BufWriter::new(io::stdout().lock());
            let counts = harbor::scan::run(&detector, io::stdin().lock(), &mut out, output)?;
            tracing::info!(emergency = counts.emergency, concern = counts.concern, none = counts.none, "scan finished");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Check { responses } => {
            let source = ContentSource::from_option(responses);
            let files = source.read().context("cannot read the content")?;
            match Content::from_files(&files) {
                Ok(content) => {
                    println!(
                        "ok: {} files, {} topics, {} substances, {} regions",
                        files.len(),
                        content.topics().count(),
                        content.substances().len(),
                        content.regions().len()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(diagnostics) => {
                    for d in &diagnostics {
                        eprintln!("{d}");
                    }
                    eprintln!("{} problem(s) found", diagnostics.len());
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
