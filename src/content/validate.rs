//! Cross-file checks: vocabulary terms, venue and Changing Places references, times and
//! dates, duplicate ids and web addresses, photos. Produces the validated [`Directory`].

use super::check_memo::CheckMemo;
use super::load::{field, item, Loaded, RawContent};
use super::model::{Every, ProviderFile, Status, Term};
use super::{Activity, ChangingPlace, Directory, Page, Provider, Venue, VocabKind, Vocabulary};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::easy_read_lint;
use crate::pictures::{self, Picture};
use crate::schedule::{self, weekday_of, Change, ChangeKind, Recurrence, Session};
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

/// Page ids Signpost uses for its own pages.
pub const RESERVED_IDS: [&str; 18] = [
    "activities",
    "providers",
    "venues",
    "changing-places",
    "what",
    "when",
    "where",
    "access",
    "who",
    "support",
    "this-week",
    "search",
    "pictures",
    "images",
    "css",
    "attributions",
    "sitemap",
    "404",
];

/// Longest Easy Read line, in words.
pub const EASY_READ_MAX_WORDS: usize = crate::easy_read_lint::MAX_WORDS;

/// How long a listing may go without review before staff are warned.
pub const REVIEW_MONTHS: i32 = 12;

struct Checker<'a> {
    diags: Diagnostics,
    theme: &'a Path,
    images: &'a BTreeSet<String>,
    unreadable: &'a BTreeSet<String>,
    pictures: HashMap<String, Picture>,
    /// The pictures named since the last `take_pictures` that resolved, by name.
    named_pictures: Vec<String>,
    vocabulary: Option<&'a Vocabulary>,
}

/// Checks everything `load` read and builds the directory, or returns None when there were
/// errors (which are all in `diags`).
pub fn validate(
    raw: RawContent,
    theme: &Path,
    today: Date,
    diags: &mut Diagnostics,
) -> Option<Directory> {
    validate_reusing(raw, theme, today, diags, &mut CheckMemo::default())
}

/// `validate`, reusing the own checks of provider listings that `memo` kept from the last
/// check (see `check_memo`), and keeping this check's for the next. The result is the same.
pub fn validate_reusing(
    raw: RawContent,
    theme: &Path,
    today: Date,
    diags: &mut Diagnostics,
    memo: &mut CheckMemo,
) -> Option<Directory> {
    // Fields repaired after schema errors hold placeholders: checks on them would only
    // repeat the schema error in other words, so they are dropped.
    let mut tainted: Vec<(String, String)> = Vec::new();
    let mut note = |file: &str, paths: &[String]| {
        tainted.extend(paths.iter().map(|p| (file.to_string(), p.clone())));
    };
    raw.site.iter().for_each(|f| note(&f.file, &f.tainted));
    raw.vocabulary
        .iter()
        .for_each(|f| note(&f.file, &f.tainted));
    raw.providers.iter().for_each(|f| note(&f.file, &f.tainted));
    raw.venues.iter().for_each(|f| note(&f.file, &f.tainted));
    raw.changing_places
        .iter()
        .for_each(|f| note(&f.file, &f.tainted));
    raw.pages.iter().for_each(|f| note(&f.file, &f.tainted));
    let mut semantic = Diagnostics::default();
    let dir = validate_semantics(raw, theme, today, &mut semantic, memo);
    diags.extend(semantic.sorted().into_iter().filter(|d| {
        !tainted
            .iter()
            .any(|(file, path)| *file == d.file && within(&d.field, path))
    }));
    if diags.has_errors() {
        None
    } else {
        dir
    }
}

/// Whether field path `field` is `path` or inside it.
fn within(field: &str, path: &str) -> bool {
    match field.strip_prefix(path) {
        Some(rest) => path.is_empty() || rest.is_empty() || rest.starts_with(['.', '[']),
        None => false,
    }
}

fn validate_semantics(
    raw: RawContent,
    theme: &Path,
    today: Date,
    diags: &mut Diagnostics,
    memo: &mut CheckMemo,
) -> Option<Directory> {
    let images = raw.images.clone();
    let unreadable = raw.unreadable.clone();
    let mut c = Checker {
        diags: Diagnostics::default(),
        theme,
        images: &images,
        unreadable: &unreadable,
        pictures: HashMap::new(),
        named_pictures: Vec::new(),
        vocabulary: None,
    };
    let vocabulary = raw.vocabulary.as_ref().map(|v| c.vocabulary_file(v));
    // The rest of the checks look terms up in the vocabulary just checked.
    let mut c = Checker {
        vocabulary: vocabulary.as_ref(),
        ..c
    };
    if let Some(site) = &raw.site {
        c.site(site);
    }
    check_ids(
        &mut c.diags,
        "providers",
        raw.providers.iter().map(|f| (&f.id, &f.file)),
    );
    check_ids(
        &mut c.diags,
        "venues",
        raw.venues.iter().map(|f| (&f.id, &f.file)),
    );
    check_ids(
        &mut c.diags,
        "changing-places",
        raw.changing_places.iter().map(|f| (&f.id, &f.file)),
    );
    check_ids(
        &mut c.diags,
        "pages",
        raw.pages.iter().map(|f| (&f.id, &f.file)),
    );

    let venue_index: foldhash::HashMap<String, usize> = raw
        .venues
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.clone(), i))
        .collect();
    let cp_index: HashMap<String, usize> = raw
        .changing_places
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.clone(), i))
        .collect();

    // Venues (each file's values moved into the directory, not copied), then Changing
    // Places (which may take their area from a venue).
    let mut venues: Vec<Venue> = Vec::with_capacity(raw.venues.len());
    for v in raw.venues {
        venues.push(c.venue(v, &cp_index));
    }
    let changing_places: Vec<ChangingPlace> = raw
        .changing_places
        .iter()
        .map(|cp| c.changing_place(cp, &venues, &venue_index))
        .collect();
    for (i, place) in changing_places.iter().enumerate() {
        if let Some(vi) = place.venue {
            let venue = &mut venues[vi];
            if venue.changing_place.is_none() {
                venue.changing_place = Some(i);
            }
        }
    }
    for venue in &mut venues {
        if venue.changing_place.is_some() && !venue.access.iter().any(|a| a == "changing-places") {
            venue.access.push("changing-places".into());
        }
    }

    // Providers and their activities: each provider's own checks run in parallel, then
    // the results are taken in file order for the checks across files (activity ids), so
    // messages and the directory are the same as checking one file after another.
    let checked = c.providers(&raw.providers, today, &venue_index, memo);
    let mut providers = Vec::new();
    let mut activities: Vec<Activity> = Vec::new();
    // Each activity id's first activity, by index into `activities`.
    let mut activity_ids: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    for (pi, (p, checked)) in raw.providers.into_iter().zip(checked).enumerate() {
        // Kept results are shared with the memo, and each activity's data with the file's:
        // the directory shares them too rather than copying.
        c.diags.extend(checked.diags.iter().cloned());
        let mut indexes = Vec::new();
        for (a, data) in checked.activities.iter().zip(&p.data.activities) {
            c.diags.extend(a.id_diags.iter().cloned());
            if let Some(&other) = activity_ids.get(&a.id) {
                let (id, other) = (&a.id, &activities[other]);
                let other_file = match providers.get(other.provider) {
                    Some(Provider { file, .. }) => file,
                    None => &p.file,
                };
                let other_path = &other.field;
                c.diags.push(
                    id_error(&p, &a.id_at, format!("the activity id \"{id}\" is already used by {other_file} ({other_path}), so both would have the address /activities/{id}/"))
                        .help("give one of them a different `id:`"),
                );
            } else {
                activity_ids.insert(a.id.clone(), activities.len());
            }
            c.diags.extend(a.diags.iter().cloned());
            indexes.push(activities.len());
            activities.push(Activity {
                id: a.id.clone(),
                provider: pi,
                data: data.clone(),
                sessions: a.sessions.clone(),
                positions: p.positions.clone(),
                field: a.path.clone(),
            });
        }
        providers.push(Provider {
            id: p.id,
            file: p.file,
            data: p.data,
            description_md: p.body,
            reviewed: checked.reviewed.unwrap_or(today),
            activities: indexes,
        });
    }

    let mut pages = Vec::new();
    for page in &raw.pages {
        if RESERVED_IDS.contains(&page.id.as_str()) {
            c.diags.push(
                Diagnostic::error(
                    &page.file,
                    format!(
                        "the page id \"{}\" clashes with Signpost's own /{}/ pages",
                        page.id, page.id
                    ),
                )
                .help("rename the file, such as pages/about-our-service.md"),
            );
        }
        for (i, line) in page.data.easy_read.iter().enumerate() {
            c.easy_read_line(page, &item("easy_read", i), &line.text, &line.picture);
        }
        pages.push(Page {
            id: page.id.clone(),
            file: page.file.clone(),
            data: super::model::PageFile::clone(&page.data),
            body_md: page.body.clone(),
        });
    }

    let pictures = c.pictures;
    let has_errors = c.diags.has_errors();
    diags.extend(c.diags);
    if has_errors {
        return None;
    }
    let (Some(site), Some(vocabulary)) = (raw.site, vocabulary) else {
        return None;
    };
    Some(Directory {
        root: raw.root,
        site: std::sync::Arc::unwrap_or_clone(site.data),
        vocabulary,
        providers,
        activities,
        venues,
        changing_places,
        pages,
        images: raw.images,
        pictures,
        today,
        venue_index,
    })
}

/// One provider's own checks; those across files are made afterwards, in file order.
#[derive(Clone)]
pub(crate) struct ProviderChecked {
    reviewed: Option<Date>,
    /// Problems with the provider's own fields, reported before its activities'.
    diags: Vec<Diagnostic>,
    /// One for each of the file's activities, in order.
    activities: Vec<ActivityChecked>,
    /// The pictures its Easy Read lines name that resolved, for the directory.
    pictures: Vec<(String, Picture)>,
}

/// One activity's own checks, and what the directory keeps of it besides its data.
#[derive(Clone)]
struct ActivityChecked {
    id: String,
    /// `activities[N]`.
    path: String,
    /// Where id problems are reported: the `id:` given, or the name it was made from.
    id_at: String,
    /// Problems with the id itself, reported before the check that it is unique.
    id_diags: Vec<Diagnostic>,
    /// The rest of the activity's problems.
    diags: Vec<Diagnostic>,
    sessions: Arc<[Session]>,
}

/// An error about an activity's id, at `id_at`.
fn id_error(p: &Loaded<ProviderFile>, id_at: &str, message: String) -> Diagnostic {
    let pos = p.positions.value(id_at);
    Diagnostic::error(&p.file, message)
        .at(pos.line, pos.column)
        .field(id_at)
}

/// Ids must be slugs and unique within their folder (sub-folders could repeat a name).
fn check_ids<'a>(
    diags: &mut Diagnostics,
    folder: &str,
    files: impl Iterator<Item = (&'a String, &'a String)>,
) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (id, file) in files {
        if !is_slug(id) {
            diags.push(
                Diagnostic::error(
                    file,
                    format!("the file name \"{id}\" cannot be used in a web address"),
                )
                .help(format!(
                    "rename it to \"{}\" (lower-case letters, digits and hyphens)",
                    slugify(id)
                )),
            );
        }
        if crate::site::is_page_id(id) {
            diags.push(
                Diagnostic::error(
                    file,
                    format!("the file name \"{id}\" would clash with the page numbers of the /{folder}/ list"),
                )
                .help(format!("rename it, such as \"{id}-{}\"", folder.trim_end_matches('s'))),
            );
        }
        if let Some(other) = seen.insert(id, file) {
            diags.push(
                Diagnostic::error(file, format!("the id \"{id}\" is also used by {other}, so both would have the address /{folder}/{id}/"))
                    .help("rename one of the two files"),
            );
        }
    }
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// "Art & Crafts Club!" → "art-crafts-club".
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Number of words in an Easy Read line.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

impl Checker<'_> {
    /// Checks every provider in parallel, each part of the list with its own checker, or
    /// takes the checks `memo` kept; the results come back in file order and the pictures
    /// they name join this checker's.
    fn providers(
        &mut self,
        providers: &[Loaded<ProviderFile>],
        today: Date,
        venues: &foldhash::HashMap<String, usize>,
        memo: &mut CheckMemo,
    ) -> Vec<Arc<ProviderChecked>> {
        let kept = &*memo;
        let all: Vec<(Arc<ProviderChecked>, bool)> = providers
            .par_iter()
            .map_init(
                || self.helper(),
                |checker, p| match kept.provider(&p.file) {
                    Some(checked) => (checked, true),
                    None => (Arc::new(checker.provider(p, today, venues)), false),
                },
            )
            .collect();
        for (p, (checked, was_kept)) in providers.iter().zip(&all) {
            if !was_kept {
                memo.keep_provider(&p.file, checked);
            }
            for (name, picture) in &checked.pictures {
                if !self.pictures.contains_key(name) {
                    self.pictures.insert(name.clone(), picture.clone());
                }
            }
        }
        all.into_iter().map(|(checked, _)| checked).collect()
    }

    /// A checker for work done on another thread: it starts with the pictures known so far
    /// and keeps its own diagnostics.
    fn helper(&self) -> Self {
        Checker {
            diags: Diagnostics::default(),
            theme: self.theme,
            images: self.images,
            unreadable: self.unreadable,
            pictures: self.pictures.clone(),
            named_pictures: Vec::new(),
            vocabulary: self.vocabulary,
        }
    }

    fn provider(
        &mut self,
        p: &Loaded<ProviderFile>,
        today: Date,
        venues: &foldhash::HashMap<String, usize>,
    ) -> ProviderChecked {
        self.named_pictures.clear();
        let reviewed = self.date(p, "reviewed", &p.data.reviewed);
        if let Some(r) = reviewed {
            if r > today {
                self.diags.push(
                    p.error_at("reviewed", format!("{r} is in the future"))
                        .help("give the date the listing was last checked"),
                );
            } else if r
                .checked_add(jiff::Span::new().months(REVIEW_MONTHS))
                .is_ok_and(|due| due < today)
            {
                self.diags.push(
                    p.warning_at("reviewed", format!("this listing has not been reviewed for over 12 months (last reviewed {r})"))
                        .help("check the listing with the provider, then update `reviewed:`"),
                );
            }
        }
        self.contact_fields(p, p.data.email.as_deref(), p.data.website.as_deref());
        if p.data.activities.is_empty() {
            self.diags.push(
                p.error_at("activities", "a provider needs at least one activity")
                    .help("add an activity under `activities:`"),
            );
        }
        let diags = self.take_diags();
        let mut activities = Vec::new();
        for (ai, a) in p.data.activities.iter().enumerate() {
            let path = item("activities", ai);
            let id = match &a.id {
                Some(id) => {
                    self.slug(p, &field(&path, "id"), id);
                    id.clone()
                }
                None => slugify(&a.name),
            };
            let id_at = field(&path, if a.id.is_some() { "id" } else { "name" });
            if crate::site::is_page_id(&id) {
                self.diags.push(
                    id_error(p, &id_at, format!("the activity id \"{id}\" would clash with page {} of the list of all activities, at /activities/{id}/", &id[5..]))
                        .help(format!("give the activity an `id:` that is not \"page-\" and a number, such as `id: {id}-group`")),
                );
            }
            let id_diags = self.take_diags();
            let sessions = self.activity(p, &path, a, venues);
            activities.push(ActivityChecked {
                id,
                id_at,
                id_diags,
                diags: self.take_diags(),
                sessions: sessions.into(),
                path,
            });
        }
        ProviderChecked {
            reviewed,
            diags,
            activities,
            pictures: self.take_pictures(),
        }
    }

    /// The pictures named since the last call that resolved, each once.
    fn take_pictures(&mut self) -> Vec<(String, Picture)> {
        let mut names = std::mem::take(&mut self.named_pictures);
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .filter_map(|name| {
                let picture = self.pictures.get(&name)?.clone();
                Some((name, picture))
            })
            .collect()
    }

    /// The diagnostics found since the last call.
    fn take_diags(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diags).into_iter().collect()
    }

    fn vocabulary_file(&mut self, v: &Loaded<super::model::VocabularyFile>) -> Vocabulary {
        let d = &v.data;
        for (section, terms) in [
            ("categories", &d.categories),
            ("who_for", &d.who_for),
            ("access", &d.access),
            ("areas", &d.areas),
            ("support_types", &d.support_types),
        ] {
            let mut seen = HashMap::new();
            for (i, t) in terms.iter().enumerate() {
                let path = item(section, i);
                self.slug(v, &field(&path, "id"), &t.id);
                if let Some(first) = seen.insert(t.id.clone(), i) {
                    self.diags.push(
                        v.error_at(
                            &field(&path, "id"),
                            format!("the id \"{}\" is already used by {section}[{first}]", t.id),
                        )
                        .help("give each term its own id"),
                    );
                }
                self.picture(v, &field(&path, "picture"), &t.picture);
                // Signpost writes these words into its own Easy Read lines, so a broken
                // rule here is an error, like one in a line Signpost writes.
                let lists = easy_read_lint::Lists {
                    jargon: &d.jargon,
                    acronyms: &d.acronyms,
                };
                for finding in easy_read_lint::lint(&t.easy_read, &t.picture, lists)
                    .into_iter()
                    .filter(|x| x.rule != easy_read_lint::Rule::Picture)
                {
                    self.diags.push(
                        v.error_at(&field(&path, "easy_read"), finding.text())
                            .help(format!(
                                "{}; Signpost writes this into the Easy Read lines of every listing that uses it",
                                finding.help
                            )),
                    );
                }
            }
        }
        if !d.access.iter().any(|t| t.id == "changing-places") {
            self.diags.push(
                v.error_at(
                    "access",
                    "the access list needs a term with the id \"changing-places\"",
                )
                .help(
                    "add it back: Signpost gives it to every venue with a Changing Places toilet",
                ),
            );
        }
        Vocabulary {
            categories: d.categories.clone(),
            who_for: d.who_for.clone(),
            access: d.access.clone(),
            areas: d.areas.clone(),
            support_types: d.support_types.clone(),
            jargon: d.jargon.clone(),
            acronyms: d.acronyms.clone(),
        }
    }

    fn site(&mut self, s: &Loaded<super::model::SiteFile>) {
        let url = &s.data.base_url;
        if !(url.starts_with("https://") || url.starts_with("http://")) || !url.ends_with('/') {
            self.diags.push(
                s.error_at(
                    "base_url",
                    format!("\"{url}\" is not a web address Signpost can use"),
                )
                .help("write the full address, starting https:// and ending with /"),
            );
        }
        if let Some(tz) = &s.data.time_zone {
            if tz != "Europe/London" {
                self.diags.push(
                    s.error_at("time_zone", format!("\"{tz}\" is not supported"))
                        .help("use Europe/London"),
                );
            }
        }
        self.email(s, "changes_email", &s.data.changes_email);
        if let Some(e) = &s.data.contact.email {
            self.email(s, "contact.email", e);
        }
    }

    fn email<T>(&mut self, f: &Loaded<T>, path: &str, value: &str) {
        let ok = value.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !value.contains(' ')
        });
        if !ok {
            self.diags.push(
                f.error_at(path, format!("\"{value}\" is not an email address"))
                    .help("write it as name@example.org"),
            );
        }
    }

    fn contact_fields<T>(&mut self, f: &Loaded<T>, email: Option<&str>, website: Option<&str>) {
        if let Some(e) = email {
            self.email(f, "email", e);
        }
        if let Some(w) = website {
            if !(w.starts_with("https://") || w.starts_with("http://")) {
                self.diags.push(
                    f.error_at("website", format!("\"{w}\" is not a full web address"))
                        .help(format!("start it with https://, such as https://{w}")),
                );
            }
        }
    }

    fn slug<T>(&mut self, f: &Loaded<T>, path: &str, id: &str) {
        if !is_slug(id) {
            self.diags.push(
                f.error_at(path, format!("\"{id}\" cannot be used as an id"))
                    .help(format!(
                        "use lower-case letters, digits and hyphens, such as \"{}\"",
                        slugify(id)
                    )),
            );
        }
    }

    fn picture<T>(&mut self, f: &Loaded<T>, path: &str, name: &str) {
        if self.pictures.contains_key(name) {
            self.named_pictures.push(name.to_string());
            return;
        }
        match pictures::resolve(name, self.theme) {
            Ok(p) => {
                self.pictures.insert(name.to_string(), p);
                self.named_pictures.push(name.to_string());
            }
            Err(message) => self.diags.push(
                f.error_at(path, message)
                    .help("use one emoji in quotes, such as \"🎨\", or the name of a file in themes/default/pictures/"),
            ),
        }
    }

    fn term<T>(&mut self, f: &Loaded<T>, path: &str, kind: VocabKind, id: &str) {
        let Some(vocab) = &self.vocabulary else {
            return;
        };
        let terms: &[Term] = vocab.terms(kind);
        if terms.iter().any(|t| t.id == id) {
            return;
        }
        let d = f.error_at(path, format!("\"{id}\" is not {}", kind.noun()));
        let d = match did_you_mean(id, terms.iter().map(|t| t.id.as_str())) {
            Some(s) => d.help(format!("did you mean \"{s}\"?")),
            None => d.help(format!(
                "use one of the {} in vocabulary.yaml ({}), or add a new one there",
                kind.section(),
                terms
                    .iter()
                    .map(|t| t.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        self.diags.push(d);
    }

    fn date<T>(&mut self, f: &Loaded<T>, path: &str, text: &str) -> Option<Date> {
        match schedule::parse_date(text) {
            Ok(d) => Some(d),
            Err(message) => {
                self.diags.push(
                    f.error_at(path, message)
                        .help("write dates as YYYY-MM-DD, such as 2026-12-01"),
                );
                None
            }
        }
    }

    fn time<T>(&mut self, f: &Loaded<T>, path: &str, text: &str) -> Option<schedule::Time> {
        match schedule::parse_time(text) {
            Ok(t) => Some(t),
            Err(message) => {
                self.diags.push(
                    f.error_at(path, message)
                        .help("write times in 24-hour HH:MM, such as 09:30 or 18:15"),
                );
                None
            }
        }
    }

    fn venue_ref<T>(
        &mut self,
        f: &Loaded<T>,
        path: &str,
        id: &str,
        venues: &foldhash::HashMap<String, usize>,
    ) {
        if venues.contains_key(id) || self.unreadable.contains(&format!("venues/{id}")) {
            return;
        }
        let d = f.error_at(path, format!("there is no venue \"{id}\""));
        let d = match did_you_mean(id, venues.keys().map(String::as_str)) {
            Some(s) => d.help(format!("did you mean \"{s}\"?")),
            None => d.help(format!(
                "add venues/{id}.yaml, or use the id of a file in venues/"
            )),
        };
        self.diags.push(d);
    }

    fn easy_read_line<T>(&mut self, f: &Loaded<T>, path: &str, text: &str, picture: &str) {
        self.picture(f, &field(path, "picture"), picture);
        let (jargon, acronyms) = match &self.vocabulary {
            Some(v) => (v.jargon.as_slice(), v.acronyms.as_slice()),
            None => (&[][..], &[][..]),
        };
        let lists = easy_read_lint::Lists { jargon, acronyms };
        // A missing picture is already an error from the picture check above.
        for finding in easy_read_lint::lint(text, picture, lists)
            .into_iter()
            .filter(|x| x.rule != easy_read_lint::Rule::Picture)
        {
            self.diags.push(
                f.warning_at(&field(path, "text"), finding.text())
                    .help(finding.help),
            );
        }
        if text.trim().is_empty() {
            self.diags.push(
                f.error_at(&field(path, "text"), "this Easy Read line is empty")
                    .help("write one short sentence, or remove the line"),
            );
        }
    }

    fn activity(
        &mut self,
        p: &Loaded<super::model::ProviderFile>,
        path: &str,
        a: &super::model::ActivityFile,
        venues: &foldhash::HashMap<String, usize>,
    ) -> Vec<Session> {
        for (i, id) in a.categories.iter().enumerate() {
            self.term(
                p,
                &item(&field(path, "categories"), i),
                VocabKind::Category,
                id,
            );
        }
        for (i, id) in a.who_for.iter().enumerate() {
            self.term(p, &item(&field(path, "who_for"), i), VocabKind::WhoFor, id);
        }
        self.term(
            p,
            &field(path, "support"),
            VocabKind::SupportType,
            &a.support,
        );
        for (key, list) in [
            ("categories", a.categories.len()),
            ("who_for", a.who_for.len()),
            ("join", a.join.len()),
        ] {
            if list == 0 {
                self.diags.push(
                    p.error_at(
                        &field(path, key),
                        format!("\"{key}\" needs at least one entry"),
                    )
                    .help("add one, such as [first-choice]"),
                );
            }
        }
        if let Some(ratio) = &a.ratio {
            let ok = ratio.split_once(':').is_some_and(|(s, p)| {
                s.parse::<u8>().is_ok_and(|n| n > 0) && p.parse::<u8>().is_ok_and(|n| n > 0)
            });
            if !ok {
                self.diags.push(
                    p.error_at(
                        &field(path, "ratio"),
                        format!("\"{ratio}\" is not a staff ratio"),
                    )
                    .help("write staff:people in quotes, such as \"1:5\" or \"2:1\""),
                );
            }
        }
        let cost = &a.cost;
        let cost_path = field(path, "cost");
        match (cost.free, cost.amount) {
            (true, Some(x)) if x > 0.0 => self.diags.push(
                p.error_at(&cost_path, "the cost says both free and an amount")
                    .help("use `free: true` or `amount:`, not both"),
            ),
            (false, None) => self.diags.push(
                p.error_at(&cost_path, "the cost needs `free: true` or an `amount:`")
                    .help("add `free: true`, or `amount: 5` and `per: session`"),
            ),
            (_, Some(x)) if !(0.0..=10_000.0).contains(&x) => self.diags.push(
                p.error_at(
                    &field(&cost_path, "amount"),
                    format!("{x} is not a cost in pounds"),
                )
                .help("write the amount in pounds, such as 5 or 12.50"),
            ),
            (false, Some(_)) if cost.per.is_none() => self.diags.push(
                p.error_at(
                    &cost_path,
                    "the cost needs `per:` to say what the amount pays for",
                )
                .help("add `per: session` (or day, hour, week, month)"),
            ),
            _ => {}
        }
        if let Some(t) = &a.transport {
            if t.cost.is_some_and(|c| !(0.0..=1000.0).contains(&c)) {
                self.diags.push(
                    p.error_at(
                        &field(path, "transport.cost"),
                        "this is not a cost in pounds",
                    )
                    .help("write it in pounds, such as 3.50"),
                );
            }
        }
        match a.status {
            Status::TemporarilyClosed
                if a.status_message
                    .as_deref()
                    .is_none_or(|m| m.trim().is_empty()) =>
            {
                self.diags.push(
                    p.error_at(
                        &field(path, "status"),
                        "a temporarily closed activity needs a `status_message`",
                    )
                    .help("add `status_message:` saying why and when it opens again"),
                );
            }
            Status::Closed => {}
            _ if a.sessions.is_empty() => {
                self.diags
                    .push(p.error_at(path, "this activity has no sessions").help(
                        "add `sessions:` with at least one day and time, or set `status: closed`",
                    ))
            }
            _ => {}
        }
        for (i, line) in a.easy_read.iter().enumerate() {
            self.easy_read_line(
                p,
                &item(&field(path, "easy_read"), i),
                &line.text,
                &line.picture,
            );
        }
        for (i, photo) in a.photos.iter().enumerate() {
            let ppath = item(&field(path, "photos"), i);
            let file = photo.file.trim_start_matches("./");
            if !file.starts_with("images/") || file.contains("..") {
                self.diags.push(
                    p.error_at(
                        &field(&ppath, "file"),
                        format!("\"{}\" is not in the images/ folder", photo.file),
                    )
                    .help("put photos in content/images/ and write images/name.jpg"),
                );
            } else if !self.images.contains(file) {
                self.diags.push(
                    p.error_at(
                        &field(&ppath, "file"),
                        format!("the photo \"{}\" does not exist", photo.file),
                    )
                    .help("check the spelling, or add the photo to content/images/"),
                );
            }
            if photo.alt.trim().is_empty() {
                self.diags.push(
                    p.error_at(&field(&ppath, "alt"), "this photo has no alt text")
                        .help(
                            "say in a few words what the photo shows, for people who cannot see it",
                        ),
                );
            }
        }
        let mut sessions = Vec::new();
        for (i, s) in a.sessions.iter().enumerate() {
            if let Some(session) = self.session(p, &item(&field(path, "sessions"), i), s, venues) {
                sessions.push(session);
            }
        }
        sessions
    }

    fn session(
        &mut self,
        p: &Loaded<super::model::ProviderFile>,
        path: &str,
        s: &super::model::SessionFile,
        venues: &foldhash::HashMap<String, usize>,
    ) -> Option<Session> {
        match (&s.venue, s.online) {
            (Some(v), _) => self.venue_ref(p, &field(path, "venue"), v, venues),
            (None, true) => {}
            (None, false) => self.diags.push(
                p.error_at(path, "this session has no venue")
                    .help("add `venue:` with a venue id, or `online: true` for an online session"),
            ),
        }
        let start = self.time(p, &field(path, "start"), &s.start);
        let end = self.time(p, &field(path, "end"), &s.end);
        if let (Some(a), Some(b)) = (start, end) {
            if b <= a {
                self.diags.push(
                    p.error_at(
                        &field(path, "end"),
                        format!("the session ends ({b}) before it starts ({a})"),
                    )
                    .help("check the times are 24-hour, such as 13:00 for 1pm"),
                );
            }
        }
        let from = s
            .from
            .as_ref()
            .and_then(|t| self.date(p, &field(path, "from"), t));
        let until = s
            .until
            .as_ref()
            .and_then(|t| self.date(p, &field(path, "until"), t));
        if let (Some(a), Some(b)) = (from, until) {
            if b < a {
                self.diags.push(
                    p.error_at(
                        &field(path, "until"),
                        format!("{b} is before the start date {a}"),
                    )
                    .help("check the two dates"),
                );
            }
        }
        let recurrence = match (s.every, s.week) {
            (Every::Week, None) => Some(Recurrence::Weekly),
            (Every::Fortnight, None) => match (from, &s.from) {
                (Some(anchor), _) if weekday_of(anchor) != s.day => {
                    self.diags.push(
                        p.error_at(
                            &field(path, "from"),
                            format!(
                                "{anchor} is a {}, but this session is on {}s",
                                weekday_of(anchor).name(),
                                s.day.name()
                            ),
                        )
                        .help("give the date of a session that happened or will happen"),
                    );
                    None
                }
                (Some(anchor), _) => Some(Recurrence::Fortnightly(anchor)),
                (None, None) => {
                    self.diags.push(
                        p.error_at(
                            &field(path, "every"),
                            "a session every fortnight needs `from:`, the date of one session",
                        )
                        .help(format!(
                            "add `from:` with a date that is a {}",
                            s.day.name()
                        )),
                    );
                    None
                }
                (None, Some(_)) => None,
            },
            (Every::Month, Some(w)) => Some(Recurrence::Monthly(w)),
            (Every::Month, None) => {
                self.diags.push(
                    p.error_at(
                        &field(path, "every"),
                        "a monthly session needs `week:` to say which week of the month",
                    )
                    .help("add `week: first` (or second, third, fourth, last)"),
                );
                None
            }
            (_, Some(_)) => {
                self.diags.push(
                    p.error_at(
                        &field(path, "week"),
                        "`week:` is only for sessions with `every: month`",
                    )
                    .help("remove `week:`, or set `every: month`"),
                );
                None
            }
        };
        let mut session = Session {
            venue: s.venue.clone(),
            online: s.online,
            online_how: s.online_how.clone(),
            day: s.day,
            start: start?,
            end: end?,
            recurrence: recurrence?,
            from,
            until,
            changes: Vec::new(),
        };
        let mut seen_dates = HashMap::new();
        for (i, c) in s.changes.iter().enumerate() {
            let cpath = item(&field(path, "changes"), i);
            let Some(date) = self.date(p, &field(&cpath, "date"), &c.date) else {
                continue;
            };
            if let Some(first) = seen_dates.insert(date, i) {
                self.diags.push(
                    p.error_at(
                        &field(&cpath, "date"),
                        format!("{date} already has a change (changes[{first}])"),
                    )
                    .help("put both changes for one date in one entry"),
                );
            }
            if !session.runs_on(date) {
                let why = if weekday_of(date) != session.day {
                    format!(
                        "{date} is a {}, but this session is on {}",
                        weekday_of(date).name(),
                        session.pattern_words()
                    )
                } else {
                    format!(
                        "this session does not run on {date} ({})",
                        session.pattern_words()
                    )
                };
                self.diags.push(
                    p.error_at(&field(&cpath, "date"), why)
                        .help("check the date: a change must be on a day the session runs"),
                );
                continue;
            }
            let moved = c.start.is_some() || c.end.is_some() || c.venue.is_some();
            let kind = match (c.cancelled, moved) {
                (true, true) => {
                    self.diags.push(
                        p.error_at(&cpath, "a change cannot both cancel and move the session")
                            .help("remove `cancelled: true`, or remove the new times and venue"),
                    );
                    continue;
                }
                (false, false) => {
                    self.diags.push(p.error_at(&cpath, "this change does not say what changes").help("add `cancelled: true`, or new `start:` and `end:` times, or a new `venue:`"));
                    continue;
                }
                (true, false) => ChangeKind::Cancelled,
                (false, true) => {
                    if let Some(v) = &c.venue {
                        self.venue_ref(p, &field(&cpath, "venue"), v, venues);
                    }
                    let new_start = match &c.start {
                        Some(t) => self.time(p, &field(&cpath, "start"), t),
                        None => Some(session.start),
                    };
                    let new_end = match &c.end {
                        Some(t) => self.time(p, &field(&cpath, "end"), t),
                        None => Some(session.end),
                    };
                    let (Some(ns), Some(ne)) = (new_start, new_end) else {
                        continue;
                    };
                    if ne <= ns {
                        self.diags.push(
                            p.error_at(
                                &field(&cpath, "end"),
                                format!("the moved session ends ({ne}) before it starts ({ns})"),
                            )
                            .help("check the new times"),
                        );
                        continue;
                    }
                    ChangeKind::Moved {
                        start: ns,
                        end: ne,
                        venue: c.venue.clone(),
                    }
                }
            };
            session.changes.push(Change {
                date,
                kind,
                reason: c.reason.clone(),
            });
        }
        Some(session)
    }

    fn venue(&mut self, v: Loaded<super::model::VenueFile>, cps: &HashMap<String, usize>) -> Venue {
        self.term(&v, "area", VocabKind::Area, &v.data.area);
        for (i, id) in v.data.access.iter().enumerate() {
            self.term(&v, &item("access", i), VocabKind::Access, id);
        }
        if let Some(c) = &v.data.coordinates {
            if !(-90.0..=90.0).contains(&c.lat) || !(-180.0..=180.0).contains(&c.lon) {
                self.diags.push(v.error_at("coordinates", "these are not map coordinates").help("give lat (-90 to 90) and lon (-180 to 180), such as { lat: 52.45, lon: -1.88 }"));
            }
        }
        let changing_place = match &v.data.changing_places {
            Some(id) => match cps.get(id) {
                Some(&i) => Some(i),
                None if self.unreadable.contains(&format!("changing-places/{id}")) => None,
                None => {
                    let d = v.error_at(
                        "changing_places",
                        format!("there is no Changing Places toilet \"{id}\""),
                    );
                    let d = match did_you_mean(id, cps.keys().map(String::as_str)) {
                        Some(s) => d.help(format!("did you mean \"{s}\"?")),
                        None => d.help(format!("add changing-places/{id}.yaml, or use the id of a file in changing-places/")),
                    };
                    self.diags.push(d);
                    None
                }
            },
            None => None,
        };
        Venue {
            access: v.data.access.clone(),
            id: v.id,
            file: v.file,
            data: v.data,
            changing_place,
        }
    }

    fn changing_place(
        &mut self,
        cp: &Loaded<super::model::ChangingPlaceFile>,
        venues: &[Venue],
        venue_index: &foldhash::HashMap<String, usize>,
    ) -> ChangingPlace {
        let d = &cp.data;
        let venue = d.venue.as_ref().and_then(|id| {
            self.venue_ref(cp, "venue", id, venue_index);
            venue_index.get(id).copied()
        });
        let area = match (&d.area, venue) {
            (Some(a), _) => {
                self.term(cp, "area", VocabKind::Area, a);
                a.clone()
            }
            (None, Some(vi)) => venues[vi].data.area.clone(),
            (None, None) => {
                if d.venue.is_none() {
                    self.diags.push(cp.error_at("", "a Changing Places toilet needs `venue:`, or `address:`, `postcode:` and `area:`").help("add the venue id, or the address, postcode and area of a public toilet"));
                }
                String::new()
            }
        };
        if venue.is_none() && d.venue.is_none() {
            for (key, value) in [("address", &d.address), ("postcode", &d.postcode)] {
                if value.is_none() && d.area.is_some() {
                    self.diags.push(
                        cp.error_at("", format!("the required field \"{key}\" is missing"))
                            .field(key)
                            .help(format!(
                                "add `{key}:` (or `venue:` if it is in a listed venue)"
                            )),
                    );
                }
            }
        }
        let mut hours = Vec::new();
        for (day, value) in d.opening_hours.by_day() {
            let Some(text) = value else { continue };
            let path = field("opening_hours", day.id());
            let Some((a, b)) = text.split_once('-') else {
                self.diags.push(cp.error_at(&path, format!("\"{text}\" is not opening hours")).help("write them as HH:MM-HH:MM, such as 09:00-17:00; leave the day out when it is closed"));
                continue;
            };
            let (Some(open), Some(close)) = (
                self.time(cp, &path, a.trim()),
                self.time(cp, &path, b.trim()),
            ) else {
                continue;
            };
            if close <= open {
                self.diags.push(
                    cp.error_at(
                        &path,
                        format!("it closes ({close}) before it opens ({open})"),
                    )
                    .help("check the times are 24-hour"),
                );
                continue;
            }
            hours.push((day, open, close));
        }
        ChangingPlace {
            id: cp.id.clone(),
            file: cp.file.clone(),
            data: super::model::ChangingPlaceFile::clone(d),
            area,
            venue,
            hours,
        }
    }
}
