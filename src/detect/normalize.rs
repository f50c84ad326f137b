//! Puts a chat message into one plain form before matching, so that "He’s NOT breathing",
//! "he's not breathingggg" and a fullwidth or zero-width-laced copy all read the same.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// Chat spellings of "overdose" ("od", "od'd", "oding"), spelled out before apostrophes go so
/// that "od'd" does not become the word "odd" (and "odd" itself stays odd).
static CHAT_OD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bod(?:['’](d|ed|ing|in)|(ed|ing))\b|\bod\b").expect("valid pattern")
});

/// Characters that render as nothing: zero-width spaces and joiners, direction marks, soft
/// hyphens, the byte-order mark. People (and spam) put them inside words.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// The matching form: NFKC, lower case, no invisible characters, "od'ing" → "overdosing",
/// apostrophes dropped ("isn't" → "isnt"), other punctuation as spaces, runs of three or more
/// of one letter cut to one, single spaces.
pub fn normalize(text: &str) -> String {
    let folded: String = text
        .nfkc()
        .filter(|c| !is_invisible(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let folded = CHAT_OD.replace_all(&folded, |c: &regex::Captures<'_>| {
        match c.get(1).or(c.get(2)).map(|m| m.as_str()) {
            Some("d" | "ed") => "overdosed",
            Some(_) => "overdosing",
            None => "overdose",
        }
    });
    let mut out = String::with_capacity(folded.len());
    let mut last: Option<char> = None;
    let mut run = 0;
    for c in folded.chars() {
        let c = match c {
            '\'' | '’' | '‘' | '`' | '´' => continue,
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        if c == ' ' && (last == Some(' ') || last.is_none()) {
            continue;
        }
        run = if Some(c) == last { run + 1 } else { 1 };
        last = Some(c);
        if run < 3 || !c.is_alphabetic() {
            out.push(c);
        } else if run == 3 {
            // Three of a letter is never English: keep one ("helppp" → "help").
            out.truncate(out.len() - c.len_utf8());
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn folds_case_width_invisibles_and_apostrophes() {
        assert_eq!(
            normalize("He’s NOT\u{200B} breathing!!"),
            "hes not breathing"
        );
        assert_eq!(
            normalize("ｈｅ ｉｓ ｎｏｔ ｂｒｅａｔｈｉｎｇ"),
            "he is not breathing"
        );
        assert_eq!(
            normalize("he is not bre\u{00AD}athing"),
            "he is not breathing"
        );
    }

    #[test]
    fn cuts_repeated_letters_and_spells_out_od() {
        assert_eq!(normalize("helppp she is oding"), "help she is overdosing");
        assert_eq!(normalize("he od'd, that's odd"), "he overdosed thats odd");
        assert_eq!(
            normalize("she's oding, he od"),
            "shes overdosing he overdose"
        );
        assert_eq!(normalize("nooooo, a sleeeeepy boss"), "no a slepy boss");
        assert_eq!(normalize("sleep 1000 times"), "sleep 1000 times");
    }
}
