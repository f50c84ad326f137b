//! What the engine answers: a plain struct that each adapter renders its own way
//! (the console prints it, Discord turns it into an embed with a button).

/// One reply to a command or a chat message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    /// Heading; may be empty (the quiet crisis reply has none).
    pub title: String,
    /// The short text people read first.
    pub body: String,
    /// Details behind a button, if any.
    pub more: Option<More>,
    /// A small note under the reply (for example, that no region is set yet).
    pub footer: Option<String>,
    /// Shown only to the person who asked (errors, refusals, moderator answers).
    pub ephemeral: bool,
    /// A file that goes with it (an export): an attachment on Discord, printed in the console.
    pub file: Option<File>,
}

/// A text file sent with a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub text: String,
}

/// The details behind a button: its label and the sections it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct More {
    pub label: String,
    pub sections: Vec<Section>,
}

/// One titled block of details (an embed field on Discord).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub body: String,
}

impl Reply {
    /// A short private answer with no title: refusals, errors, confirmations.
    pub fn notice(body: impl Into<String>) -> Self {
        Reply { body: body.into(), ephemeral: true, ..Reply::default() }
    }
}
