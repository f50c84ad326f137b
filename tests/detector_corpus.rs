//! The detector against seven labelled corpora of chat messages, each written by a separate
//! author who did not see the rules: `crisis_dev.tsv` was read while writing the rules; each of
//! `crisis_holdout.tsv`, `crisis_blind.tsv`, `crisis_final.tsv`, `crisis_e.tsv` and
//! `crisis_f.tsv` was measured blind once, then used for a round of fixes; `crisis_g.tsv` was
//! measured blind after the round on `crisis_f.tsv`. Prints the confusion matrices.

use harbor::detect::{Detector, Level};

const LEVELS: [Level; 3] = [Level::Emergency, Level::Concern, Level::None];

struct Corpus {
    name: &'static str,
    /// `matrix[truth][predicted]`, in the order of [`LEVELS`].
    matrix: [[usize; 3]; 3],
    misses: Vec<String>,
}

fn index(level: Level) -> usize {
    LEVELS.iter().position(|l| *l == level).unwrap()
}

fn run(name: &'static str, text: &str) -> Corpus {
    let detector = Detector::builtin();
    let mut corpus = Corpus { name, matrix: [[0; 3]; 3], misses: Vec::new() };
    for (n, line) in text.lines().enumerate() {
        let (label, message) = line.split_once('\t').unwrap_or_else(|| panic!("{name}:{}: no tab", n + 1));
        let truth = match label {
            "emergency" => Level::Emergency,
            "concern" => Level::Concern,
            "none" => Level::None,
            other => panic!("{name}:{}: unknown label {other}", n + 1),
        };
        let found = detector.scan(message);
        corpus.matrix[index(truth)][index(found.level)] += 1;
        if found.level != truth {
            corpus.misses.push(format!(
                "{name}:{}: {label} read as {} {:?} {:?}: {message}",
                n + 1,
                found.level,
                found.rules,
                found.guards
            ));
        }
    }
    corpus
}

impl Corpus {
    fn recall(&self, level: Level) -> f64 {
        let row = self.matrix[index(level)];
        row[index(level)] as f64 / row.iter().sum::<usize>() as f64
    }

    /// Share of `none` messages that got any reply.
    fn false_positive_rate(&self) -> f64 {
        let row = self.matrix[index(Level::None)];
        (row[0] + row[1]) as f64 / row.iter().sum::<usize>() as f64
    }

    fn print(&self) {
        println!("\n{} (rows: truth, columns: detector)", self.name);
        println!("{:>10} {:>10} {:>10} {:>10}", "", "emergency", "concern", "none");
        for (i, level) in LEVELS.iter().enumerate() {
            let row = self.matrix[i];
            println!("{:>10} {:>10} {:>10} {:>10}", level.to_string(), row[0], row[1], row[2]);
        }
        println!(
            "emergency recall {:.3}, concern recall {:.3}, false positives on none {:.3}",
            self.recall(Level::Emergency),
            self.recall(Level::Concern),
            self.false_positive_rate()
        );
        for miss in &self.misses {
            println!("  {miss}");
        }
    }
}

#[test]
fn detector_meets_recall_and_false_positive_targets() {
    let dev = run("crisis_dev.tsv", include_str!("data/crisis_dev.tsv"));
    let holdout = run("crisis_holdout.tsv", include_str!("data/crisis_holdout.tsv"));
    let blind = run("crisis_blind.tsv", include_str!("data/crisis_blind.tsv"));
    let last = run("crisis_final.tsv", include_str!("data/crisis_final.tsv"));
    let fifth = run("crisis_e.tsv", include_str!("data/crisis_e.tsv"));
    let sixth = run("crisis_f.tsv", include_str!("data/crisis_f.tsv"));
    let seventh = run("crisis_g.tsv", include_str!("data/crisis_g.tsv"));
    let mut both = Corpus { name: "all", matrix: [[0; 3]; 3], misses: Vec::new() };
    for corpus in [&dev, &holdout, &blind, &last, &fifth, &sixth, &seventh] {
        corpus.print();
        for i in 0..3 {
            for j in 0..3 {
                both.matrix[i][j] += corpus.matrix[i][j];
            }
        }
    }
    both.print();
    let total: usize = both.matrix.iter().flatten().sum();
    assert!(total >= 400, "at least 400 labelled messages");
    assert!(both.recall(Level::Emergency) >= 0.98, "emergency recall {:.3}", both.recall(Level::Emergency));
    assert!(both.false_positive_rate() <= 0.03, "false positives on none {:.3}", both.false_positive_rate());
}
