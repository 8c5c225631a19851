//! What a rebuild after an edit can reuse from the build before it.
//!
//! `serve` keeps a [`Memo`] of its last build: the listing files it was made from, each
//! activity's card, the files each listing's own pages made, and a key for every other page.
//! When only provider listings changed since, the next build makes again only the cards and
//! pages of the activities, providers and venues those listings touch, and keeps the other
//! listings' pages as they are. Pages every build derives (home, lists, timetables, changes)
//! are derived again, and rendered only when what they are made from changed. Any other
//! change (site settings, vocabulary, venues, text pages, photos, the theme, the date) makes
//! the rebuild derive everything. The result is always the site a full build makes, which
//! `tests/incremental.rs` checks byte for byte.

use crate::content::load::LoadCache;
use crate::content::Directory;
use crate::pictures::Picture;
use crate::site::{ActivityWeeks, Card, Deriver, PageJob, ReusedActivity};
use foldhash::{HashMap, HashSet};
use std::sync::Arc;

/// What a build was made from: one hash for everything besides provider listings, and a hash
/// of each provider listing by its path below the content folder.
#[derive(Debug, PartialEq)]
pub struct Inputs {
    context: u64,
    providers: HashMap<String, u64>,
}

impl Inputs {
    /// The inputs of a build that read its listings through `cache` (which must keep what it
    /// reads: a one-off cache gives None), with the theme and the date.
    pub fn read(cache: &LoadCache, options: &crate::Options) -> Option<Inputs> {
        if !cache.keeps() {
            return None;
        }
        let mut context = xxhash_rust::xxh3::Xxh3::new();
        let mut providers = HashMap::default();
        for (file, stamp) in cache.stamps(&options.content) {
            if file.starts_with("providers/") {
                providers.insert(file, stamp);
            } else {
                context.update(file.as_bytes());
                context.update(&stamp.to_le_bytes());
            }
        }
        context.update(options.content.to_string_lossy().as_bytes());
        context.update(options.today.to_string().as_bytes());
        for entry in walkdir::WalkDir::new(&options.theme).sort_by_file_name() {
            let entry = entry.ok()?;
            if entry.file_type().is_file() {
                context.update(entry.path().to_string_lossy().as_bytes());
                context.update(&std::fs::read(entry.path()).ok()?);
            }
        }
        Some(Inputs {
            context: context.digest(),
            providers,
        })
    }

    /// The hash of everything besides provider listings.
    pub fn context(&self) -> u64 {
        self.context
    }

    /// The hash of the provider listing `file` (below the content folder), if it was read.
    pub fn provider(&self, file: &str) -> Option<u64> {
        self.providers.get(file).copied()
    }
}

/// A listing with pages of its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Listing {
    Activity(String),
    Provider(String),
    Venue(String),
    ChangingPlace(String),
}

/// The files a listing's page made and the pictures it shows (by file name, once each).
/// Shared between memos: a rebuild keeps most listings as they were.
#[derive(Debug, Default)]
pub struct Made {
    pub files: Vec<String>,
    pub pictures: Vec<String>,
}

/// What the last build made of one activity. Shared between memos: a rebuild keeps most
/// activities as they were.
#[derive(Debug)]
struct ActivityMemo {
    card: Arc<Card>,
    card_html: Arc<str>,
    /// The pictures the card shows, by file name.
    card_pictures: Arc<[String]>,
    weeks: Arc<ActivityWeeks>,
    /// The venues with a session of this activity: their pages list it.
    venues: Vec<String>,
}

/// What the last build made, for the next one to reuse (see the module comment).
#[derive(Debug, Default)]
pub struct Memo {
    /// What the build was made from; None when it recorded nothing (a one-off build).
    inputs: Option<Inputs>,
    /// Each provider listing's id and activity ids, by file.
    providers: HashMap<String, (String, Vec<String>)>,
    activities: HashMap<String, Arc<ActivityMemo>>,
    listings: HashMap<Listing, Arc<Made>>,
    /// The export files each activity and provider made of its own (its calendar and Open
    /// Referral detail files), kept with its pages.
    own_exports: HashMap<Listing, Arc<[String]>>,
    /// For pages every build derives: a hash of what each was rendered from, by path, and
    /// for pages keyed before they were made (see `site::known`), the pictures they show.
    page_keys: HashMap<String, (u64, Vec<String>)>,
    /// The whole site's export files and the search index: a rebuild after an edit makes
    /// them after the pages (see `rebuild_changed_pages_first`).
    later: HashSet<String>,
    /// Every picture the site shows, by file name.
    pictures: HashMap<String, Picture>,
    /// The theme's templates and CSS as the build read them.
    theme: Option<Arc<crate::render::Theme>>,
}

/// Which listings' cards and pages a build reuses, by index into the directory.
pub struct Plan {
    /// Whether everything besides provider listings is as it was: only then are the keys
    /// of pages every build derives comparable (they leave out the theme and settings).
    pub same_context: bool,
    pub activities: Vec<bool>,
    pub providers: Vec<bool>,
    pub venues: Vec<bool>,
    pub changing_places: Vec<bool>,
}

impl Plan {
    /// Reusing nothing.
    pub fn none(dir: &Directory) -> Plan {
        Plan {
            same_context: false,
            activities: vec![false; dir.activities.len()],
            providers: vec![false; dir.providers.len()],
            venues: vec![false; dir.venues.len()],
            changing_places: vec![false; dir.changing_places.len()],
        }
    }

    /// Whether `job` is a listing's page that is kept from the last build.
    pub fn reuses(&self, job: PageJob) -> bool {
        match job {
            PageJob::Activity(i) => self.activities[i],
            PageJob::Provider(i) => self.providers[i],
            PageJob::Venue(i) => self.venues[i],
            PageJob::ChangingPlace(i) => self.changing_places[i],
            _ => false,
        }
    }

    /// The activities that listings' own files made by a build with this plan show: those
    /// not reused, and those of providers not reused (a provider's files list its
    /// activities).
    pub fn activities_shown(&self, dir: &Directory) -> Vec<bool> {
        let mut shown: Vec<bool> = self.activities.iter().map(|reused| !reused).collect();
        for (p, reused) in dir.providers.iter().zip(&self.providers) {
            if !reused {
                for &i in &p.activities {
                    shown[i] = true;
                }
            }
        }
        shown
    }

    /// Whether anything is reused at all.
    pub fn reuses_any(&self) -> bool {
        [
            &self.activities,
            &self.providers,
            &self.venues,
            &self.changing_places,
        ]
        .iter()
        .any(|v| v.iter().any(|&r| r))
    }
}

impl Memo {
    /// What a build of `dir` from `inputs` can reuse: nothing unless only provider listings
    /// changed since this memo was made.
    pub fn plan(&self, dir: &Directory, inputs: Option<&Inputs>) -> Plan {
        let mut plan = Plan::none(dir);
        let (Some(now), Some(before)) = (inputs, &self.inputs) else {
            return plan;
        };
        if now.context != before.context {
            return plan;
        }
        plan.same_context = true;
        // Provider files added, changed or removed.
        let mut changed: HashSet<&str> = now
            .providers
            .iter()
            .filter(|(file, stamp)| before.providers.get(*file) != Some(stamp))
            .map(|(file, _)| file.as_str())
            .collect();
        changed.extend(
            before
                .providers
                .keys()
                .filter(|f| !now.providers.contains_key(*f))
                .map(String::as_str),
        );
        // Their activities, before and now, and the venues those have sessions at.
        let mut activities: HashSet<&str> = HashSet::default();
        for file in &changed {
            if let Some((_, ids)) = self.providers.get(*file) {
                activities.extend(ids.iter().map(String::as_str));
            }
        }
        for p in dir
            .providers
            .iter()
            .filter(|p| changed.contains(p.file.as_str()))
        {
            activities.extend(p.activities.iter().map(|&i| dir.activities[i].id.as_str()));
        }
        let mut venues: HashSet<&str> = HashSet::default();
        for id in &activities {
            if let Some(a) = self.activities.get(*id) {
                venues.extend(a.venues.iter().map(String::as_str));
            }
        }
        for a in dir
            .activities
            .iter()
            .filter(|a| activities.contains(a.id.as_str()))
        {
            venues.extend(a.sessions.iter().filter_map(|s| s.venue.as_deref()));
        }
        let made = |listing: Listing| self.listings.contains_key(&listing);
        let made_with_exports = |listing: Listing| {
            self.own_exports.contains_key(&listing) && self.listings.contains_key(&listing)
        };
        for (i, a) in dir.activities.iter().enumerate() {
            plan.activities[i] = !activities.contains(a.id.as_str())
                && self.activities.contains_key(&a.id)
                && made_with_exports(Listing::Activity(a.id.clone()));
        }
        for (i, p) in dir.providers.iter().enumerate() {
            plan.providers[i] = !changed.contains(p.file.as_str())
                && made_with_exports(Listing::Provider(p.id.clone()));
        }
        for (i, v) in dir.venues.iter().enumerate() {
            plan.venues[i] = !venues.contains(v.id.as_str()) && made(Listing::Venue(v.id.clone()));
        }
        for (i, c) in dir.changing_places.iter().enumerate() {
            plan.changing_places[i] = made(Listing::ChangingPlace(c.id.clone()));
        }
        plan
    }

    /// What the last build made of activity `i`, when the plan reuses it.
    fn activity(&self, plan: &Plan, dir: &Directory, i: usize) -> Option<&Arc<ActivityMemo>> {
        if !plan.activities[i] {
            return None;
        }
        self.activities.get(&dir.activities[i].id)
    }

    /// What the last build made of activity `i` (its card and its part of the timetables),
    /// when the plan reuses it and the last build published the card's pictures.
    pub fn reused(&self, plan: &Plan, dir: &Directory, i: usize) -> Option<ReusedActivity> {
        let a = self.activity(plan, dir, i)?;
        a.card_pictures
            .iter()
            .all(|name| self.pictures.contains_key(name))
            .then(|| ReusedActivity {
                card: a.card.clone(),
                card_pictures: a.card_pictures.clone(),
                weeks: a.weeks.clone(),
            })
    }

    /// Activity `i`'s card as HTML from the last build, when the plan reuses it.
    pub fn card_html(&self, plan: &Plan, dir: &Directory, i: usize) -> Option<Arc<str>> {
        self.activity(plan, dir, i).map(|a| a.card_html.clone())
    }

    /// What a kept listing's page made.
    pub fn kept(&self, listing: &Listing) -> Option<&Arc<Made>> {
        self.listings.get(listing)
    }

    /// The export files a kept listing made of its own.
    pub fn own_exports(&self, listing: &Listing) -> Option<&Arc<[String]>> {
        self.own_exports.get(listing)
    }

    /// The theme as the last build read it, when nothing but listings changed since (the
    /// theme is among everything else, see `Inputs`).
    pub fn theme(&self, inputs: Option<&Inputs>) -> Option<Arc<crate::render::Theme>> {
        let (now, before) = (inputs?, self.inputs.as_ref()?);
        (now.context == before.context)
            .then(|| self.theme.clone())
            .flatten()
    }

    /// A picture the last build published, by file name.
    pub fn picture(&self, file_name: &str) -> Option<&Picture> {
        self.pictures.get(file_name)
    }

    /// Whether the page at `path` was rendered from `key` last time.
    pub fn same_page(&self, path: &str, key: u64) -> bool {
        self.page_keys.get(path).is_some_and(|(k, _)| *k == key)
    }

    /// The pictures the page at `path` shows, if it was made from `key` last time.
    pub fn page_pictures(&self, path: &str, key: u64) -> Option<Vec<Picture>> {
        let (_, names) = self.page_keys.get(path).filter(|(k, _)| *k == key)?;
        names
            .iter()
            .map(|name| self.pictures.get(name).cloned())
            .collect()
    }

    /// Whether the file at `path` is one of the whole site's exports or the search index
    /// (made after the pages by a rebuild after an edit).
    pub fn is_later(&self, path: &str) -> bool {
        self.later.contains(path)
    }

    /// The files made after the pages, each once.
    pub fn later_files(&self) -> impl Iterator<Item = &str> {
        self.later.iter().map(String::as_str)
    }

    /// The files made after the pages are now `paths`.
    pub fn set_later(&mut self, paths: Vec<String>) {
        self.later = paths.into_iter().collect();
    }
}

/// The memo a build fills in as it goes, to replace the last one once the build succeeded.
/// A one-off build records nothing.
#[derive(Debug, Default)]
pub struct Recorder {
    inputs: Option<Inputs>,
    memo: Option<std::sync::Mutex<Memo>>,
}

impl Recorder {
    /// Records a build made from `inputs`; with none, nothing is recorded.
    pub fn new(inputs: Option<Inputs>) -> Recorder {
        Recorder {
            memo: inputs
                .as_ref()
                .map(|_| std::sync::Mutex::new(Memo::default())),
            inputs,
        }
    }

    /// What the build is made from, when it is recorded.
    pub fn inputs(&self) -> Option<&Inputs> {
        self.inputs.as_ref()
    }

    pub fn is_recording(&self) -> bool {
        self.memo.is_some()
    }

    fn with(&self, f: impl FnOnce(&mut Memo)) {
        if let Some(memo) = &self.memo {
            if let Ok(mut m) = memo.lock() {
                f(&mut m);
            }
        }
    }

    /// Every activity's card and its HTML, and every provider's activities; what `plan`
    /// reuses is shared with `last`.
    pub fn cards(&self, deriver: &Deriver, card_html: &[Arc<str>], last: &Memo, plan: &Plan) {
        if !self.is_recording() {
            return;
        }
        let dir = deriver.dir;
        let reused: Vec<Option<&Arc<ActivityMemo>>> = (0..dir.activities.len())
            .map(|i| last.activity(plan, dir, i))
            .collect();
        let mut venues: Vec<Vec<String>> = vec![Vec::new(); dir.activities.len()];
        for (v, activities) in deriver.venue_activities().iter().enumerate() {
            for &a in activities.iter().filter(|&&a| reused[a].is_none()) {
                venues[a].push(dir.venues[v].id.clone());
            }
        }
        self.with(|m| {
            for p in &dir.providers {
                let ids = p
                    .activities
                    .iter()
                    .map(|&i| dir.activities[i].id.clone())
                    .collect();
                m.providers.insert(p.file.clone(), (p.id.clone(), ids));
            }
            for (i, (a, venues)) in dir.activities.iter().zip(venues).enumerate() {
                let made = match reused[i] {
                    Some(made) => made.clone(),
                    None => Arc::new(ActivityMemo {
                        card: deriver.cards()[i].clone(),
                        card_html: card_html[i].clone(),
                        card_pictures: deriver.card_pictures(i).clone(),
                        weeks: deriver.activity_weeks_of(i).clone(),
                        venues,
                    }),
                };
                m.activities.insert(a.id.clone(), made);
            }
        });
    }

    /// The files a listing's page made and the pictures it shows.
    pub fn listing(&self, listing: Listing, files: Vec<String>, mut pictures: Vec<String>) {
        pictures.sort();
        pictures.dedup();
        self.kept_listings(vec![(listing, Arc::new(Made { files, pictures }))]);
    }

    /// What listings kept from the last build made then, all at once.
    pub fn kept_listings(&self, kept: Vec<(Listing, Arc<Made>)>) {
        self.with(|m| m.listings.extend(kept));
    }

    /// The export files listings made of their own, each with its listing: those made by
    /// this build (`made`, by index into `dir`) and those `kept` from the last.
    pub fn own_exports(
        &self,
        dir: &Directory,
        made: Vec<(crate::export::Owner, String)>,
        kept: Vec<(Listing, Arc<[String]>)>,
    ) {
        if !self.is_recording() {
            return;
        }
        let mut by_owner: HashMap<crate::export::Owner, Vec<String>> = HashMap::default();
        for (owner, path) in made {
            by_owner.entry(owner).or_default().push(path);
        }
        self.with(|m| {
            m.own_exports.reserve(by_owner.len() + kept.len());
            for (owner, paths) in by_owner {
                let listing = match owner {
                    crate::export::Owner::Activity(i) => {
                        Listing::Activity(dir.activities[i].id.clone())
                    }
                    crate::export::Owner::Provider(i) => {
                        Listing::Provider(dir.providers[i].id.clone())
                    }
                };
                m.own_exports.insert(listing, paths.into());
            }
            m.own_exports.extend(kept);
        });
    }

    /// The key of a page every build derives, and the pictures it shows if it was keyed
    /// before it was made.
    pub fn page_key(&self, path: &str, key: u64, pictures: Vec<String>) {
        self.with(|m| {
            m.page_keys.insert(path.to_string(), (key, pictures));
        });
    }

    /// The whole site's export files and the search index (see `Memo::is_later`).
    pub fn later(&self, paths: Vec<String>) {
        self.with(|m| m.set_later(paths));
    }

    /// Every picture the site shows.
    pub fn pictures(&self, used: Vec<Picture>) {
        self.with(|m| {
            m.pictures = used.into_iter().map(|p| (p.file_name.clone(), p)).collect();
        });
    }

    /// The theme's templates and CSS.
    pub fn theme(&self, theme: Arc<crate::render::Theme>) {
        self.with(|m| m.theme = Some(theme));
    }

    /// The memo, once the build succeeded; None when nothing was recorded.
    pub fn finish(self) -> Option<Memo> {
        let mut memo = self.memo?.into_inner().unwrap_or_else(|e| e.into_inner());
        memo.inputs = self.inputs;
        Some(memo)
    }
}

/// The listing a job's page belongs to, if it is a listing's own page.
pub fn listing_of(dir: &Directory, job: PageJob) -> Option<Listing> {
    Some(match job {
        PageJob::Activity(i) => Listing::Activity(dir.activities[i].id.clone()),
        PageJob::Provider(i) => Listing::Provider(dir.providers[i].id.clone()),
        PageJob::Venue(i) => Listing::Venue(dir.venues[i].id.clone()),
        PageJob::ChangingPlace(i) => Listing::ChangingPlace(dir.changing_places[i].id.clone()),
        _ => return None,
    })
}

/// A hash of everything a page is rendered from: its template, its values, its structured
/// data and the cards it lists.
pub fn page_key(page: &crate::site::PageSpec, values: &[u8], json_ld: &str, cards: &[u64]) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(page.template.as_bytes());
    h.update(&[0]);
    h.update(values);
    h.update(&[0]);
    h.update(json_ld.as_bytes());
    for c in cards {
        h.update(&c.to_le_bytes());
    }
    h.digest()
}
