//! `harbor discord`: the engine on Discord, through serenity and poise. Commands come from
//! [`commands`], gateway events from [`events`], and every reply is drawn by [`render`].

mod commands;
mod events;
mod render;

use std::future::Future;
use std::sync::{Arc, LazyLock};

use anyhow::bail;
use regex::Regex;
use serenity::all::{ApplicationFlags, ClientBuilder, GatewayError, GatewayIntents, GuildId, HttpBuilder};

use crate::content::Msg;
use crate::engine::Engine;

/// What every command and event handler shares.
pub struct Data {
    engine: Arc<Engine>,
}

type Error = anyhow::Error;
type Ctx<'a> = poise::Context<'a, Data, Error>;

/// How to reach Discord.
pub struct Options {
    /// The bot token: from the environment or a file, never the command line.
    pub token: String,
    /// Register the commands in this server only (instant, for trying Harbor out); without it
    /// they are registered globally.
    pub guild: Option<u64>,
    /// Send REST calls to this Discord API proxy (such as twilight-http-proxy) instead of
    /// discord.com; the proxy does the rate limiting. Tests use it to reach a fake Discord.
    pub proxy: Option<String>,
}

/// Runs the bot until Discord ends the session for good or `shutdown` completes; then closes
/// the gateway.
pub async fn run(engine: Arc<Engine>, options: Options, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
    let mut http = HttpBuilder::new(&options.token);
    if let Some(proxy) = &options.proxy {
        http = http.proxy(proxy).ratelimiter_disabled(true);
    }
    let http = http.build();
    let app = match http.get_current_application_info().await {
        Ok(app) => app,
        Err(serenity::Error::Http(e)) if e.status_code().is_some_and(|s| s.as_u16() == 401) => {
            bail!(
                "Discord refused the token (401 Unauthorized). Copy the bot token again from the developer portal (Bot → Reset Token)."
            )
        }
        Err(e) => bail!("cannot reach Discord to start: {e}"),
    };
    http.set_application_id(app.id);
    let content = ApplicationFlags::GATEWAY_MESSAGE_CONTENT | ApplicationFlags::GATEWAY_MESSAGE_CONTENT_LIMITED;
    let mut intents = GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if app.flags.is_some_and(|flags| flags.intersects(content)) {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    } else {
        tracing::warn!(
            "the Message Content intent is off, so Harbor cannot read messages for crisis words (commands still \
             work). Turn it on in the developer portal: your application → Bot → Privileged Gateway Intents → \
             Message Content Intent, then restart Harbor."
        );
    }

    let topics = Arc::clone(&engine);
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(|id| topics.content().topic(id).map(|t| t.title.clone())),
            allowed_mentions: Some(render::no_pings()),
            event_handler: |framework, event| {
                Box::pin(events::handle(framework.serenity_context, event, framework.user_data))
            },
            command_check: Some(|ctx| Box::pin(commands::admit(ctx))),
            on_error: |error| Box::pin(on_error(error)),
            initialize_owners: false,
            ..Default::default()
        })
        .setup(move |discord, ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                match options.guild {
                    Some(guild) => poise::builtins::register_in_guild(discord, commands, GuildId::new(guild)).await?,
                    None => poise::builtins::register_globally(discord, commands).await?,
                }
                tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
                Ok(Data { engine })
            })
        })
        .build();
    let mut client = ClientBuilder::new_with_http(http, intents).framework(framework).await?;
    let shards = Arc::clone(&client.shard_manager);
    tokio::select! {
        result = client.start_autosharded() => match result {
            Ok(()) => Ok(()),
            Err(serenity::Error::Gateway(GatewayError::InvalidAuthentication)) => {
                bail!("Discord closed the connection because the token is invalid (4004). Copy the bot token again from the developer portal.")
            }
            Err(serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents)) => {
                bail!("Discord refused the intents Harbor asked for (4014). Turn on the Message Content intent in the developer portal (Bot → Privileged Gateway Intents).")
            }
            Err(e) => Err(e.into()),
        },
        () = shutdown => {
            tracing::info!("stopping: closing the gateway");
            shards.shutdown_all().await;
            Ok(())
        }
    }
}

/// A command that failed is logged without its arguments (they may be someone's words) and
/// without interaction tokens.
async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().qualified_name, error = %redacted(&error), "a command failed");
        }
        // Over the rate limit: `commands::admit` has answered with the notice already.
        poise::FrameworkError::CommandCheckFailed { error: None, .. } => {}
        poise::FrameworkError::CommandCheckFailed { error: Some(error), ctx, .. } => {
            tracing::error!(
                command = %ctx.command().qualified_name,
                error = %redacted(&error),
                "checking a command failed"
            );
        }
        poise::FrameworkError::GuildOnly { ctx, .. } => {
            let reply = ctx.data().engine.notice(commands::Who::of(ctx).context(), Msg::ServerOnly, &[]);
            if let Err(e) = ctx.send(render::command_reply(&reply, None)).await {
                tracing::error!(error = %redacted(&e), "answering a command used outside a server failed");
            }
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %redacted(&e), "handling an error failed");
            }
        }
    }
}

/// Error text without interaction tokens: a failed request's error names its URL, and the URL
/// of an interaction answer holds a token that can answer for the bot for 15 minutes.
fn redacted(error: &dyn std::fmt::Display) -> String {
    static TOKEN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(interactions/\d+/|webhooks/\d+/)[^/\s?]+").expect("valid token pattern"));
    TOKEN.replace_all(&error.to_string(), "${1}[token]").into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_are_logged_without_interaction_tokens() {
        let error =
            "error sending request for url (https://discord.com/api/v10/interactions/123/aW50ZXJh.Y3Rpb24/callback)";
        assert_eq!(
            super::redacted(&error),
            "error sending request for url (https://discord.com/api/v10/interactions/123/[token]/callback)"
        );
        let webhook = "404 at /api/v10/webhooks/1000/secret-token/messages/@original";
        assert_eq!(super::redacted(&webhook), "404 at /api/v10/webhooks/1000/[token]/messages/@original");
    }
}
