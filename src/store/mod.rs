//! Per-community settings behind a [`Store`] trait, so that the backend can change (sled is
//! still beta) without touching the engine.
//!
//! Only settings moderators chose are stored. Chat message text never reaches a store.

pub mod backup;
mod memory;
mod sled_store;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::content::Resource;
use crate::detect::CustomPhrase;

pub use memory::MemoryStore;
pub use sled_store::SledStore;

/// The version of the [`Settings`] layout, written into every stored record and every backup.
///
/// Migrations, oldest first (a record is migrated when it is read, and written back in the new
/// layout with the next change):
/// - 1 → 2: listening channels, crisis mode, alert channel, cooldown and opt-outs were added;
///   a version 1 record reads with their defaults (no channels, quiet replies, 5 minutes).
const SCHEMA: u32 = 2;

/// What moderators configured for one community (a Discord server, a Matrix room, a console).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Region code from `responses/regions/`: sets the emergency number and national services.
    pub region: Option<String>,
    /// An emergency number that overrides the region's.
    pub emergency: Option<String>,
    /// Moderators' own short texts, by topic or substance id.
    pub overrides: BTreeMap<String, String>,
    /// Moderators' own crisis phrases, in the order they were added.
    pub phrases: Vec<CustomPhrase>,
    /// Local services, listed before the region's national ones.
    pub resources: Vec<Resource>,
    /// The last [`MAX_HISTORY`] changes, oldest first.
    pub history: Vec<Change>,
    /// Channels whose messages are read for crisis words; none until moderators choose.
    pub listen: BTreeSet<String>,
    /// What happens when a message in a listening channel reads as a crisis.
    pub crisis_mode: CrisisMode,
    /// Where moderator alerts go: a channel id.
    pub alert_channel: Option<String>,
    /// Minutes between two crisis replies in one channel; `None` is [`DEFAULT_COOLDOWN_MINUTES`].
    pub cooldown: Option<u32>,
    /// Members who asked Harbor not to reply to their messages on its own (platform user ids).
    pub opted_out: BTreeSet<String>,
}

/// Minutes a channel waits between two crisis replies unless moderators choose otherwise:
/// long enough not to repeat itself during one emergency.
pub const DEFAULT_COOLDOWN_MINUTES: u32 = 5;

/// What Harbor does when a message in a listening channel reads as a crisis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CrisisMode {
    /// Nothing: the channels are not read.
    Off,
    /// A quiet reply under the message.
    #[default]
    Reply,
    /// Only a note to the moderators' alert channel.
    Alert,
    /// The reply and the alert.
    Both,
}

impl CrisisMode {
    pub const ALL: [CrisisMode; 4] = [CrisisMode::Off, CrisisMode::Reply, CrisisMode::Alert, CrisisMode::Both];

    /// The word moderators type for it.
    pub fn id(self) -> &'static str {
        match self {
            CrisisMode::Off => "off",
            CrisisMode::Reply => "reply",
            CrisisMode::Alert => "alert",
            CrisisMode::Both => "both",
        }
    }

    pub fn parse(word: &str) -> Option<CrisisMode> {
        CrisisMode::ALL.into_iter().find(|m| m.id().eq_ignore_ascii_case(word.trim()))
    }

    pub fn replies(self) -> bool {
        matches!(self, CrisisMode::Reply | CrisisMode::Both)
    }

    pub fn alerts(self) -> bool {
        matches!(self, CrisisMode::Alert | CrisisMode::Both)
    }
}

/// How many changes a community's history keeps.
pub const MAX_HISTORY: usize = 100;

/// One change moderators made: when, who, and what (the confirmation they were shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Seconds since 1970-01-01 UTC.
    pub at: u64,
    pub actor: String,
    pub what: String,
}

impl Settings {
    pub fn cooldown_minutes(&self) -> u32 {
        self.cooldown.unwrap_or(DEFAULT_COOLDOWN_MINUTES)
    }

    /// Records a change, keeping only the last [`MAX_HISTORY`].
    pub fn record(&mut self, change: Change) {
        self.history.push(change);
        let excess = self.history.len().saturating_sub(MAX_HISTORY);
        self.history.drain(..excess);
    }
}

/// Why the store could not read or write.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the settings store failed: {0}")]
    Backend(String),
    #[error("the stored settings of community {community:?} cannot be read: {reason}")]
    Corrupt { community: String, reason: String },
    /// Another process has the store open; sled allows one at a time.
    #[error(
        "the data directory {} is in use by another harbor process: stop the bot (or the console using it) first",
        dir.display()
    )]
    Locked { dir: PathBuf },
    /// The store cannot be trusted: said when it is opened, so harbor stops rather than run
    /// with some communities' settings silently gone.
    #[error(
        "the data directory {dir} is damaged: {reason}. To recover, move it aside (rather than delete it), then \
         restore your last backup into a new one with `harbor restore BACKUP.json --data {dir}`, or start again \
         with no settings",
        dir = dir.display()
    )]
    Damaged { dir: PathBuf, reason: String },
}

/// Where settings live. Every write is durable when `update` returns.
pub trait Store: Send + Sync {
    /// The settings of a community; defaults if it has none yet.
    fn settings(&self, community: &str) -> Result<Settings, StoreError>;

    /// Applies `change` to a community's settings atomically and returns the result.
    /// `change` may be called more than once if another writer got there first.
    fn update(&self, community: &str, change: &mut dyn FnMut(&mut Settings)) -> Result<Settings, StoreError>;

    /// The communities that have stored settings, sorted.
    fn communities(&self) -> Result<Vec<String>, StoreError>;

    /// Makes `communities` the whole content of the store in one atomic write, removing any
    /// community not in it: what `harbor restore` does, so that a failure leaves the old
    /// settings rather than a mix.
    fn replace_all(&self, communities: &BTreeMap<String, Settings>) -> Result<(), StoreError>;

    /// A value an adapter keeps between runs (the Matrix sync position); `None` if never set.
    /// Not a community's settings: not in backups, not in `communities`.
    fn value(&self, key: &str) -> Result<Option<String>, StoreError>;

    /// Keeps `value` under `key`, durably when it returns.
    fn set_value(&self, key: &str, value: &str) -> Result<(), StoreError>;

    /// Writes anything still buffered to disk; called once more on shutdown.
    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one, never a
/// part: a temporary file in the same directory, synced, then renamed over `path`. The file is
/// readable by its owner only, as the data directory's contents should be.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path.file_name().ok_or_else(|| io::Error::other("not a file name"))?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temporary = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    let write = || {
        // One a crash left behind goes first: a new file takes the mode below, and `create_new`
        // follows no link put in its place.
        let _ = std::fs::remove_file(&temporary);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        // The rename itself lasts a power cut only once the directory is synced.
        #[cfg(unix)]
        std::fs::File::open(dir)?.sync_all()?;
        Ok(())
    };
    write().inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The behaviour every store must have; run against each implementation.
    pub(crate) fn behaves_like_a_store(store: &dyn Store) {
        assert_eq!(store.settings("a").unwrap(), Settings::default());
        let after = store.update("a", &mut |s| s.region = Some("ca".into())).unwrap();
        assert_eq!(after.region.as_deref(), Some("ca"));
        store
            .update("a", &mut |s| {
                s.overrides.insert("naloxone".into(), "Ask us where to get it.".into());
            })
            .unwrap();
        let read = store.settings("a").unwrap();
        assert_eq!(read.region.as_deref(), Some("ca"));
        assert_eq!(read.overrides["naloxone"], "Ask us where to get it.");
        assert_eq!(store.settings("b").unwrap(), Settings::default(), "communities are separate");
        assert_eq!(store.communities().unwrap(), ["a"], "reading a community stores nothing");

        store.update("c", &mut |s| s.cooldown = Some(1)).unwrap();
        let restored = BTreeMap::from([
            ("b".to_string(), Settings { emergency: Some("112".into()), ..Settings::default() }),
            ("c".to_string(), Settings::default()),
        ]);
        store.replace_all(&restored).unwrap();
        assert_eq!(store.communities().unwrap(), ["b", "c"], "replaced whole: `a` is gone");
        assert_eq!(store.settings("a").unwrap(), Settings::default());
        assert_eq!(store.settings("b").unwrap().emergency.as_deref(), Some("112"));
        assert_eq!(store.settings("c").unwrap().cooldown, None, "not merged with what was there");
    }

    #[test]
    fn history_keeps_the_last_hundred_changes() {
        let mut settings = Settings::default();
        for i in 0..105 {
            settings.record(Change { at: i, actor: "mod".into(), what: format!("change {i}") });
        }
        assert_eq!(settings.history.len(), MAX_HISTORY);
        assert_eq!(settings.history[0].what, "change 5", "the oldest five are dropped");
        assert_eq!(settings.history[99].what, "change 104");
    }

    #[test]
    fn memory_store_keeps_settings_per_community() {
        behaves_like_a_store(&MemoryStore::default());
    }
}
