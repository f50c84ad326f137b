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

/// A `harbor` process, killed if the test fails before it exits.
pub struct Running(pub Option<std::process::Child>);

impl Running {
    pub fn start(command: &mut std::process::Command) -> Running {
        Running(Some(command.spawn().unwrap()))
    }

    pub fn id(&self) -> u32 {
        self.0.as_ref().expect("running").id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
