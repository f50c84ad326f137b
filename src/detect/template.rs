//! Phrase templates: `[not|isnt|stopped] breathing` stands for three phrases, `[a|]` makes a
//! word optional, and `{he}` stands for every entry of the list `he` in `rules.toml`. One
//! template line covers the ways people say one thing.

use std::collections::BTreeMap;

/// Most phrases one template may expand to: a guard against a typo that multiplies lists.
pub const MAX_EXPANSION: usize = 20_000;

/// How deep lists may refer to lists (`{him}` holds `my {person}`).
const MAX_DEPTH: usize = 4;

/// Every phrase `template` stands for.
pub fn expand(template: &str, lists: &BTreeMap<String, Vec<String>>) -> Result<Vec<String>, String> {
    expand_at(template, lists, 0)
}

fn expand_at(template: &str, lists: &BTreeMap<String, Vec<String>>, depth: usize) -> Result<Vec<String>, String> {
    if depth > MAX_DEPTH {
        return Err(format!("lists nest deeper than {MAX_DEPTH} in {template:?}"));
    }
    let mut out = vec![String::new()];
    let mut rest = template;
    while !rest.is_empty() {
        let (options, after): (Vec<String>, &str) = if let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']').ok_or_else(|| format!("unclosed [ in {template:?}"))?;
            let mut options = Vec::new();
            for choice in inner[..end].split('|') {
                options.extend(expand_at(choice, lists, depth + 1)?);
                if choice.trim().is_empty() {
                    options.push(String::new());
                }
            }
            (options, &inner[end + 1..])
        } else if let Some(inner) = rest.strip_prefix('{') {
            let end = inner.find('}').ok_or_else(|| format!("unclosed {{ in {template:?}"))?;
            let name = &inner[..end];
            let list = lists.get(name).ok_or_else(|| format!("unknown list {{{name}}} in {template:?}"))?;
            let mut options = Vec::new();
            for entry in list {
                options.extend(expand_at(entry, lists, depth + 1)?);
            }
            (options, &inner[end + 1..])
        } else {
            let end = rest.find(['[', '{']).unwrap_or(rest.len());
            (vec![rest[..end].to_string()], &rest[end..])
        };
        if out.len() * options.len() > MAX_EXPANSION {
            return Err(format!("{template:?} expands to more than {MAX_EXPANSION} phrases"));
        }
        out = out.iter().flat_map(|prefix| options.iter().map(move |o| format!("{prefix} {o}"))).collect();
        rest = after;
    }
    Ok(out.into_iter().map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| !p.is_empty()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_choices_optional_words_and_lists() {
        let lists = BTreeMap::from([
            ("he".to_string(), vec!["he is".to_string(), "my {who}".to_string()]),
            ("who".to_string(), vec!["bf".to_string(), "gf".to_string()]),
        ]);
        let phrases = expand("{he} [not|no longer] breathing[ at all|]", &lists).unwrap();
        assert_eq!(phrases.len(), 12);
        assert!(phrases.contains(&"he is no longer breathing at all".to_string()));
        assert!(phrases.contains(&"my gf not breathing".to_string()), "lists inside lists expand");
        assert!(expand("{nope} x", &lists).unwrap_err().contains("unknown list"));
        assert!(expand("[a|b x", &lists).unwrap_err().contains("unclosed"));
    }
}
