//! Discord's size limits, which every text the bot sends must fit after substitution.
//!
//! Discord is the strictest platform Harbor serves, so content that fits here fits everywhere.
//! Lengths are counted in characters (Unicode scalar values), as Discord counts them.

/// Plain message content.
pub const MESSAGE: usize = 2_000;
/// An embed's title, and a field's name.
pub const TITLE: usize = 256;
/// One field's value.
pub const FIELD: usize = 1_024;
/// Fields in one embed.
pub const FIELDS: usize = 25;
/// Everything in one embed together.
pub const EMBED_TOTAL: usize = 6_000;

/// Length as Discord counts it.
pub fn len(text: &str) -> usize {
    text.chars().count()
}
