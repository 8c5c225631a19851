//! Reads every file under `content/`, checks each against the listing schema, and turns it
//! into typed values. It never stops at the first problem: every file is read and every
//! mistake becomes a diagnostic with its file, line, column and field.

use super::check_memo::CheckMemo;
use super::model::{
    ChangingPlaceFile, PageFile, ProviderFile, SiteFile, VenueFile, VocabularyFile,
};
use super::positions::{child_index, child_key, PositionMap, Positions};
use super::schema_check;
use crate::diagnostics::{relative_name, Diagnostic, Diagnostics};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One listing file, read and typed.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The file name without its extension.
    pub id: String,
    /// Path relative to the content folder, for diagnostics.
    pub file: String,
    pub data: std::sync::Arc<T>,
    /// The Markdown after the front matter (empty for YAML files).
    pub body: String,
    /// Where each field is, read only when a message needs it.
    pub positions: Positions,
    /// Fields that had schema errors and hold placeholders: later checks skip them.
    pub tainted: Vec<String>,
}

impl<T> Loaded<T> {
    /// A diagnostic pointing at the value of `field` in this file.
    pub fn error_at(&self, field: &str, message: impl Into<String>) -> Diagnostic {
        let pos = self.positions.value(field);
        Diagnostic::error(&self.file, message)
            .at(pos.line, pos.column)
            .field(field)
    }

    pub fn warning_at(&self, field: &str, message: impl Into<String>) -> Diagnostic {
        let pos = self.positions.value(field);
        Diagnostic::warning(&self.file, message)
            .at(pos.line, pos.column)
            .field(field)
    }
}

/// Everything read from the content folder, before cross-file checks.
#[derive(Debug, Default)]
pub struct RawContent {
    pub root: PathBuf,
    pub site: Option<Loaded<SiteFile>>,
    pub vocabulary: Option<Loaded<VocabularyFile>>,
    pub providers: Vec<Loaded<ProviderFile>>,
    pub venues: Vec<Loaded<VenueFile>>,
    pub changing_places: Vec<Loaded<ChangingPlaceFile>>,
    pub pages: Vec<Loaded<PageFile>>,
    /// Files under `images/`, relative to the content folder.
    pub images: BTreeSet<String>,
    /// Ids of venue and Changing Places files that could not be read: references to them
    /// are not reported again, so one typo gives one error, not one per listing.
    pub unreadable: BTreeSet<String>,
}

/// The kinds of file the content folder holds, by where they live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Site,
    Vocabulary,
    Provider,
    Venue,
    ChangingPlace,
    Page,
    Image,
}

/// Files already read, kept between loads by `signpost serve`: a file whose bytes have not
/// changed since is not parsed or checked again.
pub struct LoadCache {
    files: HashMap<PathBuf, Cached>,
    /// False for a one-off build: nothing is copied into the cache.
    keep: bool,
    /// What validating provider listings found, for those that have not changed since.
    pub(crate) checks: CheckMemo,
    /// The content folder's files as the last load found them (see `Walk`).
    walked: Option<Walk>,
    /// The files a watcher saw change since the last load (see `tell_changed`); None when
    /// that is not known, and then the next load walks the folder and stamps every file.
    changed: Option<Vec<PathBuf>>,
}

/// The files of a content folder, each with its kind, in walk order, and what walking it
/// reported (files not used, entries that cannot be read).
struct Walk {
    root: PathBuf,
    files: Vec<(Kind, PathBuf)>,
    diagnostics: Vec<Diagnostic>,
}

impl LoadCache {
    /// A cache for one load only (`signpost build`): it keeps nothing.
    pub fn one_off() -> LoadCache {
        LoadCache {
            files: HashMap::new(),
            keep: false,
            checks: CheckMemo::default(),
            walked: None,
            changed: None,
        }
    }
}

impl LoadCache {
    /// Each kept file's path below `root` and a hash of its bytes, in path order: what a
    /// rebuild compares to tell which listings changed (see `incremental`). Empty for a
    /// one-off cache.
    pub fn stamps(&self, root: &Path) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = self
            .files
            .iter()
            .map(|(path, c)| {
                (
                    relative_name(root, path),
                    c.stamp.1 ^ c.stamp.0.rotate_left(32),
                )
            })
            .collect();
        out.sort();
        out
    }

    /// Whether this cache keeps what it reads (false for a one-off build).
    pub fn keeps(&self) -> bool {
        self.keep
    }

    /// Tells the next load which files changed since the last (a watcher's report, with
    /// absolute paths or paths as the content folder was named): it reads those again and
    /// takes every other file as the last load left it, without walking the folder or
    /// stamping each file. Paths outside the content folder are ignored.
    pub fn tell_changed(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        if self.keep {
            self.changed.get_or_insert_with(Vec::new).extend(paths);
        }
    }
}

impl Default for LoadCache {
    fn default() -> Self {
        LoadCache {
            files: HashMap::new(),
            keep: true,
            checks: CheckMemo::default(),
            walked: None,
            changed: None,
        }
    }
}

struct Cached {
    stamp: Stamp,
    parsed: Parsed,
    diagnostics: Vec<Diagnostic>,
}

/// A file's length and a hash of its bytes: reading is cheap next to parsing and checking,
/// and unlike modification times it cannot miss two quick saves of the same length.
type Stamp = (u64, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    use std::io::Read;
    // Read through one small buffer: a check after an edit stamps every file (photos too),
    // and allocating each file's bytes cost more than hashing them.
    let mut file = std::fs::File::open(path).ok()?;
    let mut buffer = [0u8; 16 * 1024];
    let mut hash = xxhash_rust::xxh3::Xxh3::new();
    let mut len = 0u64;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                hash.update(&buffer[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some((len, hash.digest()))
}

/// Reads the whole content folder.
pub fn load(root: &Path) -> (RawContent, Diagnostics) {
    load_cached(root, &mut LoadCache::one_off())
}

/// `load`, reusing what `cache` holds for files that have not changed, and keeping what it
/// read for next time.
pub fn load_cached(root: &Path, cache: &mut LoadCache) -> (RawContent, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut content = RawContent {
        root: root.to_path_buf(),
        ..RawContent::default()
    };
    if !root.is_dir() {
        diagnostics.push(
            Diagnostic::error(
                root.display().to_string(),
                "the content folder does not exist",
            )
            .help("run Signpost from the folder that holds `content/`, or pass --content DIR"),
        );
        return (content, diagnostics);
    }

    // The files to load: from the last walk and the files a watcher saw change, or from a
    // walk of the folder (the first load, or when no watcher told).
    let (told, walked) = (cache.changed.take(), cache.walked.take());
    let (walk, changed) = match told
        .zip(walked)
        .and_then(|(paths, w)| w.changed(root, paths))
    {
        Some((walk, changed)) => (walk, Some(changed)),
        None => (walk(root), None),
    };
    diagnostics.extend(walk.diagnostics.iter().cloned());
    let files = &walk.files;

    let has_listing = files.iter().any(|(k, _)| {
        matches!(
            k,
            Kind::Provider | Kind::Venue | Kind::ChangingPlace | Kind::Page
        )
    });
    if !has_listing {
        diagnostics.push(
            Diagnostic::error(
                relative_name(root.parent().unwrap_or(root), root),
                "the content folder has no listings",
            )
            .help("add provider listings under providers/ (see docs/listing-format.md)"),
        );
    }
    for (kind, name) in [
        (Kind::Site, "site.yaml"),
        (Kind::Vocabulary, "vocabulary.yaml"),
    ] {
        if !files.iter().any(|(k, _)| *k == kind) {
            diagnostics.push(
                Diagnostic::error(name, "this file is missing").help(format!(
                    "create content/{name} (see docs/listing-format.md)"
                )),
            );
        }
    }

    // Reading and schema checks are independent per file: do them in parallel.
    let mut previous = std::mem::take(&mut cache.files);
    // (file, its stamp, whether the cache had it, what it holds, its diagnostics)
    type Read = (PathBuf, Option<Stamp>, bool, Parsed, Vec<Diagnostic>);
    let results: Vec<Read> = files
        .par_iter()
        .map(|(kind, path)| {
            // A file the watcher did not see change is as the last load read it.
            let unchanged = changed.as_ref().is_some_and(|c| !c.contains(path));
            let cached = previous.get(path);
            let now = match cached {
                Some(c) if unchanged => Some(c.stamp),
                _ if cache.keep => stamp(path),
                _ => None,
            };
            match cached {
                Some(c) if now.is_some() && Some(c.stamp) == now => (
                    path.clone(),
                    now,
                    true,
                    c.parsed.clone(),
                    c.diagnostics.clone(),
                ),
                _ => {
                    let (parsed, diags) = read_one(root, *kind, path);
                    (path.clone(), now, false, parsed, diags)
                }
            }
        })
        .collect();
    for (path, stamp, reused, parsed, diags) in results {
        // Unchanged files keep their entry; files read now get a copy of what was read.
        let entry = match (reused, stamp) {
            _ if !cache.keep => None,
            (true, _) => previous.remove(&path),
            (false, Some(stamp)) => Some(Cached {
                stamp,
                parsed: parsed.clone(),
                diagnostics: diags.clone(),
            }),
            (false, None) => None,
        };
        if let Some(entry) = entry {
            cache.files.insert(path, entry);
        }
        diagnostics.extend(diags);
        match parsed {
            Parsed::Site(f) => content.site = Some(f),
            Parsed::Vocabulary(f) => content.vocabulary = Some(f),
            Parsed::Provider(f) => content.providers.push(f),
            Parsed::Venue(f) => content.venues.push(f),
            Parsed::ChangingPlace(f) => content.changing_places.push(f),
            Parsed::Page(f) => content.pages.push(f),
            Parsed::Image(rel) => {
                content.images.insert(rel);
            }
            Parsed::Failed(Some(key)) => {
                content.unreadable.insert(key);
            }
            Parsed::Failed(None) => {}
        }
    }
    if cache.keep {
        cache.walked = Some(walk);
    }
    (content, diagnostics)
}

/// Walks the content folder: its files with their kinds, in path order, and what to say of
/// the files it does not use and the entries it cannot read.
fn walk(root: &Path) -> Walk {
    let mut diagnostics = Vec::new();
    let mut files: Vec<(Kind, PathBuf)> = Vec::new();
    for entry in WalkDir::new(root).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| relative_name(root, p)).unwrap_or_default();
                diagnostics.push(Diagnostic::error(path, format!("cannot be read: {e}")));
                continue;
            }
        };
        // Symlinks are kept so a broken one is reported rather than silently skipped.
        if !entry.file_type().is_file() && !entry.path_is_symlink() {
            continue;
        }
        let rel = relative_name(root, entry.path());
        if is_ignored(&rel) {
            continue;
        }
        match classify(&rel) {
            Ok(kind) => files.push((kind, entry.into_path())),
            Err(help) => diagnostics
                .push(Diagnostic::warning(&rel, "this file is not used by Signpost").help(help)),
        }
    }

    Walk {
        root: root.to_path_buf(),
        files,
        diagnostics,
    }
}

impl Walk {
    /// This walk with the files a watcher saw change (`paths`) added or removed, and those
    /// files (as the walk names them); None when a walk again is the safe answer: another
    /// folder, or a change that is not one file (a folder made, a file in a wrong place).
    fn changed(
        mut self,
        root: &Path,
        paths: Vec<PathBuf>,
    ) -> Option<(Walk, std::collections::HashSet<PathBuf>)> {
        if self.root != root {
            return None;
        }
        let absolute_root = std::path::absolute(root).ok()?;
        let mut changed = std::collections::HashSet::new();
        for path in paths {
            let path = match path.strip_prefix(&absolute_root) {
                Ok(rel) => root.join(rel),
                Err(_) if path.starts_with(root) => path,
                Err(_) => continue, // the theme, say
            };
            let rel = relative_name(root, &path);
            if rel.is_empty() {
                return None;
            }
            if is_ignored(&rel) {
                continue;
            }
            match std::fs::symlink_metadata(&path) {
                // Gone: the file, or a folder and everything in it.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    self.files.retain(|(_, f)| !f.starts_with(&path));
                    let folder = format!("{rel}/");
                    self.diagnostics
                        .retain(|d| d.file != rel && !d.file.starts_with(&folder));
                }
                Ok(meta) if meta.is_file() => {
                    let kind = classify(&rel).ok()?;
                    let at = self.files.binary_search_by(|(_, f)| f.as_path().cmp(&path));
                    if let Err(at) = at {
                        self.files.insert(at, (kind, path.clone()));
                    }
                }
                _ => return None,
            }
            changed.insert(path);
        }
        Some((self, changed))
    }
}

/// Files a load passes over: editor swap files, .gitkeep, notes for staff.
fn is_ignored(rel: &str) -> bool {
    rel.split('/').any(|part| part.starts_with('.')) || rel.eq_ignore_ascii_case("README.md")
}

/// Which kind of file lives at `rel`, or advice when it is in the wrong place.
fn classify(rel: &str) -> Result<Kind, String> {
    let (folder, name) = rel.split_once('/').unwrap_or(("", rel));
    let ext = Path::new(rel)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let yaml = ext == "yaml" || ext == "yml";
    match (folder, name) {
        ("", "site.yaml" | "site.yml") => Ok(Kind::Site),
        ("", "vocabulary.yaml" | "vocabulary.yml") => Ok(Kind::Vocabulary),
        ("providers", _) if ext == "md" => Ok(Kind::Provider),
        ("providers", _) => Err("provider listings are Markdown files ending in .md".into()),
        ("venues", _) if yaml => Ok(Kind::Venue),
        ("venues", _) => Err("venue listings are YAML files ending in .yaml".into()),
        ("changing-places", _) if yaml => Ok(Kind::ChangingPlace),
        ("changing-places", _) => {
            Err("Changing Places listings are YAML files ending in .yaml".into())
        }
        ("pages", _) if ext == "md" => Ok(Kind::Page),
        ("pages", _) => Err("pages are Markdown files ending in .md".into()),
        ("images", _) => Ok(Kind::Image),
        _ => Err(
            "listings go in providers/, venues/, changing-places/ or pages/; photos in images/"
                .into(),
        ),
    }
}

#[derive(Clone)]
enum Parsed {
    Site(Loaded<SiteFile>),
    Vocabulary(Loaded<VocabularyFile>),
    Provider(Loaded<ProviderFile>),
    Venue(Loaded<VenueFile>),
    ChangingPlace(Loaded<ChangingPlaceFile>),
    Page(Loaded<PageFile>),
    Image(String),
    /// Could not be typed; holds "venues/<id>" or "changing-places/<id>" for references.
    Failed(Option<String>),
}

fn read_one(root: &Path, kind: Kind, path: &Path) -> (Parsed, Vec<Diagnostic>) {
    let rel = relative_name(root, path);
    let stem = Path::new(&rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let failed = match kind {
        Kind::Venue => Parsed::Failed(Some(format!("venues/{stem}"))),
        Kind::ChangingPlace => Parsed::Failed(Some(format!("changing-places/{stem}"))),
        _ => Parsed::Failed(None),
    };
    if kind == Kind::Image {
        return (Parsed::Image(rel), Vec::new());
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return (
                failed,
                vec![Diagnostic::error(&rel, format!("cannot be read: {e}")).help(
                    if e.kind() == std::io::ErrorKind::NotFound {
                        "the file is a link to a file that does not exist: remove it or fix the link"
                    } else {
                        "check the file's permissions"
                    },
                )],
            )
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            return (
                failed,
                vec![Diagnostic::error(&rel, "this file is not UTF-8 text")
                    .at(line, column)
                    .help("save the file as UTF-8 in your editor (in VS Code: \"Save with Encoding\" → UTF-8)")],
            );
        }
    };
    let id = stem;
    let mut diags = Vec::new();
    let parsed = match kind {
        Kind::Site => parse_file(&rel, id, &text, false, "site", &mut diags).map(Parsed::Site),
        Kind::Vocabulary => {
            parse_file(&rel, id, &text, false, "vocabulary", &mut diags).map(Parsed::Vocabulary)
        }
        Kind::Provider => {
            parse_file(&rel, id, &text, true, "provider", &mut diags).map(Parsed::Provider)
        }
        Kind::Venue => parse_file(&rel, id, &text, false, "venue", &mut diags).map(Parsed::Venue),
        Kind::ChangingPlace => parse_file(&rel, id, &text, false, "changing-place", &mut diags)
            .map(Parsed::ChangingPlace),
        Kind::Page => parse_file(&rel, id, &text, true, "page", &mut diags).map(Parsed::Page),
        Kind::Image => unreachable!("handled above"),
    };
    (parsed.unwrap_or(failed), diags)
}

/// Splits `---` front matter from a Markdown file: (yaml, first line of the yaml, body).
pub fn split_front_matter(text: &str) -> Option<(&str, usize, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let rest = &text[first_end + 1..];
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Some((yaml, 2, body));
        }
        offset += line.len();
    }
    None
}

/// Reads one YAML document (or Markdown front matter), checks it against the schema of
/// `kind`, and deserialises it. Returns None when anything stopped it being typed.
fn parse_file<T: DeserializeOwned>(
    rel: &str,
    id: String,
    text: &str,
    markdown: bool,
    kind: &'static str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded<T>> {
    let (yaml, first_line, body) = if markdown {
        match split_front_matter(text) {
            Some(parts) => parts,
            None => {
                diags.push(
                    Diagnostic::error(rel, "the listing must start with a line `---`, then its fields, then another `---`")
                        .at(1, 1)
                        .help("put `---` on the first line and again after the last field; the description goes below"),
                );
                return None;
            }
        }
    } else {
        (text.strip_prefix('\u{feff}').unwrap_or(text), 1, "")
    };

    let value: serde_yaml::Value = match serde_yaml::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            let positions = PositionMap::new(yaml, first_line);
            let duplicates = positions.duplicate_keys();
            let message = e.to_string();
            if message.contains("duplicate entry") && !duplicates.is_empty() {
                for (path, pos) in duplicates {
                    let key = path.rsplit(['.', ']']).next().unwrap_or(path);
                    diags.push(
                        Diagnostic::error(rel, format!("\"{key}\" is written twice here"))
                            .at(pos.line, pos.column)
                            .field(path)
                            .help(format!("remove one of the two `{key}:` lines")),
                    );
                }
                return None;
            }
            let (text, line, column) = yaml_error_location(&message, e.location(), first_line);
            let line_text = yaml
                .lines()
                .nth(line.saturating_sub(first_line))
                .unwrap_or("");
            let help = if line_text.starts_with(|c: char| c.is_whitespace())
                && line_text.trim_start_matches(' ').starts_with('\t')
            {
                "indent with spaces, not tabs"
            } else {
                "check the indentation, and that text with a colon (:) or # is in quotes"
            };
            diags.push(
                Diagnostic::error(rel, format!("the YAML cannot be read: {text}"))
                    .at(line, column)
                    .help(help),
            );
            return None;
        }
    };
    let positions = Positions::new(yaml.to_string(), first_line);
    if value.is_null() {
        diags.push(
            Diagnostic::error(rel, "this file has no fields")
                .at(first_line, 1)
                .help(format!(
                    "fill in the fields of a {kind} listing (see docs/listing-format.md)"
                )),
        );
        return None;
    }
    let json: serde_json::Value = match serde_json::to_value(&value) {
        Ok(j) => j,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    rel,
                    format!("this YAML has a shape listings cannot use: {e}"),
                )
                .at(first_line, 1)
                .help("field names must be plain words, such as `name:`"),
            );
            return None;
        }
    };
    let problems = schema_check::check(kind, &json, rel, &positions);
    let (json, tainted) = if problems.is_empty() {
        (json, Vec::new())
    } else {
        diags.extend(problems);
        // Repair what the schema rejected so the rest of the file is still checked.
        schema_check::repair(kind, &json)?
    };
    match serde_json::from_value::<T>(json) {
        Ok(data) => Some(Loaded {
            id,
            file: rel.to_string(),
            data: std::sync::Arc::new(data),
            body: body.to_string(),
            positions,
            tainted,
        }),
        Err(e) => {
            // The schema and the types agree, so this is a safety net, not a normal path.
            diags.push(Diagnostic::error(rel, e.to_string()).at(first_line, 1));
            None
        }
    }
}

/// The clearest place for a YAML syntax error. serde_yaml says "found X at line A column
/// B, while scanning Y at line C column D": the construct's start (C:D) is where staff should
/// look, such as the opening quote of an unclosed string.
fn yaml_error_location(
    message: &str,
    location: Option<serde_yaml::Location>,
    first_line: usize,
) -> (String, usize, usize) {
    let fallback = location
        .map(|l| (l.line() + first_line - 1, l.column()))
        .unwrap_or((first_line, 0));
    let mut text = String::new();
    let mut place = None;
    for (i, part) in message.split(", ").enumerate() {
        let (words, at) = match part.split_once(" at line ") {
            Some((w, at)) => (w, Some(at)),
            None => (part, None),
        };
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(words);
        if let Some(at) = at {
            let mut nums = at.split(" column ").map(|n| n.trim().parse::<usize>().ok());
            if let (Some(Some(l)), Some(Some(c))) = (nums.next(), nums.next()) {
                // The last location named (the construct's start) wins.
                place = Some((l + first_line - 1, c));
            }
        }
    }
    let (line, column) = place.unwrap_or(fallback);
    (text, line, column)
}

/// Path helpers re-exported for the validator.
pub fn field(parent: &str, key: &str) -> String {
    child_key(parent, key)
}

pub fn item(parent: &str, index: usize) -> String {
    child_index(parent, index)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of the sample content in a temporary folder.
    fn sample() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("content");
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        for entry in WalkDir::new(&sample) {
            let entry = entry.unwrap();
            let target = root.join(entry.path().strip_prefix(&sample).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
        (tmp, root)
    }

    /// What a load found, to compare: each provider's file and name, and every message.
    fn found(root: &Path, cache: &mut LoadCache) -> (Vec<(String, String)>, Vec<String>) {
        let (raw, diags) = load_cached(root, cache);
        let providers = raw
            .providers
            .iter()
            .map(|p| (p.file.clone(), p.data.name.clone()))
            .collect();
        let mut messages: Vec<String> = diags
            .sorted()
            .iter()
            .map(|d| format!("{} {}", d.file, d.message))
            .collect();
        messages.sort();
        (providers, messages)
    }

    #[test]
    fn told_what_changed_a_load_reads_only_that() {
        let (_tmp, root) = sample();
        let mut cache = LoadCache::default();
        found(&root, &mut cache);
        let providers = root.join("providers");
        let rename = |file: &str, from: &str, to: &str| {
            let path = providers.join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains(from));
            std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
            path
        };

        // An edit the load is told of, one it is not told of, a file added (with an absolute
        // path, as a watcher gives), a file removed and a file in the wrong place.
        let told = rename("age-wyvern.md", "name: Age Wyvern", "name: Age Wyvern Told");
        rename(
            "brightside-arts.md",
            "name: Brightside Arts",
            "name: Brightside Untold",
        );
        let added = providers.join("aaa-new.md");
        std::fs::copy(providers.join("wyvern-mind.md"), &added).unwrap();
        let removed = providers.join("wyvern-works.md");
        std::fs::remove_file(&removed).unwrap();
        cache.tell_changed([
            told,
            std::path::absolute(&added).unwrap(),
            removed,
            root.join("../theme/templates/base.html"),
        ]);
        let (kept, _) = found(&root, &mut cache);
        let name = |list: &[(String, String)], file: &str| {
            list.iter().find(|(f, _)| f == file).map(|(_, n)| n.clone())
        };
        assert_eq!(
            name(&kept, "providers/age-wyvern.md").as_deref(),
            Some("Age Wyvern Told")
        );
        // Not told: taken as the last load read it.
        assert_eq!(
            name(&kept, "providers/brightside-arts.md").as_deref(),
            Some("Brightside Arts")
        );
        assert!(name(&kept, "providers/aaa-new.md").is_some());
        assert!(name(&kept, "providers/wyvern-works.md").is_none());
        // In walk order, as a full load has them.
        let files: Vec<&String> = kept.iter().map(|(f, _)| f).collect();
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted);

        // Untold, the next load walks and stamps every file: the same as a fresh load.
        let again = found(&root, &mut cache);
        let fresh = found(&root, &mut LoadCache::default());
        assert_eq!(again, fresh);
        assert_eq!(
            name(&again.0, "providers/brightside-arts.md").as_deref(),
            Some("Brightside Untold")
        );

        // A file in the wrong place, told: walked again, so it is reported as a full load does.
        let stray = root.join("notes.txt");
        std::fs::write(&stray, "a note").unwrap();
        cache.tell_changed([stray]);
        let told = found(&root, &mut cache);
        assert_eq!(told, found(&root, &mut LoadCache::default()));
        assert!(told
            .1
            .iter()
            .any(|m| m == "notes.txt this file is not used by Signpost"));
    }
}
