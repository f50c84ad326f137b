//! A store that lives only as long as the process: `harbor console` without `--data`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use super::{Settings, Store, StoreError};

#[derive(Debug, Default)]
pub struct MemoryStore {
    communities: Mutex<HashMap<String, Settings>>,
    values: Mutex<HashMap<String, String>>,
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

    fn communities(&self) -> Result<Vec<String>, StoreError> {
        let mut ids: Vec<String> = self.lock().keys().cloned().collect();
        ids.sort();
        Ok(ids)
    }

    fn replace_all(&self, communities: &BTreeMap<String, Settings>) -> Result<(), StoreError> {
        *self.lock() = communities.iter().map(|(id, settings)| (id.clone(), settings.clone())).collect();
        Ok(())
    }

    fn value(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.values.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).get(key).cloned())
    }

    fn set_value(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.values.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(key.to_string(), value.to_string());
        Ok(())
    }
}
