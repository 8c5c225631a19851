//! Rendering: the site model through the theme's tera templates into files in memory.
//! Nothing here touches the output folder; `output` writes what this returns.

pub mod css;
pub mod markdown;

use crate::content::Directory;
use crate::incremental::{self, Listing, Memo, Recorder};
use crate::output::Sink;

/// Page jobs derived, rendered and written together (see `render_into`).
const PAGES_PER_CHUNK: usize = 256;
use crate::site::{Deriver, Link};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;

/// One file of the built site: its path below the site root and its bytes.
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Values every template can use.
#[derive(Serialize)]
struct Globals<'a> {
    site: &'a crate::content::model::SiteFile,
    root: &'a str,
    footer_links: Vec<Link>,
    css_url: String,
    today: String,
    build_year: i16,
}

/// The search page's template and context, kept so the server can render it with results.
#[derive(Clone)]
pub struct SearchPage {
    pub tera: std::sync::Arc<tera::Tera>,
    pub context: tera::Context,
    pub template: &'static str,
}

impl std::fmt::Debug for SearchPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchPage")
    }
}

impl SearchPage {
    /// The search page with `extra` values (results, the request) added.
    pub fn render(&self, extra: &tera::Context) -> Result<String, String> {
        let mut ctx = self.context.clone();
        ctx.extend(extra.clone());
        self.tera
            .render(self.template, &ctx)
            .map_err(|e| tera_error(&e))
    }
}

/// Why rendering stopped.
#[derive(Debug)]
pub enum RenderError {
    /// The theme's templates or CSS are broken: whole sentences naming the template or file.
    Theme(Vec<String>),
    /// A file could not be written.
    Write(std::io::Error),
}

impl From<std::io::Error> for RenderError {
    fn from(e: std::io::Error) -> Self {
        RenderError::Write(e)
    }
}

fn theme_error(e: String) -> RenderError {
    RenderError::Theme(vec![e])
}

/// Renders every file of the site into `sink` as it is made, recording the time of each
/// stage (templates, CSS, derive, render, exports, index) in `timings`.
///
/// What `last` (the memo of the build before) says is unchanged is kept rather than made
/// again, and `next` records this build for the one after (see `incremental`). Without
/// `search_index`, the published search index is kept, to be replaced by `search_files`.
#[allow(clippy::too_many_arguments)]
pub fn render_into(
    dir: &Directory,
    theme: &Path,
    timings: &mut crate::timings::Timings,
    progress: &crate::progress::Progress,
    sink: &dyn Sink,
    last: &Memo,
    next: &Recorder,
    search_index: bool,
) -> Result<SearchPage, RenderError> {
    // The theme as the last build read it, unless it (or anything else but listings) changed.
    let made = match last.theme(next.inputs()) {
        Some(made) => made,
        None => std::sync::Arc::new(read_theme(theme, timings)?),
    };
    next.theme(made.clone());
    let Theme {
        tera,
        css,
        css_file,
    } = &*made;
    let stage = std::time::Instant::now();
    let plan = last.plan(dir, next.inputs());
    let mut deriver = Deriver::reusing(dir, theme, |i| last.reused(&plan, dir, i));
    let globals = Globals {
        site: &dir.site,
        root: &deriver.root,
        footer_links: deriver.footer_links(),
        css_url: format!("{}{css_file}", deriver.root),
        today: crate::site::long_date(dir.today),
        build_year: dir.today.year(),
    };
    let globals =
        tera::Context::from_serialize(&globals).map_err(|e| theme_error(tera_error(&e)))?;
    let activity_index = crate::export::json_ld::activity_index(dir);
    // The reused cards' pictures.
    let reused_pictures = each_once(
        (0..dir.activities.len())
            .into_par_iter()
            .filter(|&i| plan.activities[i])
            .map(|i| &deriver.card_pictures(i)[..]),
    );
    for picture in reused_pictures.into_iter().filter_map(|n| last.picture(n)) {
        deriver.pictures.add(picture);
    }
    let card_html = render_cards(tera, deriver.cards(), |i| last.card_html(&plan, dir, i))
        .map_err(RenderError::Theme)?;
    next.cards(&deriver, &card_html, last, &plan);
    timings.add("cards", stage.elapsed());
    let stage = std::time::Instant::now();
    // Pages every build derives are kept when their key is unchanged (see `incremental`).
    if plan.same_context || next.is_recording() {
        let last_page: Option<Box<crate::site::LastPage>> = plan
            .same_context
            .then(|| Box::new(|path: &str, key| last.page_pictures(path, key)) as Box<_>);
        deriver.key_pages(crate::site::PageKeys {
            cards: card_html
                .par_iter()
                .map(|h| xxhash_rust::xxh3::xxh3_64(h.as_bytes()))
                .collect(),
            last: last_page,
        });
    }
    let deriver = deriver;
    // Each card's key when pages are keyed, which those every build derives hold too.
    let card_keys = deriver.card_keys();
    let mut page_paths = Vec::new();
    let jobs = keep_unchanged_listings(
        deriver.jobs(),
        &plan,
        last,
        next,
        &deriver,
        sink,
        &mut page_paths,
    )?;
    timings.add("derive", stage.elapsed());

    // Pages on one side; exports and the search index, which need only the directory, on
    // the other: each side alone leaves a core idle part of the time.
    let pages = || -> Result<_, RenderError> {
        let (mut derive_time, started) = (std::time::Duration::ZERO, std::time::Instant::now());
        let mut search_page = None;
        let mut errors = Vec::new();
        progress.stage("Rendering pages", jobs.len());
        // A few hundred pages at a time: derived, then rendered and written, each in parallel,
        // so memory holds one chunk of contexts and pages, not the whole site.
        for chunk in jobs.chunks(PAGES_PER_CHUNK) {
            let stage = std::time::Instant::now();
            // Each page with whether it is a listing's own page (those are always rendered).
            let pages: Vec<(bool, crate::site::PageSpec)> = chunk
                .par_iter()
                .flat_map_iter(|&job| {
                    progress.tick();
                    let listing = incremental::listing_of(dir, job);
                    let pages = if next.is_recording() {
                        let (pages, pictures) = crate::pictures::recording(|| deriver.derive(job));
                        if let Some(listing) = listing.clone() {
                            let files = pages.iter().map(|p| p.path.clone()).collect();
                            next.listing(listing, files, pictures);
                        }
                        pages
                    } else {
                        deriver.derive(job)
                    };
                    let own = listing.is_some();
                    pages.into_iter().map(move |p| (own, p))
                })
                .collect();
            for (_, p) in &pages {
                if let Some(folder) = p.path.strip_suffix("index.html") {
                    page_paths.push(folder.to_string());
                }
                if p.path == "search/index.html" {
                    let mut ctx = globals.clone();
                    ctx.extend(p.context.clone());
                    search_page = Some(SearchPage {
                        tera: tera.clone(),
                        context: ctx,
                        template: p.template,
                    });
                }
            }
            derive_time += stage.elapsed();
            let failures: Vec<RenderError> = pages
                .into_par_iter()
                .filter_map(|(own, mut page)| {
                    // A page keyed before it was made has only the site's structured data,
                    // which its key need not hold (see `site::known`).
                    let known = page.known.take();
                    if let Some(known) = &known {
                        next.page_key(&page.path, known.key, known.pictures.clone());
                        if known.kept {
                            return sink.keep(&page.path).err().map(RenderError::Write);
                        }
                    }
                    let json_ld =
                        crate::export::json_ld::for_page_indexed(dir, &page.path, &activity_index);
                    let keyed = card_keys.filter(|_| !own && known.is_none());
                    if let Some(card_keys) = keyed {
                        if let Some(key) = key_of(&mut page, &json_ld, card_keys) {
                            next.page_key(&page.path, key, Vec::new());
                            if plan.same_context && last.same_page(&page.path, key) {
                                return sink.keep(&page.path).err().map(RenderError::Write);
                            }
                        }
                    }
                    render_page(tera, &globals, &card_html, page, json_ld, sink)
                })
                .collect();
            for failure in failures {
                match failure {
                    RenderError::Write(e) => return Err(RenderError::Write(e)),
                    RenderError::Theme(e) => errors.extend(e),
                }
            }
        }
        progress.finish();
        next.pictures(deriver.pictures.used());
        if !errors.is_empty() {
            errors.sort();
            errors.dedup();
            return Err(RenderError::Theme(errors));
        }
        let search_page =
            search_page.ok_or_else(|| theme_error("the site has no search page".to_string()))?;

        sink.put(OutFile {
            path: css_file.clone(),
            bytes: css.clone().into_bytes(),
        })?;
        for picture in deriver.pictures.used() {
            sink.put(OutFile {
                path: format!("pictures/{}", picture.file_name),
                bytes: picture.svg().as_bytes().to_vec(),
            })?;
        }
        // The icon browsers show in the tab; without one they ask for /favicon.ico and log a 404.
        if let Ok(bytes) = std::fs::read(theme.join("favicon.svg")) {
            sink.put(OutFile {
                path: "favicon.svg".into(),
                bytes,
            })?;
        }
        for image in used_images(dir) {
            let bytes = std::fs::read(dir.root.join(&image))
                .map_err(|e| theme_error(format!("{image}: cannot be read: {e}")))?;
            sink.put(OutFile { path: image, bytes })?;
        }
        // Rendering and writing pages, pictures and images; deriving is counted apart.
        Ok((
            search_page,
            page_paths,
            derive_time,
            started.elapsed() - derive_time,
        ))
    };
    let data = || -> Result<_, RenderError> {
        let started = std::time::Instant::now();
        let kept = keep_unchanged_exports(dir, &plan, last, sink)?;
        let listings = crate::export::ListingFiles::new(sink, next.is_recording());
        if !search_index {
            // Listings' own files now; the whole site's files and the search index after
            // the pages are published (`rebuild_changed_pages_first`), kept until then.
            let own = crate::export::Targets {
                listings: Some(&listings),
                lists: None,
            };
            crate::export::write(dir, &plan, &own)?;
            next.own_exports(dir, listings.noted(), kept);
            sink.keep_listed(&mut last.later_files())?;
            // Still published until the files made after these pages replace them.
            next.later(last.later_files().map(String::from).collect());
            return Ok((started.elapsed(), None));
        }
        let lists = crate::output::Noting::new(sink);
        let all = crate::export::Targets {
            listings: Some(&listings),
            lists: Some(&lists),
        };
        crate::export::write(dir, &plan, &all)?;
        next.own_exports(dir, listings.noted(), kept);
        let exports = started.elapsed();
        let started = std::time::Instant::now();
        search_files(dir, &lists)?;
        next.later(lists.paths());
        Ok((exports, Some(started.elapsed())))
    };
    let (pages, data) = rayon::join(pages, data);
    let (search_page, page_paths, derive_time, render_time) = pages?;
    let (exports_time, index_time) = data?;
    // The stages overlap, so their times add up to more than the whole.
    timings.add("derive", derive_time);
    timings.add("render", render_time);
    timings.add("exports", exports_time);
    if let Some(index_time) = index_time {
        timings.add("index", index_time);
    }
    let stage = std::time::Instant::now();
    // The sitemap is kept as published when the site has the same pages (most edits).
    let mut page_paths = page_paths;
    page_paths.sort();
    let mut key = xxhash_rust::xxh3::Xxh3::new();
    for text in std::iter::once(&dir.site.base_url).chain(&page_paths) {
        key.update(text.as_bytes());
        key.update(&[0]);
    }
    let key = key.digest();
    next.page_key(SITEMAP, key, Vec::new());
    if plan.same_context && last.same_page(SITEMAP, key) {
        sink.keep(SITEMAP)?;
    } else {
        sink.put(OutFile {
            path: SITEMAP.into(),
            bytes: sitemap(&dir.site.base_url, &page_paths).into_bytes(),
        })?;
    }
    sink.put(OutFile {
        path: "robots.txt".into(),
        bytes: format!(
            "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
            dir.site.base_url
        )
        .into_bytes(),
    })?;
    for script in theme_scripts(theme).map_err(theme_error)? {
        sink.put(script)?;
    }
    timings.add("exports", stage.elapsed());
    Ok(search_page)
}

/// The theme's templates and its CSS, minified, with the file name it is published at.
#[derive(Debug)]
pub struct Theme {
    tera: std::sync::Arc<tera::Tera>,
    css: String,
    css_file: String,
}

/// Reads and checks the theme's templates and CSS, timing each.
fn read_theme(theme: &Path, timings: &mut crate::timings::Timings) -> Result<Theme, RenderError> {
    let stage = std::time::Instant::now();
    let templates = theme.join("templates");
    let pattern = format!("{}/**/*.html", templates.display());
    let mut tera = tera::Tera::new(&pattern).map_err(|e| theme_error(tera_error(&e)))?;
    tera.set_escape_fn(escape_html);
    if tera.get_template_names().next().is_none() {
        return Err(theme_error(format!(
            "no templates found in {}",
            templates.display()
        )));
    }
    timings.add("templates", stage.elapsed());
    let stage = std::time::Instant::now();
    let css_path = theme.join("css/site.css");
    let css_source = std::fs::read_to_string(&css_path)
        .map_err(|e| theme_error(format!("{}: cannot be read: {e}", css_path.display())))?;
    let css = css::minify(&css_source, "themes/default/css/site.css").map_err(theme_error)?;
    let css_file = format!("css/site-{:08x}.css", css::fnv1a(css.as_bytes()) as u32);
    timings.add("CSS", stage.elapsed());
    Ok(Theme {
        tera: std::sync::Arc::new(tera),
        css,
        css_file,
    })
}

/// Keeps the own export files (calendars, Open Referral detail files) of the listings an
/// edit did not touch (those `plan` reuses) as published. Returns them with their listing,
/// for the next rebuild.
fn keep_unchanged_exports(
    dir: &Directory,
    plan: &incremental::Plan,
    last: &Memo,
    sink: &dyn Sink,
) -> std::io::Result<Vec<(Listing, std::sync::Arc<[String]>)>> {
    use rayon::prelude::*;
    let activities = (0..dir.activities.len())
        .into_par_iter()
        .filter(|&i| plan.activities[i])
        .map(|i| Listing::Activity(dir.activities[i].id.clone()));
    let providers = (0..dir.providers.len())
        .into_par_iter()
        .filter(|&i| plan.providers[i])
        .map(|i| Listing::Provider(dir.providers[i].id.clone()));
    let kept: Vec<(Listing, std::sync::Arc<[String]>)> = activities
        .chain(providers)
        .map(|listing| {
            // The plan reuses only listings whose own exports were recorded.
            match last.own_exports(&listing) {
                Some(files) => Ok((listing, files.clone())),
                None => Err(std::io::Error::other(format!(
                    "{listing:?}: its export files were not recorded"
                ))),
            }
        })
        .collect::<std::io::Result<_>>()?;
    kept.par_iter()
        .try_for_each(|(_, files)| sink.keep_all(&mut files.iter().map(String::as_str)))?;
    Ok(kept)
}

/// Keeps the pages of the listings an edit did not touch (those `plan` reuses among
/// `jobs`) as published, adds their pictures to the site's and their folders to
/// `page_paths` (for the sitemap), and records them for the next rebuild. Returns the
/// jobs still to derive.
fn keep_unchanged_listings(
    jobs: Vec<crate::site::PageJob>,
    plan: &incremental::Plan,
    last: &Memo,
    next: &Recorder,
    deriver: &Deriver,
    sink: &dyn Sink,
    page_paths: &mut Vec<String>,
) -> std::io::Result<Vec<crate::site::PageJob>> {
    use rayon::prelude::*;
    // Each job with what the last build made of it, when its listing's page is kept.
    let kept: Vec<Option<(incremental::Listing, &std::sync::Arc<incremental::Made>)>> = jobs
        .par_iter()
        .map(|&job| {
            incremental::listing_of(deriver.dir, job)
                .filter(|_| plan.reuses(job))
                .and_then(|listing| last.kept(&listing).map(|made| (listing, made)))
        })
        .collect();
    kept.par_iter()
        .flatten()
        .try_for_each(|(_, made)| made.files.iter().try_for_each(|file| sink.keep(file)))?;
    // The kept pages' pictures.
    let pictures = each_once(
        kept.par_iter()
            .flatten()
            .map(|(_, made)| &made.pictures[..]),
    );
    for picture in pictures.into_iter().filter_map(|name| last.picture(name)) {
        deriver.pictures.add(picture);
    }
    let mut to_derive = Vec::new();
    let mut kept_listings = Vec::new();
    for (job, kept) in jobs.into_iter().zip(kept) {
        let Some((listing, made)) = kept else {
            to_derive.push(job);
            continue;
        };
        page_paths.extend(
            made.files
                .iter()
                .filter_map(|file| file.strip_suffix("index.html"))
                .map(str::to_string),
        );
        kept_listings.push((listing, made.clone()));
    }
    next.kept_listings(kept_listings);
    Ok(to_derive)
}

/// The key of what `page` is rendered from (see `incremental::page_key`); None if its values
/// cannot be read back, and then the page is simply rendered.
fn key_of(page: &mut crate::site::PageSpec, json_ld: &str, card_keys: &[u64]) -> Option<u64> {
    let values = std::mem::take(&mut page.context).into_json();
    let bytes = serde_json::to_vec(&values).ok();
    page.context = tera::Context::from_value(values).ok()?;
    let cards: Vec<u64> = page.cards.iter().map(|&i| card_keys[i]).collect();
    Some(incremental::page_key(page, &bytes?, json_ld, &cards))
}

/// The whole site's export files and the search index: made after the pages by a
/// rebuild after an edit.
pub fn later_files(dir: &Directory, sink: &dyn Sink) -> Result<(), RenderError> {
    let lists = crate::export::Targets {
        listings: None,
        lists: Some(sink),
    };
    crate::export::write(dir, &incremental::Plan::none(dir), &lists)?;
    search_files(dir, sink)
}

/// The search index: the server's (tantivy) and the one the page script reads.
pub fn search_files(dir: &Directory, sink: &dyn Sink) -> Result<(), RenderError> {
    let search_docs = crate::search::documents::documents(dir);
    let values = crate::search::query::FilterValues::from_directory(dir);
    for f in crate::search::index::build_files(&search_docs, &values).map_err(theme_error)? {
        sink.put(f)?;
    }
    for f in crate::search::static_export::files(&search_docs, &values) {
        sink.put(f)?;
    }
    Ok(())
}

/// Renders one page and writes it; returns what went wrong, if anything.
fn render_page(
    tera: &tera::Tera,
    globals: &tera::Context,
    card_html: &[std::sync::Arc<str>],
    page: crate::site::PageSpec,
    json_ld: String,
    sink: &dyn Sink,
) -> Option<RenderError> {
    let mut ctx = globals.clone();
    ctx.extend(page.context);
    ctx.insert("json_ld", &json_ld);
    if !page.cards.is_empty() {
        let mut html = String::new();
        for &i in &page.cards {
            html.push('\n');
            html.push_str(&card_html[i]);
        }
        ctx.insert("cards_html", &html);
    }
    match tera.render(page.template, &ctx) {
        Ok(html) => sink
            .put(OutFile {
                path: page.path,
                bytes: html.into_bytes(),
            })
            .err()
            .map(RenderError::Write),
        Err(e) => Some(theme_error(format!(
            "{} (for {}): {}",
            page.template,
            page.path,
            tera_error(&e)
        ))),
    }
}

/// Each activity's card as lists show it (the theme's `card.html`), rendered once: an
/// activity is on a dozen or more lists, and joining strings is far cheaper than running
/// the template again for each.
fn render_cards(
    tera: &tera::Tera,
    cards: &[std::sync::Arc<crate::site::Card>],
    reuse: impl Fn(usize) -> Option<std::sync::Arc<str>> + Sync,
) -> Result<Vec<std::sync::Arc<str>>, Vec<String>> {
    const TEMPLATE: &str = "card.html";
    if !tera.get_template_names().any(|t| t == TEMPLATE) {
        return Err(vec![format!(
            "the theme has no templates/{TEMPLATE}: it renders one activity card (`a`) for lists"
        )]);
    }
    cards
        .par_iter()
        .enumerate()
        .map(|(i, card)| {
            if let Some(html) = reuse(i) {
                return Ok(html);
            }
            let mut ctx = tera::Context::new();
            ctx.insert("a", &**card);
            tera.render(TEMPLATE, &ctx)
                .map(std::sync::Arc::from)
                .map_err(|e| format!("{TEMPLATE} (for {}): {}", card.url, tera_error(&e)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| vec![e])
}

/// The theme's enhancement scripts (`js/*.js`), published as they are.
fn theme_scripts(theme: &Path) -> Result<Vec<OutFile>, String> {
    let folder = theme.join("js");
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".js") {
            let bytes = std::fs::read(entry.path())
                .map_err(|e| format!("{}: {e}", entry.path().display()))?;
            out.push(OutFile {
                path: format!("js/{name}"),
                bytes,
            });
        }
    }
    Ok(out)
}

/// Photos that listings use (others in images/ are not published).
fn used_images(dir: &Directory) -> Vec<String> {
    let mut out: Vec<String> = dir
        .activities
        .iter()
        .flat_map(|a| {
            a.data
                .photos
                .iter()
                .map(|p| p.file.trim_start_matches("./").to_string())
        })
        .filter(|f| dir.images.contains(f))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Each name in `lists` once, gathered in parallel (thousands of pages show the same few
/// dozen pictures).
fn each_once<'a>(
    lists: impl rayon::iter::ParallelIterator<Item = &'a [String]>,
) -> foldhash::HashSet<&'a str> {
    lists
        .fold(foldhash::HashSet::default, |mut set, names| {
            set.extend(names.iter().map(String::as_str));
            set
        })
        .reduce(foldhash::HashSet::default, |mut a, b| {
            a.extend(b);
            a
        })
}

/// Where the sitemap is published.
const SITEMAP: &str = "sitemap.xml";

/// The sitemap of the pages at `paths`, in order.
fn sitemap(base_url: &str, paths: &[String]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in paths {
        xml.push_str(&format!(
            "  <url><loc>{}{}</loc></url>\n",
            escape_xml(base_url),
            escape_xml(p)
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// HTML escaping for template values. Unlike tera's default it leaves `/` alone, so URLs
/// stay readable in the source (there is no context where `/` is unsafe in our templates).
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Tera's error and all its causes, on one line.
fn tera_error(e: &tera::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
