//! `harbor scan`: one chat message per input line, one JSON object per output line, in order.
//! Only levels and rule ids are written, never the text.
//!
//! `--phrases FILE` adds a community's own phrases, one per line: `emergency: man down`,
//! `concern: feeling rough`, `regex emergency: code (red|blue)`; a line with no level means
//! emergency.

use std::io::{self, BufRead, Write};

use serde::Serialize;

use crate::detect::{CustomPhrase, Detector, Level};

/// How many messages got each level.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub emergency: u64,
    pub concern: u64,
    pub none: u64,
}

/// What to print for each message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// One object per line: the level and the rules that matched.
    Lines,
    /// One object per line, with the guards that changed the outcome too.
    Explain,
    /// Only the counts per level, at the end.
    Summary,
}

/// One output line: ids only, never the text.
#[derive(Serialize)]
struct Line<'a> {
    level: Level,
    rules: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    guards: Option<&'a [String]>,
}

/// Scans every line of `input` and writes what `output` asks for. Lines that are not UTF-8
/// are read with replacement characters.
pub fn run(detector: &Detector, mut input: impl BufRead, out: &mut impl Write, output: Output) -> io::Result<Counts> {
    let mut counts = Counts::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let line = String::from_utf8_lossy(&buf);
        let detection = detector.scan(line.trim_end_matches(['\n', '\r']));
        match detection.level {
            Level::Emergency => counts.emergency += 1,
            Level::Concern => counts.concern += 1,
            Level::None => counts.none += 1,
        }
        if output != Output::Summary {
            let guards = (output == Output::Explain).then_some(detection.guards.as_slice());
            serde_json::to_writer(&mut *out, &Line { level: detection.level, rules: &detection.rules, guards })?;
            out.write_all(b"\n")?;
        }
    }
    if output == Output::Summary {
        serde_json::to_writer(&mut *out, &counts)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(counts)
}

/// Reads a phrases file (see the module docs); an invalid line is an error naming its number.
pub fn read_phrases(text: &str) -> Result<Vec<CustomPhrase>, String> {
    let mut phrases = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (head, body) = line.split_once(':').unwrap_or(("", line));
        let mut words = head.split_whitespace();
        let (regex, level) = match (words.next(), words.next()) {
            (Some("regex"), level) => (true, level),
            (level, None) => (false, level),
            _ => (false, None),
        };
        let (level, text) = match level {
            Some("emergency") => (Level::Emergency, body),
            Some("concern") => (Level::Concern, body),
            None if regex => (Level::Emergency, body),
            _ => (Level::Emergency, line),
        };
        let phrase = CustomPhrase { text: text.trim().to_string(), level, regex };
        phrase.validate().map_err(|e| format!("line {}: {e}", n + 1))?;
        phrases.push(phrase);
    }
    Ok(phrases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_levels_regexes_and_plain_lines() {
        let phrases =
            read_phrases("# ours\nconcern: feeling rough\nregex: code (red|blue)\nman down: the bridge\n").unwrap();
        let read: Vec<(&str, Level, bool)> = phrases.iter().map(|p| (p.text.as_str(), p.level, p.regex)).collect();
        assert_eq!(
            read,
            [
                ("feeling rough", Level::Concern, false),
                ("code (red|blue)", Level::Emergency, true),
                ("man down: the bridge", Level::Emergency, false),
            ]
        );
    }
}
