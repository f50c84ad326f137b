//! `harbor backup` and `harbor restore` through the binary, and what harbor says when its data
//! directory is in use or damaged: the way out, a non-zero exit, never a panic.

use std::fs;
use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;
use std::process::Stdio;

use assert_cmd::Command;
use harbor::store::{SledStore, Store};

fn harbor() -> Command {
    Command::cargo_bin("harbor").unwrap()
}

fn succeeds(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail cleanly; returns what it said.
fn fails(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "must fail with exit code 1: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Moderators' settings, of every kind, in two communities.
fn configure(data: &Path) {
    let script = "/config region ca\n/config emergency 911 or 811\n/config phrase add emergency man down\n\
        /config resource add category=naloxone name=\"Main St Pharmacy\" phone=604-555-0100 hours=\"Mon-Sat 9-9\"\n\
        /config response set naloxone Free kits at the front desk.\n/config listen add #chat\n\
        /config crisis both\n/config alert #mod-alerts\n/config cooldown 9\n/optout\n";
    succeeds(harbor().args(["console", "--moderator", "--data", path(data)]).write_stdin(script));
    let other = ["console", "--moderator", "--community", "other", "--data", path(data)];
    succeeds(harbor().args(other).write_stdin("/config region gb\n"));
}

/// What the console shows of a community's settings.
fn shown(data: &Path, community: &str) -> String {
    let script = "/config show\n/config export\n/config history\n/config phrase list\n/resources\n";
    succeeds(
        harbor().args(["console", "--moderator", "--community", community, "--data", path(data)]).write_stdin(script),
    )
}

#[test]
fn a_backup_restored_into_a_new_directory_shows_the_same_settings() {
    let dir = tempfile::tempdir().unwrap();
    let (data, file) = (dir.path().join("data"), dir.path().join("harbor.json"));
    configure(&data);
    let out = succeeds(harbor().args(["backup", path(&file), "--data", path(&data)]));
    assert!(out.contains("2 communities"), "{out}");
    let err = fails(harbor().args(["backup", path(&file), "--data", path(&data)]));
    assert!(err.contains("already exists") && err.contains("--force"), "{err}");
    succeeds(harbor().args(["backup", path(&file), "--force"]).env("HARBOR_DATA", &data));
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no temporary file is left: {leftovers:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "member and moderator ids: readable by the owner only");
    }

    let restored = dir.path().join("restored");
    let out = succeeds(harbor().args(["restore", path(&file), "--data", path(&restored)]));
    assert!(out.contains("2 communities"), "{out}");
    for community in ["console", "other"] {
        let before = shown(&data, community);
        assert!(before.contains("Main St Pharmacy") || community == "other", "{before}");
        assert_eq!(shown(&restored, community), before, "{community} reads the same after the restore");
    }
    let (from, to) = (SledStore::open(&data).unwrap(), SledStore::open(&restored).unwrap());
    assert_eq!(to.communities().unwrap(), from.communities().unwrap());
    for community in from.communities().unwrap() {
        let settings = from.settings(&community).unwrap();
        assert_eq!(to.settings(&community).unwrap(), settings, "all of it, the history and opt-outs too");
    }
    assert_eq!(to.settings("console").unwrap().opted_out.len(), 1);
}

#[test]
fn a_bad_backup_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (data, file) = (dir.path().join("data"), dir.path().join("harbor.json"));
    configure(&data);
    succeeds(harbor().args(["backup", path(&file), "--data", path(&data)]));
    let good = fs::read_to_string(&file).unwrap();
    let cases = [
        (good[..good.len() / 2].to_string(), "EOF while parsing"),
        (good.replace("\"format\": \"harbor backup\"", "\"format\": \"notes\""), "not \"harbor backup\""),
        (good.replacen("\"cooldown\": 9", "\"cooldown\": \"nine\"", 1), "community \"console\""),
    ];
    let fresh = dir.path().join("fresh");
    for (text, reason) in cases {
        fs::write(&file, text).unwrap();
        let err = fails(harbor().args(["restore", path(&file), "--data", path(&fresh)]));
        assert!(err.contains("not a backup harbor can restore") && err.contains(reason), "{err}");
        assert!(!fresh.exists(), "nothing is written, not even the data directory");
        fails(harbor().args(["restore", path(&file), "--force", "--data", path(&data)]));
    }
    let err = fails(harbor().args(["restore", path(&dir.path().join("none.json")), "--data", path(&fresh)]));
    assert!(err.contains("there is no file") && err.contains("none.json"), "{err}");
    assert!(shown(&data, "console").contains("Main St Pharmacy"), "the store a bad backup was forced on is intact");
}

#[test]
fn restoring_over_settings_needs_force_and_then_replaces_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let (data, file) = (dir.path().join("data"), dir.path().join("harbor.json"));
    configure(&data);
    succeeds(harbor().args(["backup", path(&file), "--data", path(&data)]));
    let other = ["console", "--moderator", "--community", "third", "--data", path(&data)];
    succeeds(harbor().args(other).write_stdin("/config region nz\n"));

    let err = fails(harbor().args(["restore", path(&file), "--data", path(&data)]));
    assert!(err.contains("already holds the settings of 3 communities") && err.contains("--force"), "{err}");
    succeeds(harbor().args(["restore", path(&file), "--force", "--data", path(&data)]));
    let third = succeeds(harbor().args(other).write_stdin("/config show\n"));
    assert!(third.contains("**Region:** your area"), "a community the backup does not have is removed: {third}");
}

#[test]
fn a_data_directory_in_use_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (data, file) = (dir.path().join("data"), dir.path().join("harbor.json"));
    configure(&data);
    succeeds(harbor().args(["backup", path(&file), "--data", path(&data)]));
    let mut running = std::process::Command::new(env!("CARGO_BIN_EXE_harbor"))
        .args(["console", "--data", path(&data)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = running.stdin.take().unwrap();
    writeln!(stdin, "/help").unwrap();
    // Kept open until the console ends, so that the rest of its reply has somewhere to go.
    let mut output = BufReader::new(running.stdout.take().unwrap());
    let mut first = String::new();
    output.read_line(&mut first).unwrap();
    assert!(!first.is_empty(), "the console is running, with the store open");

    for args in [["backup", path(&dir.path().join("b.json")), "--data"], ["restore", path(&file), "--data"]] {
        let err = fails(harbor().args(args).args([path(&data), "--force"]));
        assert!(err.contains("in use by another harbor process") && err.contains("stop the bot"), "{err}");
    }
    let err = fails(harbor().args(["console", "--data", path(&data)]).write_stdin("/help\n"));
    assert!(err.contains("stop the bot"), "{err}");
    drop(stdin);
    assert!(running.wait().unwrap().success());
    drop(output);
}

#[test]
fn no_data_directory_to_back_up_is_an_error_not_an_empty_backup() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("harbor.json");
    let err = fails(harbor().args(["backup", path(&file), "--data", path(&dir.path().join("typo"))]));
    assert!(err.contains("there is no data directory") && err.contains("typo"), "{err}");
    assert!(!file.exists() && !dir.path().join("typo").exists());
}

/// Asserts that every way of opening `data` fails with the recovery steps.
fn refused_as_damaged(data: &Path, why: &str) {
    let backup = data.with_extension("json");
    for err in [
        fails(harbor().args(["console", "--data", path(data)]).write_stdin("/overdose\n")),
        fails(harbor().args(["backup", path(&backup), "--data", path(data)])),
    ] {
        assert!(err.contains("is damaged") && err.contains(why), "{err}");
        assert!(err.contains("move it aside") && err.contains("harbor restore BACKUP.json --data"), "{err}");
    }
}

#[test]
fn a_damaged_data_directory_is_refused_with_the_way_out_until_restored() {
    let dir = tempfile::tempdir().unwrap();
    let (data, file) = (dir.path().join("data"), dir.path().join("harbor.json"));
    configure(&data);
    succeeds(harbor().args(["backup", path(&file), "--data", path(&data)]));
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();

    // sled's database file. Depending on the bytes, sled says it is corrupt or reads it as an
    // empty database (and makes it one): the write count catches that, at every attempt.
    for bytes in [&garbage[..], &[0x5a; 4096]] {
        fs::write(data.join("db"), bytes).unwrap();
        refused_as_damaged(&data, "");
    }

    // A record that does not decode.
    fs::rename(&data, dir.path().join("aside")).unwrap();
    succeeds(harbor().args(["restore", path(&file), "--data", path(&data)]));
    {
        let db = sled::open(&data).unwrap();
        db.insert("community/other", &b"{\"schema\":2,\"settings\":{\"region\":7}}"[..]).unwrap();
        db.flush().unwrap();
    }
    refused_as_damaged(&data, "community \"other\"");

    // Every file in the directory.
    for entry in fs::read_dir(&data).unwrap() {
        let entry = entry.unwrap().path();
        if entry.is_file() {
            fs::write(entry, &garbage).unwrap();
        }
    }
    refused_as_damaged(&data, "sled cannot read it");

    // The way out the message gives.
    fs::rename(&data, dir.path().join("aside-2")).unwrap();
    succeeds(harbor().args(["restore", path(&file), "--data", path(&data)]));
    assert!(shown(&data, "console").contains("Main St Pharmacy"));
}
