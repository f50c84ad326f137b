//! Where content comes from: the copy of `responses/` embedded in the binary, or a directory.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/responses");

/// One content file: the name errors should show, the path inside the content root, its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// What a person sees in an error: `responses/topics/naloxone.toml` or `mydir/topics/...`.
    pub display: String,
    /// The path below the content root, with `/` separators: `topics/naloxone.toml`.
    pub rel: String,
    pub text: String,
}

/// The content set chosen on the command line.
#[derive(Debug, Clone, Default)]
pub enum ContentSource {
    /// The defaults compiled into the binary.
    #[default]
    Embedded,
    /// A directory laid out like `responses/`, used instead of the defaults.
    Dir(PathBuf),
}

impl ContentSource {
    pub fn from_option(dir: Option<PathBuf>) -> Self {
        dir.map_or(ContentSource::Embedded, ContentSource::Dir)
    }

    /// Every `.toml` file of the set, sorted by path so that errors come in a stable order.
    pub fn read(&self) -> std::io::Result<Vec<SourceFile>> {
        let mut files = match self {
            ContentSource::Embedded => embedded_files(),
            ContentSource::Dir(root) => dir_files(root)?,
        };
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(files)
    }
}

fn embedded_files() -> Vec<SourceFile> {
    let mut out = Vec::new();
    collect_embedded(&EMBEDDED, &mut out);
    out
}

fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<SourceFile>) {
    for file in dir.files() {
        let rel = file.path().to_string_lossy().replace('\\', "/");
        if !rel.ends_with(".toml") {
            continue;
        }
        if let Some(text) = file.contents_utf8() {
            out.push(SourceFile { display: format!("responses/{rel}"), rel, text: text.to_string() });
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

fn dir_files(root: &Path) -> std::io::Result<Vec<SourceFile>> {
    if !root.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} is not a directory", root.display()),
        ));
    }
    let mut out = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "toml") {
                let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
                out.push(SourceFile { display: path.display().to_string(), rel, text });
            }
        }
    }
    Ok(out)
}
