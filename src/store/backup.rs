//! `harbor backup` and `harbor restore`: every community's settings in one JSON file.
//!
//! A backup holds what the store holds (opted-out members' ids and moderators' names in the
//! history included), so it is written readable by its owner only.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{SCHEMA, Settings, Store, StoreError, write_atomically};

/// What the `format` field of a backup says, so that restoring any other JSON file is refused.
const FORMAT: &str = "harbor backup";

/// The file: `communities` holds settings in the layout of `schema`, read with the same
/// migrations as stored records.
#[derive(Serialize, Deserialize)]
struct Backup<S> {
    format: String,
    schema: u32,
    communities: BTreeMap<String, S>,
}

/// Why a backup or a restore did nothing.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{} already exists: choose another name, or add --force to replace it", .0.display())]
    Exists(PathBuf),
    #[error("there is no file {}", .0.display())]
    Missing(PathBuf),
    #[error("cannot {action} {}: {error}", path.display())]
    Io { action: &'static str, path: PathBuf, error: io::Error },
    #[error("{} is not a backup harbor can restore: {reason}. Nothing was restored", path.display())]
    Malformed { path: PathBuf, reason: String },
    #[error(
        "the data directory already holds the settings of {}: add --force to replace them with the backup's, or \
         restore into a new directory",
        communities(*.0)
    )]
    NotEmpty(usize),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// "1 community", "2 communities".
pub fn communities(n: usize) -> String {
    format!("{n} {}", if n == 1 { "community" } else { "communities" })
}

/// Writes every community's settings to `path`, atomically; an existing file is replaced only
/// with `force`. Returns how many communities were written.
pub fn write(store: &dyn Store, path: &Path, force: bool) -> Result<usize, BackupError> {
    if !force && path.exists() {
        return Err(BackupError::Exists(path.to_path_buf()));
    }
    let mut communities = BTreeMap::new();
    for id in store.communities()? {
        let settings = store.settings(&id)?;
        communities.insert(id, settings);
    }
    let backup = Backup { format: FORMAT.to_string(), schema: SCHEMA, communities };
    let json = serde_json::to_vec_pretty(&backup).map_err(|e| StoreError::Backend(e.to_string()))?;
    write_atomically(path, &json).map_err(|error| BackupError::Io {
        action: "write",
        path: path.to_path_buf(),
        error,
    })?;
    Ok(backup.communities.len())
}

/// Reads a backup and checks all of it (its format, its schema, every community's settings)
/// so that a restore writes either all of it or nothing.
pub fn read(path: &Path) -> Result<BTreeMap<String, Settings>, BackupError> {
    let text = std::fs::read(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => BackupError::Missing(path.to_path_buf()),
        _ => BackupError::Io { action: "read", path: path.to_path_buf(), error },
    })?;
    let malformed = |reason: String| BackupError::Malformed { path: path.to_path_buf(), reason };
    // The envelope first, so that a file from a newer harbor says so rather than fail on a field.
    let backup: Backup<serde_json::Value> = serde_json::from_slice(&text).map_err(|e| malformed(e.to_string()))?;
    if backup.format != FORMAT {
        return Err(malformed(format!("its format is {:?}, not {FORMAT:?}", backup.format)));
    }
    if backup.schema > SCHEMA {
        return Err(malformed(format!(
            "it was written by a newer harbor (schema {}; this one reads up to {SCHEMA})",
            backup.schema
        )));
    }
    backup
        .communities
        .into_iter()
        .map(|(id, value)| match serde_json::from_value(value) {
            Ok(settings) => Ok((id, settings)),
            Err(e) => Err(malformed(format!("the settings of community {id:?} do not read: {e}"))),
        })
        .collect()
}

/// Makes `communities` the store's whole content. A store that already holds settings is
/// replaced only with `force`, so a restore cannot wipe a running community's by mistake.
pub fn restore(store: &dyn Store, communities: &BTreeMap<String, Settings>, force: bool) -> Result<(), BackupError> {
    let present = store.communities()?.len();
    if present > 0 && !force {
        return Err(BackupError::NotEmpty(present));
    }
    store.replace_all(communities)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[test]
    fn a_backup_restores_into_an_empty_store_and_only_with_force_into_a_used_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backup.json");
        let source = MemoryStore::default();
        source.update("guild", &mut |s| s.region = Some("gb".into())).unwrap();
        assert_eq!(write(&source, &path, false).unwrap(), 1);
        assert!(matches!(write(&source, &path, false), Err(BackupError::Exists(_))));
        write(&source, &path, true).unwrap();

        let communities = read(&path).unwrap();
        let target = MemoryStore::default();
        restore(&target, &communities, false).unwrap();
        assert_eq!(target.settings("guild").unwrap(), source.settings("guild").unwrap());
        assert!(matches!(restore(&target, &communities, false), Err(BackupError::NotEmpty(1))));
        restore(&target, &communities, true).unwrap();
    }

    #[test]
    fn a_bad_backup_is_refused_whole_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("backup.json");
        let cases = [
            (r#"{"format":"harbor backup","schema":2,"communities":{"a":{}"#, "EOF"),
            (r#"{"format":"something else","schema":2,"communities":{}}"#, "not \"harbor backup\""),
            (r#"{"format":"harbor backup","schema":9,"communities":{}}"#, "newer harbor"),
            (r#"{"format":"harbor backup","schema":2,"communities":{"a":{},"b":{"phrases":7}}}"#, "community \"b\""),
        ];
        for (text, reason) in cases {
            std::fs::write(&path, text).unwrap();
            let err = read(&path).unwrap_err();
            assert!(matches!(err, BackupError::Malformed { .. }) && err.to_string().contains(reason), "{err}");
        }
        assert!(matches!(read(&dir.path().join("none.json")), Err(BackupError::Missing(_))));
    }
}
