//! The `harbor` command line: `discord`, `matrix`, `console`, `scan`, `check`, `backup` and `restore`.

use std::future::Future;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use harbor::content::{Content, ContentSource};
use harbor::detect::Detector;
use harbor::engine::{Context, Engine};
use harbor::store::{MemoryStore, SledStore, Store, backup};

/// Harbor: safer-use information and quiet overdose help for peer-support chat communities.
#[derive(Parser)]
#[command(name = "harbor", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the bot on Discord. The token comes from the DISCORD_TOKEN environment variable or
    /// from --token-file, never from the command line.
    Discord {
        /// Keep settings in this directory.
        #[arg(long, env = "HARBOR_DATA", value_name = "DIR", default_value = "harbor-data")]
        data: PathBuf,
        /// Use the content in this directory instead of the built-in responses/.
        #[arg(long, value_name = "DIR")]
        responses: Option<PathBuf>,
        /// Read the bot token from this file (for example a Docker or systemd secret).
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
        /// Register the commands in this server only: they appear at once, for trying Harbor
        /// out. Without it they are registered for every server (which can take a while).
        #[arg(long, value_name = "SERVER_ID")]
        guild: Option<u64>,
        /// Send Discord API calls through this proxy (such as twilight-http-proxy), which then
        /// does the rate limiting.
        #[arg(long, env = "DISCORD_PROXY", value_name = "URL")]
        proxy: Option<String>,
    },
    /// Run the bot on a Matrix homeserver. The password or access token comes from MATRIX_PASSWORD
    /// or MATRIX_ACCESS_TOKEN, or from --password-file or --token-file, never from the command line.
    Matrix {
        /// The homeserver's client-server API, such as https://matrix.example.org.
        #[arg(long, env = "MATRIX_HOMESERVER", value_name = "URL")]
        homeserver: String,
        /// The bot's account, such as @harbor:example.org.
        #[arg(long, env = "MATRIX_USER", value_name = "USER_ID")]
        user: String,
        /// Keep settings (and where the bot is in each room's history) in this directory.
        #[arg(long, env = "HARBOR_DATA", value_name = "DIR", default_value = "harbor-data")]
        data: PathBuf,
        /// Use the content in this directory instead of the built-in responses/.
        #[arg(long, value_name = "DIR")]
        responses: Option<PathBuf>,
        /// Read the account's password from this file.
        #[arg(long, value_name = "FILE", conflicts_with = "token_file")]
        password_file: Option<PathBuf>,
        /// Read an access token from this file instead of logging in with a password.
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
        /// What commands start with, as in `!harbor overdose`.
        #[arg(long, default_value = harbor::matrix::DEFAULT_PREFIX)]
        prefix: String,
        /// The power level a room member needs to change settings (50 is "Moderator").
        #[arg(long, value_name = "N", default_value_t = harbor::matrix::DEFAULT_MODERATOR_LEVEL)]
        moderator_level: i64,
    },
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
    /// Save every community's settings to one file, for `harbor restore`. Stop the bot first.
    Backup {
        /// The file to write.
        file: PathBuf,
        /// The data directory to back up.
        #[arg(long, env = "HARBOR_DATA", value_name = "DIR", default_value = "harbor-data")]
        data: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Bring back the settings of a file `harbor backup` wrote. Stop the bot first.
    Restore {
        /// The backup to read.
        file: PathBuf,
        /// The data directory to restore into.
        #[arg(long, env = "HARBOR_DATA", value_name = "DIR", default_value = "harbor-data")]
        data: PathBuf,
        /// Replace the settings already in the data directory (all of them).
        #[arg(long)]
        force: bool,
    },
}

/// Libraries that log whole gateway and HTTP payloads (chat text included) at debug and
/// trace: capped at info whatever RUST_LOG says, so message text never reaches a log.
const QUIET_LIBRARIES: &[&str] = &[
    "serenity=info",
    "poise=info",
    "tokio_tungstenite=info",
    "tungstenite=info",
    "hyper=info",
    "hyper_util=info",
    "reqwest=info",
    "h2=info",
    "rustls=info",
];

fn main() -> ExitCode {
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    for directive in QUIET_LIBRARIES {
        filter = filter.add_directive(directive.parse().expect("valid log directive"));
    }
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(io::stderr).init();
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
        Cmd::Discord { data, responses, token_file, guild, proxy } => {
            let token = token(token_file.as_deref())?;
            serve(&data, responses, |engine, _| {
                harbor::discord::run(engine, harbor::discord::Options { token, guild, proxy }, stop_signal())
            })
        }
        Cmd::Matrix { homeserver, user, data, responses, password_file, token_file, prefix, moderator_level } => {
            let auth = harbor::matrix::credentials(password_file.as_deref(), token_file.as_deref())?;
            serve(&data, responses, |engine, store| {
                let options = harbor::matrix::Options { homeserver, user, auth, prefix, moderator_level, store };
                harbor::matrix::run(engine, options, stop_signal())
            })
        }
        Cmd::Console { data, responses, moderator, community } => {
            let content = Content::load(&ContentSource::from_option(responses))?;
            let store: Arc<dyn Store> = match data {
                Some(dir) => Arc::new(SledStore::open(&dir)?),
                None => Arc::new(MemoryStore::default()),
            };
            let engine = Engine::new(Arc::new(content), store);
            let interactive = io::stdin().is_terminal();
            let ctx = Context { community: &community, moderator, actor: "console", user: "console" };
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
        Cmd::Backup { file, data, force } => {
            // Opening a directory that isn't there would create an empty store and back that up.
            if !data.is_dir() {
                anyhow::bail!(
                    "there is no data directory {}: name the bot's with --data DIR or HARBOR_DATA",
                    data.display()
                );
            }
            let store = SledStore::open(&data)?;
            let count = backup::write(&store, &file, force)?;
            println!("Backed up the settings of {} to {}.", backup::communities(count), file.display());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Restore { file, data, force } => {
            // The whole file is checked before the store is opened, so a bad one writes nothing.
            let communities = backup::read(&file)?;
            let store = SledStore::open(&data)?;
            backup::restore(&store, &communities, force)?;
            let restored = backup::communities(communities.len());
            println!("Restored the settings of {restored} into {}.", data.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs a chat adapter until it ends or a stop signal comes, on the content and the store in
/// `data`; flushes the store after.
fn serve<F: Future<Output = anyhow::Result<()>>>(
    data: &Path,
    responses: Option<PathBuf>,
    adapter: impl FnOnce(Arc<Engine>, Arc<dyn Store>) -> F,
) -> anyhow::Result<ExitCode> {
    let content = Content::load(&ContentSource::from_option(responses))?;
    let store: Arc<dyn Store> = Arc::new(SledStore::open(data)?);
    let engine = Arc::new(Engine::new(Arc::new(content), Arc::clone(&store)));
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let result = runtime.block_on(adapter(engine, Arc::clone(&store)));
    store.flush()?;
    result?;
    Ok(ExitCode::SUCCESS)
}

/// The bot token: DISCORD_TOKEN, or the first line of `file`. Never a command-line argument,
/// where other users of the machine could read it, and never logged.
fn token(file: Option<&Path>) -> anyhow::Result<String> {
    let token = match file {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?,
        None => std::env::var("DISCORD_TOKEN").unwrap_or_default(),
    };
    let token = token.trim();
    if token.is_empty() {
        anyhow::bail!(
            "no bot token: set DISCORD_TOKEN or pass --token-file FILE (the token is on the developer portal, \
             your application → Bot → Reset Token)"
        );
    }
    Ok(token.to_string())
}

/// Completes on Ctrl-C or SIGTERM (what `docker stop` sends).
async fn stop_signal() {
    #[cfg(unix)]
    if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        return;
    }
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
