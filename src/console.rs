//! `harbor console`: the engine in a terminal, no token needed. Lines starting with `/` are
//! commands; other lines are chat messages in a listening channel.

use std::io::{self, BufRead, Write};

use crate::engine::{Context, Engine};
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
        match engine.line(ctx, line) {
            Some(reply) => write!(out, "{}", render(&reply))?,
            None if interactive => writeln!(out, "(no reply: Harbor stays quiet)\n")?,
            None => {}
        }
        out.flush()?;
    }
    Ok(())
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
    out.push('\n');
    out
}
