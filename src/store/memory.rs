//! A store that lives only as long as the process: `harbor console` without `--data`.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Settings, Store, StoreError};

#[derive(Debug, Default)]
pub struct MemoryStore {
    communities: Mutex<HashMap<String, Settings>>,
}

impl MemoryStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Settings>> {
        // A panic while holding the lock cannot leave a half-written `Settings`: updates
        // are applied to a clone and swapped in whole.
        self.communities.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Store for MemoryStore {
    fn settings(&self, community: &str) -> Result<Settings, StoreError> {
        Ok(self.lock().get(community).cloned().unwrap_or_default())
    }

    fn update(&self, community: &str, change: &mut dyn FnMut(&mut Settings)) -> Result<Settings, StoreError> {
        let mut map = self.lock();
        let mut settings = map.get(community).cloned().unwrap_or_default();
        change(&mut settings);
        map.insert(community.to_string(), settings.clone());
        Ok(settings)
    }
}
