//! Who may change Harbor's settings in a room: a room's moderators are the members whose power
//! level reaches a threshold (50 by default, what clients call "Moderator"), as the room's state
//! says at the time of the command, so a demotion takes effect at once.

use serde_json::Value;

/// Room versions in which the creator is an ordinary entry of the power levels. From version
/// 12 on, the room's creators outrank everyone and are not listed there at all.
const CREATOR_LISTED: &[&str] = &["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"];

/// Whether `user` reaches power level `needed`, from the room's `m.room.create` event (whole, for
/// its sender) and the content of its `m.room.power_levels` event. With no power levels the
/// creator has 100 and everyone else 0, as the specification says.
pub fn is_moderator(user: &str, create: Option<&Value>, power_levels: Option<&Value>, needed: i64) -> bool {
    let creator = create.is_some_and(|c| c["sender"] == user);
    let version = create.and_then(|c| c["content"]["room_version"].as_str()).unwrap_or("1");
    let additional = create
        .and_then(|c| c["content"]["additional_creators"].as_array())
        .is_some_and(|creators| creators.iter().any(|c| c == user));
    if !CREATOR_LISTED.contains(&version) && (creator || additional) {
        return true;
    }
    let level = match power_levels {
        Some(levels) => {
            levels["users"].get(user).and_then(level).or_else(|| level(&levels["users_default"])).unwrap_or(0)
        }
        None if creator => 100,
        None => 0,
    };
    level >= needed
}

/// A power level as rooms write it: a number, or in old rooms a string of digits.
fn level(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| value.as_str()?.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ME: &str = "@me:example.org";

    fn create(version: &str, sender: &str) -> Value {
        json!({ "sender": sender, "content": { "room_version": version } })
    }

    #[test]
    fn the_users_map_decides_else_the_default() {
        let levels = json!({ "users": { ME: 50, "@low:example.org": 10 }, "users_default": 0 });
        let room = create("10", "@someone:example.org");
        assert!(is_moderator(ME, Some(&room), Some(&levels), 50));
        assert!(!is_moderator(ME, Some(&room), Some(&levels), 51));
        assert!(!is_moderator("@low:example.org", Some(&room), Some(&levels), 50));
        assert!(!is_moderator("@other:example.org", Some(&room), Some(&levels), 50));
        assert!(is_moderator("@other:example.org", Some(&room), Some(&json!({ "users_default": "60" })), 50));
    }

    #[test]
    fn creators_of_version_12_rooms_outrank_everyone() {
        let levels = json!({ "users": {}, "users_default": 0 });
        assert!(is_moderator(ME, Some(&create("12", ME)), Some(&levels), 50));
        assert!(!is_moderator(ME, Some(&create("11", ME)), Some(&levels), 50), "listed like anyone before 12");
        let mut shared = create("12", "@other:example.org");
        shared["content"]["additional_creators"] = json!([ME]);
        assert!(is_moderator(ME, Some(&shared), Some(&levels), 50));
    }

    #[test]
    fn without_power_levels_only_the_creator_moderates() {
        assert!(is_moderator(ME, Some(&create("1", ME)), None, 50));
        assert!(!is_moderator(ME, Some(&create("1", "@other:example.org")), None, 50));
        assert!(!is_moderator(ME, None, None, 50));
    }
}
