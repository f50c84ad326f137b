//! Formatting shared by the engine and by validation, so that what `harbor check` measures is
//! exactly what the bot sends.

use super::{Messages, Msg, Resource, Source, text};
use crate::reply::Section;

/// One line per service: name, area, phone, link and hours, then its notes. Only whole
/// entries that fit in `max` characters are listed, then "…" (local ones come first, so a long
/// directory cuts national defaults before the community's own).
pub fn resource_lines<'a>(resources: impl IntoIterator<Item = &'a Resource>, max: usize) -> String {
    let mut out = String::new();
    for r in resources {
        let before = out.len();
        let mut line = format!("**{}**", r.name);
        if let Some(area) = &r.area {
            line.push_str(&format!(" ({area})"));
        }
        let details: Vec<&str> = [&r.phone, &r.url, &r.hours].into_iter().flatten().map(String::as_str).collect();
        if !details.is_empty() {
            line.push_str(" — ");
            line.push_str(&details.join(" · "));
        }
        out.push_str(&line);
        out.push('\n');
        if let Some(notes) = &r.notes {
            out.push_str(notes);
            out.push('\n');
        }
        if crate::limits::len(out.trim_end()) > max.saturating_sub(2) {
            out.truncate(before);
            out.push('…');
            break;
        }
    }
    out.trim_end().to_string()
}

/// The "Sources (reviewed ...)" section closing a topic's details.
pub fn sources_section(messages: &Messages, sources: &[Source], reviewed: &str) -> Section {
    Section {
        title: text::fill(messages.template(Msg::SourcesTitle), &[("reviewed", reviewed)]),
        body: sources_body(sources),
    }
}

/// One line per source: its name and address.
pub(super) fn sources_body(sources: &[Source]) -> String {
    sources
        .iter()
        .map(|s| match &s.url {
            Some(url) => format!("- {} — {}", s.name, url),
            None => format!("- {}", s.name),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One pair's explanation in a combination reply: why it is risky, and what to do anyway.
pub fn combo_details(why_title: &str, if_mixing_title: &str, why: &str, if_mixing: &str) -> String {
    format!("**{why_title}:** {why}\n**{if_mixing_title}:** {if_mixing}")
}
