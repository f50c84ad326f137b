//! `harbor matrix`: the engine on a Matrix homeserver, as a bot account. The adapter is thin:
//! [`client`] speaks the client-server API, [`sync`] reads what the homeserver sends,
//! [`events`] turns it into engine calls, [`render`] turns replies into events, and
//! [`moderators`] decides who may change settings. Every decision about content is the engine's.
//!
//! A community is a room. Commands are typed with a prefix (`!harbor overdose`), since Matrix
//! clients keep a leading `/` for their own commands.

mod client;
mod events;
mod moderators;
mod render;
mod sync;

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use tokio::sync::watch;

use crate::engine::Engine;
use crate::store::Store;

use client::{Client, Session};

/// What commands start with unless `--prefix` says otherwise.
pub const DEFAULT_PREFIX: &str = "!harbor";
/// The power level a member needs to change settings: what clients call "Moderator".
pub const DEFAULT_MODERATOR_LEVEL: i64 = 50;

/// How long one sync waits for new events before asking again.
const SYNC_WAIT: Duration = Duration::from_secs(30);

/// How Harbor proves who it is. Neither is ever logged.
pub enum Auth {
    Password(String),
    AccessToken(String),
}

/// The account's secret: from `--password-file` or `--token-file` if given, otherwise from
/// MATRIX_ACCESS_TOKEN or MATRIX_PASSWORD. Never a command-line argument, where other users of
/// the machine could read it.
pub fn credentials(password_file: Option<&Path>, token_file: Option<&Path>) -> anyhow::Result<Auth> {
    let read = |path: &Path| {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        anyhow::Ok(text.trim_end_matches(['\n', '\r']).to_string())
    };
    let env = |name| std::env::var(name).ok().filter(|value: &String| !value.is_empty());
    let auth = match (password_file, token_file, env("MATRIX_ACCESS_TOKEN"), env("MATRIX_PASSWORD")) {
        (Some(path), ..) => Auth::Password(read(path)?),
        (None, Some(path), ..) => Auth::AccessToken(read(path)?),
        (None, None, Some(token), _) => Auth::AccessToken(token),
        (None, None, None, Some(password)) => Auth::Password(password),
        (None, None, None, None) => bail!(
            "no credentials: set MATRIX_PASSWORD (or MATRIX_ACCESS_TOKEN) or pass --password-file FILE (or \
             --token-file FILE)"
        ),
    };
    if let Auth::Password(secret) | Auth::AccessToken(secret) = &auth
        && secret.is_empty()
    {
        bail!("the credentials file is empty");
    }
    Ok(auth)
}

/// How to reach the homeserver, and how to behave there.
pub struct Options {
    /// The client-server API URL, such as `https://matrix.example.org`.
    pub homeserver: String,
    /// The bot's account, `@harbor:example.org`.
    pub user: String,
    pub auth: Auth,
    /// What commands start with.
    pub prefix: String,
    /// The power level that makes a member a moderator.
    pub moderator_level: i64,
    /// Where the sync position and device id are kept between runs (the engine's store), so a
    /// restart neither answers a message twice nor misses one sent while Harbor was down.
    pub store: Arc<dyn Store>,
}

/// Runs the bot until `shutdown` completes; an error if the homeserver refuses the credentials,
/// then or later. While it cannot be reached, Harbor waits and tries again. On shutdown the
/// batch of events in hand is finished first, so its position is saved and nothing is redone.
pub async fn run(engine: Arc<Engine>, options: Options, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
    let (stop, stopped) = watch::channel(false);
    let bot = serve(engine, options, Stop(stopped));
    tokio::pin!(bot, shutdown);
    tokio::select! {
        result = &mut bot => return result,
        () = &mut shutdown => {
            tracing::info!("stopping: finishing the events in hand");
            let _ = stop.send(true);
        }
    }
    bot.await
}

async fn serve(engine: Arc<Engine>, options: Options, stop: Stop) -> anyhow::Result<()> {
    if !options.user.starts_with('@') || !options.user.contains(':') {
        bail!("--user must be the bot's full Matrix id, such as @harbor:example.org");
    }
    if options.prefix.is_empty() || options.prefix.contains(char::is_whitespace) {
        bail!("--prefix must be one word, such as !harbor");
    }
    let homeserver = Client::new(&options.homeserver)?;
    let Some(session) = log_in(&homeserver, &options, &stop).await? else { return Ok(()) };
    tracing::info!(user = %session.user_id, "logged in to the homeserver");
    let bot = events::Bot {
        engine,
        client: homeserver.with_token(session.access_token),
        me: session.user_id,
        prefix: options.prefix,
        moderator_level: options.moderator_level,
        stop,
    };
    sync_loop(&bot, options.store.as_ref()).await
}

/// Logs in (or checks the access token), trying again while the homeserver cannot be reached.
/// `None` if asked to stop first.
async fn log_in(homeserver: &Client, options: &Options, stop: &Stop) -> anyhow::Result<Option<Session>> {
    let device_key = key(&options.user, "device");
    let device = options.store.value(&device_key)?;
    let mut backoff = Backoff::default();
    loop {
        let attempt = stop.or(async {
            match &options.auth {
                Auth::Password(password) => homeserver.login(&options.user, password, device.as_deref()).await,
                Auth::AccessToken(token) => homeserver.with_token(token.clone()).whoami().await,
            }
        });
        let Some(attempt) = attempt.await else { return Ok(None) };
        let session = match attempt {
            Ok(session) => session,
            Err(e) if e.transient() => {
                tracing::warn!(error = %e, "cannot log in yet; trying again");
                if stop.or(tokio::time::sleep(backoff.after(&e))).await.is_none() {
                    return Ok(None);
                }
                continue;
            }
            Err(e) => match options.auth {
                Auth::Password(_) => {
                    bail!("the homeserver refused to log in {} with that password ({e})", options.user)
                }
                Auth::AccessToken(_) => bail!("the homeserver refused the access token ({e})"),
            },
        };
        if session.user_id != options.user {
            bail!("the homeserver says these credentials are {}'s, not --user {}'s", session.user_id, options.user);
        }
        if let (Auth::Password(_), Some(new)) = (&options.auth, &session.device_id)
            && device.as_ref() != Some(new)
            && let Err(e) = options.store.set_value(&device_key, new)
        {
            tracing::warn!(error = %e, "cannot keep the device id; the next start adds a new device");
        }
        return Ok(Some(session));
    }
}

/// Syncs until asked to stop. The first sync ever only joins the rooms Harbor was invited to:
/// what was said before it started is not its to answer. Later ones go on from the position
/// kept in the store, which is saved after each batch is handled.
async fn sync_loop(bot: &events::Bot, store: &dyn Store) -> anyhow::Result<()> {
    let since_key = key(&bot.me, "since");
    let mut since = store.value(&since_key)?;
    let (first, live) = (sync::first_filter(), sync::live_filter());
    let mut backoff = Backoff::default();
    loop {
        let (filter, wait) = if since.is_some() { (&live, SYNC_WAIT) } else { (&first, Duration::ZERO) };
        let Some(answer) = bot.stop.or(bot.client.sync(since.as_deref(), filter, wait)).await else { return Ok(()) };
        let batch = answer.and_then(|value| {
            serde_json::from_value::<sync::Batch>(value).map_err(|e| client::Error::Invalid(e.to_string()))
        });
        let batch = match batch {
            Ok(batch) => batch,
            Err(e) if e.unauthorized() => bail!("the homeserver no longer accepts Harbor's access token ({e})"),
            Err(e) => {
                tracing::warn!(error = %e, "sync failed; trying again");
                if bot.stop.or(tokio::time::sleep(backoff.after(&e))).await.is_none() {
                    return Ok(());
                }
                continue;
            }
        };
        backoff = Backoff::default();
        bot.handle(&batch, since.is_none()).await;
        if let Err(e) = store.set_value(&since_key, &batch.next_batch) {
            tracing::error!(error = %e, "cannot save the sync position; a restart may answer some messages again");
        }
        since = Some(batch.next_batch);
    }
}

/// Where a value of the bot account `user` is kept in the store.
fn key(user: &str, what: &str) -> String {
    format!("matrix/{user}/{what}")
}

/// Asked to stop: long waits (a sync, a pause before retrying) end at once; work in hand does not.
#[derive(Clone)]
struct Stop(watch::Receiver<bool>);

impl Stop {
    /// `work`'s result, or `None` if Harbor is asked to stop first.
    async fn or<F: Future>(&self, work: F) -> Option<F::Output> {
        let mut stopped = self.0.clone();
        tokio::select! {
            output = work => Some(output),
            _ = stopped.wait_for(|stop| *stop) => None,
        }
    }
}

/// Pauses between retries: 1 s, doubling up to a minute, or what a rate limit asks for.
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Backoff(Duration::from_secs(1))
    }
}

impl Backoff {
    const MAX: Duration = Duration::from_secs(60);

    fn after(&mut self, error: &client::Error) -> Duration {
        let pause = error.retry_after().unwrap_or(self.0).min(Self::MAX);
        self.0 = (self.0 * 2).min(Self::MAX);
        pause
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_files_are_read_without_their_line_ending() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, " pass word \n").unwrap();
        assert!(matches!(credentials(Some(&file), None), Ok(Auth::Password(p)) if p == " pass word "));
        assert!(matches!(credentials(None, Some(&file)), Ok(Auth::AccessToken(t)) if t == " pass word "));
        std::fs::write(&file, "\n").unwrap();
        assert!(credentials(Some(&file), None).is_err(), "an empty file");
        assert!(credentials(Some(&dir.path().join("missing")), None).is_err());
    }

    #[test]
    fn backoff_doubles_up_to_a_minute_and_follows_rate_limits() {
        let network = client::Error::Invalid("x".into());
        let mut backoff = Backoff::default();
        let pauses: Vec<u64> = (0..8).map(|_| backoff.after(&network).as_secs()).collect();
        assert_eq!(pauses, [1, 2, 4, 8, 16, 32, 60, 60]);
        let limited = client::Error::Refused {
            status: 429,
            errcode: "M_LIMIT_EXCEEDED".into(),
            message: String::new(),
            retry_after: Some(Duration::from_millis(1500)),
        };
        assert_eq!(Backoff::default().after(&limited), Duration::from_millis(1500));
    }
}
