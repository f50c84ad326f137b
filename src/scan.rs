//! `harbor scan`: one chat message per input line, one JSON object per output line, in order.
//! Only levels and rule ids are written, never the text.

use std::io::{self, BufRead, Write};

use serde::Serialize;

use crate::detect::{Detector, Level};

/// How many messages got each level.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub emergency: u64,
    pub concern: u64,
    pub none: u64,
}

/// Scans every line of `input`. Without `summary`, writes one JSON object per line; with it,
/// writes only the counts. Lines that are not UTF-8 are read with replacement characters.
pub fn run(
    detector: &Detector,
    mut input: impl BufRead,
    out: &mut impl Write,
    summary: bool,
) -> io::Result<Counts> {
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
        if !summary {
            serde_json::to_writer(&mut *out, &detection)?;
            out.write_all(b"\n")?;
        }
    }
    if summary {
        serde_json::to_writer(&mut *out, &counts)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(counts)
}
