//! Crash safety: `harbor console --moderator --data DIR`, killed with SIGKILL at random moments
//! (right after it acknowledged a change, or while one is on its way), keeps every change it
//! acknowledged and leaves a store that opens and reads.
//!
//! The moments are seeded, so a failure replays: `HARBOR_CRASH_SEED=<seed> cargo test --test crash`.

use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use harbor::store::{SledStore, Store, StoreError};

const KILLS: usize = 40;
/// The community `harbor console` configures.
const COMMUNITY: &str = "console";

/// xorshift64*: no dependency, and the same moments for the same seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

/// What the store holds of the changes this test makes, in the console's order.
#[derive(Debug, Clone, Default, PartialEq)]
struct Model {
    phrases: Vec<String>,
    services: Vec<String>,
    emergency: Option<String>,
}

impl Model {
    fn read(store: &SledStore) -> Model {
        let settings = store.settings(COMMUNITY).expect("the settings read");
        Model {
            phrases: settings.phrases.into_iter().map(|p| p.text).collect(),
            services: settings.resources.into_iter().map(|r| r.name).collect(),
            emergency: settings.emergency,
        }
    }
}

/// One moderator change.
enum Change {
    Phrase(String),
    Service(String),
    Emergency(String),
    RemovePhrase,
    RemoveService,
}

impl Change {
    /// A change numbered `n`, of a random kind; removals keep the services under their limit of 50.
    fn random(rng: &mut Rng, n: usize, model: &Model) -> Change {
        match rng.below(10) {
            _ if model.services.len() >= 40 => Change::RemoveService,
            0..=3 => Change::Phrase(format!("crashphrase {n}")),
            4..=6 => Change::Service(format!("Service {n}")),
            7 => Change::Emergency(format!("555 {n}")),
            8 if !model.phrases.is_empty() => Change::RemovePhrase,
            _ if !model.services.is_empty() => Change::RemoveService,
            _ => Change::Phrase(format!("crashphrase {n}")),
        }
    }

    /// The line typed, and the start of the line that acknowledges it once saved.
    fn line_and_ack(&self, model: &Model) -> (String, String) {
        match self {
            Change::Phrase(text) => {
                let level = if model.phrases.len().is_multiple_of(2) { "emergency" } else { "concern" };
                (format!("/config phrase add {level} {text}"), format!("Added as phrase {} ", model.phrases.len() + 1))
            }
            Change::Service(name) => (
                format!("/config resource add category=other name=\"{name}\""),
                format!("Added {name} as service {}.", model.services.len() + 1),
            ),
            Change::Emergency(number) => {
                (format!("/config emergency {number}"), format!("Emergency number set to {number}."))
            }
            Change::RemovePhrase => ("/config phrase remove 1".into(), "Removed phrase 1.".into()),
            Change::RemoveService => ("/config resource remove 1".into(), "Removed service 1.".into()),
        }
    }

    fn apply(&self, model: &mut Model) {
        match self {
            Change::Phrase(text) => model.phrases.push(text.clone()),
            Change::Service(name) => model.services.push(name.clone()),
            Change::Emergency(number) => model.emergency = Some(number.clone()),
            Change::RemovePhrase => {
                model.phrases.remove(0);
            }
            Change::RemoveService => {
                model.services.remove(0);
            }
        }
    }
}

/// A running `harbor console`, its output read line by line on a thread of its own.
struct Console {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Console {
    fn start(data: &Path) -> Console {
        let mut child = Command::new(env!("CARGO_BIN_EXE_harbor"))
            .args(["console", "--moderator", "--data"])
            .arg(data)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Console { child, stdin, lines }
    }

    fn send(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").and_then(|()| self.stdin.flush()).expect("the console reads its input");
    }

    /// Waits for the line that starts with `ack`; replies are separated by blank lines.
    fn expect(&self, ack: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        loop {
            match self.lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) if line.starts_with(ack) => return,
                Ok(line) => seen.push(line),
                Err(RecvTimeoutError::Timeout) => panic!("no {ack:?} in 30 s; the console said {seen:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the console ended before {ack:?}; it said {seen:?}"),
            }
        }
    }

    /// SIGKILL: no chance to flush or close anything.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// The store, once the killed process's lock is gone (at once on Linux, as the kernel closes
/// its files when it reaps it).
fn open(data: &Path) -> SledStore {
    for _ in 0..100 {
        match SledStore::open(data) {
            Err(StoreError::Locked { .. }) => std::thread::sleep(Duration::from_millis(20)),
            opened => return opened.expect("the store opens after a kill"),
        }
    }
    panic!("the store is still locked 2 s after the kill");
}

#[test]
fn kills_at_random_moments_lose_no_acknowledged_change() {
    let started = Instant::now();
    let seed = std::env::var("HARBOR_CRASH_SEED").map_or(20_261_123, |s| s.parse().expect("a number"));
    let mut rng = Rng(seed.max(1)); // xorshift stays at 0 from 0
    let data = tempfile::tempdir().unwrap();
    let mut model = Model::default();
    let (mut changes, mut acknowledged, mut in_flight, mut landed) = (0, 0, 0, 0);
    for kill in 1..=KILLS {
        let mut console = Console::start(data.path());
        for _ in 0..rng.below(5) {
            let change = Change::random(&mut rng, changes, &model);
            changes += 1;
            let (line, ack) = change.line_and_ack(&model);
            console.send(&line);
            console.expect(&ack);
            change.apply(&mut model);
            acknowledged += 1;
        }
        // Three kills in four with a change sent and not waited for: at once, or a few
        // milliseconds later, while it is being read, saved or flushed.
        let unacknowledged = (rng.below(4) > 0).then(|| {
            let change = Change::random(&mut rng, changes, &model);
            changes += 1;
            console.send(&change.line_and_ack(&model).0);
            std::thread::sleep(Duration::from_micros(rng.below(2) * rng.below(8_000)));
            change
        });
        console.kill();

        let store = open(data.path());
        let found = Model::read(&store);
        let with_it = unacknowledged.map(|change| {
            let mut model = model.clone();
            change.apply(&mut model);
            in_flight += 1;
            model
        });
        landed += usize::from(with_it.as_ref() == Some(&found) && found != model);
        assert!(
            found == model || Some(&found) == with_it.as_ref(),
            "kill {kill} (seed {seed}): acknowledged {model:?}\nbut the store holds {found:?}"
        );
        model = found;
    }
    println!(
        "{KILLS} kills (seed {seed}): {acknowledged} acknowledged changes all kept; {in_flight} kills with a change \
         in flight, {landed} of which landed; {:.1?}",
        started.elapsed()
    );
}
