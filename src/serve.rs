//! `signpost serve`: builds the site, serves it on 127.0.0.1, answers `/search` with pages
//! rendered by the same templates (so search works with JavaScript off), and rebuilds when
//! content or the theme change. A failed rebuild shows its diagnostics at the top of every
//! page and keeps serving the last good site. Pages reload themselves after each rebuild
//! ([`live_reload`]).

pub mod http;
pub mod live_reload;

use crate::render::SearchPage;
use crate::search::index::SearchIndex;
use crate::search::page::{form, request_from_query, results_view};
use crate::search::query;
use crate::Reuse;
use crate::{BuildError, Options};
use http::Reply;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

/// Sent with every response: no inline script, nothing from elsewhere, no framing.
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
];

/// What the server answers from; replaced whole after each good rebuild.
pub struct Live {
    pub site: PathBuf,
    pub search_page: SearchPage,
    pub index: SearchIndex,
    pub root: String,
    /// The last rebuild's errors, shown on every page until a rebuild succeeds.
    pub failure: Option<String>,
    /// What the site folder holds, so the next rebuild writes only what changed; None when
    /// that is not known (a rebuild failed after publishing its pages), and then the next
    /// rebuild builds the whole site.
    pub published: Option<crate::output::Fingerprints>,
    /// Live reload's build generation, carried from each Live to the next; None when the
    /// server does not watch for changes.
    pub reload: Option<Arc<live_reload::Changes>>,
}

pub type Shared = Arc<RwLock<Option<Live>>>;

/// Builds once, then serves until the process is stopped.
pub fn serve(options: Options, output: PathBuf, port: u16, watch: bool) -> Result<(), String> {
    let shared: Shared = Arc::new(RwLock::new(None));
    let mut cache = Reuse::default();
    rebuild(&options, &output, &shared, &mut cache);
    if shared.read().map(|s| s.is_none()).unwrap_or(true) {
        return Err("the site could not be built; fix the errors above and try again".into());
    }
    if watch {
        if let Ok(mut live) = shared.write() {
            if let Some(live) = live.as_mut() {
                live.reload = Some(Arc::new(live_reload::Changes::starting_now()));
            }
        }
    }
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
    eprintln!(
        "Serving {} at http://127.0.0.1:{port}/ (Ctrl+C to stop)",
        output.display()
    );
    if watch {
        let (opts, out, sh) = (options.clone(), output.clone(), shared.clone());
        std::thread::spawn(move || watch_loop(&opts, &out, &sh, cache));
    }
    // Each connection is answered on its own thread; a held live-reload poll waits there.
    http::serve(listener, http::Limits::default(), move |request| {
        let (method, target) = (request.method.as_str(), request.target.as_str());
        live_reload::hold(&shared, method, target)
            .unwrap_or_else(|| respond(&shared, method, target))
    })
}

/// Builds into `output` and, when it worked, swaps in what the server answers from. After
/// the first build only new and changed files are written, and open pages reload as soon
/// as the pages are published, before the search index is rebuilt
/// (`rebuild_changed_pages_first`). `cache` holds what the last build read and made, so
/// only what an edit touched is read and made again.
pub fn rebuild(options: &Options, output: &Path, shared: &Shared, cache: &mut Reuse) {
    let started = std::time::Instant::now();
    let published = shared
        .read()
        .ok()
        .and_then(|live| live.as_ref().and_then(|l| l.published.clone()));
    // Set once open pages have reloaded for this rebuild's pages: the search index that
    // follows does not show on pages, so it needs no second reload.
    let reloaded = std::cell::Cell::new(false);
    let pages_published = |report: &crate::BuildReport| {
        eprintln!(
            "Pages ready in {} ms; updating the search index…",
            started.elapsed().as_millis()
        );
        // What is published changes again when the search index follows: the last build's
        // record of it stays until then (copying it would cost as much as the rest).
        publish(output, shared, report, None, true);
        reloaded.set(true);
    };
    let result = match published {
        Some(published) => {
            crate::rebuild_changed_pages_first(options, output, published, cache, &pages_published)
        }
        None => crate::build_cached(options, output, cache),
    };
    match result {
        Ok(mut report) => {
            eprintln!(
                "Built {} pages: {} files written, {} removed, in {} ms.",
                report.pages,
                report.changed,
                report.removed,
                started.elapsed().as_millis()
            );
            let published = std::mem::take(&mut report.published);
            publish(output, shared, &report, Some(published), !reloaded.get());
        }
        Err(e) => {
            let text = match e {
                BuildError::Content(diags) => diags
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
                BuildError::Theme(errors) => errors.join("\n"),
                BuildError::Output(e) => e.to_string(),
            };
            if reloaded.get() {
                eprintln!("The search index could not be updated; the pages are.\n{text}");
            } else {
                eprintln!("The rebuild failed; still serving the last good site.\n{text}");
            }
            if reloaded.get() {
                // Its pages were published, the rest was not: what the site folder holds is
                // no longer known.
                if let Ok(mut live) = shared.write() {
                    if let Some(l) = live.as_mut() {
                        l.published = None;
                    }
                }
            }
            set_failure(shared, text);
        }
    }
}

/// Serves what `report` says the site folder now holds, with its search index, and (with
/// `reload`) reloads open pages when the site changed or shown errors are cleared.
/// `published` is the record of the site's files for the next rebuild (None: it stays).
fn publish(
    output: &Path,
    shared: &Shared,
    report: &crate::BuildReport,
    published: Option<crate::output::Fingerprints>,
    may_reload: bool,
) {
    let index = match SearchIndex::open(output) {
        Ok(index) => index,
        Err(e) => return set_failure(shared, e),
    };
    let base_url = report
        .search_page
        .context
        .get("site")
        .and_then(|s| s.get("base_url"))
        .and_then(|u| u.as_str())
        .unwrap_or("/");
    let root = crate::site::url_path(base_url);
    if let Ok(mut live) = shared.write() {
        let reload = live.as_ref().and_then(|l| l.reload.clone());
        let published = published.or_else(|| live.as_mut().and_then(|l| l.published.take()));
        let stale = may_reload
            && (report.changed + report.removed > 0
                || live.as_ref().is_some_and(|l| l.failure.is_some()));
        *live = Some(Live {
            site: output.to_path_buf(),
            search_page: report.search_page.clone(),
            index,
            root,
            failure: None,
            published,
            reload: reload.clone(),
        });
        if let Some(reload) = reload.filter(|_| stale) {
            reload.bump();
        }
    }
}

fn set_failure(shared: &Shared, text: String) {
    if let Ok(mut live) = shared.write() {
        if let Some(l) = live.as_mut() {
            if l.failure.as_ref() != Some(&text) {
                l.failure = Some(text);
                if let Some(reload) = &l.reload {
                    reload.bump();
                }
            }
        }
    }
}

/// Newest modification time and file count of the watched folders.
fn fingerprint(paths: &[&Path]) -> (Option<SystemTime>, usize) {
    let mut newest = None;
    let mut count = 0;
    for p in paths {
        for e in walkdir::WalkDir::new(p).into_iter().filter_map(Result::ok) {
            count += 1;
            if let Some(t) = e.metadata().ok().and_then(|m| m.modified().ok()) {
                newest = newest.max(Some(t));
            }
        }
    }
    (newest, count)
}

fn watch_loop(options: &Options, output: &Path, shared: &Shared, mut cache: Reuse) {
    // Absolute, so the paths of events compare with them.
    let full = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (content, theme, site) = (full(&options.content), full(&options.theme), full(output));
    let paths = [content.as_path(), theme.as_path()];
    // The system tells us of each save at once; where it cannot, we look every half second.
    let (tx, rx) = std::sync::mpsc::channel();
    let watcher = notify::recommended_watcher(tx).and_then(|mut w| {
        for p in paths {
            notify::Watcher::watch(&mut w, p, notify::RecursiveMode::Recursive)?;
        }
        Ok(w)
    });
    let _watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            eprintln!("Cannot be told of changes ({e}); looking for them every half second.");
            return poll_loop(options, output, shared, cache);
        }
    };
    loop {
        // The files saved, made or removed; None once an event says the system lost count.
        let mut changed = Some(Vec::new());
        let mut note = |event: &notify::Result<notify::Event>| match event {
            Ok(event) if !event.need_rescan() => {
                if let Some(changed) = &mut changed {
                    changed.extend(edited(event, &paths, &site).cloned());
                }
            }
            _ => changed = None,
        };
        match rx.recv() {
            Ok(Ok(event)) if is_edit(&event, &paths, &site) || event.need_rescan() => {
                note(&Ok(event))
            }
            Ok(_) => continue,
            Err(_) => return,
        }
        // Editors save in several steps: wait for the burst to end, then build once.
        while let Ok(event) = rx.recv_timeout(Duration::from_millis(30)) {
            note(&event);
        }
        eprintln!("Change seen; rebuilding…");
        // Told what changed, the rebuild reads only those files (see `LoadCache`).
        if let Some(changed) = changed {
            cache.files.tell_changed(changed);
        }
        rebuild(options, output, shared, &mut cache);
    }
}

/// Whether a file event can change the site: a file in a watched folder written, made,
/// removed or renamed; not one read (a rebuild reads every file), not an editor's hidden or
/// backup file, and nothing the build itself writes (should the site be inside a folder).
/// All paths are absolute.
fn is_edit(event: &notify::Event, watched: &[&Path], output: &Path) -> bool {
    edited(event, watched, output).next().is_some()
}

/// The files an event says were saved, made, removed or renamed (see `is_edit`).
fn edited<'a>(
    event: &'a notify::Event,
    watched: &'a [&Path],
    output: &'a Path,
) -> impl Iterator<Item = &'a std::path::PathBuf> {
    use notify::EventKind;
    let kind = matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any
    ) || matches!(event.kind, EventKind::Modify(m) if !matches!(m, notify::event::ModifyKind::Metadata(_)));
    event.paths.iter().filter(move |p| {
        let Some(rel) = watched.iter().find_map(|w| p.strip_prefix(w).ok()) else {
            return false;
        };
        let name = rel.to_string_lossy();
        kind && !p.starts_with(output)
            && !name.ends_with('~')
            && !rel
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    })
}

/// Watches by looking at the folders every half second (when the system cannot tell us).
fn poll_loop(options: &Options, output: &Path, shared: &Shared, mut cache: Reuse) {
    let paths = [options.content.as_path(), options.theme.as_path()];
    let mut last = fingerprint(&paths);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let now = fingerprint(&paths);
        if now != last {
            last = now;
            eprintln!("Change seen; rebuilding…");
            rebuild(options, output, shared, &mut cache);
        }
    }
}

fn with_headers(mut r: Reply, content_type: &str) -> Reply {
    r = r.with_header("Content-Type", content_type);
    for (name, value) in SECURITY_HEADERS {
        r = r.with_header(name, value);
    }
    r
}

fn text(status: u16, body: &str) -> Reply {
    with_headers(Reply::new(status, body), "text/plain; charset=utf-8")
}

/// Answers one request. Public so tests can call it without a socket.
pub fn respond(shared: &Shared, method: &str, url: &str) -> Reply {
    if method != "GET" && method != "HEAD" {
        return text(405, "Only GET is supported.");
    }
    let Ok(guard) = shared.read() else {
        return text(503, "The site is rebuilding; try again in a moment.");
    };
    let Some(live) = guard.as_ref() else {
        return text(503, "The site is not built yet.");
    };
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let Some(rel) = path
        .strip_prefix(live.root.as_str())
        .or_else(|| path.strip_prefix('/'))
    else {
        return not_found(live);
    };
    if let Some(reply) = live_reload::answer(live, rel, query) {
        return reply;
    }
    if (rel == "search" || rel == "search/") && !query.is_empty() {
        return search(live, query);
    }
    match safe_path(&live.site, rel) {
        Some(file) => match std::fs::read(&file) {
            Ok(bytes) => {
                let ct = content_type(&file);
                let bytes = if ct.starts_with("text/html") {
                    preview(live, bytes)
                } else {
                    bytes
                };
                with_headers(Reply::new(200, bytes), ct)
            }
            Err(_) => not_found(live),
        },
        None => not_found(live),
    }
}

fn not_found(live: &Live) -> Reply {
    let body =
        std::fs::read(live.site.join("404.html")).unwrap_or_else(|_| b"Page not found".to_vec());
    with_headers(
        Reply::new(404, preview(live, body)),
        "text/html; charset=utf-8",
    )
}

fn search(live: &Live, query_string: &str) -> Reply {
    let request = request_from_query(query_string);
    let results = query::run(&live.index, &request);
    let mut ctx = tera::Context::new();
    ctx.insert("form", &form(&live.index.values, &request));
    ctx.insert(
        "results",
        &results_view(&live.root, &live.index.values, &request, &results),
    );
    ctx.insert("server", &true);
    match live.search_page.render(&ctx) {
        Ok(html) => with_headers(
            Reply::new(200, preview(live, html.into_bytes())),
            "text/html; charset=utf-8",
        ),
        Err(e) => text(500, &format!("The search page could not be made: {e}")),
    }
}

/// A page as served: the last failed rebuild's errors at the top, the live-reload script
/// at the end.
fn preview(live: &Live, body: Vec<u8>) -> Vec<u8> {
    live_reload::with_script(live, with_failure(live, body))
}

/// Puts the last failed rebuild's errors at the top of an HTML page, for staff previewing.
fn with_failure(live: &Live, body: Vec<u8>) -> Vec<u8> {
    let Some(failure) = &live.failure else {
        return body;
    };
    let html = String::from_utf8_lossy(&body);
    let escaped = failure
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let panel = format!(
        "<div class=\"alert alert--cancelled\"><h2>The last change could not be built</h2><p>You are seeing the last good version. Fix these problems and save again:</p><pre>{escaped}</pre></div>"
    );
    match html
        .find("<main")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
    {
        Some(at) => format!("{}{panel}{}", &html[..at], &html[at..]).into_bytes(),
        None => format!("{panel}{html}").into_bytes(),
    }
}

/// The file for a URL path inside `site`, or None for anything that could leave it
/// (`..`, encoded `%2e%2e`, backslashes, NUL, absolute paths).
pub fn safe_path(site: &Path, rel: &str) -> Option<PathBuf> {
    let decoded = crate::search::page::decode(rel).replace('+', " ");
    if decoded.contains('\0') || decoded.contains('\\') || decoded.len() > 1024 {
        return None;
    }
    let mut out = site.to_path_buf();
    for c in Path::new(&decoded).components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    // Symlinks could still point outside: compare real paths.
    let real = out.canonicalize().ok()?;
    let base = site.canonicalize().ok()?;
    real.starts_with(&base).then_some(real)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::is_edit;
    use notify::event::{AccessKind, CreateKind, DataChange, EventKind, MetadataKind, ModifyKind};
    use std::path::Path;

    fn event(kind: EventKind, path: &str) -> notify::Event {
        notify::Event::new(kind).add_path(path.into())
    }

    #[test]
    fn only_edits_to_watched_files_start_a_rebuild() {
        let watched = [
            Path::new("/site/content"),
            Path::new("/site/themes/default"),
        ];
        let output = Path::new("/site/content/public");
        let saved = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        let edit = |kind, path| is_edit(&event(kind, path), &watched, output);
        assert!(edit(saved, "/site/content/providers/a.md"));
        assert!(edit(
            EventKind::Create(CreateKind::File),
            "/site/themes/default/css/site.css"
        ));
        assert!(edit(
            EventKind::Remove(notify::event::RemoveKind::File),
            "/site/content/venues/hall.yaml"
        ));
        // A rebuild reads every file: reading must not start another.
        assert!(!edit(
            EventKind::Access(AccessKind::Any),
            "/site/content/providers/a.md"
        ));
        assert!(!edit(
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
            "/site/content/providers/a.md"
        ));
        // Editors' swap and backup files, and the site the build writes.
        assert!(!edit(saved, "/site/content/providers/.a.md.swp"));
        assert!(!edit(saved, "/site/content/providers/a.md~"));
        assert!(!edit(saved, "/site/content/public/index.html"));
        assert!(!edit(saved, "/site/content/.public.staging/index.html"));
        assert!(!edit(saved, "/elsewhere/a.md"));
    }
}
