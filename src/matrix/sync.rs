//! The parts of a `/sync` answer Harbor reads, and what each event is to it.
//!
//! Events are read leniently: one that does not have the expected shape is skipped, so a
//! strange event can never stop the bot from moving past the batch that holds it.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

/// Events of a room's timeline read per sync; after a long outage older ones are not read.
const TIMELINE_LIMIT: u32 = 100;

/// The filter for every sync after the first: only what Harbor acts on (messages, encryption
/// being turned on, its own membership, which marks where its backlog ends).
pub fn live_filter() -> String {
    filter(TIMELINE_LIMIT)
}

/// The filter for the very first sync, whose timelines are history Harbor never answers:
/// it needs only the invitations and the position to go on from.
pub fn first_filter() -> String {
    filter(0)
}

fn filter(timeline_limit: u32) -> String {
    json!({
        "presence": { "types": [] },
        "account_data": { "types": [] },
        "room": {
            "state": { "types": [] },
            "ephemeral": { "types": [] },
            "account_data": { "types": [] },
            "timeline": {
                "limit": timeline_limit,
                "types": ["m.room.message", "m.room.encryption", "m.room.member"],
            },
        },
    })
    .to_string()
}

#[derive(Debug, Deserialize)]
pub struct Batch {
    pub next_batch: String,
    #[serde(default)]
    pub rooms: Rooms,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Rooms {
    pub join: BTreeMap<String, JoinedRoom>,
    pub invite: BTreeMap<String, InvitedRoom>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct JoinedRoom {
    pub timeline: Events,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InvitedRoom {
    pub invite_state: Events,
}

impl InvitedRoom {
    /// The room is encrypted, as the invitation's summary of its state says.
    pub fn encrypted(&self) -> bool {
        self.invite_state.events.iter().any(Event::turns_on_encryption)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Events {
    #[serde(deserialize_with = "lenient")]
    pub events: Vec<Event>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: String,
    pub event_id: String,
    pub sender: String,
    pub state_key: Option<String>,
    pub content: Value,
    pub unsigned: Value,
}

/// A text message someone wrote.
pub struct Message<'a> {
    pub body: &'a str,
    /// The thread it was written in, if any: Harbor answers there.
    pub thread: Option<&'a str>,
}

impl Event {
    /// A text message, not an edit (an edited command is not run twice) and not a notice
    /// (what bots, Harbor included, send: never answered, so bots cannot talk in circles).
    pub fn message(&self) -> Option<Message<'_>> {
        let relation = &self.content["m.relates_to"];
        if self.kind != "m.room.message" || self.content["msgtype"] != "m.text" || relation["rel_type"] == "m.replace" {
            return None;
        }
        let thread = (relation["rel_type"] == "m.thread").then(|| relation["event_id"].as_str()).flatten();
        let body = self.content["body"].as_str()?;
        let is_reply = relation["m.in_reply_to"]["event_id"].is_string();
        Some(Message { body: if is_reply { without_reply_fallback(body) } else { body }, thread })
    }

    pub fn turns_on_encryption(&self) -> bool {
        self.kind == "m.room.encryption" && self.state_key.as_deref() == Some("")
    }

    /// `user` joining the room (not changing their name or picture, which is also a join).
    fn joins(&self, user: &str) -> bool {
        self.kind == "m.room.member"
            && self.state_key.as_deref() == Some(user)
            && self.content["membership"] == "join"
            && self.unsigned["prev_content"]["membership"] != "join"
    }
}

/// What the sender of a reply wrote. Older clients begin a reply's body with the message it
/// answers, as `> ` lines (the spec's "reply fallback"). Those words are someone else's and were
/// read when they were sent: read again, a reply to "he's not breathing" would raise the alarm a
/// second time, and a command quoted from another message would run.
fn without_reply_fallback(body: &str) -> &str {
    let mut rest = body;
    while rest.starts_with('>') {
        rest = rest.split_once('\n').map_or("", |(_quoted, after)| after);
    }
    rest.trim_start()
}

/// The events of a timeline after `me` joined the room. A new member is shown some of the
/// room's history; that is backlog Harbor never answers.
pub fn since_joined<'a>(events: &'a [Event], me: &str) -> &'a [Event] {
    events.iter().rposition(|e| e.joins(me)).map_or(events, |i| &events[i + 1..])
}

fn lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Event>, D::Error> {
    let values = Vec::<Value>::deserialize(deserializer)?;
    Ok(values.into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(value: Value) -> Event {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn only_text_messages_that_are_not_edits_are_read() {
        let text = event(json!({"type": "m.room.message", "content": {"msgtype": "m.text", "body": "hi"}}));
        assert_eq!(text.message().map(|m| m.body), Some("hi"));
        let notice = event(json!({"type": "m.room.message", "content": {"msgtype": "m.notice", "body": "hi"}}));
        assert!(notice.message().is_none(), "notices are what bots send");
        let edit = event(json!({"type": "m.room.message", "content": {"msgtype": "m.text", "body": "* hi",
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$a"}}}));
        assert!(edit.message().is_none());
        let threaded = event(json!({"type": "m.room.message", "content": {"msgtype": "m.text", "body": "hi",
            "m.relates_to": {"rel_type": "m.thread", "event_id": "$root"}}}));
        assert_eq!(threaded.message().and_then(|m| m.thread), Some("$root"));
    }

    #[test]
    fn a_reply_is_read_without_the_message_it_quotes() {
        let reply = event(json!({"type": "m.room.message", "content": {"msgtype": "m.text",
            "body": "> <@a:example.org> he's not breathing\n> !harbor overdose\n\nthat was last week, he's fine",
            "m.relates_to": {"m.in_reply_to": {"event_id": "$a"}}}}));
        assert_eq!(reply.message().map(|m| m.body), Some("that was last week, he's fine"));
        let quoting = event(json!({"type": "m.room.message", "content": {"msgtype": "m.text",
            "body": "> he's not breathing\nthat's what my friend just texted me"}}));
        assert_eq!(
            quoting.message().map(|m| m.body),
            Some("> he's not breathing\nthat's what my friend just texted me"),
            "a quote in a message that is not a reply is the writer's own choice of words"
        );
    }

    #[test]
    fn the_backlog_ends_at_harbor_joining_not_at_a_name_change() {
        let me = "@harbor:example.org";
        let batch: Batch = serde_json::from_value(json!({
            "next_batch": "s1",
            "rooms": {"join": {"!r:example.org": {"timeline": {"events": [
                {"type": "m.room.message", "event_id": "$old", "sender": "@a:example.org", "content": {}},
                {"type": "m.room.member", "event_id": "$join", "sender": me, "state_key": me,
                 "content": {"membership": "join"}},
                {"type": "m.room.message", "event_id": "$new", "sender": "@a:example.org", "content": {}},
                "not an event",
                {"type": "m.room.member", "event_id": "$rename", "sender": me, "state_key": me,
                 "content": {"membership": "join", "displayname": "H"},
                 "unsigned": {"prev_content": {"membership": "join"}}},
                {"type": "m.room.message", "event_id": "$newer", "sender": "@a:example.org", "content": {}},
            ]}}}}
        }))
        .unwrap();
        let events = &batch.rooms.join["!r:example.org"].timeline.events;
        let ids: Vec<&str> = since_joined(events, me).iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(ids, ["$new", "$rename", "$newer"]);
        assert_eq!(since_joined(&events[2..], me).len(), 3, "no join in the batch: all of it is new");
    }
}
