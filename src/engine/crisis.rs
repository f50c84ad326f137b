//! Chat messages in, crisis replies and moderator alerts out: where Harbor listens, what it
//! does there (crisis mode), how often (cooldown), and members' opt-outs.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use regex::Regex;
use std::sync::LazyLock;

use super::{Context, Engine, View, echo};
use crate::content::Msg;
use crate::detect::Level;
use crate::reply::{More, Reply};
use crate::store::CrisisMode;

/// The most channels one community can have Harbor listen in.
pub const MAX_LISTENING: usize = 500;
/// The longest cooldown moderators can set: a day.
pub const MAX_COOLDOWN_MINUTES: u32 = 24 * 60;
/// Channels whose last reply is remembered before old entries are dropped.
const MAX_TRACKED: usize = 10_000;

/// Channel ids as platforms write them: Discord snowflakes, Matrix room ids, console names.
static CHANNEL_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9_.:!@-]{1,100}$").expect("valid channel-id pattern"));

/// Where a chat message was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// A conversation with Harbor alone (the console, a direct message): always read, never
    /// on cooldown, no alerts.
    Direct,
    /// A community channel: read only if moderators chose it.
    Channel {
        id: &'a str,
        /// A link to the message, for the moderators' alert (never its text).
        link: &'a str,
    },
}

/// What to do about a message that reads as a crisis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crisis {
    pub level: Level,
    /// The quiet reply under the message, if the crisis mode replies.
    pub reply: Option<Reply>,
    /// A note for the moderators, if the crisis mode alerts and an alert channel is set.
    pub alert: Option<Alert>,
}

/// A note to the moderators' alert channel: the level and a link, never the message text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub channel: String,
    pub body: String,
}

/// When each channel last got a crisis reply, and at what level.
#[derive(Default)]
pub(super) struct Cooldowns(Mutex<HashMap<(String, String), (Instant, Level)>>);

impl Cooldowns {
    /// Whether a channel may be answered at `level` now; if so, remembers it. A more urgent
    /// level than the last one is always answered: a worry that turns into an emergency.
    fn allow(&self, community: &str, channel: &str, level: Level, period: Duration, now: Instant) -> bool {
        let mut last = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = (community.to_string(), channel.to_string());
        if let Some((at, previous)) = last.get(&key)
            && level <= *previous
            && now.saturating_duration_since(*at) < period
        {
            return false;
        }
        if last.len() >= MAX_TRACKED {
            let longest = Duration::from_secs(u64::from(MAX_COOLDOWN_MINUTES) * 60);
            last.retain(|_, (at, _)| now.saturating_duration_since(*at) < longest);
        }
        last.insert(key, (now, level));
        true
    }
}

/// How a channel reads in settings and confirmations: Discord snowflakes as channel links,
/// Matrix room ids (`!id:server`) as they are, other ids as `#name`.
pub(super) fn channel_label(id: &str) -> String {
    if id.bytes().all(|b| b.is_ascii_digit()) {
        format!("<#{id}>")
    } else if id.starts_with('!') {
        id.to_string()
    } else {
        format!("#{id}")
    }
}

/// A channel as typed (`#general`, `<#123>`, `123`) reduced to its id.
pub(super) fn channel_id(input: &str) -> Option<String> {
    let id = input.trim();
    let id = id.strip_prefix("<#").and_then(|rest| rest.strip_suffix('>')).unwrap_or(id);
    let id = id.strip_prefix('#').unwrap_or(id);
    CHANNEL_ID.is_match(id).then(|| id.to_string())
}

impl Engine {
    /// Reads a chat message; `Some` if it reads as a crisis and this place wants something
    /// done about it. The text is neither stored nor logged: only the level and rule ids are.
    /// `now` decides the cooldown.
    pub fn message(&self, ctx: Context<'_>, place: Place<'_>, text: &str, now: Instant) -> Option<Crisis> {
        let view = self.view(ctx);
        let settings = &view.settings;
        let mode = match place {
            Place::Direct => CrisisMode::Reply,
            Place::Channel { id, .. } if settings.listen.contains(id) => settings.crisis_mode,
            Place::Channel { .. } => return None,
        };
        if mode == CrisisMode::Off || settings.opted_out.contains(ctx.user) {
            return None;
        }
        let detection = self.detector(ctx.community, &settings.phrases).scan(text);
        tracing::debug!(level = %detection.level, rules = ?detection.rules, guards = ?detection.guards, "message scanned");
        let body = match detection.level {
            Level::None => return None,
            Level::Concern => Msg::CrisisConcern,
            Level::Emergency => Msg::CrisisEmergency,
        };
        let alert = match place {
            Place::Direct => None,
            Place::Channel { id, link } => {
                let period = Duration::from_secs(u64::from(settings.cooldown_minutes()) * 60);
                if !self.cooldowns.allow(ctx.community, id, detection.level, period, now) {
                    tracing::debug!(level = %detection.level, "crisis reply skipped: channel on cooldown");
                    return None;
                }
                settings.alert_channel.as_ref().filter(|_| mode.alerts()).map(|channel| Alert {
                    channel: channel.clone(),
                    body: view.fill_with(
                        self.msg(Msg::CrisisAlert),
                        &[("level", &detection.level.to_string()), ("link", link)],
                    ),
                })
            }
        };
        let reply = mode.replies().then(|| {
            let steps = self.content.topic("overdose").map_or_else(Vec::new, |t| self.sections(&view, t));
            Reply {
                body: view.fill(self.msg(body)),
                more: Some(More { label: self.msg(Msg::CrisisButton).to_string(), sections: steps }),
                ..Reply::default()
            }
        });
        Some(Crisis { level: detection.level, reply, alert })
    }

    /// `/optout` and `/optin`: a member's own choice, so it is not in the moderators' history.
    pub(super) fn auto_replies(&self, ctx: Context<'_>, view: &View<'_>, on: bool) -> Reply {
        let saved = self.store.update(ctx.community, &mut |s| {
            if on {
                s.opted_out.remove(ctx.user);
            } else {
                s.opted_out.insert(ctx.user.to_string());
            }
        });
        let msg = match saved {
            Ok(_) if on => Msg::OptedIn,
            Ok(_) => Msg::OptedOut,
            Err(e) => {
                tracing::error!(error = %e, "saving an opt-out failed");
                Msg::StoreError
            }
        };
        Reply::notice(view.fill(self.msg(msg)))
    }

    pub(super) fn set_listening(
        &self,
        ctx: Context<'_>,
        view: &View<'_>,
        input: &str,
        on: bool,
    ) -> Result<String, String> {
        let Some(id) = channel_id(input) else {
            return Err(view.fill_with(self.msg(Msg::InvalidChannel), &[("input", &echo(input))]));
        };
        let label = channel_label(&id);
        let listening = view.settings.listen.contains(&id);
        if on && !listening && view.settings.listen.len() >= MAX_LISTENING {
            return Err(view.fill_with(self.msg(Msg::ListenTooMany), &[("max", &MAX_LISTENING.to_string())]));
        }
        if !on && !listening {
            return Err(view.fill_with(self.msg(Msg::ListenNotListed), &[("channel", &label)]));
        }
        let done = if on { Msg::ConfigListenAdded } else { Msg::ConfigListenRemoved };
        let mut change = |s: &mut crate::store::Settings| {
            if on {
                s.listen.insert(id.clone());
            } else {
                s.listen.remove(&id);
            }
        };
        self.save(ctx, view, &mut change, done, &[("channel", &label)])
    }

    pub(super) fn set_crisis_mode(
        &self,
        ctx: Context<'_>,
        view: &View<'_>,
        mode: CrisisMode,
    ) -> Result<String, String> {
        let mut confirmation =
            self.save(ctx, view, &mut |s| s.crisis_mode = mode, Msg::ConfigCrisisMode, &[("mode", mode.id())])?;
        if mode.alerts() && view.settings.alert_channel.is_none() {
            confirmation.push('\n');
            confirmation.push_str(&view.fill(self.msg(Msg::AlertNeedsChannel)));
        }
        Ok(confirmation)
    }

    pub(super) fn set_alert_channel(
        &self,
        ctx: Context<'_>,
        view: &View<'_>,
        input: Option<&str>,
    ) -> Result<String, String> {
        let Some(input) = input else {
            return self.save(ctx, view, &mut |s| s.alert_channel = None, Msg::ConfigAlertCleared, &[]);
        };
        let Some(id) = channel_id(input) else {
            return Err(view.fill_with(self.msg(Msg::InvalidChannel), &[("input", &echo(input))]));
        };
        let label = channel_label(&id);
        self.save(ctx, view, &mut |s| s.alert_channel = Some(id.clone()), Msg::ConfigAlertSet, &[("channel", &label)])
    }

    pub(super) fn set_cooldown(&self, ctx: Context<'_>, view: &View<'_>, minutes: u32) -> Result<String, String> {
        if minutes > MAX_COOLDOWN_MINUTES {
            return Err(view.fill_with(self.msg(Msg::InvalidCooldown), &[("max", &MAX_COOLDOWN_MINUTES.to_string())]));
        }
        let text = minutes.to_string();
        self.save(ctx, view, &mut |s| s.cooldown = Some(minutes), Msg::ConfigCooldownSet, &[("minutes", &text)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_read_as_typed_and_shown_as_links() {
        assert_eq!(channel_id("<#123456>").as_deref(), Some("123456"));
        assert_eq!(channel_id(" #general ").as_deref(), Some("general"));
        assert_eq!(channel_id("!room:example.org").as_deref(), Some("!room:example.org"));
        assert_eq!(channel_id("two words"), None);
        assert_eq!(channel_id("<@&42>"), None, "a role mention is no channel");
        assert_eq!(channel_label("123456"), "<#123456>");
        assert_eq!(channel_label("general"), "#general");
        assert_eq!(channel_label("!room:example.org"), "!room:example.org", "a Matrix room id, not an alias");
    }

    #[test]
    fn cooldown_lets_a_worse_level_through_and_expires() {
        let cooldowns = Cooldowns::default();
        let start = Instant::now();
        let five = Duration::from_secs(300);
        assert!(cooldowns.allow("c", "a", Level::Concern, five, start));
        assert!(!cooldowns.allow("c", "a", Level::Concern, five, start + Duration::from_secs(60)));
        assert!(cooldowns.allow("c", "b", Level::Concern, five, start), "another channel has its own cooldown");
        assert!(cooldowns.allow("c", "a", Level::Emergency, five, start + Duration::from_secs(61)), "escalation");
        assert!(!cooldowns.allow("c", "a", Level::Emergency, five, start + Duration::from_secs(120)));
        assert!(cooldowns.allow("c", "a", Level::Emergency, five, start + Duration::from_secs(400)), "expired");
    }
}
