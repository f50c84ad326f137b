//! The on-disk store: sled, one key per community, flushed after every write.
//!
//! Values are JSON inside a small envelope that carries the schema version, so a later
//! version can migrate old records when it reads them.
//!
//! sled reads a damaged log as a shorter one, without an error: garbage in its file opens as an
//! empty database, a changed byte as one without the writes after it. So the store also counts
//! its writes, in sled and in a file beside it ([`WITNESS`]), and refuses to open when sled holds
//! fewer than the file says were made durable: a bot restarted on a damaged directory stops
//! with the way out instead of running with every community's settings gone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::{SCHEMA, Settings, Store, StoreError, write_atomically};

#[derive(Serialize, Deserialize)]
struct Record<S> {
    schema: u32,
    settings: S,
}

/// The keys of communities' records start with this.
const PREFIX: &[u8] = b"community/";
/// The key of the write count inside sled.
const WRITES: &[u8] = b"harbor/writes";
/// The file, in the data directory, holding the write count sled last made durable.
const WITNESS: &str = "harbor-writes";

/// Settings kept in a sled database in a directory.
pub struct SledStore {
    db: sled::Db,
    dir: PathBuf,
    /// The count last written to [`WITNESS`]; held while writing it, so that writers take
    /// turns and it never goes down.
    witnessed: Mutex<u64>,
}

impl SledStore {
    /// Opens (or creates) the store in `dir`, and checks that nothing written to it was lost and
    /// that every record reads.
    pub fn open(dir: &Path) -> Result<SledStore, StoreError> {
        let db = sled::open(dir).map_err(|e| open_error(dir, e))?;
        let store = SledStore { db, dir: dir.to_path_buf(), witnessed: Mutex::new(0) };
        let damaged = |reason: String| StoreError::Damaged { dir: dir.to_path_buf(), reason };
        match store.witness().map_err(damaged)? {
            Some(saved) => {
                let held = store.writes()?;
                if held < saved {
                    let witness = dir.join(WITNESS);
                    return Err(damaged(format!(
                        "its database holds {held} of the {saved} writes made to it, so the latest changes are lost \
                         (to keep what is left instead, delete {})",
                        witness.display()
                    )));
                }
                *store.witnessed.lock().unwrap_or_else(|p| p.into_inner()) = saved;
            }
            // A new store, or one from before the count: counting starts now.
            None => store.wrote()?,
        }
        // Every record is read once here, so that a damaged one stops harbor at the start with
        // the way out, rather than leave its community on the defaults later.
        for id in store.communities()? {
            store.settings(&id).map_err(|e| damaged(e.to_string()))?;
        }
        Ok(store)
    }

    fn key(community: &str) -> Vec<u8> {
        [PREFIX, community.as_bytes()].concat()
    }

    fn encode(settings: &Settings) -> Result<Vec<u8>, StoreError> {
        serde_json::to_vec(&Record { schema: SCHEMA, settings }).map_err(|e| StoreError::Backend(e.to_string()))
    }

    fn decode(community: &str, bytes: Option<&[u8]>) -> Result<Settings, StoreError> {
        let Some(bytes) = bytes else {
            return Ok(Settings::default());
        };
        let record: Record<Settings> = serde_json::from_slice(bytes)
            .map_err(|e| StoreError::Corrupt { community: community.to_string(), reason: e.to_string() })?;
        if record.schema > SCHEMA {
            return Err(StoreError::Corrupt {
                community: community.to_string(),
                reason: format!("written by a newer harbor (schema {}; this one reads up to {SCHEMA})", record.schema),
            });
        }
        Ok(record.settings)
    }

    /// How many writes sled holds.
    fn writes(&self) -> Result<u64, StoreError> {
        Ok(count(self.db.get(WRITES).map_err(backend)?.as_deref()))
    }

    /// The count in [`WITNESS`]: `None` if there is no such file yet, an error if it is unreadable.
    fn witness(&self) -> Result<Option<u64>, String> {
        let path = self.dir.join(WITNESS);
        match std::fs::read_to_string(&path) {
            Ok(text) => text.trim().parse().map(Some).map_err(|_| format!("{} is unreadable", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// Counts a write, makes everything durable, then records the count beside sled.
    fn wrote(&self) -> Result<(), StoreError> {
        let written = self.db.update_and_fetch(WRITES, |old| Some((count(old) + 1).to_be_bytes().to_vec()));
        let written = count(written.map_err(backend)?.as_deref());
        self.db.flush().map_err(backend)?;
        let mut witnessed = self.witnessed.lock().unwrap_or_else(|p| p.into_inner());
        if written > *witnessed {
            write_atomically(&self.dir.join(WITNESS), format!("{written}\n").as_bytes())
                .map_err(|e| StoreError::Backend(format!("cannot write {}: {e}", self.dir.join(WITNESS).display())))?;
            *witnessed = written;
        }
        Ok(())
    }
}

/// A write count as sled keeps it; none yet is 0.
fn count(bytes: Option<&[u8]>) -> u64 {
    bytes.and_then(|b| <[u8; 8]>::try_from(b).ok()).map_or(0, u64::from_be_bytes)
}

fn backend(e: sled::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// Why sled would not open `dir`, as an error that says what to do.
fn open_error(dir: &Path, e: sled::Error) -> StoreError {
    match e {
        // sled reports a lock held elsewhere as a plain I/O error: ask the lock itself.
        sled::Error::Io(_) if locked(dir) => StoreError::Locked { dir: dir.to_path_buf() },
        sled::Error::Io(e) => StoreError::Backend(format!("cannot open the data directory {}: {e}", dir.display())),
        e => StoreError::Damaged { dir: dir.to_path_buf(), reason: format!("sled cannot read it ({e})") },
    }
}

/// Whether another process holds the lock sled takes on its `db` file.
fn locked(dir: &Path) -> bool {
    std::fs::File::open(dir.join("db"))
        .is_ok_and(|file| matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock)))
}

impl Store for SledStore {
    fn settings(&self, community: &str) -> Result<Settings, StoreError> {
        let value = self.db.get(Self::key(community)).map_err(backend)?;
        Self::decode(community, value.as_deref())
    }

    fn update(&self, community: &str, change: &mut dyn FnMut(&mut Settings)) -> Result<Settings, StoreError> {
        let key = Self::key(community);
        loop {
            let old = self.db.get(&key).map_err(backend)?;
            let mut settings = Self::decode(community, old.as_deref())?;
            change(&mut settings);
            let new = Self::encode(&settings)?;
            match self.db.compare_and_swap(&key, old, Some(new)).map_err(backend)? {
                Ok(()) => {
                    self.wrote()?;
                    return Ok(settings);
                }
                // Another writer changed this community since we read it: apply again on theirs.
                Err(_) => continue,
            }
        }
    }

    fn communities(&self) -> Result<Vec<String>, StoreError> {
        // sled keeps keys in byte order, which is the order of `String`s.
        self.db
            .scan_prefix(PREFIX)
            .keys()
            .map(|key| {
                let key = key.map_err(backend)?;
                String::from_utf8(key[PREFIX.len()..].to_vec()).map_err(|e| StoreError::Backend(e.to_string()))
            })
            .collect()
    }

    fn replace_all(&self, communities: &BTreeMap<String, Settings>) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for key in self.db.scan_prefix(PREFIX).keys() {
            batch.remove(key.map_err(backend)?);
        }
        for (community, settings) in communities {
            batch.insert(Self::key(community), Self::encode(settings)?);
        }
        self.db.apply_batch(batch).map_err(backend)?;
        self.wrote()
    }

    fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
        let value = self.db.get(format!("state/{key}")).map_err(backend)?;
        value.map(|v| String::from_utf8(v.to_vec()).map_err(|e| StoreError::Backend(e.to_string()))).transpose()
    }

    /// Flushed, but not counted as a write of settings: losing it only means answering again.
    fn set_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.db.insert(format!("state/{key}"), value.as_bytes()).map_err(backend)?;
        self.db.flush().map(|_| ()).map_err(backend)
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush().map(|_| ()).map_err(backend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sled_store_keeps_settings_per_community() {
        let dir = tempfile::tempdir().unwrap();
        crate::store::tests::behaves_like_a_store(&SledStore::open(dir.path()).unwrap());
    }

    #[test]
    fn settings_survive_closing_and_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = SledStore::open(dir.path()).unwrap();
            store
                .update("guild", &mut |s| {
                    s.region = Some("nz".into());
                    s.emergency = Some("111".into());
                })
                .unwrap();
        }
        let store = SledStore::open(dir.path()).unwrap();
        let settings = store.settings("guild").unwrap();
        assert_eq!(settings.region.as_deref(), Some("nz"));
        assert_eq!(settings.emergency.as_deref(), Some("111"));
    }

    #[test]
    fn concurrent_writers_lose_no_update() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(SledStore::open(dir.path()).unwrap());
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for i in 0..25 {
                        store
                            .update("shared", &mut |s| {
                                s.overrides.insert(format!("{t}-{i}"), "x".into());
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(store.settings("shared").unwrap().overrides.len(), 100);
    }

    #[test]
    fn records_of_the_first_schema_are_read_with_the_new_settings_at_their_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let v1 = r#"{"schema":1,"settings":{"region":"ie","emergency":null,"overrides":{},"phrases":[],"resources":[],"history":[{"at":1,"actor":"mod","what":"Region set"}]}}"#;
        {
            let db = sled::open(dir.path()).unwrap();
            db.insert(SledStore::key("old"), v1.as_bytes()).unwrap();
            db.flush().unwrap();
        }
        let store = SledStore::open(dir.path()).unwrap();
        let settings = store.settings("old").unwrap();
        assert_eq!(settings.region.as_deref(), Some("ie"));
        assert_eq!(settings.history.len(), 1);
        assert!(settings.listen.is_empty() && settings.crisis_mode == crate::store::CrisisMode::Reply);
        assert_eq!(settings.cooldown_minutes(), crate::store::DEFAULT_COOLDOWN_MINUTES);
        store.update("old", &mut |s| s.cooldown = Some(9)).unwrap();
        let raw = store.db.get(SledStore::key("old")).unwrap().unwrap();
        assert!(raw.starts_with(br#"{"schema":2,"#), "written back in the new layout");
    }

    #[test]
    fn a_locked_directory_gives_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let _first = SledStore::open(dir.path()).unwrap();
        let Err(err) = SledStore::open(dir.path()) else { panic!("a second open of a locked store must fail") };
        assert!(matches!(err, StoreError::Locked { .. }), "{err}");
        assert!(err.to_string().contains("stop the bot"), "{err}");
    }

    #[test]
    fn a_record_that_does_not_decode_is_an_error_when_read_and_stops_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = SledStore::open(dir.path()).unwrap();
            store.db.insert(SledStore::key("bad"), &b"{\"schema\":2,\"settings\":{\"region\":"[..]).unwrap();
            assert!(matches!(store.settings("bad"), Err(StoreError::Corrupt { .. })));
            assert!(matches!(store.update("bad", &mut |s| s.cooldown = Some(1)), Err(StoreError::Corrupt { .. })));
            store.update("good", &mut |s| s.cooldown = Some(1)).unwrap();
        }
        let Err(err) = SledStore::open(dir.path()) else { panic!("a store with a bad record must not open") };
        assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains("\"bad\"") && message.contains("harbor restore"), "{message}");
    }

    #[test]
    fn garbage_in_sleds_file_stops_every_open() {
        let dir = tempfile::tempdir().unwrap();
        SledStore::open(dir.path()).unwrap().update("a", &mut |s| s.region = Some("ca".into())).unwrap();
        // sled alone would open this as an empty database, and heal it into one on the way.
        std::fs::write(dir.path().join("db"), [0x5a; 4096]).unwrap();
        for attempt in 0..2 {
            let Err(err) = SledStore::open(dir.path()) else { panic!("attempt {attempt}: garbage must not open") };
            assert!(err.to_string().contains("writes made to it"), "attempt {attempt}: {err}");
        }
    }

    #[test]
    fn a_database_that_went_back_in_time_is_refused() {
        /// Copies sled's files (all but the witness) from one directory to another.
        fn copy_sled(from: &Path, to: &Path) {
            for entry in std::fs::read_dir(from).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() && !path.ends_with(WITNESS) {
                    std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let old = tempfile::tempdir().unwrap();
        SledStore::open(dir.path()).unwrap().update("a", &mut |s| s.region = Some("ca".into())).unwrap();
        copy_sled(dir.path(), old.path());
        SledStore::open(dir.path()).unwrap().update("a", &mut |s| s.region = Some("nz".into())).unwrap();
        copy_sled(old.path(), dir.path());
        let Err(err) = SledStore::open(dir.path()) else { panic!("a store missing its last write must not open") };
        assert!(err.to_string().contains("the latest changes are lost"), "{err}");
        std::fs::remove_file(dir.path().join(WITNESS)).unwrap();
        let store = SledStore::open(dir.path()).expect("opens once told to keep what is left");
        assert_eq!(store.settings("a").unwrap().region.as_deref(), Some("ca"));
    }

    #[test]
    fn values_last_across_a_reopen_and_are_no_community() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = SledStore::open(dir.path()).unwrap();
            assert_eq!(store.value("matrix/since").unwrap(), None);
            store.set_value("matrix/since", "s42").unwrap();
        }
        let store = SledStore::open(dir.path()).unwrap();
        assert_eq!(store.value("matrix/since").unwrap().as_deref(), Some("s42"));
        assert!(store.communities().unwrap().is_empty());
    }
}
