//! Every kind of mistake staff make in listings must give a diagnostic naming the file,
//! line, column and field, with a fix, and a failed build must leave the published site
//! exactly as it was.
//!
//! `tests/fixtures/base/` is a small, valid content folder. Each folder in
//! `tests/fixtures/mistakes/` holds only the files that differ from it, plus:
//!
//! - `expected.txt`: the first line of every diagnostic the run must print, one per line,
//!   and nothing else may be printed as a diagnostic. A line ending in `*` matches any
//!   diagnostic that starts with the text before the `*` (used where the exact wording of
//!   a fixed message is not known yet).
//! - `fix.txt` (optional): line N is text the `fix:` line of expected line N must contain;
//!   `*` means "any fix", an empty line means "not checked".
//! - `remove.txt` (optional): base files to delete, one per line.
//!
//! A fixture whose expected lines are all warnings (or none) must build (exit 0); any other
//! must fail (exit 1) without touching the previous output. Each fixture is run through both
//! `signpost build` and `signpost check`.
//!
//! The tests use the stand-in theme in `tests/fixtures/theme/` (with the real drawn pictures
//! copied beside it), so they check content and output handling, not the real templates.
//!
//! Fixtures marked `bug:` below show mistakes Signpost handles wrongly today. They are
//! ignored so the suite stays green; run them with `cargo test --test mistakes -- --ignored`
//! and remove the marker once the bug is fixed.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "2026-11-27";
const BIN: &str = env!("CARGO_BIN_EXE_signpost");
const CONTROL_FILES: [&str; 3] = ["expected.txt", "fix.txt", "remove.txt"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn base() -> PathBuf {
    fixtures().join("base")
}

// ---------------------------------------------------------------------------------------
// A scratch folder per test, removed afterwards.

struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(label: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("signpost-mistakes-{}-{label}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).unwrap();
        }
        fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// The stand-in theme with the real drawn pictures, which validation looks up.
    fn theme(&self) -> PathBuf {
        let theme = self.path("theme");
        copy_dir(&fixtures().join("theme"), &theme);
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/pictures"),
            &theme.join("pictures"),
        );
        theme
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file and folder below `dir`, with file contents, for byte-for-byte comparison.
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                out.insert(format!("{rel}/"), None);
                walk(root, &path, out);
            } else {
                out.insert(rel, Some(fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn differences(
    before: &BTreeMap<String, Option<Vec<u8>>>,
    after: &BTreeMap<String, Option<Vec<u8>>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (path, bytes) in before {
        match after.get(path) {
            None => out.push(format!("removed {path}")),
            Some(b) if b != bytes => out.push(format!("changed {path}")),
            _ => {}
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        out.push(format!("added {path}"));
    }
    out
}

/// Names in `dir` other than `keep`: staging or backup folders a build left behind.
fn leftovers(dir: &Path, keep: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != keep)
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------
// Running signpost.

struct Run {
    code: Option<i32>,
    stderr: String,
    what: String,
}

fn signpost(args: &[&OsStr]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("signpost runs");
    let run = Run {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        what: args
            .iter()
            .take(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
    };
    assert!(
        !run.stderr.contains("panicked at"),
        "signpost {} panicked:\n{}",
        run.what,
        run.stderr
    );
    run
}

fn build(content: &Path, output: &Path, theme: &Path) -> Run {
    signpost(&[
        "build".as_ref(),
        "--content".as_ref(),
        content.as_os_str(),
        "--output".as_ref(),
        output.as_os_str(),
        "--theme".as_ref(),
        theme.as_os_str(),
        "--today".as_ref(),
        TODAY.as_ref(),
    ])
}

fn check(content: &Path, theme: &Path) -> Run {
    signpost(&[
        "check".as_ref(),
        "--content".as_ref(),
        content.as_os_str(),
        "--theme".as_ref(),
        theme.as_os_str(),
        "--today".as_ref(),
        TODAY.as_ref(),
    ])
}

impl Run {
    /// First lines of every diagnostic printed.
    fn diagnostics(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
            .collect()
    }

    /// The `fix:` line printed straight after diagnostic `first_line`, if any.
    fn fix_after(&self, first_line: &str) -> Option<&str> {
        let mut lines = self.stderr.lines();
        lines.find(|l| *l == first_line)?;
        lines.next().filter(|l| l.starts_with("  fix: "))
    }
}

/// A base site built into `<scratch>/site/public`, as the "previously published" output.
fn publish_base(scratch: &Scratch, theme: &Path) -> PathBuf {
    let output = scratch.path("site/public");
    let run = build(&base(), &output, theme);
    assert_eq!(
        run.code,
        Some(0),
        "the base fixture must build cleanly:\n{}",
        run.stderr
    );
    assert!(
        run.diagnostics().is_empty(),
        "the base fixture must have no errors or warnings:\n{}",
        run.stderr
    );
    output
}

// ---------------------------------------------------------------------------------------
// One fixture.

fn read_lines(path: &Path) -> Vec<String> {
    match fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .map(|l| l.trim_end_matches('\r').to_string())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn matches(pattern: &str, line: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => line.starts_with(prefix),
        None => line == pattern,
    }
}

/// Pairs each expected pattern with a printed diagnostic; returns (missing, unexpected).
fn compare<'a>(expected: &'a [String], actual: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut unused: Vec<&str> = actual.to_vec();
    let mut missing = Vec::new();
    // Exact lines first, so a `*` pattern does not take a line an exact one needs.
    let mut order: Vec<&String> = expected.iter().collect();
    order.sort_by_key(|p| p.ends_with('*'));
    for pattern in order {
        match unused.iter().position(|l| matches(pattern, l)) {
            Some(i) => {
                unused.remove(i);
            }
            None => missing.push(pattern.as_str()),
        }
    }
    (missing, unused)
}

/// Checks one run's diagnostics against the fixture; returns problems in words.
fn check_diagnostics(run: &Run, expected: &[String], fixes: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let actual = run.diagnostics();
    let (missing, unexpected) = compare(expected, &actual);
    for m in missing {
        problems.push(format!("missing diagnostic:    {m}"));
    }
    for u in unexpected {
        problems.push(format!("unexpected diagnostic: {u}"));
    }
    for (pattern, fix) in expected.iter().zip(fixes) {
        if fix.is_empty() {
            continue;
        }
        let Some(line) = actual.iter().find(|l| matches(pattern, l)) else {
            continue; // already reported as missing
        };
        match run.fix_after(line) {
            Some(f) if fix == "*" || f.contains(fix.as_str()) => {}
            Some(f) => problems.push(format!(
                "the fix for `{line}` is `{f}`, expected it to contain `{fix}`"
            )),
            None => problems.push(format!(
                "no `fix:` line after `{line}`, expected one containing `{fix}`"
            )),
        }
    }
    let errors = expected.iter().filter(|l| l.starts_with("error: ")).count();
    let warnings = expected.len() - errors;
    if !expected.is_empty() {
        let summary = format!(
            "{errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
        if !run.stderr.lines().any(|l| l == summary) {
            problems.push(format!("no summary line `{summary}`"));
        }
    }
    let want = if errors > 0 { 1 } else { 0 };
    if run.code != Some(want) {
        problems.push(format!("exit code {:?}, expected {want}", run.code));
    }
    problems
}

/// The content folder for fixture `name`: base, overlaid with the fixture's files, minus
/// the files in its `remove.txt`.
fn fixture_content(scratch: &Scratch, name: &str) -> PathBuf {
    let fixture = fixtures().join("mistakes").join(name);
    assert!(
        fixture.join("expected.txt").is_file(),
        "{} has no expected.txt",
        fixture.display()
    );
    let content = scratch.path("content");
    copy_dir(&base(), &content);
    for entry in fs::read_dir(&fixture).unwrap() {
        let entry = entry.unwrap();
        let file_name = entry.file_name();
        if CONTROL_FILES.iter().any(|c| OsStr::new(c) == file_name) {
            continue;
        }
        let target = content.join(&file_name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
    for rel in read_lines(&fixture.join("remove.txt")) {
        if rel.trim().is_empty() {
            continue;
        }
        let path = content.join(rel.trim());
        assert!(
            path.exists(),
            "{name}/remove.txt names {rel}, which is not in the base fixture"
        );
        if path.is_dir() {
            fs::remove_dir_all(&path).unwrap();
        } else {
            fs::remove_file(&path).unwrap();
        }
    }
    content
}

fn run_fixture(name: &str) {
    let scratch = Scratch::new(name);
    let theme = scratch.theme();
    let content = fixture_content(&scratch, name);
    let fixture = fixtures().join("mistakes").join(name);
    let expected: Vec<String> = read_lines(&fixture.join("expected.txt"))
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let fixes = read_lines(&fixture.join("fix.txt"));
    let fails = expected.iter().any(|l| l.starts_with("error: "));

    let output = publish_base(&scratch, &theme);
    let before = snapshot(&output);

    let mut problems = Vec::new();
    let built = build(&content, &output, &theme);
    for p in check_diagnostics(&built, &expected, &fixes) {
        problems.push(format!("build: {p}"));
    }
    if fails {
        let changed = differences(&before, &snapshot(&output));
        if !changed.is_empty() {
            problems.push(format!(
                "build: the failed build changed the previous site: {}",
                changed.join(", ")
            ));
        }
        if !built.stderr.contains("The site was not built") {
            problems.push("build: does not say the site was not built".into());
        }
    } else if !output.join("index.html").is_file() {
        problems.push("build: a build with only warnings did not write index.html".into());
    }
    let left = leftovers(&scratch.path("site"), "public");
    if !left.is_empty() {
        problems.push(format!("build: left behind {}", left.join(", ")));
    }

    let checked = check(&content, &theme);
    for p in check_diagnostics(&checked, &expected, &fixes) {
        problems.push(format!("check: {p}"));
    }

    assert!(
        problems.is_empty(),
        "fixture tests/fixtures/mistakes/{name}:\n  {}\n\nbuild printed:\n{}\ncheck printed:\n{}",
        problems.join("\n  "),
        built.stderr,
        checked.stderr
    );
}

// ---------------------------------------------------------------------------------------
// The fixtures. Every folder in tests/fixtures/mistakes/ must be listed here.

macro_rules! fixtures {
    ($($test:ident => $dir:literal $(, bug: $why:literal)?;)*) => {
        const LISTED: &[&str] = &[$($dir),*];
        $(
            #[test]
            $(#[ignore = $why])?
            fn $test() {
                run_fixture($dir);
            }
        )*
    };
}

fixtures! {
    yaml_syntax => "yaml-syntax";
    yaml_syntax_in_a_venue_does_not_cascade => "yaml-syntax-no-cascade";
    tab_indent => "tab-indent";
    unknown_field => "unknown-field";
    unknown_day => "unknown-day";
    wrong_type_list_for_text => "wrong-type";
    wrong_type_text_for_number => "wrong-type-number";
    wrong_type_yes_for_true => "boolean-as-yes";
    missing_required_field => "missing-required-field";
    unknown_vocabulary_term => "unknown-vocabulary-term";
    unknown_venue => "unknown-venue";
    unknown_changing_places => "unknown-changing-places";
    impossible_time => "impossible-time";
    end_before_start => "end-before-start";
    bad_date => "bad-date";
    bad_date_shape => "bad-date-shape";
    reviewed_in_the_future => "reviewed-in-the-future";
    bad_email => "bad-email";
    duplicate_activity_id => "duplicate-activity-id";
    page_id_clashes => "page-id-clashes";
    missing_image => "missing-image";
    missing_alt_text => "missing-alt-text";
    non_utf8 => "non-utf8";
    missing_front_matter => "missing-front-matter";
    change_on_wrong_day => "change-on-wrong-day";
    change_on_off_week => "change-on-off-week";
    fortnight_without_from => "fortnight-without-from";
    monthly_without_week => "monthly-without-week";
    temporarily_closed_without_message => "temporarily-closed-without-message";
    unknown_picture => "unknown-picture";
    missing_site_file => "missing-site-file";
    vocabulary_without_changing_places => "vocabulary-without-changing-places";
    several_schema_mistakes_in_one_file => "several-schema-mistakes-in-one-file";
    several_cross_file_mistakes_in_one_file => "several-cross-file-mistakes-in-one-file";
    venue_file_broken_no_cascade => "venue-file-broken-no-cascade";
    changing_places_file_broken_no_cascade => "changing-places-file-broken-no-cascade";
    warning_not_reviewed_12_months => "not-reviewed-12-months";
    warning_easy_read_line_too_long => "easy-read-line-too-long";
    warning_easy_read_rules => "easy-read-rules";
    generated_easy_read_line_breaks_a_rule => "easy-read-generated-line";
    vocabulary_easy_read_breaks_a_rule => "easy-read-vocabulary";
    warning_file_not_used => "file-not-used";

    several_mistakes_in_one_file => "several-mistakes-in-one-file";
    duplicate_activity_id_explicit => "duplicate-activity-id-explicit";
    duplicate_activity_id_same_file => "duplicate-activity-id-same-file";
    activity_id_looks_like_a_page_number => "activity-id-looks-like-a-page-number";
    non_utf8_after_multibyte => "non-utf8-after-multibyte";
    yaml_unclosed_quote => "yaml-unclosed-quote";
    duplicate_key => "duplicate-key";
    empty_value => "empty-value";
    optional_choice_typo => "optional-choice-typo";
    mistake_inside_optional_group => "mistake-inside-optional-group";
    negative_number => "negative-number";
    front_matter_trailing_space => "front-matter-trailing-space";
}

#[test]
fn every_fixture_folder_is_listed() {
    let mut on_disk: Vec<String> = fs::read_dir(fixtures().join("mistakes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let unlisted: Vec<&String> = on_disk
        .iter()
        .filter(|d| !LISTED.contains(&d.as_str()))
        .collect();
    let missing: Vec<&&str> = LISTED
        .iter()
        .filter(|d| !on_disk.iter().any(|o| o == *d))
        .collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "fixture folders not listed in tests/mistakes.rs: {unlisted:?}; listed but missing: {missing:?}"
    );
}

/// Every diagnostic, in every fixture, must say how to fix it.
#[test]
fn every_diagnostic_has_a_fix() {
    let scratch = Scratch::new("every-fix");
    let theme = scratch.theme();
    let mut without = Vec::new();
    for name in LISTED {
        let sub = Scratch::new(&format!("every-fix-{name}"));
        let content = fixture_content(&sub, name);
        let run = check(&content, &theme);
        for line in run.diagnostics() {
            if run.fix_after(line).is_none() {
                without.push(format!("{name}: {line}"));
            }
        }
    }
    assert!(
        without.is_empty(),
        "diagnostics with no `fix:` line:\n  {}",
        without.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------
// Cases git cannot hold, and the successful build.

#[test]
fn base_builds_and_replaces_the_previous_site() {
    let scratch = Scratch::new("base-build");
    let theme = scratch.theme();
    let output = scratch.path("site/public");
    fs::create_dir_all(&output).unwrap();
    fs::write(output.join("stale.html"), "from an older build").unwrap();

    let run = build(&base(), &output, &theme);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    assert!(run.stderr.contains("Built "), "{}", run.stderr);
    let index = fs::read_to_string(output.join("index.html")).expect("index.html is written");
    assert!(index.contains("Test Day Finder"), "{index}");
    for page in [
        "activities/brookside-art/index.html",
        "activities/music-night/index.html",
        "activities/cafe-club/index.html",
        "providers/brookside/index.html",
        "venues/brookside-hall/index.html",
        "changing-places/brookside-hall-cp/index.html",
        "about/index.html",
        "images/art.png",
    ] {
        assert!(output.join(page).is_file(), "{page} was not written");
    }
    assert!(
        !output.join("stale.html").exists(),
        "the new site must replace the old one, not be merged into it"
    );
    assert_eq!(
        leftovers(&scratch.path("site"), "public"),
        Vec::<String>::new()
    );

    // Building again over an existing site gives the same files.
    let first = snapshot(&output);
    let again = build(&base(), &output, &theme);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert_eq!(
        differences(&first, &snapshot(&output)),
        Vec::<String>::new()
    );
    assert_eq!(
        leftovers(&scratch.path("site"), "public"),
        Vec::<String>::new()
    );

    let checked = check(&base(), &theme);
    assert_eq!(checked.code, Some(0), "{}", checked.stderr);
    assert!(checked.diagnostics().is_empty(), "{}", checked.stderr);
    assert!(checked.stderr.contains("The listings are ready to build."));
}

#[test]
fn empty_content_folder() {
    let scratch = Scratch::new("empty");
    let theme = scratch.theme();
    let output = publish_base(&scratch, &theme);
    let before = snapshot(&output);
    let content = scratch.path("content");
    fs::create_dir_all(&content).unwrap();

    for run in [build(&content, &output, &theme), check(&content, &theme)] {
        assert_eq!(run.code, Some(1), "{}: {}", run.what, run.stderr);
        let diags = run.diagnostics();
        assert!(
            diags.contains(&"error: content: the content folder has no listings"),
            "{}: {}",
            run.what,
            run.stderr
        );
        assert!(
            run.fix_after("error: content: the content folder has no listings")
                .is_some_and(|f| f.contains("providers/")),
            "{}",
            run.stderr
        );
        assert!(
            diags.contains(&"error: site.yaml: this file is missing"),
            "{}",
            run.stderr
        );
        assert!(
            diags.contains(&"error: vocabulary.yaml: this file is missing"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(
        differences(&before, &snapshot(&output)),
        Vec::<String>::new()
    );
    assert_eq!(
        leftovers(&scratch.path("site"), "public"),
        Vec::<String>::new()
    );
}

#[test]
fn missing_content_folder() {
    let scratch = Scratch::new("no-content");
    let theme = scratch.theme();
    let output = publish_base(&scratch, &theme);
    let before = snapshot(&output);
    let content = scratch.path("not-here");
    for run in [build(&content, &output, &theme), check(&content, &theme)] {
        assert_eq!(run.code, Some(1), "{}: {}", run.what, run.stderr);
        let diags = run.diagnostics();
        assert_eq!(diags.len(), 1, "{}", run.stderr);
        assert!(
            diags[0].ends_with("not-here: the content folder does not exist"),
            "{}",
            run.stderr
        );
        assert!(run.fix_after(diags[0]).is_some(), "{}", run.stderr);
    }
    assert_eq!(
        differences(&before, &snapshot(&output)),
        Vec::<String>::new()
    );
}

/// The same base content through the real theme (edited separately from these tests).
#[test]
fn base_builds_with_the_default_theme() {
    let scratch = Scratch::new("default-theme");
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let output = scratch.path("site/public");
    let run = build(&base(), &output, &theme);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.diagnostics().is_empty(), "{}", run.stderr);
    let index = fs::read_to_string(output.join("index.html")).expect("index.html is written");
    assert!(index.contains("Test Day Finder"), "{index}");
    assert!(output.join("activities/brookside-art/index.html").is_file());
    assert_eq!(
        leftovers(&scratch.path("site"), "public"),
        Vec::<String>::new()
    );
}

#[cfg(unix)]
#[test]
fn broken_symlink_is_reported_by_name() {
    let scratch = Scratch::new("symlink");
    let theme = scratch.theme();
    let output = publish_base(&scratch, &theme);
    let before = snapshot(&output);
    let content = scratch.path("content");
    copy_dir(&base(), &content);
    std::os::unix::fs::symlink(scratch.path("nowhere/x.md"), content.join("providers/x.md"))
        .unwrap();

    for run in [build(&content, &output, &theme), check(&content, &theme)] {
        assert_eq!(run.code, Some(1), "{}: {}", run.what, run.stderr);
        let diags = run.diagnostics();
        assert_eq!(diags.len(), 1, "{}: {}", run.what, run.stderr);
        assert!(
            diags[0].starts_with("error: providers/x.md: cannot be read"),
            "{}: {}",
            run.what,
            run.stderr
        );
        assert!(run.fix_after(diags[0]).is_some(), "{}", run.stderr);
    }
    assert_eq!(
        differences(&before, &snapshot(&output)),
        Vec::<String>::new()
    );
    assert_eq!(
        leftovers(&scratch.path("site"), "public"),
        Vec::<String>::new()
    );
}
