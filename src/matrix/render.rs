//! The engine's [`Reply`] as Matrix events: `m.notice` (which clients and bots treat as
//! automatic, so it makes no sound) with a plain `body` and a small HTML `formatted_body`.
//!
//! Every event has an empty `m.mentions`: it notifies nobody, whatever its text says. Text from
//! people (an echoed argument, a moderator's service name) cannot become a pill either: a
//! Matrix id in it gets an invisible word joiner after its sigil, and HTML in it is escaped.

use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde_json::{Value, json};

use crate::command::{self, Command};
use crate::reply::{File, More, Reply};

/// The largest file shown inline as a code block. An event may be 64 KiB in all and holds the
/// text twice (plain and HTML); a larger file is uploaded instead.
pub const MAX_INLINE_FILE: usize = 24 * 1024;

/// `/overdose` as the engine's texts write a command, after a space, a quote or a bracket.
static SLASH_COMMAND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(^|[\s`"'(\[])/([A-Za-z]+)\b"#).expect("valid command pattern"));
/// A user id or room alias (`@name:server`, `#room:server`): what clients turn into pills.
static MATRIX_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([@#])([\w.=\-/+]+:[\w.\-]+)").expect("valid Matrix id pattern"));

/// Plain text and HTML built side by side.
#[derive(Default)]
struct Notice {
    plain: String,
    html: String,
}

impl Notice {
    fn heading(&mut self, text: &str, prefix: &str) {
        let text = readable(text, prefix);
        self.plain.push_str(&format!("{text}\n"));
        self.html.push_str(&format!("<strong>{}</strong><br>", escape(&text)));
    }

    fn text(&mut self, text: &str, prefix: &str) {
        let text = readable(text, prefix);
        self.html.push_str(&inline_html(&text));
        self.plain.push_str(&text);
    }

    fn note(&mut self, text: &str, prefix: &str) {
        let text = readable(text, prefix);
        self.plain.push_str(&format!("({text})"));
        self.html.push_str(&format!("<em>{}</em>", inline_html(&text)));
    }

    fn gap(&mut self) {
        if !self.plain.is_empty() {
            self.plain.push_str("\n\n");
            self.html.push_str("<br><br>");
        }
    }

    fn event(self) -> Value {
        json!({
            "msgtype": "m.notice",
            "body": self.plain,
            "format": "org.matrix.custom.html",
            "formatted_body": self.html,
            "m.mentions": {},
        })
    }
}

/// The short part of a reply: title, text, and the footer note.
pub fn short(reply: &Reply, prefix: &str) -> Value {
    let mut notice = Notice::default();
    if !reply.title.is_empty() {
        notice.heading(&reply.title, prefix);
    }
    notice.text(&reply.body, prefix);
    if let Some(footer) = &reply.footer {
        notice.gap();
        notice.note(footer, prefix);
    }
    notice.event()
}

/// The details a button opens on Discord: one titled block per section.
pub fn details(more: &More, prefix: &str) -> Value {
    let mut notice = Notice::default();
    for section in &more.sections {
        notice.gap();
        notice.heading(&section.title, prefix);
        notice.text(&section.body, prefix);
    }
    notice.event()
}

/// A file as a code block, to copy from; `None` if it is too large for one event.
pub fn code_block(file: &File) -> Option<Value> {
    if file.text.len() > MAX_INLINE_FILE {
        return None;
    }
    let language = file.name.rsplit_once('.').map_or("", |(_, extension)| extension);
    Some(json!({
        "msgtype": "m.notice",
        "body": format!("{}\n```{language}\n{}\n```", file.name, file.text.trim_end()),
        "format": "org.matrix.custom.html",
        "formatted_body": format!(
            "{}<br><pre><code class=\"language-{language}\">{}</code></pre>",
            escape(&file.name),
            escape(file.text.trim_end())
        ),
        "m.mentions": {},
    }))
}

/// A file uploaded to the homeserver (`uri` is its `mxc://` address).
pub fn attachment(file: &File, uri: &str) -> Value {
    json!({
        "msgtype": "m.file",
        "body": file.name,
        "filename": file.name,
        "url": uri,
        "info": { "mimetype": "text/plain", "size": file.text.len() },
        "m.mentions": {},
    })
}

/// A plain note (an alert, a word about encryption).
pub fn text(text: &str, prefix: &str) -> Value {
    let mut notice = Notice::default();
    notice.text(text, prefix);
    notice.event()
}

/// Places an event under `reply_to`: in `thread` if given (a thread root gets the details of its
/// reply), otherwise as a plain reply. Replies carry no quote of the message they answer, so
/// no one's words are copied.
pub fn relate(event: &mut Value, reply_to: &str, thread: Option<&str>) {
    let in_reply_to = json!({ "event_id": reply_to });
    event["m.relates_to"] = match thread {
        None => json!({ "m.in_reply_to": in_reply_to }),
        Some(root) => json!({
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": root == reply_to,
            "m.in_reply_to": in_reply_to,
        }),
    };
}

/// The engine's text as it should read on Matrix: commands with the bot's prefix (a leading
/// `/` is a client command in Element and others, never sent), and no Matrix id a client would
/// turn into a pill.
fn readable(text: &str, prefix: &str) -> String {
    let typed = SLASH_COMMAND.replace_all(text, |c: &Captures| {
        let known = !matches!(command::parse(&format!("/{}", &c[2])), Some(Command::Unknown(_)));
        if known { format!("{}{prefix} {}", &c[1], &c[2]) } else { c[0].to_string() }
    });
    MATRIX_ID.replace_all(&typed, "$1\u{2060}$2").into_owned()
}

/// Escaped text with the engine's two marks, `**bold**` and `` `code` ``, and its line breaks.
fn inline_html(text: &str) -> String {
    let html = escape(text);
    let html = pairs(&html, "**", "strong");
    let html = pairs(&html, "`", "code");
    html.replace('\n', "<br>")
}

/// `mark`-delimited spans as `<tag>`, if the marks pair up; otherwise the text unchanged.
fn pairs(text: &str, mark: &str, tag: &str) -> String {
    let parts: Vec<&str> = text.split(mark).collect();
    if parts.len().is_multiple_of(2) {
        return text.to_string();
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i.is_multiple_of(2) {
            out.push_str(part);
        } else {
            out.push_str(&format!("<{tag}>{part}</{tag}>"));
        }
    }
    out
}

/// Text as HTML text (never inside an attribute, so quotes need nothing).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_read_with_the_prefix_and_other_slashes_stay() {
        assert_eq!(
            readable("Try `/help`, or /config region us. 24/7, and/or https://x.org/naloxone", "!harbor"),
            "Try `!harbor help`, or !harbor config region us. 24/7, and/or https://x.org/naloxone"
        );
        assert_eq!(readable("/dance and /overdose", "!hb"), "/dance and !hb overdose", "only Harbor's commands");
    }

    #[test]
    fn no_text_becomes_markup_a_pill_or_a_mention() {
        let event = short(
            &Reply {
                title: "<b>Hi</b>".into(),
                body: "**Call** <a href=\"https://matrix.to/#/@mod:example.org\">x</a> @mod:example.org #room:example.org help@clinic.org".into(),
                ..Reply::default()
            },
            "!harbor",
        );
        assert_eq!(event["m.mentions"], json!({}));
        assert_eq!(event["msgtype"], "m.notice");
        let html = event["formatted_body"].as_str().unwrap();
        assert!(
            html.starts_with("<strong>&lt;b&gt;Hi&lt;/b&gt;</strong><br><strong>Call</strong> &lt;a href="),
            "{html}"
        );
        assert!(!html.contains("<a") && !html.contains("@mod:") && !html.contains("#room:"), "{html}");
        assert!(html.contains("@\u{2060}mod:example.org") && html.contains("help@clinic.org"), "{html}");
        assert!(!event["body"].as_str().unwrap().contains("@mod:example.org"), "{event}");
    }

    #[test]
    fn unpaired_marks_stay_as_typed() {
        assert_eq!(inline_html("**a** and `b`\nc"), "<strong>a</strong> and <code>b</code><br>c");
        assert_eq!(inline_html("a ** b"), "a ** b");
    }

    #[test]
    fn details_go_in_a_thread_under_the_reply_and_replies_quote_nothing() {
        let mut event = text("x", "!harbor");
        relate(&mut event, "$reply", Some("$reply"));
        assert_eq!(event["m.relates_to"]["rel_type"], "m.thread");
        assert_eq!(event["m.relates_to"]["is_falling_back"], true);
        relate(&mut event, "$message", None);
        assert_eq!(event["m.relates_to"], json!({"m.in_reply_to": {"event_id": "$message"}}));
        assert_eq!(event["body"], "x");
    }
}
