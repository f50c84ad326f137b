//! What Harbor does with gateway events besides commands: chat messages in listening channels
//! (the quiet crisis reply and the moderators' alert) and presses of its buttons.

use std::time::Instant;

use serenity::all::{
    ChannelId, ComponentInteraction, Context as Discord, CreateInteractionResponse, FullEvent, Interaction, Message,
};

use super::commands::Who;
use super::{Data, Error, render};
use crate::command::{self, Command};
use crate::engine::Place;

/// The command whose details the crisis reply's button shows.
const OVERDOSE_STEPS: &str = "/overdose";

pub async fn handle(discord: &Discord, event: &FullEvent, data: &Data) -> Result<(), Error> {
    match event {
        FullEvent::Message { new_message } => message(discord, data, new_message).await,
        FullEvent::InteractionCreate { interaction: Interaction::Component(press) } => {
            button(discord, data, press).await
        }
        _ => Ok(()),
    }
}

/// A chat message: nothing unless it reads as a crisis where moderators asked Harbor to
/// listen. Its text is passed to the engine and dropped, never logged.
async fn message(discord: &Discord, data: &Data, message: &Message) -> Result<(), Error> {
    if message.author.bot || message.content.is_empty() {
        return Ok(());
    }
    let who = Who::new(message.guild_id, None, &message.author);
    let channel = message.channel_id.to_string();
    let link = message.link();
    let place = match message.guild_id {
        Some(_) => Place::Channel { id: &channel, link: &link },
        None => Place::Direct,
    };
    let Some(crisis) = data.engine.message(who.context(), place, &message.content, Instant::now()) else {
        return Ok(());
    };
    tracing::info!(level = %crisis.level, channel = %message.channel_id, "crisis reply");
    if let Some(reply) = &crisis.reply {
        message.channel_id.send_message(&discord.http, render::crisis_reply(reply, message, OVERDOSE_STEPS)).await?;
    }
    if let Some(alert) = &crisis.alert {
        match alert.channel.parse::<u64>() {
            Ok(id) if id != 0 => {
                ChannelId::new(id).send_message(&discord.http, render::note(&alert.body)).await?;
            }
            _ => tracing::warn!(channel = %alert.channel, "the alert channel is not a Discord channel id"),
        }
    }
    Ok(())
}

/// A "More" or "Show overdose steps" press: the details, only for the person who pressed.
async fn button(discord: &Discord, data: &Data, press: &ComponentInteraction) -> Result<(), Error> {
    let Some(line) = press.data.custom_id.strip_prefix(render::MORE) else {
        return Ok(());
    };
    // The line came from Harbor's own button; settings are never redone by one.
    let command = command::parse(line).filter(|c| c.to_line().is_some()).unwrap_or(Command::Help);
    let who = Who::new(press.guild_id, press.member.as_ref(), &press.user);
    let reply = data.engine.command(who.context(), &command);
    let shown = match &reply.more {
        Some(more) => render::private(render::details(more)),
        None => render::private(render::embed(&reply)),
    };
    press.create_response(&discord.http, CreateInteractionResponse::Message(shown)).await?;
    Ok(())
}
