//! What a service entry may hold. Region files and moderators' own entries are held to the
//! same limits, so a local entry fits wherever a national one does.

use super::Resource;

/// Longest name, area and opening hours.
pub const MAX_NAME: usize = 100;
pub const MAX_AREA: usize = 100;
pub const MAX_HOURS: usize = 100;
/// Longest phone number.
pub const MAX_PHONE: usize = 40;
/// Longest note on one service.
pub const MAX_NOTES: usize = 300;

/// A web address people can open: http or https, no spaces.
pub fn is_web_address(url: &str) -> bool {
    ["https://", "http://"].iter().any(|p| url.strip_prefix(p).is_some_and(|rest| !rest.is_empty()))
        && !url.contains(char::is_whitespace)
}

/// Checks a moderator's entry; the error names the field and what is wrong with it.
pub fn check(r: &Resource) -> Result<(), String> {
    let fields = [
        ("name", Some(&r.name), MAX_NAME),
        ("area", r.area.as_ref(), MAX_AREA),
        ("phone", r.phone.as_ref(), MAX_PHONE),
        ("url", r.url.as_ref(), 300),
        ("hours", r.hours.as_ref(), MAX_HOURS),
        ("notes", r.notes.as_ref(), MAX_NOTES),
    ];
    if r.name.trim().is_empty() {
        return Err("a service needs a name".into());
    }
    for (field, value, max) in fields {
        let Some(value) = value else { continue };
        if crate::limits::len(value) > max {
            return Err(format!("{field} is longer than {max} characters"));
        }
        if value.contains('\n') && field != "notes" {
            return Err(format!("{field} must be one line"));
        }
        if ["@everyone", "@here", "<@", "<#", "<!"].iter().any(|m| value.contains(m)) {
            return Err(format!("{field} can't hold mentions (@everyone, @here, <@…>)"));
        }
    }
    if let Some(url) = &r.url
        && !is_web_address(url)
    {
        return Err(format!("\"{url}\" is not a web address starting with https:// or http://"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Category;

    fn entry() -> Resource {
        Resource {
            name: "Main St Pharmacy".into(),
            category: Category::Naloxone,
            area: None,
            phone: Some("555 0100".into()),
            url: Some("https://example.org".into()),
            hours: None,
            notes: None,
        }
    }

    #[test]
    fn refuses_bad_entries_naming_the_field() {
        assert_eq!(check(&entry()), Ok(()));
        let bad = |change: fn(&mut Resource)| {
            let mut r = entry();
            change(&mut r);
            check(&r).unwrap_err()
        };
        assert!(bad(|r| r.url = Some("javascript:alert(1)".into())).contains("not a web address"));
        assert!(bad(|r| r.name = "  ".into()).contains("needs a name"));
        assert!(bad(|r| r.name = "Ping @everyone".into()).contains("name can't hold mentions"));
        assert!(bad(|r| r.notes = Some("x".repeat(301))).contains("notes is longer than 300"));
        assert!(bad(|r| r.phone = Some("555\n0100".into())).contains("phone must be one line"));
    }
}
