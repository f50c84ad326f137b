//! Shared helpers for integration tests.

// Each test crate compiles this module on its own and uses a different subset of it.
#![allow(dead_code)]

pub mod bot;
pub mod fake_discord;
pub mod synapse;

/// Every file under `dir`, to search a data directory for what must not be there.
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { files.extend(files_under(&path)) } else { files.push(path) }
    }
    files
}
