//! What Harbor does with each event: an invitation (join, and say so once if the room is
//! encrypted, since Harbor cannot read it), a command (`!harbor overdose`), and any other text
//! message, read for crisis words where moderators asked. A message's text goes to the engine
//! and is dropped, never logged.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use super::client::{self, Client};
use super::sync::{self, Batch, Event, InvitedRoom, Message};
use super::{Backoff, Stop, moderators, render};
use crate::command::{self, Command, ConfigCommand};
use crate::content::Msg;
use crate::engine::{Context, Engine, Place};
use crate::reply::{File, Reply};

/// Tries of one send or join before giving it up (pauses of 1, 2, 4 and 8 s between them).
const ATTEMPTS: u32 = 5;

/// The bot, logged in.
pub struct Bot {
    pub engine: Arc<Engine>,
    pub client: Client,
    /// Harbor's own user id: its own events are never answered.
    pub me: String,
    pub prefix: String,
    pub moderator_level: i64,
    pub stop: Stop,
}

impl Bot {
    /// Handles one sync batch. In the `first` batch Harbor ever sees, timelines are history and
    /// only invitations are acted on.
    pub async fn handle(&self, batch: &Batch, first: bool) {
        for (room, invited) in &batch.rooms.invite {
            self.accept(room, invited, &batch.next_batch).await;
        }
        if first {
            return;
        }
        for (room, joined) in &batch.rooms.join {
            for event in sync::since_joined(&joined.timeline.events, &self.me) {
                if event.sender == self.me {
                    continue;
                }
                if event.turns_on_encryption() {
                    self.say_encrypted(room, &event.event_id).await;
                } else if let Some(message) = event.message() {
                    self.message(room, event, &message).await;
                }
            }
        }
    }

    /// Joins a room Harbor was invited to. `batch` names the invitation, which has no event id.
    async fn accept(&self, room: &str, invited: &InvitedRoom, batch: &str) {
        if let Err(e) = self.retrying(|| self.client.join(room)).await {
            tracing::warn!(%room, error = %e, "cannot join a room Harbor was invited to");
            return;
        }
        tracing::info!(%room, "joined a room");
        if invited.encrypted() {
            self.say_encrypted(room, &format!("invite.{batch}")).await;
        }
    }

    /// Says that Harbor cannot read this room: it was encrypted when Harbor was invited, or
    /// encryption was turned on since (`cause`).
    async fn say_encrypted(&self, room: &str, cause: &str) {
        tracing::info!(%room, "the room is encrypted; Harbor cannot read it");
        let note = self.engine.notice(context(room, &self.me, false), Msg::EncryptedRoom, &[]);
        self.send(room, &txn(cause, "encrypted"), render::text(&note.body, &self.prefix)).await;
    }

    async fn message(&self, room: &str, event: &Event, message: &Message<'_>) {
        match command_line(&self.prefix, message.body) {
            Some(line) => {
                let reply = self.answer(room, &event.sender, &line).await;
                self.reply(room, event, message.thread, &reply).await;
            }
            None => self.crisis(room, event, message).await,
        }
    }

    /// The engine's answer. Settings need the sender's power level, read now; a moderator's
    /// settings are made Matrix-ready first (see [`Bot::in_room`]).
    async fn answer(&self, room: &str, sender: &str, line: &str) -> Reply {
        let command = command::parse(line).unwrap_or(Command::Help);
        let Command::Config(config) = command else {
            return self.engine.command(context(room, sender, false), &command);
        };
        let moderator = self.is_moderator(room, sender).await;
        let ctx = context(room, sender, moderator);
        let config = if moderator {
            match self.in_room(room, config).await {
                Ok(config) => config,
                Err(input) => return self.engine.notice(ctx, Msg::InvalidChannel, &[("input", &input)]),
            }
        } else {
            config
        };
        self.engine.command(ctx, &Command::Config(config))
    }

    /// A member is a moderator if their power level reaches `moderator_level`. If the room's
    /// state cannot be read, they are not (settings wait; everything else still works).
    async fn is_moderator(&self, room: &str, user: &str) -> bool {
        let (create, levels) = tokio::join!(
            self.client.state_event(room, "m.room.create"),
            self.client.state_event(room, "m.room.power_levels")
        );
        match (create, levels) {
            (Ok(create), Ok(levels)) => moderators::is_moderator(
                user,
                create.as_ref(),
                levels.as_ref().map(|event| &event["content"]),
                self.moderator_level,
            ),
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(%room, error = %e, "cannot read the room's power levels; answering as to a member");
                false
            }
        }
    }

    /// A settings command in Matrix terms: `here` is this room and `#alias:server` the room it
    /// names (for `listen` and `alert`), and a file pasted as a code block loses its fence.
    /// `Err` holds a room that could not be found.
    async fn in_room(&self, room: &str, config: ConfigCommand) -> Result<ConfigCommand, String> {
        Ok(match config {
            ConfigCommand::Listen(channel, on) => ConfigCommand::Listen(self.room_id(room, channel).await?, on),
            ConfigCommand::AlertChannel(Some(channel)) => {
                ConfigCommand::AlertChannel(Some(self.room_id(room, channel).await?))
            }
            ConfigCommand::Import { text, apply } => ConfigCommand::Import { text: unfenced(&text).to_string(), apply },
            other => other,
        })
    }

    async fn room_id(&self, room: &str, input: String) -> Result<String, String> {
        if input.eq_ignore_ascii_case("here") {
            return Ok(room.to_string());
        }
        if !input.starts_with('#') || !input.contains(':') || input.contains(char::is_whitespace) {
            return Ok(input);
        }
        self.client.resolve_alias(&input).await.map_err(|e| {
            tracing::debug!(error = %e, "an alias could not be resolved");
            input
        })
    }

    /// A chat message: a quiet reply and an alert if it reads as a crisis where moderators
    /// asked Harbor to listen.
    async fn crisis(&self, room: &str, event: &Event, message: &Message<'_>) {
        let link = format!("https://matrix.to/#/{room}/{}", event.event_id);
        let place = Place::Channel { id: room, link: &link };
        let ctx = context(room, &event.sender, false);
        let Some(crisis) = self.engine.message(ctx, place, message.body, Instant::now()) else { return };
        tracing::info!(level = %crisis.level, %room, "crisis reply");
        if let Some(reply) = &crisis.reply {
            self.reply(room, event, message.thread, reply).await;
        }
        if let Some(alert) = &crisis.alert {
            self.send(&alert.channel, &txn(&event.event_id, "alert"), render::text(&alert.body, &self.prefix)).await;
        }
    }

    /// The short reply under the message (in its thread, if it was written in one), then the
    /// details and any file in a thread under that reply: the room sees only the short text.
    async fn reply(&self, room: &str, to: &Event, thread: Option<&str>, reply: &Reply) {
        let mut short = render::short(reply, &self.prefix);
        render::relate(&mut short, &to.event_id, thread);
        let Some(short_id) = self.send(room, &txn(&to.event_id, "reply"), short).await else { return };
        let thread = thread.unwrap_or(&short_id);
        let mut parts = Vec::new();
        if let Some(more) = reply.more.as_ref().filter(|more| !more.sections.is_empty()) {
            parts.push(("details", render::details(more, &self.prefix)));
        }
        if let Some(file) = &reply.file
            && let Some(content) = self.file(file).await
        {
            parts.push(("file", content));
        }
        for (part, mut content) in parts {
            render::relate(&mut content, &short_id, Some(thread));
            self.send(room, &txn(&to.event_id, part), content).await;
        }
    }

    /// A file as a code block, or uploaded if it is too large for one.
    async fn file(&self, file: &File) -> Option<Value> {
        if let Some(block) = render::code_block(file) {
            return Some(block);
        }
        match self.retrying(|| self.client.upload(&file.name, &file.text)).await {
            Ok(uri) => Some(render::attachment(file, &uri)),
            Err(e) => {
                tracing::warn!(error = %e, "a file could not be uploaded");
                None
            }
        }
    }

    /// Sends an event; `None` if it could not be sent, which is logged and not retried later.
    async fn send(&self, room: &str, txn: &str, content: Value) -> Option<String> {
        match self.retrying(|| self.client.send(room, txn, &content)).await {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::warn!(%room, error = %e, "a message could not be sent");
                None
            }
        }
    }

    /// `call`, tried again after a pause while it fails for a reason that may pass.
    async fn retrying<T, F>(&self, call: impl Fn() -> F) -> Result<T, client::Error>
    where
        F: Future<Output = Result<T, client::Error>>,
    {
        let mut backoff = Backoff::default();
        let mut attempt = 1;
        loop {
            match call().await {
                Err(e) if e.transient() && attempt < ATTEMPTS => {
                    tracing::debug!(error = %e, "trying again");
                    if self.stop.or(tokio::time::sleep(backoff.after(&e))).await.is_none() {
                        return Err(e);
                    }
                    attempt += 1;
                }
                result => return result,
            }
        }
    }
}

/// `!harbor combo a b` as the engine's `/combo a b`; the prefix alone asks for help.
fn command_line(prefix: &str, body: &str) -> Option<String> {
    let body = body.trim_start();
    let typed = body.get(..prefix.len()).filter(|typed| typed.eq_ignore_ascii_case(prefix))?;
    let rest = &body[typed.len()..];
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim().trim_start_matches('/');
    Some(if rest.is_empty() { "/help".to_string() } else { format!("/{rest}") })
}

fn context<'a>(room: &'a str, sender: &'a str, moderator: bool) -> Context<'a> {
    Context { community: room, moderator, actor: sender, user: sender }
}

/// A transaction id made from what caused the send, so that handling the same event again
/// (after a crash before its position was saved) makes the homeserver send nothing twice.
fn txn(cause: &str, part: &str) -> String {
    format!("harbor.{part}.{cause}")
}

/// A file pasted as a Markdown code block (```` ```toml ```` … ```` ``` ````), without the fence.
fn unfenced(text: &str) -> &str {
    let text = text.trim();
    match text.strip_prefix("```").and_then(|inner| inner.strip_suffix("```")) {
        Some(inner) => inner.split_once('\n').map_or("", |(_language, body)| body),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_after_the_prefix() {
        let line = |body| command_line("!harbor", body);
        assert_eq!(line("!harbor combo alcohol  heroin").as_deref(), Some("/combo alcohol  heroin"));
        assert_eq!(line("  !Harbor").as_deref(), Some("/help"));
        assert_eq!(line("!harbor /overdose").as_deref(), Some("/overdose"), "a slash out of habit");
        assert_eq!(line("!harbor config import\nformat = 1").as_deref(), Some("/config import\nformat = 1"));
        assert_eq!(line("!harborist"), None);
        assert_eq!(line("he's not breathing"), None);
        assert_eq!(command_line("!", "é"), None, "a prefix that ends inside a character");
    }

    #[test]
    fn a_pasted_code_block_loses_its_fence() {
        assert_eq!(unfenced("```toml\nformat = 1\n```"), "format = 1\n");
        assert_eq!(unfenced(" ```\nformat = 1\n``` "), "format = 1\n");
        assert_eq!(unfenced("format = 1"), "format = 1");
    }
}
