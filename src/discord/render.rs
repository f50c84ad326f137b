//! The engine's [`Reply`] as Discord embeds and buttons, and the one rule for every message
//! Harbor sends: it pings nobody.

use poise::CreateReply;
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInteractionResponseMessage, CreateMessage, Message, MessageFlags,
};

use crate::reply::{More, Reply};

/// What a "More" or "Show overdose steps" button's custom id starts with; the rest is the
/// command line that gives the details, so a button still works after a restart.
pub const MORE: &str = "more:";
/// Discord's limit on a button's custom id.
const MAX_CUSTOM_ID: usize = 100;

/// No @everyone, @here, roles, users, or the author of the message replied to: the text may
/// contain mentions (a resource's name, a moderator's text, an echoed argument) and none of
/// them may ping.
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new().replied_user(false)
}

/// The short text as an embed: title, body and footer.
pub fn embed(reply: &Reply) -> CreateEmbed {
    let mut embed = CreateEmbed::new().description(&reply.body);
    if !reply.title.is_empty() {
        embed = embed.title(&reply.title);
    }
    if let Some(footer) = &reply.footer {
        embed = embed.footer(CreateEmbedFooter::new(footer));
    }
    embed
}

/// The details behind a button, one field per section (content validation keeps them within
/// Discord's limits).
pub fn details(more: &More) -> CreateEmbed {
    more.sections.iter().fold(CreateEmbed::new(), |embed, s| embed.field(&s.title, &s.body, false))
}

/// The row holding the reply's button, if it has details and a command that gives them again.
fn buttons(reply: &Reply, line: Option<&str>) -> Option<CreateActionRow> {
    let more = reply.more.as_ref().filter(|m| !m.sections.is_empty())?;
    let id = format!("{MORE}{}", line?);
    if id.len() > MAX_CUSTOM_ID {
        tracing::debug!("no details button: the command is too long to keep in it");
        return None;
    }
    Some(CreateActionRow::Buttons(vec![CreateButton::new(id).label(&more.label).style(ButtonStyle::Secondary)]))
}

/// An answer to a slash command; `line` redoes the command for its button.
pub fn command_reply(reply: &Reply, line: Option<&str>) -> CreateReply {
    let mut answer = CreateReply::default().embed(embed(reply)).ephemeral(reply.ephemeral).allowed_mentions(no_pings());
    if let Some(file) = &reply.file {
        answer = answer.attachment(CreateAttachment::bytes(file.text.as_bytes(), &file.name));
    }
    match buttons(reply, line) {
        Some(row) => answer.components(vec![row]),
        None => answer,
    }
}

/// The quiet reply under a crisis message: no ping, no notification sound.
pub fn crisis_reply(reply: &Reply, to: &Message, line: &str) -> CreateMessage {
    let message = CreateMessage::new()
        .embed(embed(reply))
        .reference_message(to)
        .allowed_mentions(no_pings())
        .flags(MessageFlags::SUPPRESS_NOTIFICATIONS);
    match buttons(reply, Some(line)) {
        Some(row) => message.components(vec![row]),
        None => message,
    }
}

/// A plain note in a channel (the moderators' alert).
pub fn note(text: &str) -> CreateMessage {
    CreateMessage::new().content(text).allowed_mentions(no_pings())
}

/// What a button press shows, only to the person who pressed it.
pub fn private(embed: CreateEmbed) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new().embed(embed).ephemeral(true).allowed_mentions(no_pings())
}
