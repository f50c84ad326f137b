//! Slash commands: each a small function that turns its options into a [`Command`] for the
//! engine. Who may change settings is decided in one place, [`Who::new`].

use std::time::Instant;

use poise::ChoiceParameter;
use serenity::all::{
    Attachment, AutocompleteChoice, ChannelId, CreateAutocompleteResponse, CreateInputText, CreateInteractionResponse,
    CreateQuickModal, GuildId, InputTextStyle, Member, Permissions, User,
};

use super::{Ctx, Data, Error, render};
use crate::command::{Command, ConfigCommand, TOPIC_COMMANDS};
use crate::content::{Category, Msg};
use crate::detect::Level;
use crate::engine::Context;
use crate::engine::MAX_IMPORT_BYTES;
use crate::store::CrisisMode;

/// The community of direct messages: they have no server, so no settings of their own.
const DIRECT: &str = "direct";
/// Discord shows at most 25 autocomplete choices.
const MAX_CHOICES: usize = 25;
/// How long a text box for a moderator's text stays open.
const MODAL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// Discord's limit on a command description.
const MAX_DESCRIPTION: usize = 100;

/// Who is asking and where, read from the interaction itself on every call.
pub struct Who {
    community: String,
    moderator: bool,
    actor: String,
    user: String,
}

impl Who {
    /// A moderator is a member with Manage Server (or Administrator) according to the
    /// permissions Discord put in this interaction: command visibility settings a server
    /// changes cannot hand settings to everyone.
    pub fn new(guild: Option<GuildId>, member: Option<&Member>, user: &User) -> Who {
        let permissions = member.and_then(|m| m.permissions).unwrap_or_else(Permissions::empty);
        Who {
            community: guild.map_or_else(|| DIRECT.to_string(), |g| g.to_string()),
            moderator: guild.is_some() && (permissions.manage_guild() || permissions.administrator()),
            actor: format!("{} ({})", user.name, user.id),
            user: user.id.to_string(),
        }
    }

    pub fn of(ctx: Ctx<'_>) -> Who {
        let member = match ctx {
            poise::Context::Application(app) => app.interaction.member.as_deref(),
            poise::Context::Prefix(_) => None,
        };
        Who::new(ctx.guild_id(), member, ctx.author())
    }

    pub fn context(&self) -> Context<'_> {
        Context { community: &self.community, moderator: self.moderator, actor: &self.actor, user: &self.user }
    }
}

/// Every command, with the topic commands made from one template.
pub fn all(data_topics: impl Fn(&str) -> Option<String>) -> Vec<poise::Command<Data, Error>> {
    let mut commands = vec![help(), overdose(), saferuse(), combo(), resources(), optout(), optin(), config()];
    for id in TOPIC_COMMANDS {
        let mut command = topic();
        command.name = (*id).into();
        command.qualified_name = (*id).into();
        command.identifying_name = (*id).into();
        if let Some(title) = data_topics(id) {
            command.description = Some(title.chars().take(MAX_DESCRIPTION).collect::<String>().into());
        }
        commands.push(command);
    }
    commands
}

/// Marks an invocation already counted by [`admit`].
struct Admitted;

/// The global command check: the engine's rate limit (one per member and community), answered
/// with its notice here. poise runs this check once per level of `/config listen add`, so an
/// invocation is counted once; autocomplete is not a command and is never counted or refused.
pub async fn admit(ctx: Ctx<'_>) -> Result<bool, Error> {
    let poise::Context::Application(app) = ctx else { return Ok(true) }; // slash commands only
    if app.interaction_type == poise::CommandInteractionType::Autocomplete
        || ctx.invocation_data::<Admitted>().await.is_some()
    {
        return Ok(true);
    }
    match ctx.data().engine.rate_limit(Who::of(ctx).context(), Instant::now()) {
        None => {
            ctx.set_invocation_data(Admitted).await;
            Ok(true)
        }
        Some(notice) => {
            ctx.send(render::command_reply(&notice, None)).await?;
            Ok(false)
        }
    }
}

/// Asks the engine and answers, with a button for the details.
async fn answer(ctx: Ctx<'_>, command: Command) -> Result<(), Error> {
    let who = Who::of(ctx);
    let reply = ctx.data().engine.command(who.context(), &command);
    ctx.send(render::command_reply(&reply, command.to_line().as_deref())).await?;
    Ok(())
}

async fn configure(ctx: Ctx<'_>, config: ConfigCommand) -> Result<(), Error> {
    answer(ctx, Command::Config(config)).await
}

/// What Harbor can help with
#[poise::command(slash_command)]
async fn help(ctx: Ctx<'_>) -> Result<(), Error> {
    answer(ctx, Command::Help).await
}

/// A topic (the command's name says which).
#[poise::command(slash_command)]
async fn topic(ctx: Ctx<'_>) -> Result<(), Error> {
    answer(ctx, Command::Topic(ctx.command().name.to_string())).await
}

#[derive(Debug, Clone, Copy, ChoiceParameter)]
enum OverdoseKind {
    #[name = "opioid"]
    Opioid,
    #[name = "stimulant"]
    Stimulant,
    #[name = "mixed"]
    Mixed,
}

/// What to do right now if someone may be overdosing
#[poise::command(slash_command)]
async fn overdose(
    ctx: Ctx<'_>,
    #[description = "What they took, if you know"] kind: Option<OverdoseKind>,
) -> Result<(), Error> {
    answer(ctx, Command::Overdose(kind.map(|k| k.name().to_string()))).await
}

/// Safer use of one substance (street names work)
#[poise::command(slash_command)]
async fn saferuse(
    ctx: Ctx<'_>,
    #[description = "The substance"]
    #[autocomplete = "substances"]
    #[max_length = 100]
    substance: Option<String>,
) -> Result<(), Error> {
    answer(ctx, Command::SaferUse(substance)).await
}

/// How risky a mix is, and why
#[poise::command(slash_command)]
#[allow(clippy::too_many_arguments)] // one option per substance, as Discord shows them
async fn combo(
    ctx: Ctx<'_>,
    #[description = "A substance"]
    #[autocomplete = "substances"]
    #[max_length = 100]
    first: String,
    #[description = "Another substance"]
    #[autocomplete = "substances"]
    #[max_length = 100]
    second: String,
    #[description = "Another substance"]
    #[autocomplete = "substances"]
    #[max_length = 100]
    third: Option<String>,
    #[description = "Another substance"]
    #[autocomplete = "substances"]
    #[max_length = 100]
    fourth: Option<String>,
    #[description = "Another substance"]
    #[autocomplete = "substances"]
    #[max_length = 100]
    fifth: Option<String>,
    #[description = "Another substance"]
    #[autocomplete = "substances"]
    #[max_length = 100]
    sixth: Option<String>,
) -> Result<(), Error> {
    let words = [Some(first), Some(second), third, fourth, fifth, sixth].into_iter().flatten().collect();
    answer(ctx, Command::Combo(words)).await
}

/// Services near you: naloxone, syringe services, drug checking, crisis lines...
#[poise::command(slash_command)]
async fn resources(
    ctx: Ctx<'_>,
    #[description = "Only one kind of service"]
    #[autocomplete = "categories"]
    #[max_length = 100]
    category: Option<String>,
    #[description = "Only local services in this area (a neighbourhood, a town)"]
    #[max_length = 100]
    area: Option<String>,
) -> Result<(), Error> {
    answer(ctx, Command::Resources { category, area }).await
}

/// Stop Harbor replying on its own to your messages
#[poise::command(slash_command)]
async fn optout(ctx: Ctx<'_>) -> Result<(), Error> {
    answer(ctx, Command::AutoReplies(false)).await
}

/// Let Harbor reply on its own to your messages again
#[poise::command(slash_command)]
async fn optin(ctx: Ctx<'_>) -> Result<(), Error> {
    answer(ctx, Command::AutoReplies(true)).await
}

/// Substances whose name or street name contains what was typed; the value is the name the
/// engine looks up.
async fn substances(ctx: Ctx<'_>, partial: &str) -> CreateAutocompleteResponse {
    let partial = partial.trim().to_lowercase();
    let mut choices = Vec::new();
    for substance in ctx.data().engine.content().substances() {
        let title = &substance.topic.title;
        if title.to_lowercase().contains(&partial) || substance.topic.id.contains(&partial) {
            choices.push(AutocompleteChoice::new(title.clone(), substance.topic.id.clone()));
        } else if let Some(alias) = substance.aliases.iter().find(|a| a.to_lowercase().contains(&partial)) {
            choices.push(AutocompleteChoice::new(format!("{alias} ({title})"), substance.topic.id.clone()));
        }
    }
    choices.truncate(MAX_CHOICES);
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Resource categories by their display names.
async fn categories(ctx: Ctx<'_>, partial: &str) -> CreateAutocompleteResponse {
    let partial = partial.trim().to_lowercase();
    let messages = &ctx.data().engine.content().messages;
    let choices = Category::ALL
        .iter()
        .map(|c| (messages.category(*c), c.id()))
        .filter(|(name, id)| name.to_lowercase().contains(&partial) || id.contains(&partial))
        .map(|(name, id)| AutocompleteChoice::new(name, id))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Topics and substances whose text moderators can replace.
async fn responses(ctx: Ctx<'_>, partial: &str) -> CreateAutocompleteResponse {
    let partial = partial.trim().to_lowercase();
    let content = ctx.data().engine.content();
    let choices: Vec<_> = content
        .topics()
        .chain(content.substances().iter().map(|s| &s.topic))
        .filter(|t| t.id.contains(&partial) || t.title.to_lowercase().contains(&partial))
        .take(MAX_CHOICES)
        .map(|t| AutocompleteChoice::new(format!("{} ({})", t.title, t.id), t.id.clone()))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

async fn regions(ctx: Ctx<'_>, partial: &str) -> CreateAutocompleteResponse {
    let partial = partial.trim().to_lowercase();
    let choices: Vec<_> = ctx
        .data()
        .engine
        .content()
        .regions()
        .iter()
        .filter(|r| r.code.contains(&partial) || r.name.to_lowercase().contains(&partial))
        .take(MAX_CHOICES)
        .map(|r| AutocompleteChoice::new(format!("{} ({})", r.name, r.code), r.code.clone()))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Moderator settings: visible to members with Manage Server, and checked on every call.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands(
        "show",
        "export",
        "import",
        "history",
        "region",
        "emergency",
        "response",
        "phrase",
        "resource",
        "listen",
        "crisis",
        "alert",
        "cooldown"
    ),
    subcommand_required
)]
async fn config(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

/// The current settings
#[poise::command(slash_command)]
async fn show(ctx: Ctx<'_>) -> Result<(), Error> {
    configure(ctx, ConfigCommand::Show).await
}

/// All settings as a file, to keep or to edit
#[poise::command(slash_command)]
async fn export(ctx: Ctx<'_>) -> Result<(), Error> {
    configure(ctx, ConfigCommand::Export).await
}

/// Check a settings file and see what it would change; save it with apply
#[poise::command(slash_command)]
async fn import(
    ctx: Ctx<'_>,
    #[description = "A file from /config export"] file: Attachment,
    #[description = "Save it (without this, only show what would change)"] apply: Option<bool>,
) -> Result<(), Error> {
    let apply = apply.unwrap_or(false);
    let refused = |msg, vars: &[(&str, &str)]| ctx.data().engine.notice(Who::of(ctx).context(), msg, vars);
    let text = if file.size as usize > MAX_IMPORT_BYTES {
        // Refused unread.
        Err(refused(Msg::ImportTooLarge, &[("max", &format!("{} KiB", MAX_IMPORT_BYTES / 1024))]))
    } else {
        match file.download().await {
            Ok(bytes) => {
                String::from_utf8(bytes).map_err(|_| refused(Msg::ImportUnreadable, &[("reason", "not UTF-8 text")]))
            }
            Err(e) => Err(refused(Msg::ImportUnreadable, &[("reason", &e.to_string())])),
        }
    };
    match text {
        Ok(text) => configure(ctx, ConfigCommand::Import { text, apply }).await,
        Err(reply) => {
            ctx.send(render::command_reply(&reply, None)).await?;
            Ok(())
        }
    }
}

/// The last changes: who made them and when
#[poise::command(slash_command)]
async fn history(ctx: Ctx<'_>) -> Result<(), Error> {
    configure(ctx, ConfigCommand::History).await
}

/// Set the region (its emergency number and national services)
#[poise::command(slash_command)]
async fn region(
    ctx: Ctx<'_>,
    #[description = "The region, or leave empty to clear it"]
    #[autocomplete = "regions"]
    #[max_length = 100]
    code: Option<String>,
) -> Result<(), Error> {
    configure(ctx, ConfigCommand::Region(code)).await
}

/// Set the emergency number
#[poise::command(slash_command)]
async fn emergency(
    ctx: Ctx<'_>,
    #[description = "The number, or leave empty to use the region's"]
    #[max_length = 100]
    number: Option<String>,
) -> Result<(), Error> {
    configure(ctx, ConfigCommand::Emergency(number)).await
}

/// Replace a topic's short text with your own
#[poise::command(slash_command, subcommands("response_show", "response_set", "response_reset"), subcommand_required)]
async fn response(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

/// The text a topic shows now
#[poise::command(slash_command, rename = "show")]
async fn response_show(
    ctx: Ctx<'_>,
    #[description = "Topic or substance"]
    #[autocomplete = "responses"]
    #[max_length = 100]
    topic: String,
) -> Result<(), Error> {
    configure(ctx, ConfigCommand::ResponseShow(topic)).await
}

/// Save your text for a topic, or preview it first
#[poise::command(slash_command, rename = "set")]
async fn response_set(
    ctx: Ctx<'_>,
    #[description = "Topic or substance"]
    #[autocomplete = "responses"]
    #[max_length = 100]
    topic: String,
    #[description = "Your text (leave empty to edit it in a box, on several lines)"]
    #[max_length = 4000]
    text: Option<String>,
    #[description = "Only show how it would read, without saving"] preview: Option<bool>,
) -> Result<(), Error> {
    let preview = preview.unwrap_or(false);
    let config = |topic, text| match preview {
        true => ConfigCommand::ResponsePreview(topic, text),
        false => ConfigCommand::ResponseSet(topic, text),
    };
    let who = Who::of(ctx);
    let engine = &ctx.data().engine;
    if let Some(text) = text {
        return configure(ctx, config(topic, text)).await;
    }
    let poise::Context::Application(app) = ctx else { return Ok(()) }; // slash commands only
    // Refusals (not a moderator, no such topic) come from the engine, as for any other call.
    let Some((id, current)) = engine.editable_response(who.context(), &topic).filter(|_| who.moderator) else {
        return configure(ctx, config(topic, String::new())).await;
    };
    let messages = &engine.content().messages;
    let title = crate::content::text::fill(messages.template(Msg::ModalTitle), &[("id", &id)]);
    let field = CreateInputText::new(InputTextStyle::Paragraph, messages.template(Msg::ModalLabel), "text")
        .value(current)
        .max_length(4000);
    let modal = CreateQuickModal::new(title).timeout(MODAL_TIMEOUT).field(field);
    let Some(submitted) = app.interaction.quick_modal(ctx.serenity_context(), modal).await? else {
        return Ok(()); // closed without saving
    };
    let text = submitted.inputs.into_iter().next().unwrap_or_default();
    let reply = engine.command(who.context(), &Command::Config(config(id, text)));
    let answer = CreateInteractionResponse::Message(render::private(render::embed(&reply)));
    submitted.interaction.create_response(ctx.http(), answer).await?;
    Ok(())
}

/// Bring back a topic's default text
#[poise::command(slash_command, rename = "reset")]
async fn response_reset(
    ctx: Ctx<'_>,
    #[description = "Topic or substance"]
    #[autocomplete = "responses"]
    #[max_length = 100]
    topic: String,
) -> Result<(), Error> {
    configure(ctx, ConfigCommand::ResponseReset(topic)).await
}

/// Your community's own crisis phrases
#[poise::command(
    slash_command,
    subcommands("phrase_list", "phrase_add", "phrase_remove", "phrase_test"),
    subcommand_required
)]
async fn phrase(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

#[derive(Debug, Clone, Copy, ChoiceParameter)]
enum PhraseLevel {
    #[name = "emergency"]
    Emergency,
    #[name = "concern"]
    Concern,
}

/// Your phrases, numbered
#[poise::command(slash_command, rename = "list")]
async fn phrase_list(ctx: Ctx<'_>) -> Result<(), Error> {
    configure(ctx, ConfigCommand::PhraseList).await
}

/// Add a phrase
#[poise::command(slash_command, rename = "add")]
async fn phrase_add(
    ctx: Ctx<'_>,
    #[description = "How urgent it is"] level: PhraseLevel,
    #[description = "The words (or a regular expression)"]
    #[max_length = 1000]
    text: String,
    #[description = "Read the text as a regular expression"] regex: Option<bool>,
) -> Result<(), Error> {
    let level = match level {
        PhraseLevel::Emergency => Level::Emergency,
        PhraseLevel::Concern => Level::Concern,
    };
    configure(ctx, ConfigCommand::PhraseAdd { level, text, regex: regex.unwrap_or(false) }).await
}

/// Remove a phrase by its number
#[poise::command(slash_command, rename = "remove")]
async fn phrase_remove(
    ctx: Ctx<'_>,
    #[description = "Its number in the list"]
    #[min = 1]
    number: usize,
) -> Result<(), Error> {
    configure(ctx, ConfigCommand::PhraseRemove(number)).await
}

/// How Harbor would read a message: level, rules, guards
#[poise::command(slash_command, rename = "test")]
async fn phrase_test(
    ctx: Ctx<'_>,
    #[description = "A message"]
    #[max_length = 2000]
    text: String,
) -> Result<(), Error> {
    configure(ctx, ConfigCommand::PhraseTest(text)).await
}

/// Your local services
#[poise::command(
    slash_command,
    subcommands("resource_list", "resource_add", "resource_edit", "resource_remove"),
    subcommand_required
)]
async fn resource(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

/// Your services, numbered
#[poise::command(slash_command, rename = "list")]
async fn resource_list(ctx: Ctx<'_>) -> Result<(), Error> {
    configure(ctx, ConfigCommand::ResourceList).await
}

/// The fields of a service, as the engine reads them.
fn fields(pairs: [(&str, Option<String>); 7]) -> Vec<(String, String)> {
    pairs.into_iter().filter_map(|(key, value)| value.map(|v| (key.to_string(), v))).collect()
}

/// Add a service
#[poise::command(slash_command, rename = "add")]
#[allow(clippy::too_many_arguments)] // one option per field, as Discord shows them
async fn resource_add(
    ctx: Ctx<'_>,
    #[description = "What kind of service"]
    #[autocomplete = "categories"]
    #[max_length = 100]
    category: String,
    #[description = "Its name"]
    #[max_length = 200]
    name: String,
    #[description = "Phone"]
    #[max_length = 100]
    phone: Option<String>,
    #[description = "Web address (http or https)"]
    #[max_length = 500]
    url: Option<String>,
    #[description = "Opening hours"]
    #[max_length = 200]
    hours: Option<String>,
    #[description = "Area or neighbourhood"]
    #[max_length = 100]
    area: Option<String>,
    #[description = "Anything else people should know"]
    #[max_length = 500]
    notes: Option<String>,
) -> Result<(), Error> {
    let fields = fields([
        ("category", Some(category)),
        ("name", Some(name)),
        ("phone", phone),
        ("url", url),
        ("hours", hours),
        ("area", area),
        ("notes", notes),
    ]);
    configure(ctx, ConfigCommand::ResourceAdd(fields)).await
}

#[derive(Debug, Clone, Copy, ChoiceParameter)]
enum Field {
    #[name = "category"]
    Category,
    #[name = "name"]
    Name,
    #[name = "phone"]
    Phone,
    #[name = "url"]
    Url,
    #[name = "hours"]
    Hours,
    #[name = "area"]
    Area,
    #[name = "notes"]
    Notes,
}

/// Change one field of a service
#[poise::command(slash_command, rename = "edit")]
async fn resource_edit(
    ctx: Ctx<'_>,
    #[description = "Its number in the list"]
    #[min = 1]
    number: usize,
    #[description = "The field to change"] field: Field,
    #[description = "The new value (- clears it)"]
    #[max_length = 500]
    value: String,
) -> Result<(), Error> {
    configure(ctx, ConfigCommand::ResourceEdit(number, vec![(field.name().to_string(), value)])).await
}

/// Remove a service by its number
#[poise::command(slash_command, rename = "remove")]
async fn resource_remove(
    ctx: Ctx<'_>,
    #[description = "Its number in the list"]
    #[min = 1]
    number: usize,
) -> Result<(), Error> {
    configure(ctx, ConfigCommand::ResourceRemove(number)).await
}

/// The channels where Harbor reads messages for crisis words
#[poise::command(slash_command, subcommands("listen_add", "listen_remove"), subcommand_required)]
async fn listen(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start reading a channel for crisis words
#[poise::command(slash_command, rename = "add")]
async fn listen_add(
    ctx: Ctx<'_>,
    #[description = "The channel"]
    #[channel_types("Text", "PublicThread", "PrivateThread", "Voice")]
    channel: ChannelId,
) -> Result<(), Error> {
    configure(ctx, ConfigCommand::Listen(channel.to_string(), true)).await
}

/// Stop reading a channel
#[poise::command(slash_command, rename = "remove")]
async fn listen_remove(ctx: Ctx<'_>, #[description = "The channel"] channel: ChannelId) -> Result<(), Error> {
    configure(ctx, ConfigCommand::Listen(channel.to_string(), false)).await
}

#[derive(Debug, Clone, Copy, ChoiceParameter)]
enum Mode {
    #[name = "reply quietly"]
    Reply,
    #[name = "alert moderators only"]
    Alert,
    #[name = "reply and alert"]
    Both,
    #[name = "off"]
    Off,
}

/// What Harbor does when a message in those channels reads as a crisis
#[poise::command(slash_command)]
async fn crisis(ctx: Ctx<'_>, #[description = "What to do"] mode: Mode) -> Result<(), Error> {
    let mode = match mode {
        Mode::Reply => CrisisMode::Reply,
        Mode::Alert => CrisisMode::Alert,
        Mode::Both => CrisisMode::Both,
        Mode::Off => CrisisMode::Off,
    };
    configure(ctx, ConfigCommand::CrisisMode(mode)).await
}

/// Where moderator alerts go (a link and the level, never the message)
#[poise::command(slash_command)]
async fn alert(
    ctx: Ctx<'_>,
    #[description = "The channel, or leave empty to turn alerts off"]
    #[channel_types("Text", "PrivateThread", "PublicThread")]
    channel: Option<ChannelId>,
) -> Result<(), Error> {
    configure(ctx, ConfigCommand::AlertChannel(channel.map(|c| c.to_string()))).await
}

/// How long a channel waits before another crisis reply
#[poise::command(slash_command)]
async fn cooldown(
    ctx: Ctx<'_>,
    #[description = "Minutes (default 5)"]
    #[min = 0]
    #[max = 1440]
    minutes: u32,
) -> Result<(), Error> {
    configure(ctx, ConfigCommand::Cooldown(minutes)).await
}
