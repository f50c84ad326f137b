//! The on-disk store: sled, one key per community, flushed after every write.
//!
//! Values are JSON inside a small envelope that carries the schema version, so a later
//! version can migrate old records when it reads them.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Settings, Store, StoreError};

/// The version of the record layout written by this build.
///
/// Migrations, oldest first (a record is migrated when it is read, and written back in the new
/// layout with the next change):
/// - 1 → 2: listening channels, crisis mode, alert channel, cooldown and opt-outs were added;
///   a version 1 record reads with their defaults (no channels, quiet replies, 5 minutes).
const SCHEMA: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Record {
    schema: u32,
    settings: Settings,
}

/// Settings kept in a sled database in a directory.
pub struct SledStore {
    db: sled::Db,
}

impl SledStore {
    /// Opens (or creates) the store in `dir`.
    pub fn open(dir: &Path) -> Result<SledStore, StoreError> {
        let db = sled::open(dir).map_err(|e| {
            StoreError::Backend(format!(
                "cannot open the data directory {}: {e}. If another harbor process is using it, stop that one first; \
                 if the directory is damaged, restore it from a backup or move it aside to start fresh.",
                dir.display()
            ))
        })?;
        Ok(SledStore { db })
    }

    fn key(community: &str) -> Vec<u8> {
        format!("community/{community}").into_bytes()
    }

    fn decode(community: &str, bytes: Option<&[u8]>) -> Result<Settings, StoreError> {
        let Some(bytes) = bytes else {
            return Ok(Settings::default());
        };
        let record: Record = serde_json::from_slice(bytes)
            .map_err(|e| StoreError::Corrupt { community: community.to_string(), reason: e.to_string() })?;
        if record.schema > SCHEMA {
            return Err(StoreError::Corrupt {
                community: community.to_string(),
                reason: format!("written by a newer harbor (schema {}; this one reads up to {SCHEMA})", record.schema),
            });
        }
        Ok(record.settings)
    }
}

fn backend(e: sled::Error) -> StoreError {
    StoreError::Backend(e.to_string())
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
            let record = Record { schema: SCHEMA, settings };
            let new = serde_json::to_vec(&record).map_err(|e| StoreError::Backend(e.to_string()))?;
            match self.db.compare_and_swap(&key, old, Some(new)).map_err(backend)? {
                Ok(()) => {
                    self.db.flush().map_err(backend)?;
                    return Ok(record.settings);
                }
                // Another writer changed this community since we read it: apply again on theirs.
                Err(_) => continue,
            }
        }
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
        assert!(err.to_string().contains("another harbor process"), "{err}");
    }
}
