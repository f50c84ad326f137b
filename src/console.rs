//! `harbor console`: the engine in a terminal, no token needed. Lines starting with `/` are
//! commands; other lines are chat messages in a listening channel.

use std::io::{self, BufRead, Read, Write};

use crate::command::{self, Command, ConfigCommand};
use crate::content::Msg;
use crate::engine::{Context, Engine, MAX_IMPORT_BYTES};
use crate::reply::Reply;

/// Reads lines until end of input (or `/quit` when typed at a terminal) and prints replies.
/// With `interactive`, shows a prompt and says when a message gets no reply.
pub fn run(
    engine: &Engine,
    ctx: Context<'_>,
    input: impl BufRead,
    out: &mut impl Write,
    interactive: bool,
) -> io::Result<()> {
    if interactive {
        writeln!(
            out,
            "Harbor console. Type /help for commands, or a chat message to see how Harbor would react. /quit leaves."
        )?;
    }
    let mut lines = input.lines();
    loop {
        if interactive {
            write!(out, "> ")?;
            out.flush()?;
        }
        let Some(line) = lines.next() else { break };
        let line = match line {
            Ok(line) => line,
            // Not UTF-8: say so and keep going rather than stop the session.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                writeln!(out, "(that line isn't valid UTF-8 text; skipped)")?;
                continue;
            }
            Err(e) => return Err(e),
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if interactive && matches!(line, "/quit" | "/exit") {
            break;
        }
        let reply = match command::parse(line) {
            Some(Command::Config(ConfigCommand::Import { text: path, apply })) => {
                Some(import_file(engine, ctx, &path, apply))
            }
            _ => engine.line(ctx, line),
        };
        match reply {
            Some(reply) => write!(out, "{}", render(&reply))?,
            None if interactive => writeln!(out, "(no reply: Harbor stays quiet)\n")?,
            None => {}
        }
        out.flush()?;
    }
    Ok(())
}

/// `/config import [apply] <path>`: the console's files are what attachments are on Discord.
/// Reads one byte more than the engine accepts, so an oversize file is refused as such.
fn import_file(engine: &Engine, ctx: Context<'_>, path: &str, apply: bool) -> Reply {
    let mut text = String::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(MAX_IMPORT_BYTES as u64 + 1).read_to_string(&mut text));
    match read {
        Ok(_) => engine.command(ctx, &Command::Config(ConfigCommand::Import { text, apply })),
        Err(e) => engine.notice(ctx, Msg::ImportUnreadable, &[("reason", &e.to_string())]),
    }
}

/// A reply as terminal text: title, body, then the details a button would open.
pub fn render(reply: &Reply) -> String {
    let mut out = String::new();
    if !reply.title.is_empty() {
        out.push_str(&format!("== {} ==\n", reply.title));
    }
    if reply.ephemeral {
        out.push_str("(only you can see this)\n");
    }
    out.push_str(&reply.body);
    out.push('\n');
    if let Some(more) = &reply.more {
        out.push_str(&format!("\n[{}]\n", more.label));
        for section in &more.sections {
            out.push_str(&format!("-- {} --\n{}\n", section.title, section.body));
        }
    }
    if let Some(footer) = &reply.footer {
        out.push_str(&format!("\n({footer})\n"));
    }
    if let Some(file) = &reply.file {
        out.push_str(&format!("\n--- {} ---\n{}", file.name, file.text));
    }
    out.push('\n');
    out
}
