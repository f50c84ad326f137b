//! The `harbor` binary end to end: console, scan, check, and settings kept across restarts.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn harbor() -> Command {
    Command::cargo_bin("harbor").unwrap()
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn console_answers_the_first_run_script() {
    let out = stdout_of(
        harbor()
            .arg("console")
            .write_stdin("/overdose\n/combo alcohol heroin\n/saferuse fent\nmy friend is not breathing\n"),
    );
    let replies: Vec<&str> = out.split("\n== ").collect();
    assert!(out.starts_with("== Overdose"), "overdose first: {out}");
    let first_body = out.lines().nth(1).unwrap().replace("**", "");
    assert!(first_body.starts_with("Call your local emergency number (911"), "{first_body}");
    assert!(out.contains("== Alcohol + Heroin ==") && out.contains("Dangerous") && out.contains("Why:"));
    assert!(out.contains("== Fentanyl =="));
    let crisis =
        replies.last().unwrap().split("\n\n**Call").nth(1).expect("the quiet crisis reply after the fentanyl text");
    assert!(crisis.contains("[Show overdose steps]"), "{crisis}");
    assert!(!out.contains("> "), "no prompt when input is piped");
}

#[test]
fn console_stays_quiet_on_ordinary_chat_and_refuses_config_to_members() {
    let out = stdout_of(harbor().arg("console").write_stdin("hey all, good morning\nI'm dying of laughter\n"));
    assert_eq!(out, "", "no reply to ordinary or figurative chat");
    let out = stdout_of(harbor().arg("console").write_stdin("/config region gb\n"));
    assert!(out.contains("Only moderators"), "{out}");
}

#[test]
fn settings_survive_a_restart_with_a_data_directory() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let out = stdout_of(harbor().args(["console", "--moderator", "--data", dir]).write_stdin("/config region gb\n"));
    assert!(out.contains("United Kingdom"), "{out}");
    let out = stdout_of(harbor().args(["console", "--data", dir]).write_stdin("/overdose\n"));
    assert!(out.lines().nth(1).unwrap().replace("**", "").starts_with("Call 999 now"), "{out}");
}

#[test]
fn console_exports_and_imports_settings_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(harbor().args(["console", "--moderator"]).write_stdin("/config region ie\n/config export\n"));
    let file = out.split("--- harbor-console.toml ---\n").nth(1).expect("the file, printed");
    let path = dir.path().join("settings.toml");
    std::fs::write(&path, file.replace("region = \"ie\"", "region = \"gb\"")).unwrap();
    let path = path.to_str().unwrap();
    let script =
        format!("/config import {path}\n/config import apply {path}\n/overdose\n/config import /no/such/file\n");
    let out = stdout_of(harbor().args(["console", "--moderator"]).write_stdin(script));
    assert!(out.contains("Dry run") && out.contains("region: — → `gb`") && out.contains("Imported."), "{out}");
    assert!(out.replace("**", "").contains("Call 999 now"), "the imported region applies: {out}");
    assert!(out.contains("I couldn't read that file"), "{out}");
}

#[test]
fn scan_prints_one_json_object_per_line_in_order_without_the_text() {
    let input =
        "my friend Zebedee is not breathing\nnice weather\ni think i took too much quinoa\n\nshe's turning blue lol\n";
    let out = stdout_of(harbor().arg("scan").write_stdin(input));
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let levels: Vec<&str> = lines.iter().map(|v| v["level"].as_str().unwrap()).collect();
    assert_eq!(levels, ["emergency", "none", "concern", "none", "none"]);
    assert_eq!(lines[0], serde_json::json!({"level": "emergency", "rules": ["emergency.not_breathing"]}));
    for word in ["friend", "Zebedee", "weather", "quinoa", "lol"] {
        assert!(!out.contains(word), "message text leaked into scan output: {word}");
    }
}

#[test]
fn scan_explain_names_the_guards_that_changed_the_outcome() {
    let out =
        stdout_of(harbor().args(["scan", "--explain"]).write_stdin("she's turning blue lol\nhe's not breathing\n"));
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(
        lines[0],
        serde_json::json!({"level": "none", "rules": ["emergency.blue"], "guards": ["guard.laughing"]})
    );
    assert_eq!(lines[1]["guards"], serde_json::json!([]));
}

#[test]
fn scan_uses_a_communitys_phrases_and_refuses_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("phrases.txt");
    fs::write(&file, "# our words\nemergency: man down\nconcern: feeling rough\nregex emergency: code (red|blue)\n")
        .unwrap();
    let path = file.to_str().unwrap();
    let out = stdout_of(
        harbor()
            .args(["scan", "--phrases", path])
            .write_stdin("MAN DOWN by the bins\nfeeling rough\ncode red\nhello\n"),
    );
    let levels: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["level"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(levels, ["emergency", "concern", "emergency", "none"]);

    fs::write(&file, "emergency: man down\nregex emergency: (unclosed\n").unwrap();
    let out = harbor().args(["scan", "--phrases", path]).write_stdin("x\n").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2") && err.contains("regular expression"), "{err}");
}

#[test]
fn scan_summary_prints_counts_per_level() {
    let out = stdout_of(harbor().args(["scan", "--summary"]).write_stdin("he won't wake up\nhello\nhello\n"));
    let counts: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(counts, serde_json::json!({"emergency": 1, "concern": 0, "none": 2}));
}

#[test]
fn scan_reads_invalid_utf8_without_failing() {
    let out = harbor().arg("scan").write_stdin(b"\xff\xfe not breathing\n".to_vec()).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("\"emergency\""));
}

#[test]
fn check_passes_the_built_in_content() {
    let out = stdout_of(harbor().arg("check"));
    assert!(out.starts_with("ok: "), "{out}");
}

/// A copy of the repository's responses/ to break.
fn content_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("responses").as_path(), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// Runs `harbor check` on a directory; returns its error output, asserting that it failed.
fn check_fails(dir: &Path) -> String {
    let out = harbor().args(["check", "--responses", dir.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success(), "check must fail");
    String::from_utf8(out.stderr).unwrap()
}

/// Replaces line `n` (1-based) of a file.
fn set_line(path: &Path, n: usize, line: &str) {
    let text = fs::read_to_string(path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[n - 1] = line;
    fs::write(path, lines.join("\n")).unwrap();
}

fn line_number_of(path: &Path, prefix: &str) -> usize {
    fs::read_to_string(path).unwrap().lines().position(|l| l.starts_with(prefix)).unwrap() + 1
}

#[test]
fn check_names_file_and_line_of_a_stigmatising_word() {
    let dir = content_copy();
    let file = dir.path().join("topics/naloxone.toml");
    let line = line_number_of(&file, "title");
    set_line(&file, line, "title = \"Naloxone for addicts\"");
    let err = check_fails(dir.path());
    let expected = format!("{}:{line}: error: title uses the stigmatising term \"addicts\"", file.display());
    assert!(err.contains(&expected), "{err}");
}

#[test]
fn check_names_file_and_line_of_a_syntax_error() {
    let dir = content_copy();
    let file = dir.path().join("regions/us.toml");
    let line = line_number_of(&file, "emergency");
    set_line(&file, line, "emergency = \"911");
    let err = check_fails(dir.path());
    assert!(err.contains(&format!("{}:{line}: error:", file.display())), "{err}");
}

#[test]
fn check_reports_missing_topics_sources_and_dates() {
    let dir = content_copy();
    fs::remove_file(dir.path().join("topics/moud.toml")).unwrap();
    let testing = dir.path().join("topics/testing.toml");
    let text = fs::read_to_string(&testing).unwrap();
    let without_sources = &text[..text.find("[[sources]]").unwrap()];
    let reviewed = text.lines().find(|l| l.starts_with("reviewed")).unwrap();
    fs::write(&testing, without_sources.replace(reviewed, "")).unwrap();
    let err = check_fails(dir.path());
    assert!(err.contains("moud.toml:1: error: required topic `moud` is missing"), "{err}");
    assert!(err.contains("testing.toml:1: error: no [[sources]]"), "{err}");
    assert!(err.contains("testing.toml:1: error: `reviewed = \"YYYY-MM-DD\"` is missing"), "{err}");
}

#[test]
fn check_measures_texts_after_the_emergency_number_is_filled_in() {
    let dir = content_copy();
    let file = dir.path().join("topics/support.toml");
    // 970 characters as written; over 1,024 once {emergency} reads as the common numbers.
    let section = format!("\n[[sections]]\ntitle = \"Long\"\nbody = \"{}{{emergency}}\"\n", "a".repeat(959));
    let text = fs::read_to_string(&file).unwrap() + &section;
    fs::write(&file, text).unwrap();
    let line = line_number_of(&file, "body = \"aaaa");
    let err = check_fails(dir.path());
    let expected = format!("support.toml:{line}: error: section body can be");
    assert!(err.contains(&expected) && err.contains("the limit is 1024"), "{err}");
}

#[test]
fn check_requires_overdose_texts_to_begin_with_the_action() {
    let dir = content_copy();
    let file = dir.path().join("topics/overdose-opioid.toml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replacen("Call {emergency} now", "Try to stay calm, then call {emergency}", 1)).unwrap();
    let err = check_fails(dir.path());
    assert!(err.contains("overdose-opioid.toml") && err.contains("must begin with the action"), "{err}");
}

#[test]
fn console_uses_a_content_directory_and_refuses_a_broken_one() {
    let dir = content_copy();
    let file = dir.path().join("topics/principles.toml");
    let line = line_number_of(&file, "title");
    set_line(&file, line, "title = \"Our principles\"");
    let path = dir.path().to_str().unwrap();
    let out = stdout_of(harbor().args(["console", "--responses", path]).write_stdin("/principles\n"));
    assert!(out.starts_with("== Our principles =="), "{out}");

    set_line(&file, line, "title = \"\"");
    let out = harbor().args(["console", "--responses", path]).write_stdin("/principles\n").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("harbor check"), "says how to find the problems");
}

#[test]
fn logs_never_contain_chat_text() {
    let data = tempfile::tempdir().unwrap();
    let secret = "Quillfeather is not breathing near Marrowgate";
    let out = harbor()
        .args(["console", "--moderator", "--data", data.path().to_str().unwrap()])
        .env("RUST_LOG", "trace")
        .write_stdin(format!("{secret}\n/config region us\n/saferuse Quillfeather\n"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(logs.contains("message scanned"), "trace logging was on: {logs}");
    for word in ["Quillfeather", "Marrowgate"] {
        assert!(!logs.contains(word), "chat text in the logs: {logs}");
    }
    for entry in walk(data.path()) {
        let bytes = fs::read(&entry).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("Marrowgate"), "chat text stored in {}", entry.display());
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
