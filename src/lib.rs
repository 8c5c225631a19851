//! Signpost: turns a folder of day-opportunity listings into an accessible, Easy Read website.
//!
//! The pipeline runs one way: `content::load` reads files, `content::validate` checks them
//! into a `Directory`, `site` derives what every page needs, `render` writes HTML and CSS
//! in memory, and `output` stages the result and swaps it into place.

pub mod carers;
pub mod content;
pub mod coverage;
pub mod diagnostics;
pub mod easy_read;
pub mod easy_read_lint;
pub mod export;
pub mod import;
pub mod incremental;
pub mod output;
pub mod pictures;
pub mod progress;
pub mod render;
pub mod schedule;
pub mod search;
pub mod serve;
pub mod site;
pub mod synthetic;
pub mod timings;

/// mimalloc instead of the system allocator: builds allocate many small strings from
/// several threads, and glibc's malloc spent a quarter of a build's time on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use content::load::LoadCache;
use content::Directory;
use diagnostics::{Diagnostic, Diagnostics};
use jiff::civil::Date;
use output::Sink as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where to read from and what to treat as today.
#[derive(Debug, Clone)]
pub struct Options {
    pub content: PathBuf,
    pub theme: PathBuf,
    pub today: Date,
}

/// Today in the UK, where every listing's times are.
pub fn today_in_london() -> Date {
    let now = jiff::Timestamp::now();
    match jiff::tz::TimeZone::get("Europe/London") {
        Ok(tz) => now.to_zoned_datetime(tz).date(),
        Err(_) => now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
    }
}

/// Loads and validates the content. Returns the directory when there are no errors, and
/// every diagnostic (errors and warnings) in a stable order.
pub fn check(options: &Options) -> (Option<Directory>, Vec<Diagnostic>) {
    check_timed(options, &mut timings::Timings::default())
}

/// `check`, recording the time of loading, validating and the Easy Read lint.
pub fn check_timed(
    options: &Options,
    timings: &mut timings::Timings,
) -> (Option<Directory>, Vec<Diagnostic>) {
    check_cached(options, timings, &mut LoadCache::one_off())
}

/// `check_timed`, reading only the files that changed since `cache` was filled, and checking
/// again only the provider listings an edit touched (see `content::check_memo`).
pub fn check_cached(
    options: &Options,
    timings: &mut timings::Timings,
    cache: &mut LoadCache,
) -> (Option<Directory>, Vec<Diagnostic>) {
    let (dir, diags, _) = check_reading_inputs(options, timings, cache);
    (dir, diags)
}

/// `check_cached`, also giving what the check was made from (None for a one-off cache),
/// which a build then reuses (see `incremental`).
fn check_reading_inputs(
    options: &Options,
    timings: &mut timings::Timings,
    cache: &mut LoadCache,
) -> (
    Option<Directory>,
    Vec<Diagnostic>,
    Option<incremental::Inputs>,
) {
    let (raw, mut diags) = timings.time("load", || {
        content::load::load_cached(&options.content, cache)
    });
    let inputs = incremental::Inputs::read(cache, options);
    // A cache that keeps what it reads keeps each provider's checks too (see `check_memo`).
    let dir = timings.time("validate", || {
        cache.checks.begin(inputs.as_ref(), &raw);
        content::validate::validate_reusing(
            raw,
            &options.theme,
            options.today,
            &mut diags,
            &mut cache.checks,
        )
    });
    if let Some(dir) = &dir {
        let lint = timings.time("validate", || cache.checks.generated_lines(dir));
        diags.extend(lint);
    }
    let dir = if diags.has_errors() { None } else { dir };
    (dir, diags.sorted(), inputs)
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Files written (all of them for a full build) and removed (by `rebuild_changed`).
    pub changed: usize,
    pub removed: usize,
    /// Files an edit did not touch, kept without being made again (by `rebuild_changed`).
    pub kept: usize,
    /// What is now published, for the next `rebuild_changed`.
    pub published: output::Fingerprints,
    pub warnings: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
    /// The search page, ready to render with results (for `serve`).
    pub search_page: render::SearchPage,
}

/// Why a build failed. The output folder is untouched in every case.
#[derive(Debug)]
pub enum BuildError {
    /// The content has errors (all of them are here, with any warnings).
    Content(Vec<Diagnostic>),
    /// The theme's templates or CSS are broken.
    Theme(Vec<String>),
    /// The output folder could not be written.
    Output(std::io::Error),
}

/// What `serve` keeps between builds: the listings it read and a memo of what the last
/// build made, so a rebuild after an edit reads and makes again only what the edit touched.
#[derive(Default)]
pub struct Reuse {
    pub files: LoadCache,
    pub memo: incremental::Memo,
}

impl Reuse {
    /// For one build only (`signpost build`): nothing is kept.
    pub fn one_off() -> Reuse {
        Reuse {
            files: LoadCache::one_off(),
            memo: incremental::Memo::default(),
        }
    }
}

/// Builds the site into `output`, replacing it only when everything succeeded.
pub fn build(options: &Options, output: &Path) -> Result<BuildReport, BuildError> {
    build_cached(options, output, &mut Reuse::one_off())
}

/// `build`, keeping what it read and made in `reuse` for a later `rebuild_changed`.
pub fn build_cached(
    options: &Options,
    output: &Path,
    reuse: &mut Reuse,
) -> Result<BuildReport, BuildError> {
    refuse_unsafe_output(options, output)?;
    let staging = output::Staging::new(output).map_err(BuildError::Output)?;
    // A new site keeps nothing from the last one, so the last memo does not apply.
    reuse.memo = incremental::Memo::default();
    build_into(options, reuse, staging, output::Staging::commit, None)
}

/// Rebuilds over a site that `published` describes (from the last build's report), writing
/// only new and changed files and removing files the site no longer has, and reading only
/// the listings that changed since `reuse` was filled, and making again only the pages
/// they touch. The result is byte for byte what `build` makes; nothing is touched unless
/// the whole build succeeded.
pub fn rebuild_changed(
    options: &Options,
    output: &Path,
    published: output::Fingerprints,
    reuse: &mut Reuse,
) -> Result<BuildReport, BuildError> {
    update(options, output, published, reuse, None)
}

/// `rebuild_changed`, publishing the pages and each listing's own exports first, and the
/// whole site's exports and the search index (the slowest part of a rebuild after an edit)
/// after them: `pages_published` is called with the report of the first step once it is
/// published, so `serve` can reload open pages before the rest is done. The site it ends
/// with is the same.
pub fn rebuild_changed_pages_first(
    options: &Options,
    output: &Path,
    published: output::Fingerprints,
    reuse: &mut Reuse,
    pages_published: &dyn Fn(&BuildReport),
) -> Result<BuildReport, BuildError> {
    update(
        options,
        output,
        published,
        reuse,
        Some((output, pages_published)),
    )
}

/// A rebuild over the published site (see `rebuild_changed`).
fn update(
    options: &Options,
    output: &Path,
    published: output::Fingerprints,
    reuse: &mut Reuse,
    pages_first: Option<PagesFirst>,
) -> Result<BuildReport, BuildError> {
    refuse_unsafe_output(options, output)?;
    build_into(
        options,
        reuse,
        output::Update::new(output, published),
        output::Update::apply,
        pages_first,
    )
}

/// The output folder, and what to call once the pages are published, for a rebuild that
/// publishes the whole site's exports and the search index after them.
type PagesFirst<'a> = (&'a Path, &'a dyn Fn(&BuildReport));

/// Checks, renders into `sink`, then `finish`es it (a swap or an update) on success only.
/// With `pages_first`, the whole site's exports and the search index are made and
/// published after the rest (see `rebuild_changed_pages_first`).
fn build_into<S: output::Sink>(
    options: &Options,
    reuse: &mut Reuse,
    sink: S,
    finish: impl FnOnce(S) -> std::io::Result<output::Written>,
    pages_first: Option<PagesFirst>,
) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let progress = progress::Progress::for_terminal();
    let mut timings = timings::Timings::default();
    let (dir, diagnostics, inputs) = check_reading_inputs(options, &mut timings, &mut reuse.files);
    let Some(dir) = dir else {
        return Err(BuildError::Content(diagnostics));
    };
    let next = incremental::Recorder::new(inputs);
    let search_page = render::render_into(
        &dir,
        &options.theme,
        &mut timings,
        &progress,
        &sink,
        &reuse.memo,
        &next,
        pages_first.is_none(),
    )
    .map_err(render_error)?;
    let written = timings
        .time("publish", || finish(sink))
        .map_err(BuildError::Output)?;
    // The site now is what this build made: the next rebuild reuses it. The last memo is
    // dropped once the pages are published (freeing it takes a while at 10k).
    let last_memo = std::mem::replace(&mut reuse.memo, next.finish().unwrap_or_default());
    timings.add("total", started.elapsed());
    let mut report = BuildReport {
        pages: written.pages,
        files: written.files,
        bytes: written.bytes,
        changed: written.changed,
        removed: written.removed,
        kept: written.kept,
        published: written.fingerprints,
        warnings: diagnostics,
        timings: timings.0.clone(),
        search_page,
    };
    let Some((output, pages_published)) = pages_first else {
        return Ok(report);
    };
    pages_published(&report);
    drop(last_memo);
    // Then the whole site's exports and the search index, in place of the last ones.
    let stage = Instant::now();
    let update = output::Update::new(output, std::mem::take(&mut report.published));
    update
        .keep_where(&|path| !reuse.memo.is_later(path))
        .map_err(BuildError::Output)?;
    let later = output::Noting::new(&update);
    render::later_files(&dir, &later).map_err(render_error)?;
    let later = later.paths();
    let written = update.apply().map_err(BuildError::Output)?;
    reuse.memo.set_later(later);
    report.changed += written.changed;
    report.removed += written.removed;
    report.published = written.fingerprints;
    report.files = written.files;
    report.bytes = written.bytes;
    report.timings.retain(|(stage, _)| *stage != "total");
    report.timings.push(("exports and index", stage.elapsed()));
    report.timings.push(("total", started.elapsed()));
    Ok(report)
}

fn render_error(e: render::RenderError) -> BuildError {
    match e {
        render::RenderError::Theme(errors) => BuildError::Theme(errors),
        render::RenderError::Write(e) => BuildError::Output(e),
    }
}

/// The output folder is replaced wholesale, so it must never be (or hold) the listings, the
/// theme or the current folder: a mistyped `--output` must not delete anyone's work.
fn refuse_unsafe_output(options: &Options, output: &Path) -> Result<(), BuildError> {
    let full = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let out = full(output);
    let cwd = full(Path::new("."));
    for (what, protected) in [
        ("the content folder", full(&options.content)),
        ("the theme folder", full(&options.theme)),
        ("the current folder", cwd),
    ] {
        if protected.starts_with(&out) {
            return Err(BuildError::Output(std::io::Error::other(format!(
                "{} would replace {what}; choose an empty or build-only folder such as public",
                output.display()
            ))));
        }
    }
    Ok(())
}

/// Adds diagnostics to a collection (for callers assembling their own).
pub fn collect(diags: impl IntoIterator<Item = Diagnostic>) -> Diagnostics {
    let mut d = Diagnostics::default();
    d.extend(diags);
    d
}
