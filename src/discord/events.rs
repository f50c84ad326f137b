//! What Harbor does with gateway events besides commands: chat messages in listening channels
//! (the quiet crisis reply and the moderators' alert) and presses of its buttons.

use std::time::{Duration, Instant};

use serenity::all::{
    ChannelId, ComponentInteraction, Context as Discord, CreateInteractionResponse, CreateMessage, FullEvent,
    Interaction, Message,
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
    // A reply that could not be posted does not keep the moderators' alert from being tried.
    if let Some(reply) = &crisis.reply
        && let Err(e) = post(discord, message.channel_id, render::crisis_reply(reply, message, OVERDOSE_STEPS)).await
    {
        tracing::error!(error = %e, channel = %message.channel_id, "the crisis reply could not be posted");
    }
    if let Some(alert) = &crisis.alert {
        match alert.channel.parse::<u64>() {
            Ok(id) if id != 0 => {
                if let Err(e) = post(discord, ChannelId::new(id), render::note(&alert.body)).await {
                    tracing::error!(error = %e, channel = id, "the moderators' alert could not be posted");
                }
            }
            _ => tracing::warn!(channel = %alert.channel, "the alert channel is not a Discord channel id"),
        }
    }
    Ok(())
}

/// The waits before each new try of a crisis post that Discord refused with 429 or 5xx: 7 s in
/// all, while the reply still helps, and longer than a channel's 5-second message bucket takes
/// to refill. Fixed, because serenity's error keeps neither the `retry-after` header nor the
/// body's `retry_after`; its own rate limiter, which honours them, is off behind a proxy.
const RETRY_DELAYS: [Duration; 3] = [Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(4)];

/// Posts a crisis reply or alert, trying again on a rate limit or a server error: someone may be
/// in danger and nobody asked, so nobody would notice it missing. Commands are not retried:
/// the person asking sees that it failed, and Discord takes an interaction's answer only
/// within 3 seconds.
async fn post(discord: &Discord, channel: ChannelId, message: CreateMessage) -> Result<(), serenity::Error> {
    let mut delays = RETRY_DELAYS.iter();
    loop {
        let error = match channel.send_message(&discord.http, message.clone()).await {
            Ok(_) => return Ok(()),
            Err(e) => e,
        };
        let transient = match &error {
            serenity::Error::Http(e) => e.status_code().filter(|s| s.as_u16() == 429 || s.is_server_error()),
            _ => None,
        };
        match (transient, delays.next()) {
            (Some(status), Some(delay)) => {
                tracing::warn!(status = status.as_u16(), channel = %channel, "posting failed; trying again");
                tokio::time::sleep(*delay).await;
            }
            _ => return Err(error),
        }
    }
}

/// A "More" or "Show overdose steps" press: the details, only for the person who pressed.
async fn button(discord: &Discord, data: &Data, press: &ComponentInteraction) -> Result<(), Error> {
    let Some(line) = press.data.custom_id.strip_prefix(render::MORE) else {
        return Ok(());
    };
    // The line came from Harbor's own button; settings are never redone by one.
    let command = command::parse(line).filter(|c| c.to_line().is_some()).unwrap_or(Command::Help);
    let who = Who::new(press.guild_id, press.member.as_ref(), &press.user);
    // A press redoes a command, so it counts towards the same limit.
    let shown = match data.engine.rate_limit(who.context(), Instant::now()) {
        Some(notice) => render::private(render::embed(&notice)),
        None => {
            let reply = data.engine.command(who.context(), &command);
            match &reply.more {
                Some(more) => render::private(render::details(more)),
                None => render::private(render::embed(&reply)),
            }
        }
    };
    press.create_response(&discord.http, CreateInteractionResponse::Message(shown)).await?;
    Ok(())
}
