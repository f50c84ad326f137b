//! Decides whether a chat message reads as a crisis happening now.
//!
//! Rules (phrases for the signs of an overdose) and guards (figurative, negated, resolved,
//! past, general or hypothetical speech) are data in `rules.toml`. Their phrase templates are
//! expanded into plain phrases and compiled into one Aho–Corasick automaton over the words' ids,
//! shared by every community, so one pass over a message finds every rule and guard whatever
//! their number; a community's own phrases get a small automaton of their own beside it, over
//! the text. Text is matched in the form [`Normalizer`] gives. A message without any of their
//! [`anchors`] (a word or pair of words from each phrase) is not matched at all. Only ids leave this module, never
//! the message text.

mod anchors;
mod normalize;
mod phrases;
mod template;
mod wordmap;

use std::fmt;
use std::sync::{Arc, LazyLock};

use aho_corasick::{AhoCorasick, MatchKind};
use regex::RegexSet;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use anchors::Anchors;
use normalize::{Normalized, Normalizer};
pub use phrases::{CustomPhrase, MAX_PHRASE_LEN, MAX_PHRASES, PhraseError};

/// How urgent a message reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    /// Worry without the signs of an overdose: took too much, feels wrong after mixing.
    Concern,
    /// An overdose or medical crisis happening now.
    Emergency,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::None => "none",
            Level::Concern => "concern",
            Level::Emergency => "emergency",
        })
    }
}

/// What the detector found in one message: the level and the ids of what matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    pub level: Level,
    /// Rules that matched, whether or not a guard then cancelled them.
    pub rules: Vec<String>,
    /// Guards that changed the outcome.
    pub guards: Vec<String>,
}

impl Detection {
    /// Nothing found.
    fn none() -> Detection {
        Detection { level: Level::None, rules: Vec::new(), guards: Vec::new() }
    }
}

/// How a guard changes the rules it meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Scope {
    /// Cancels the rules within `window` characters of it (figurative, general, past speech:
    /// in a long message, "the match" early on says nothing about "not waking up" later).
    Nearby,
    /// Cancels emergency rules within `window` characters of it only: laughter makes "I can't
    /// breathe" figurative, but someone who "did too much lol" may still be worried, and "sorry
    /// for the wall of text lol" says nothing about the collapse three lines on.
    Emergencies,
    /// Cancels the rules that come before it ("he was blue but came to").
    Before,
    /// Caps the rules after it at concern ("what do I do if he stops breathing").
    CapAfter,
    /// Caps the rules before it at concern ("out of it but breathing fine").
    CapBefore,
    /// Cancels the rules it overlaps ("no chest pain").
    Overlap,
    /// Cancels the rules it overlaps unless a drug word follows ("overdosed on anime").
    UnlessDrugFollows,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    lists: std::collections::BTreeMap<String, Vec<String>>,
    local: LocalWords,
    spellings: std::collections::BTreeMap<String, String>,
    rule: Vec<RuleEntry>,
    guard: Vec<GuardEntry>,
}

/// Words that change the rule right after them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocalWords {
    /// Just before a rule, or two before with a word of `between` in the middle, cancel it.
    negators: Vec<String>,
    between: Vec<String>,
    /// Everyday words never chosen as anchors.
    common: Vec<String>,
    /// The word just before a rule, if one of these, puts it in the past ("was turning blue").
    past: Vec<String>,
    /// Words after "overdosed on" that keep it literal.
    drugs: Vec<String>,
    /// Words and phrases that bring a message back to the present ("now", "this time"): a
    /// guard with `until_now` does not reach a rule across one ("he od'd last year too and
    /// now he's not breathing").
    now: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    id: String,
    level: Level,
    #[serde(default)]
    phrases: Vec<String>,
    /// Pairs of sides: a phrase from each side of a pair within `window` characters of each
    /// other fires the rule.
    #[serde(default)]
    near: Vec<[Vec<String>; 2]>,
    #[serde(default = "default_window")]
    window: usize,
    /// The rule counts only if one of these also appears in the message.
    #[serde(default)]
    requires: Vec<String>,
}

fn default_window() -> usize {
    28
}

/// How a rule fires, beyond its plain phrases.
#[derive(Debug, Clone)]
struct RuleInfo {
    id: Arc<str>,
    level: Level,
    window: usize,
    requires_context: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardEntry {
    id: String,
    scope: Scope,
    #[serde(default = "default_guard_window")]
    window: usize,
    /// Does not reach a rule across a word of `[local] now` (past and general speech).
    #[serde(default)]
    until_now: bool,
    /// A nearby guard does not reach a rule with one of these starting within its window: a
    /// drug named beside the game ("he did dope before the game, now i cant wake him").
    #[serde(default)]
    unless_near: Vec<String>,
    /// Wordings that share words with a phrase of the guard but mean something else: a guard
    /// phrase overlapped by one of these is no guard ("if im" in "idk if im overreacting").
    #[serde(default)]
    except: Vec<String>,
    /// The built-in rules (by id) this guard can change; all when empty, moderators' phrases
    /// included. Cold weather explains blue lips, not a pounding heart: "freezing in the tent,
    /// chest is crushing" stays an emergency.
    #[serde(default)]
    reaches: Vec<String>,
    phrases: Vec<String>,
}

fn default_guard_window() -> usize {
    80
}

/// What a matched phrase stands for.
#[derive(Debug, Clone, Copy)]
enum Tag {
    Rule(usize),
    /// Side 0 or 1 of a pair (by index) of a rule that fires when both sides are near.
    Near(usize, u16, u8),
    /// Context a rule requires.
    Context(usize),
    Guard(usize),
    /// A phrase that keeps a guard from the rules near it (`unless_near`).
    Unless(usize),
    /// A wording that voids a guard phrase it overlaps (`except`).
    Except(usize),
    /// A word of `[local] now`.
    Now,
}

/// The built-in rules, expanded and normalised once per process.
struct Builtin {
    normalizer: Normalizer,
    /// Phrases in matching form, each with what it stands for.
    phrases: Vec<(String, Tag)>,
    rules: Vec<RuleInfo>,
    guards: Vec<GuardInfo>,
    /// guard.past, which a year ("back in 2019") also stands for.
    past_guard: usize,
    negators: FxHashSet<String>,
    between: FxHashSet<String>,
    past: FxHashSet<String>,
    drugs: FxHashSet<String>,
    /// Everyday words, never chosen as a phrase's anchor.
    common: FxHashSet<String>,
    /// Chat spellings to the words they mean, both in matching form, for [`phrase_form`].
    spellings: FxHashMap<String, String>,
}

/// A phrase in the form messages are read in: [`normalize::basic`], with each chat spelling
/// written as the words it means, as the normaliser writes it in a message. Otherwise a phrase
/// with one could never match: "ya no respira" must meet the message's "you no respira", and a
/// moderator's "pls help him" the message's "please help him".
fn phrase_form(text: &str, spellings: &FxHashMap<String, String>) -> String {
    let basic = normalize::basic(text);
    if !basic.split_whitespace().any(|w| spellings.contains_key(w)) {
        return basic;
    }
    let mut form = String::from(" ");
    for word in basic.split_whitespace() {
        form.push_str(spellings.get(word).map_or(word, String::as_str));
        form.push(' ');
    }
    form
}

/// Common English words one letter away from a rule word ("mother", "other"), which spelling
/// correction must leave as they are.
const REAL_WORDS: &str = include_str!("real_words.txt");

static BUILTIN: LazyLock<Builtin> = LazyLock::new(|| {
    let file: RulesFile =
        toml::from_str(include_str!("rules.toml")).unwrap_or_else(|e| panic!("src/detect/rules.toml: {e}"));
    let mut phrases = Vec::new();
    let mut rules = Vec::new();
    let spellings: FxHashMap<String, String> = file
        .spellings
        .iter()
        .map(|(from, to)| (normalize::basic(from).trim().to_string(), normalize::basic(to).trim().to_string()))
        .collect();
    let add = |templates: &[String], tag: Tag, phrases: &mut Vec<(String, Tag)>, id: &str| {
        for t in templates {
            let expanded = template::expand(t, &file.lists).unwrap_or_else(|e| panic!("{id}: {e}"));
            phrases.extend(expanded.iter().map(|p| (phrase_form(p, &spellings), tag)));
        }
    };
    for (i, rule) in file.rule.iter().enumerate() {
        rules.push(RuleInfo {
            id: Arc::from(rule.id.as_str()),
            level: rule.level,
            window: rule.window,
            requires_context: !rule.requires.is_empty(),
        });
        add(&rule.phrases, Tag::Rule(i), &mut phrases, &rule.id);
        for (pair, sides) in rule.near.iter().enumerate() {
            for (side, templates) in sides.iter().enumerate() {
                add(templates, Tag::Near(i, pair as u16, side as u8), &mut phrases, &rule.id);
            }
        }
        add(&rule.requires, Tag::Context(i), &mut phrases, &rule.id);
    }
    let mut guards = Vec::new();
    for (i, guard) in file.guard.iter().enumerate() {
        // Only nearby guards reach rules by distance, so only they can stop at the present.
        let by_distance = matches!(guard.scope, Scope::Nearby | Scope::Emergencies);
        assert!(!guard.until_now || by_distance, "{}: until_now needs scope nearby or emergencies", guard.id);
        assert!(
            guard.unless_near.is_empty() || by_distance,
            "{}: unless_near needs scope nearby or emergencies",
            guard.id
        );
        // Scopes that change emergencies only would reach a concern rule in name alone.
        let emergencies_only = matches!(guard.scope, Scope::Emergencies | Scope::CapAfter | Scope::CapBefore);
        let reaches = guard
            .reaches
            .iter()
            .map(|id| {
                let rule = file.rule.iter().position(|r| r.id == *id);
                let rule = rule.unwrap_or_else(|| panic!("{}: reaches unknown rule {id}", guard.id));
                let changed = !emergencies_only || file.rule[rule].level == Level::Emergency;
                assert!(changed, "{}: reaches {id}, which its scope never changes", guard.id);
                rule
            })
            .collect();
        guards.push(GuardInfo {
            id: Arc::from(guard.id.as_str()),
            scope: guard.scope,
            window: guard.window,
            until_now: guard.until_now,
            reaches,
        });
        add(&guard.phrases, Tag::Guard(i), &mut phrases, &guard.id);
        add(&guard.unless_near, Tag::Unless(i), &mut phrases, &guard.id);
        add(&guard.except, Tag::Except(i), &mut phrases, &guard.id);
    }
    add(&file.local.now, Tag::Now, &mut phrases, "now");
    let past_guard = guards.iter().position(|g| &*g.id == "guard.past").expect("rules.toml has guard.past");
    let words = |list: &[String]| list.iter().map(|w| normalize::basic(w).trim().to_string()).collect();
    let negators = words(&file.local.negators);
    let between = words(&file.local.between);
    let past = words(&file.local.past);
    let drugs = words(&file.local.drugs);
    let mut common: FxHashSet<String> = words(&file.local.common);
    for list in ["he", "person", "him", "pron"] {
        let entries = template::expand(&format!("{{{list}}}"), &file.lists).unwrap_or_else(|e| panic!("{list}: {e}"));
        common.extend(
            entries.iter().flat_map(|e| normalize::basic(e).split_whitespace().map(String::from).collect::<Vec<_>>()),
        );
    }
    let table: Vec<(String, String)> = file.spellings.into_iter().collect();
    let vocabulary: FxHashSet<&str> = phrases.iter().flat_map(|(p, _)| p.split_whitespace()).collect();
    let real_words = REAL_WORDS.lines().filter(|line| !line.starts_with('#'));
    let normalizer = Normalizer::new(vocabulary, &table, real_words);
    Builtin { normalizer, phrases, rules, guards, past_guard, negators, between, past, drugs, common, spellings }
});

/// A guard of the rules file, as the detector applies it.
#[derive(Debug)]
struct GuardInfo {
    id: Arc<str>,
    scope: Scope,
    window: usize,
    until_now: bool,
    /// Indices of the rules it can change; all when empty.
    reaches: Vec<usize>,
}

/// The built-in phrases, matched word by word: each phrase as the [`normalize::code`]s of its
/// words, against [`Normalized::code`].
static BUILTIN_SET: LazyLock<PhraseSet> = LazyLock::new(|| {
    let coded: Vec<(Vec<u8>, Tag)> = BUILTIN
        .phrases
        .iter()
        .map(|(phrase, tag)| {
            (
                phrase.split_whitespace().flat_map(|w| normalize::code(BUILTIN.normalizer.rule_word_id(w))).collect(),
                *tag,
            )
        })
        .collect();
    let anchors = Anchors::of_rules(&BUILTIN.phrases, &BUILTIN.common, &BUILTIN.normalizer);
    PhraseSet::compile(coded.iter().map(|(p, tag)| (p.as_slice(), *tag)), anchors, Vec::new(), Vec::new(), Input::Code)
        .expect("the built-in rules compile")
});

thread_local! {
    /// The message being read and what was found in it, kept from message to message for
    /// their buffers.
    static READING: std::cell::RefCell<(Normalized, Found)> = Default::default();
}

/// What the automata found in a message, before guards and levels.
#[derive(Debug, Default)]
struct Found {
    hits: Vec<Hit>,
    /// (guard, start, end)
    guards: Vec<(usize, usize, usize)>,
    near: Vec<NearHit>,
    /// Rules whose drug context the message gives.
    context: Vec<usize>,
    /// (start, end) of the words of `[local] now`, in order.
    now: Vec<(usize, usize)>,
    /// (guard, start) of the phrases that keep a guard from the rules near them.
    unless: Vec<(usize, usize)>,
    /// (guard, start, end) of the wordings that void a guard phrase they overlap.
    except: Vec<(usize, usize, usize)>,
}

impl Found {
    fn clear(&mut self) {
        self.hits.clear();
        self.guards.clear();
        self.near.clear();
        self.context.clear();
        self.now.clear();
        self.unless.clear();
        self.except.clear();
    }
}

/// What a [`PhraseSet`]'s automaton reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    /// The words as vocabulary ids: the built-in phrases, whose words are the vocabulary.
    Code,
    /// The normalised text: a community's phrases, whose words may be any.
    Text,
}

impl Input {
    /// The bytes of `normalized` this input is.
    fn of(self, normalized: &Normalized) -> &[u8] {
        match self {
            Input::Code => &normalized.code,
            Input::Text => normalized.text.as_bytes(),
        }
    }

    /// Where in the text a match of the automaton on this input starts and ends.
    fn span(self, normalized: &Normalized, m: &aho_corasick::Match) -> (usize, usize) {
        match self {
            // Words i..j (two bytes each) span from the space before word i to the one after
            // word j - 1, as a text phrase with its spaces would.
            Input::Code => (normalized.starts[m.start() / 2], normalized.starts[m.end() / 2] + 1),
            Input::Text => (m.start(), m.end()),
        }
    }
}

/// Phrases compiled into one automaton, each pattern with the rules and guards it stands for,
/// and regular expressions (moderators') matched on the normalised text.
#[derive(Debug)]
struct PhraseSet {
    automaton: AhoCorasick,
    input: Input,
    tags: Vec<Vec<Tag>>,
    /// Words a message must hold to fire a rule of this set: without one, the automaton need
    /// not run. Most chat has none.
    anchors: Anchors,
    /// Rules of this set that are regular expressions, with their rule index.
    regexes: Option<(RegexSet, Vec<usize>)>,
    /// Rules this set adds after the built-in ones (moderators' phrases).
    rules: Vec<RuleInfo>,
}

impl PhraseSet {
    fn compile<'a>(
        phrases: impl IntoIterator<Item = (&'a [u8], Tag)>,
        anchors: Anchors,
        regexes: Vec<(String, usize)>,
        rules: Vec<RuleInfo>,
        input: Input,
    ) -> Result<PhraseSet, PhraseError> {
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut tags: Vec<Vec<Tag>> = Vec::new();
        let mut index: rustc_hash::FxHashMap<&[u8], usize> = Default::default();
        for (pattern, tag) in phrases {
            let i = *index.entry(pattern).or_insert_with(|| {
                patterns.push(pattern);
                tags.push(Vec::new());
                patterns.len() - 1
            });
            tags[i].push(tag);
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| PhraseError::TooBig(e.to_string()))?;
        let regexes = if regexes.is_empty() {
            None
        } else {
            let (sources, rules): (Vec<String>, Vec<usize>) = regexes.into_iter().unzip();
            let set = regex::RegexSetBuilder::new(&sources)
                .size_limit(phrases::REGEX_SIZE_LIMIT * sources.len())
                .build()
                .map_err(|e| PhraseError::InvalidRegex(e.to_string()))?;
            Some((set, rules))
        };
        Ok(PhraseSet { automaton, input, tags, anchors, regexes, rules })
    }
}

/// The built-in rules and guards, with any moderator phrases of one community.
///
/// The built-in automaton is compiled once per process and shared; a community's own phrases
/// get a small automaton of their own, so that a community adding a phrase costs the size of
/// its phrases, not another copy of the built-in rules.
#[derive(Debug, Clone, Default)]
pub struct Detector {
    custom: Option<Arc<PhraseSet>>,
}

/// A rule found in a message: which, and where (byte offsets in the normalised text).
#[derive(Debug, Clone, Copy)]
struct Hit {
    rule: usize,
    start: usize,
    end: usize,
    cancelled: bool,
    /// The highest level this hit may give (a conditional caps it at concern).
    cap: Level,
    /// Where the rule's own words are: its phrase (twice), or the two phrases of a pair, whose
    /// span also holds the words between them; none for a regular expression, whose span is the
    /// whole message.
    own: [(usize, usize); 2],
}

impl Detector {
    /// The built-in rules.
    pub fn builtin() -> Detector {
        Detector { custom: None }
    }

    /// The built-in rules plus a community's phrases. Each phrase was validated when it was
    /// added; an invalid one is an error here too.
    pub fn with_phrases(custom: &[CustomPhrase]) -> Result<Detector, PhraseError> {
        if custom.is_empty() {
            return Ok(Detector::builtin());
        }
        let first = BUILTIN.rules.len();
        let mut rules = Vec::new();
        let mut literals = Vec::new();
        let mut regexes = Vec::new();
        for (n, phrase) in custom.iter().enumerate() {
            phrase.validate()?;
            let rule = first + n;
            rules.push(RuleInfo {
                id: Arc::from(format!("custom.{}", n + 1)),
                level: phrase.level,
                window: 0,
                requires_context: false,
            });
            if phrase.regex {
                regexes.push((phrase.text.clone(), rule));
            } else {
                literals.push((phrase_form(&phrase.text, &BUILTIN.spellings), Tag::Rule(rule)));
            }
        }
        let anchors = Anchors::of_words(literals.iter().map(|(p, _)| p.as_str()), &BUILTIN.common);
        let phrases = literals.iter().map(|(p, tag)| (p.as_bytes(), *tag));
        let set = PhraseSet::compile(phrases, anchors, regexes, rules, Input::Text)?;
        Ok(Detector { custom: Some(Arc::new(set)) })
    }

    /// A rule by index: built-in ones first, then this community's.
    fn rule(&self, i: usize) -> &RuleInfo {
        let first = BUILTIN.rules.len();
        match &self.custom {
            Some(custom) if i >= first => &custom.rules[i - first],
            _ => &BUILTIN.rules[i],
        }
    }

    /// Reads one chat message.
    pub fn scan(&self, text: &str) -> Detection {
        READING.with_borrow_mut(|(normalized, found)| {
            BUILTIN.normalizer.normalize_into(text, normalized);
            found.clear();
            self.read(normalized, found)
        })
    }

    /// Reads one message in matching form.
    fn read(&self, normalized: &Normalized, found: &mut Found) -> Detection {
        let norm = normalized.text.as_str();
        let Found { hits, guards: guard_hits, near, context, now, unless, except } = found;
        // Each set runs only if the message holds one of its anchors (or it has regular
        // expressions, which have none); the built-in set also runs whenever a community
        // phrase may match, since its guards apply to those too (all but the few limited to
        // built-in rules by `reaches`).
        let custom = self.custom.as_deref().filter(|set| set.regexes.is_some() || set.anchors.anchored(normalized));
        if custom.is_none() && !BUILTIN_SET.anchors.anchored(normalized) {
            return Detection::none();
        }
        let sets = std::iter::once(&*BUILTIN_SET).chain(custom);
        for set in sets.clone() {
            for m in set.automaton.find_overlapping_iter(set.input.of(normalized)) {
                for tag in &set.tags[m.pattern().as_usize()] {
                    let (start, end) = set.input.span(normalized, &m);
                    match *tag {
                        Tag::Rule(rule) => hits.push(Hit::new(rule, [(start, end); 2])),
                        Tag::Near(rule, pair, side) => near.push(NearHit { rule, pair, side, start, end }),
                        Tag::Context(rule) => context.push(rule),
                        Tag::Guard(guard) => guard_hits.push((guard, start, end)),
                        Tag::Now => now.push((start, end)),
                        Tag::Unless(guard) => unless.push((guard, start)),
                        Tag::Except(guard) => except.push((guard, start, end)),
                    }
                }
            }
        }
        for (regexes, rules) in sets.filter_map(|set| set.regexes.as_ref()) {
            hits.extend(regexes.matches(norm).iter().map(|i| Hit {
                start: 0,
                end: norm.len(),
                ..Hit::new(rules[i], [(0, 0); 2])
            }));
        }
        self.near_hits(near, hits);
        hits.retain(|h| !self.rule(h.rule).requires_context || context.contains(&h.rule));
        if hits.is_empty() {
            return Detection::none();
        }
        let mut fired: Vec<&str> = Vec::new();
        for hit in hits.iter_mut() {
            if let Some(guard) = local_guard(norm, hit) {
                hit.cancelled = true;
                note(&mut fired, guard);
            }
        }
        let spans = normalized.starts.windows(2).map(|pair| (pair[0], pair[1] + 1));
        let years = normalized.words().zip(spans).filter(|(word, _)| is_year(word));
        guard_hits.extend(years.map(|(_, (start, end))| (BUILTIN.past_guard, start, end)));
        // A guard that is itself negated ("not breathing again", "isn't ok now") says nothing.
        guard_hits.retain(|g| !negated_before(norm, g.1));
        // Nor does a negated word of the present ("never again").
        now.retain(|m| !negated_before(norm, m.0));
        now.sort_unstable();
        // Nor does one inside a word of the present: "since last night" is not last night.
        let longest_now = now.iter().map(|m| m.1 - m.0).max().unwrap_or(0);
        guard_hits.retain(|g| !inside_any(now, longest_now, (g.1, g.2)));
        // Nor does one overlapped by a wording it does not mean ("idk if im overreacting").
        except.sort_unstable();
        let longest_except = except.iter().map(|e| e.2 - e.1).max().unwrap_or(0);
        guard_hits.retain(|&g| !overlapped(except, longest_except, g));
        unless.sort_unstable();
        self.apply_guards(norm, guard_hits, now, unless, hits, &mut fired);
        let level = hits
            .iter()
            .filter(|h| !h.cancelled)
            .map(|h| self.rule(h.rule).level.min(h.cap))
            .max()
            .unwrap_or(Level::None);
        let mut rules: Vec<String> = Vec::new();
        for hit in hits.iter() {
            let id = &self.rule(hit.rule).id;
            if !rules.iter().any(|r| r.as_str() == &**id) {
                rules.push(String::from(&**id));
            }
        }
        Detection { level, rules, guards: fired.iter().map(|g| g.to_string()).collect() }
    }

    /// Applies the guards found in the message (guard, start, end) to the rules found, guard by
    /// guard in the order of the rules file, in time near linear in their number (a message of
    /// a megabyte can hold tens of thousands of each). `now` holds the spans of the words that
    /// bring the message back to the present, in order; `unless` the (guard, start) of the
    /// phrases that keep a guard from rules near them, in order.
    fn apply_guards<'a>(
        &'a self,
        norm: &str,
        guards: &mut [(usize, usize, usize)],
        now: &[(usize, usize)],
        unless: &[(usize, usize)],
        hits: &mut [Hit],
        fired: &mut Vec<&'a str>,
    ) {
        let builtin = &*BUILTIN;
        hits.sort_by_key(|h| h.start);
        let longest = hits.iter().map(|h| h.end - h.start).max().unwrap_or(0);
        guards.sort_by_key(|g| g.0);
        for same in guards.chunk_by(|a, b| a.0 == b.0) {
            let (first, found) = (same[0], || same.iter());
            let GuardInfo { id, scope, window, until_now, reaches } = &builtin.guards[first.0];
            let mut changed = false;
            let mut apply = |hit: &mut Hit, change: &mut dyn FnMut(&mut Hit)| {
                if !hit.cancelled && (reaches.is_empty() || reaches.contains(&hit.rule)) {
                    change(hit);
                    changed = true;
                }
            };
            let last = found().map(|g| g.1).max().unwrap_or(first.1);
            let urgent = |h: &Hit| self.rule(h.rule).level > Level::Concern && h.cap > Level::Concern;
            match scope {
                Scope::Nearby | Scope::Emergencies => {
                    let in_scope = |h: &Hit| *scope == Scope::Nearby || urgent(h);
                    for &(_, start, end) in found() {
                        // A guard inside the rule's own phrase is part of what it says: "hasn't
                        // used in 3 months" is no past event.
                        let outside = |h: &&mut Hit| !h.own.iter().any(|&(s, e)| s <= start && end <= e && s < e);
                        let same_time = |h: &&mut Hit| !until_now || !now_between(now, (start, end), (h.start, h.end));
                        let kept = |h: &&mut Hit| starts_near(unless, first.0, (h.start, h.end), *window);
                        let from = hits.partition_point(|h| h.end + window < start);
                        for hit in hits[from..]
                            .iter_mut()
                            .take_while(|h| h.start <= end + window)
                            .filter(|h| in_scope(h))
                            .filter(outside)
                            .filter(same_time)
                            .filter(|h| !kept(h))
                        {
                            apply(hit, &mut |h| h.cancelled = true);
                        }
                    }
                }
                Scope::Before => {
                    hits.iter_mut().filter(|h| h.start < last).for_each(|h| apply(h, &mut |h| h.cancelled = true));
                }
                Scope::CapAfter => hits
                    .iter_mut()
                    .filter(|h| h.start >= first.1 && urgent(h))
                    .for_each(|h| apply(h, &mut |h| h.cap = Level::Concern)),
                Scope::CapBefore => hits
                    .iter_mut()
                    // A hit at the guard's own start shares its first word: "breathing fine,
                    // checking him every 15" is one breathing, said to be fine.
                    .filter(|h| h.start <= last && urgent(h))
                    .for_each(|h| apply(h, &mut |h| h.cap = Level::Concern)),
                Scope::Overlap | Scope::UnlessDrugFollows => {
                    let keep =
                        |g: &&(usize, usize, usize)| *scope == Scope::UnlessDrugFollows && drug_follows(norm, g.2);
                    for &(_, start, end) in found().filter(|g| !keep(g)) {
                        let from = hits.partition_point(|h| h.start + longest < start);
                        // Phrases carry their boundary spaces, so neighbours share one: overlapping
                        // means sharing more than that.
                        for hit in
                            hits[from..].iter_mut().take_while(|h| h.start + 1 < end).filter(|h| start + 1 < h.end)
                        {
                            apply(hit, &mut |h| h.cancelled = true);
                        }
                    }
                }
            }
            if changed {
                note(fired, id);
            }
        }
    }

    /// Rules that fire when phrases from the two sides of a pair are near each other. Only
    /// nearby candidates are compared, so a long message stays linear.
    fn near_hits(&self, near: &[NearHit], hits: &mut Vec<Hit>) {
        // At most one hit a rule: few rules are pairs, so the new hits are few to look through.
        let before = hits.len();
        for (i, a) in near.iter().enumerate() {
            if a.side != 0 || hits[before..].iter().any(|h| h.rule == a.rule) {
                continue;
            }
            let window = self.rule(a.rule).window;
            let close = near[i.saturating_sub(64)..(i + 64).min(near.len())].iter().find(|b| {
                // Two phrases, not one word on both sides ("xan" is a downer and a benzo).
                let apart = a.end <= b.start + 1 || b.end <= a.start + 1;
                let gap = if a.end <= b.start { b.start - a.end } else { a.start.saturating_sub(b.end) };
                b.rule == a.rule && b.pair == a.pair && b.side == 1 && apart && gap <= window
            });
            if let Some(b) = close {
                hits.push(Hit::new(a.rule, [(a.start, a.end), (b.start, b.end)]));
            }
        }
    }
}

/// Whether one of the spans `now` (in order) lies wholly between a guard and a hit, in either
/// order. Neighbouring spans share the space between them. A word just before the guard is
/// the guard's own time, not a return to the present: "chest tight, already hit my inhaler".
fn now_between(now: &[(usize, usize)], guard: (usize, usize), hit: (usize, usize)) -> bool {
    let (first, second) = if guard.0 <= hit.0 { (guard, hit) } else { (hit, guard) };
    let from = now.partition_point(|m| m.0 + 1 < first.1);
    let just_before_guard = |m: &(usize, usize)| (guard.0..=guard.0 + 1).contains(&m.1);
    now[from..].iter().take_while(|m| m.0 < second.0).any(|m| m.1 <= second.0 + 1 && !just_before_guard(m))
}

/// Whether `span` lies within one of `spans` (in order of start, none longer than `longest`).
fn inside_any(spans: &[(usize, usize)], longest: usize, span: (usize, usize)) -> bool {
    let from = spans.partition_point(|s| s.0 + longest < span.0);
    spans[from..].iter().take_while(|s| s.0 <= span.0).any(|s| span.1 <= s.1)
}

/// Whether one of the wordings in `except` ((guard, start, end), in order, none longer than
/// `longest`) of the same guard overlaps `guard`'s phrase by more than a boundary space.
fn overlapped(except: &[(usize, usize, usize)], longest: usize, guard: (usize, usize, usize)) -> bool {
    let (id, start, end) = guard;
    let from = except.partition_point(|&(g, s, _)| (g, s + longest) < (id, start));
    except[from..].iter().take_while(|e| e.0 == id && e.1 + 1 < end).any(|e| start + 1 < e.2)
}

/// Whether one of `guard`'s phrases in `unless` ((guard, start), in order) starts within
/// `window` bytes of `span`.
fn starts_near(unless: &[(usize, usize)], guard: usize, span: (usize, usize), window: usize) -> bool {
    let from = unless.partition_point(|&(g, start)| (g, start + window) < (guard, span.0));
    unless.get(from).is_some_and(|&(g, start)| g == guard && start <= span.1 + window)
}

/// A phrase from one side of a `near` pair, found at a position.
#[derive(Debug, Clone, Copy)]
struct NearHit {
    rule: usize,
    pair: u16,
    side: u8,
    start: usize,
    end: usize,
}

impl Hit {
    /// A hit spanning its own words.
    fn new(rule: usize, own: [(usize, usize); 2]) -> Hit {
        let (start, end) = (own[0].0.min(own[1].0), own[0].1.max(own[1].1));
        Hit { rule, start, end, cancelled: false, cap: Level::Emergency, own }
    }
}

/// A guard made by the words just before a rule: a negator ("not turning blue", "nobody is
/// overdosing"), unless the rule itself starts with one ("not breathing"); or a past-tense
/// verb right before it ("was turning blue").
fn local_guard(norm: &str, hit: &Hit) -> Option<&'static str> {
    let builtin = &*BUILTIN;
    let starts_negated = words_after(norm, hit.start).next().is_some_and(|w| builtin.negators.contains(w));
    if !starts_negated && negated_before(norm, hit.start) {
        Some("guard.negated")
    } else if words_before(norm, hit.start).next().is_some_and(|w| builtin.past.contains(w)) {
        Some("guard.past_tense")
    } else {
        None
    }
}

/// Whether the words before byte `start` negate what follows: a negator just before, or two
/// before with a word like "is" between ("nobody is").
fn negated_before(norm: &str, start: usize) -> bool {
    let builtin = &*BUILTIN;
    let mut before = words_before(norm, start);
    let (previous, second) = (before.next(), before.next());
    previous.is_some_and(|w| builtin.negators.contains(w))
        || previous.is_some_and(|w| builtin.between.contains(w)) && second.is_some_and(|w| builtin.negators.contains(w))
}

/// Whether the word after byte `end` names a drug ("overdosed on fent").
fn drug_follows(norm: &str, end: usize) -> bool {
    words_after(norm, end).next().is_some_and(|w| BUILTIN.drugs.contains(w))
}

/// The words of the normalised text before byte `at`, nearest first. Its words are apart by
/// one ASCII space, so no Unicode lookups are needed to find them.
fn words_before(norm: &str, at: usize) -> impl Iterator<Item = &str> {
    let (bytes, mut end) = (norm.as_bytes(), at);
    std::iter::from_fn(move || {
        end = bytes[..end].iter().rposition(|&b| b != b' ')? + 1;
        let start = bytes[..end].iter().rposition(|&b| b == b' ').map_or(0, |space| space + 1);
        let word = &norm[start..end];
        end = start;
        Some(word)
    })
}

/// The words of the normalised text from byte `at` on.
fn words_after(norm: &str, at: usize) -> impl Iterator<Item = &str> {
    norm.get(at..).unwrap_or_default().split(' ').filter(|w| !w.is_empty())
}

/// A four-digit year from the recent past ("back in 2019"): the event is not happening now.
fn is_year(word: &str) -> bool {
    word.len() == 4 && word.parse::<u16>().is_ok_and(|y| (1950..=2039).contains(&y))
}

/// Adds a guard id once.
fn note<'a>(fired: &mut Vec<&'a str>, id: &'a str) {
    if !fired.contains(&id) {
        fired.push(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(text: &str) -> Level {
        Detector::builtin().scan(text).level
    }

    /// Asserts the level of each message.
    fn assert_levels(cases: &[(&str, Level)]) {
        for &(text, expected) in cases {
            assert_eq!(level(text), expected, "{text}");
        }
    }

    #[test]
    fn overdose_signs_happening_now_are_emergencies() {
        for text in [
            "my friend is not breathing",
            "HE'S NOT BREATHING",
            "she's turning blue",
            "his lips are blue",
            "he won't wake up",
            "i can't wake her up",
            "i think he's od'ing",
            "she is overdosing help",
            "he is making a gurgling sound",
            "my friend is having a seizure after using",
            "he's not breathing\u{200B}!!",
            "h3s n0t br3athing",
            "hes not breathin rn pls",
        ] {
            assert_eq!(level(text), Level::Emergency, "{text}");
        }
    }

    #[test]
    fn common_words_are_not_read_as_typos_of_signs() {
        assert_eq!(level("im cooking dinner rn"), Level::None, "cooking is no choking");
        assert_eq!(level("hes chokng"), Level::Emergency, "a real typo is still read");
    }

    #[test]
    fn a_guard_with_reaches_changes_only_the_rules_it_names() {
        assert_levels(&[
            // Cold weather explains blue lips...
            ("its freezing out and her lips are blue", Level::None),
            ("her lips are blue", Level::Emergency),
            // ...not a crushing chest or a body that can't cool down.
            (
                "heart going like a jackhammer after that shard, chest is crushing even tho its freezing in the tent",
                Level::Emergency,
            ),
            ("been in the cold shower 20 min and i still cant cool down after the molly", Level::Emergency),
        ]);
    }

    #[test]
    fn passing_out_is_a_concern_only_beside_drugs_or_drink() {
        assert_levels(&[
            ("wife passed out on the couch at 8pm watching baking shows", Level::None),
            ("wife passed out on the couch after the baking show", Level::None),
            ("he took two bars and passed out on the couch", Level::Concern),
            ("she passed out after the pills", Level::Concern),
        ]);
    }

    #[test]
    fn overamping_signs_count_beside_a_drug_or_an_ambulance_not_alone() {
        assert_levels(&[
            ("burning up and her heart is going mental", Level::None),
            ("burning up and her heart is going mental, what do i do til the ambulance gets here", Level::Emergency),
            ("burning up and her heart is going mental after the molly", Level::Emergency),
        ]);
    }

    #[test]
    fn signs_in_spanish_portuguese_french_and_german_are_read_as_in_english() {
        assert_levels(&[
            ("ele ta respirando tipo uma vez a cada 10 segundos, bem devagarzinho", Level::Emergency),
            ("socorro, respira bem devagarinho e nao acorda", Level::Emergency),
            ("elle est toute grise au niveau des levres", Level::Emergency),
            ("sie atmet voll langsam, ich krieg sie nich wach", Level::Emergency),
            ("hace un ronquido raro y tiene la cara grisacea", Level::Emergency),
            ("se me pusieron los dedos azules del frio esperando el camion", Level::None),
            ("o coracao dele ta a mil depois da bala", Level::Emergency),
            ("mein herz rast, er hat mir endlich geschrieben", Level::None),
            ("jai pris du g, je me sens un peu bizarre, mais je respire normal", Level::Concern),
            ("oida er liegt am klo und macht so ein gurgelndes geraeusch, bekomm ihn ned wach", Level::Emergency),
            ("anoche mi compa se puso morado pero le dimos narcan y ya esta bien", Level::None),
            ("minha cachorra teve convulsao ontem, levei no vet e ta bem agr", Level::None),
        ]);
    }

    #[test]
    fn a_joke_taken_back_or_a_plea_keeps_the_emergency() {
        assert_levels(&[
            ("dying lmao jk my lips are blue", Level::None),
            ("dying lmao jk... actually not jk my buddys lips going dusky", Level::Emergency),
            ("her nails look dark haha", Level::None),
            ("her nails look dark, idk if im overreacting haha pls answer", Level::Emergency),
        ]);
    }

    #[test]
    fn a_question_asked_in_the_middle_of_it_does_not_soften_it() {
        assert_levels(&[
            (
                "i have a warrant if i call 911 do they run my name?? she slid off the bed and isnt waking up",
                Level::Emergency,
            ),
            (
                "how long between doses bc the first one did nothing hes still floppy and blue around the mouth",
                Level::Emergency,
            ),
            ("is it bad if i grind my knuckles on his chest and he doesnt even flinch??", Level::Emergency),
            ("if i stop answering call 911 to my place, lips going blue", Level::Emergency),
            ("general question nobody is hurt: if i call 911 for someone od'ing do i get arrested", Level::None),
            ("what do i do if he stops breathing", Level::Concern),
        ]);
    }

    #[test]
    fn worry_without_signs_is_concern() {
        for text in ["i think i took too much", "nodding out hard after that"] {
            assert_eq!(level(text), Level::Concern, "{text}");
        }
    }

    #[test]
    fn a_mix_about_to_be_taken_is_concern_a_mix_asked_about_is_not() {
        assert_levels(&[
            ("is 2mg etizolam + 30mg dihydrocodeine a bad combo? about to take it", Level::Concern),
            ("just took my gabapentin and im about to do a half point, how bad is that mix", Level::Concern),
            ("can you mix xanax and methadone?", Level::None),
            ("is it safe to mix xanax and methadone", Level::None),
            ("about to use the new api, will that be a problem?", Level::None),
        ]);
    }

    #[test]
    fn figurative_negated_past_resolved_and_general_speech_is_not_an_emergency() {
        for text in [
            "I'm dying of laughter",
            "this beat is killing me",
            "he's breathing fine now",
            "last year my friend overdosed",
            "what are the signs of an overdose?",
            "i cant breathe lmao",
            "i cant breathe 😂",
            "after the narcan she's ok",
            "that's odd",
            "those items are expensive",
            "i overdosed on anime last night",
            "he's not overdosing, just sleepy",
            "she's not turning blue, relax",
            "he was turning blue but he's breathing fine now",
        ] {
            assert_eq!(level(text), Level::None, "{text}");
        }
    }

    #[test]
    fn a_denial_cancels_only_what_it_denies() {
        assert_eq!(level("on speed, no chest pain, should i worry"), Level::Concern);
        assert_eq!(level("on speed, no chest pain"), Level::None);
    }

    #[test]
    fn a_crisis_after_a_resolution_still_counts() {
        assert_eq!(level("she came to but now she's not breathing again"), Level::Emergency);
        assert_eq!(level("he overdosed on fentanyl and isnt breathing"), Level::Emergency);
    }

    #[test]
    fn time_words_inside_a_rule_are_no_past_event() {
        // A dose after a break: the break's length is part of the worry, not an old story.
        assert_eq!(level("he hasnt used in 3 months and just did a point"), Level::Concern);
        assert_eq!(level("clean for 6 months and just did my old dose"), Level::Concern);
        // The same words as a past event still are one.
        assert_eq!(level("been clean for 3 years today, never going back"), Level::None);
        assert_eq!(level("3 years ago he overdosed"), Level::None);
    }

    #[test]
    fn an_old_story_does_not_hide_what_is_happening_now() {
        for text in [
            "he od'd last year too and now he's not breathing",
            "i lost my cousin in 2021 but my friend just went limp and isnt breathing",
            "i know i overreacted last time, but this is real, shes not breathing",
            "bf sleeps with a cpap but tonite he's making this gurgly noise and i cant wake him",
        ] {
            assert_eq!(level(text), Level::Emergency, "{text}");
        }
        for text in
            ["two years ago today i od'd", "he stopped breathing once years ago, never again", "back in 2019 he od'd"]
        {
            assert_eq!(level(text), Level::None, "{text}");
        }
    }

    #[test]
    fn a_time_word_just_before_a_guard_is_the_guards_own_time() {
        assert_eq!(level("chest tight, wheezing, already hit my inhaler twice"), Level::None);
    }

    #[test]
    fn a_drug_named_beside_the_game_makes_it_real() {
        assert_eq!(level("my character is slumped over and wont wake up in the game lol"), Level::None);
        assert_eq!(
            level(
                "he was fine on voice 5 min ago, now hes slumped on the desk and i cant wake him, he did dope b4 the game"
            ),
            Level::Emergency
        );
    }

    #[test]
    fn breathing_said_to_be_fine_is_not_slow_breathing() {
        assert_eq!(level("got him on his side, breathing fine, checking him every 15"), Level::Concern);
        assert_eq!(level("got him on his side, checking him, breathing every 15 seconds"), Level::Emergency);
    }

    #[test]
    fn what_runs_up_to_now_is_not_the_past() {
        assert_eq!(level("he keeps grabbing his chest, we been smoking rock since last night"), Level::Emergency);
        assert_eq!(level("he grabbed his chest last night, we laughed about it today"), Level::None);
        assert_eq!(level("i think i used too much"), Level::Concern, "squeezed, 'too' reads 'to': no 'used to'");
        assert_eq!(level("i used to overdose a lot"), Level::None);
    }

    #[test]
    fn a_negated_guard_says_nothing() {
        assert_eq!(level("training drill: he's face down and not breathing"), Level::None);
        assert_eq!(level("not a drill, he's face down and not breathing"), Level::Emergency);
    }

    #[test]
    fn hypothetical_questions_about_someone_present_are_concern_at_most() {
        assert_eq!(level("what do i do if he stops breathing"), Level::Concern);
    }

    #[test]
    fn g_or_ketamine_taken_with_drink_or_each_other_is_a_concern() {
        assert_eq!(level("he mixed g with a couple drinks tonight, hes ok rn but i dont trust it"), Level::Concern);
        assert_eq!(level("mixed k and g tonight and im kinda spinny"), Level::Concern);
        assert_eq!(level("k i had a beer with dinner"), Level::None);
    }

    #[test]
    fn a_pair_rule_needs_both_of_its_sides() {
        // Each side alone is everyday talk here; only together are they a mix.
        assert_eq!(level("took a xan on top of my methadone an hour ago"), Level::Concern);
        assert_eq!(level("took my methadone an hour ago"), Level::None);
        assert_eq!(level("took a xan an hour ago"), Level::None);
    }

    #[test]
    fn a_doubt_about_oneself_is_no_condition() {
        assert_eq!(level("what if hes blue around the mouth, what do i do"), Level::Concern);
        assert_eq!(level("idk if im overreacting but hes blue around the mouth"), Level::Emergency);
    }

    #[test]
    fn a_laugh_taken_back_or_left_in_the_past_says_nothing_of_now() {
        assert_eq!(level("lol my roommate wont wake up"), Level::None);
        assert_eq!(
            level("lol ok not funny anymore my roommate wont wake up and his lips are purple"),
            Level::Emergency
        );
        assert_eq!(level("he was laughing 5 min ago, now hes slumped over not breathing right"), Level::Emergency);
    }

    #[test]
    fn reports_rule_and_guard_ids_not_text() {
        let d = Detector::builtin().scan("he's not breathing");
        assert_eq!(d.rules, ["emergency.not_breathing"]);
        assert!(d.guards.is_empty());
        let d = Detector::builtin().scan("last year he stopped breathing");
        assert_eq!(d.level, Level::None);
        assert_eq!(d.guards, ["guard.past"]);
    }

    #[test]
    fn moderator_phrases_join_the_built_in_rules() {
        let phrases = [
            CustomPhrase { text: "Man down".into(), level: Level::Emergency, regex: false },
            CustomPhrase { text: r"code (red|blue)".into(), level: Level::Concern, regex: true },
        ];
        let detector = Detector::with_phrases(&phrases).unwrap();
        let d = detector.scan("MAN DOWN in the back room");
        assert_eq!((d.level, d.rules.as_slice()), (Level::Emergency, ["custom.1".to_string()].as_slice()));
        assert_eq!(detector.scan("code blue!").level, Level::Concern);
        assert_eq!(detector.scan("he's not breathing").level, Level::Emergency, "built-ins still apply");
        assert_eq!(Detector::builtin().scan("man down").level, Level::None, "other communities unaffected");
    }

    #[test]
    fn phrases_with_chat_spellings_meet_messages_with_them() {
        // Messages read "pls" as "please" and "ya" as "you": phrases must too.
        let phrases = [CustomPhrase { text: "pls help him".into(), level: Level::Emergency, regex: false }];
        let detector = Detector::with_phrases(&phrases).unwrap();
        assert_eq!(detector.scan("plz help him").level, Level::Emergency);
        assert_eq!(detector.scan("please help him").level, Level::Emergency);
        assert_eq!(level("es peligroso mezclar clona con lean? ya me tome dos pastillas"), Level::Concern);
    }
}

#[cfg(test)]
mod properties {
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use super::*;

    static DETECTOR: LazyLock<Detector> = LazyLock::new(Detector::builtin);

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// No message, however strange, makes the detector panic.
        #[test]
        fn any_text_scans_without_panic(text in any::<String>()) {
            let _ = DETECTOR.scan(&text);
        }

        /// Nor does text built from the characters normalisation treats specially.
        #[test]
        fn tricky_characters_scan_without_panic(text in "[a-z0-9 '’!@$\u{200B}\u{0301}ｈе😂.]{0,200}") {
            let _ = DETECTOR.scan(&text);
        }

        /// Invisible characters and case never hide a crisis.
        #[test]
        fn invisible_characters_and_case_do_not_hide_a_crisis(
            gaps in proptest::collection::vec(prop_oneof![Just(""), Just("\u{200B}"), Just("\u{FEFF}"), Just("\u{2060}")], 18),
            upper in proptest::collection::vec(any::<bool>(), 18),
        ) {
            let text: String = "hes not breathing".chars().zip(gaps.iter().zip(&upper)).map(|(c, (gap, up))| {
                let c = if *up { c.to_ascii_uppercase() } else { c };
                format!("{c}{gap}")
            }).collect();
            prop_assert_eq!(DETECTOR.scan(&text).level, Level::Emergency, "{:?}", text);
        }

        /// A community's own phrase fires whenever a message says it, whichever of its
        /// words the anchor check looks for and however many phrases share the check.
        #[test]
        fn a_community_phrase_fires_when_said(
            phrases in proptest::collection::vec(proptest::collection::vec("[qxz][b-df-hj-np-tv-z0-9]{2,4}", 1..5), 1..8),
            said in any::<prop::sample::Index>(),
            others in proptest::collection::vec("[qxz][b-df-hj-np-tv-z0-9]{2,4}", 0..20),
        ) {
            let custom: Vec<CustomPhrase> = phrases
                .iter()
                .map(|words| CustomPhrase { text: words.join(" "), level: Level::Concern, regex: false })
                .collect();
            let detector = Detector::with_phrases(&custom).unwrap();
            let said = said.index(custom.len());
            let text = format!("{} {} {}", others.join(" "), custom[said].text.to_uppercase(), others.join(" "));
            let rule = format!("custom.{}", said + 1);
            prop_assert!(detector.scan(&text).rules.contains(&rule), "{:?} in {:?}", text, custom);
        }
    }

    #[test]
    fn megabyte_messages_scan_without_panic() {
        let text = "not breathing ".repeat(75_000);
        assert_eq!(DETECTOR.scan(&text).level, Level::Emergency);
        let one_word: String = (0..1_000_000u32).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        assert_eq!(DETECTOR.scan(&one_word).level, Level::None);
        let unicode = "ｈé\u{200B}😂 ".repeat(100_000);
        assert_eq!(DETECTOR.scan(&unicode).level, Level::None);
    }
}
