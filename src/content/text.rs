//! Placeholders in content (`{emergency}`, `{region}`, ...): finding, filling, and measuring
//! the longest a text can become once they are filled.

use std::sync::LazyLock;

use regex::Regex;

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{([A-Za-z0-9_]*)\}").expect("the placeholder pattern is valid"));

/// The placeholders in `text`: name and byte offset of each.
pub fn placeholders(text: &str) -> impl Iterator<Item = (&str, usize)> {
    PLACEHOLDER.captures_iter(text).map(|c| {
        let whole = c.get(0).expect("a match has group 0");
        (c.get(1).map_or("", |m| m.as_str()), whole.start())
    })
}

/// `template` with each `{name}` replaced by its value from `vars`; unknown names stay as written
/// (validation rejects them in content, so they only survive in a moderator's preview).
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    PLACEHOLDER
        .replace_all(template, |c: &regex::Captures<'_>| {
            let name = &c[1];
            vars.iter()
                .find(|(key, _)| *key == name)
                .map_or_else(|| c[0].to_string(), |(_, value)| (*value).to_string())
        })
        .into_owned()
}

/// The length of `text` in characters once every placeholder is replaced by the longest value
/// it can take (`max_len` gives that length per name).
pub fn worst_len(text: &str, max_len: impl Fn(&str) -> usize) -> usize {
    let mut len = crate::limits::len(text);
    for (name, _) in placeholders(text) {
        len = len - (name.chars().count() + 2) + max_len(name);
    }
    len
}

/// Lower-cased, trimmed, inner whitespace collapsed: the form names and aliases are matched in.
pub fn lookup_key(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_placeholders_and_keeps_unknown_ones() {
        let out = fill("Call {emergency} now in {region}. {nope}", &[("emergency", "911"), ("region", "Ohio")]);
        assert_eq!(out, "Call 911 now in Ohio. {nope}");
    }

    #[test]
    fn worst_len_counts_the_longest_expansion() {
        assert_eq!(worst_len("Call {emergency} now", |_| 20), "Call  now".len() + 20);
        assert_eq!(worst_len("ünïcode", |_| 0), 7);
    }
}
