//! Crisis detector throughput on one core: the real detector with 0, 50 and 500 moderator
//! phrases, against a naive baseline (one compiled regex per rule template and per phrase,
//! tried one by one) in the same run. Run with `cargo bench --bench detector`.
//!
//! Two mixes of messages:
//! - `corpus`: every message of the first five labelled corpora in tests/data (1,220 lines,
//!   half of them crises and most of the rest hard negatives full of crisis words): the worst
//!   case, kept to those five so that figures stay comparable as corpora are added;
//! - `channel`: a day in a channel, 1,000 ordinary chat lines (benches/data) with one corpus
//!   line in ten mixed in.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use harbor::detect::{CustomPhrase, Detector, Level};
use regex::Regex;

const CORPORA: &[&str] = &[
    include_str!("../tests/data/crisis_dev.tsv"),
    include_str!("../tests/data/crisis_holdout.tsv"),
    include_str!("../tests/data/crisis_blind.tsv"),
    include_str!("../tests/data/crisis_final.tsv"),
    include_str!("../tests/data/crisis_e.tsv"),
];

fn corpus() -> Vec<&'static str> {
    CORPORA.iter().flat_map(|c| c.lines()).filter_map(|l| l.split_once('\t').map(|(_, m)| m)).collect()
}

fn channel() -> Vec<&'static str> {
    let corpus = corpus();
    let mut out = Vec::new();
    for (i, line) in include_str!("data/ordinary_chat.txt").lines().enumerate() {
        out.push(line);
        if i % 9 == 8 {
            out.push(corpus[(i * 7) % corpus.len()]);
        }
    }
    out
}

/// `n` distinct phrases of the kind a community adds: local places and code words.
pub fn phrases(n: usize) -> Vec<String> {
    let openings = ["man down at", "need narcan at", "someone out at", "get help to", "code blue in"];
    let places = ["the bridge", "the park", "room", "camp", "the tunnel", "bay", "lot", "the shelter", "block", "ward"];
    (0..n).map(|i| format!("{} {} {}", openings[i % openings.len()], places[(i / 5) % places.len()], i)).collect()
}

/// The naive way: every rule template of `src/detect/rules.toml` and every phrase as its own
/// regex, all tried on the lower-cased message.
struct Naive(Vec<Regex>);

impl Naive {
    fn new(phrases: &[String]) -> Naive {
        #[derive(serde::Deserialize)]
        struct Rules {
            lists: BTreeMap<String, Vec<String>>,
            rule: Vec<Entry>,
            guard: Vec<Entry>,
        }
        #[derive(serde::Deserialize)]
        struct Entry {
            #[serde(default)]
            phrases: Vec<String>,
        }
        let rules: Rules = toml::from_str(include_str!("../src/detect/rules.toml")).expect("rules parse");
        let templates = rules.rule.iter().chain(&rules.guard).flat_map(|e| e.phrases.iter());
        let mut regexes: Vec<Regex> = templates
            .map(|t| {
                let source = format!(r"\b(?:{})\b", to_regex(t, &rules.lists));
                regex::RegexBuilder::new(&source).size_limit(1 << 26).build().expect("template regex")
            })
            .collect();
        regexes.extend(phrases.iter().map(|p| Regex::new(&format!(r"\b{}\b", regex::escape(p))).expect("phrase")));
        Naive(regexes)
    }

    fn scan(&self, text: &str) -> usize {
        let lower = text.to_lowercase();
        self.0.iter().filter(|r| r.is_match(&lower)).count()
    }
}

/// A template as a regex: `[a|b]` and `{list}` become alternations, spaces any whitespace.
fn to_regex(template: &str, lists: &BTreeMap<String, Vec<String>>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            let end = rest.find(']').expect("closed [");
            let options: Vec<String> = rest[1..end].split('|').map(|o| to_regex(o, lists)).collect();
            out.push_str(&format!("(?:{})", options.join("|")));
            rest = &rest[end + 1..];
        } else if c == '{' {
            let end = rest.find('}').expect("closed {");
            let options: Vec<String> = lists[&rest[1..end]].iter().map(|o| to_regex(o, lists)).collect();
            out.push_str(&format!("(?:{})", options.join("|")));
            rest = &rest[end + 1..];
        } else {
            let end = rest.find(['[', '{']).unwrap_or(rest.len());
            out.push_str(&regex::escape(&rest[..end]).replace(' ', r"\s*"));
            rest = &rest[end..];
        }
    }
    out
}

fn detector_benches(c: &mut Criterion) {
    for (mix, messages) in [("corpus", corpus()), ("channel", channel())] {
        bench_mix(c, mix, &messages);
    }
}

fn bench_mix(c: &mut Criterion, mix: &str, messages: &[&'static str]) {
    let mut group = c.benchmark_group(format!("detector {mix}"));
    group.throughput(Throughput::Elements(messages.len() as u64));
    for n in [0, 50, 500] {
        let custom: Vec<CustomPhrase> =
            phrases(n).into_iter().map(|text| CustomPhrase { text, level: Level::Emergency, regex: false }).collect();
        let detector = Detector::with_phrases(&custom).expect("phrases compile");
        group.bench_with_input(BenchmarkId::new("harbor", n), &messages, |b, messages| {
            b.iter(|| messages.iter().filter(|m| detector.scan(black_box(m)).level != Level::None).count())
        });
        let naive = Naive::new(&phrases(n));
        group.bench_with_input(BenchmarkId::new("naive regex list", n), &messages, |b, messages| {
            b.iter(|| messages.iter().map(|m| naive.scan(black_box(m))).sum::<usize>())
        });
    }
    group.finish();
}

criterion_group!(benches, detector_benches);
criterion_main!(benches);
