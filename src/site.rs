//! The site model: everything the templates need, derived once from the [`Directory`].
//!
//! Each page is a template name, an output path and a serialisable context. Templates never
//! compute facts; they only lay out what is here. Field names are the templates' contract.

use crate::content::model::{HoistType, Status, Term, Weekday};
use crate::content::{Activity, Directory, VocabKind};
use crate::easy_read::{self, and_list, cost_words, join_label, pay_label, pounds, time_range};
use crate::pictures::{self, PictureSet};
use crate::schedule::{self, ChangeKind, Occurrence, Session, ALL_DAYS};
use jiff::civil::Date;
use jiff::Span;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

mod changes;
mod known;
mod list_pages;
mod my_list;
mod timetable;

pub use known::{Known, LastPage, PageKeys};
use list_pages::CardList;
pub use list_pages::{is_page_id, page_path, Pagination, CARDS_PER_PAGE, ITEMS_PER_PAGE};
pub use timetable::{ActivityWeeks, WEEK_ON_ONE_PAGE};

/// How far ahead "next dates" look, and how many are shown.
const NEXT_DATES_WEEKS: i64 = 8;
const NEXT_DATES_SHOWN: usize = 10;
/// Changes within this many days are shown as banners.
const ALERT_DAYS: i64 = 14;

/// One page to write.
pub struct PageSpec {
    /// Output path below the site root, such as `activities/art/index.html`.
    pub path: String,
    pub template: &'static str,
    pub context: tera::Context,
    /// Activities whose cards the page lists, in order (rendered once each, see `render`).
    pub cards: Vec<usize>,
    /// For a page keyed before it was made: its key, and whether it is kept as published.
    pub known: Option<Known>,
}

/// One kind of page to derive (see `Deriver::jobs`); numbers index the directory's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageJob {
    Home,
    Activity(usize),
    ActivitiesIndex,
    Provider(usize),
    ProvidersIndex,
    Venue(usize),
    VenuesIndex,
    ChangingPlace(usize),
    ChangingPlacesIndex,
    /// The browse hubs (what, who, access, where, support, when).
    BrowseHubs,
    /// The lists of activities with each term of one vocabulary.
    BrowseTerms(VocabKind),
    /// The lists of activities on each day and time of day.
    BrowseWhen,
    /// This week (0) or next week (1).
    Timetable(usize),
    /// A day (0 is Monday) of a week too long for one page: this week (0) or next week (1).
    TimetableDay(usize, usize),
    Changes,
    MyList,
    Text(usize),
    Search,
    Attributions,
    Coverage,
    NotFound,
}

/// A picture ready for `<img>`: its URL. Alt text is empty because text always sits beside it.
#[derive(Debug, Clone, Serialize)]
pub struct Pic {
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EasyLine {
    pub text: String,
    pub picture: Pic,
    pub own: bool,
}

/// A link with an Easy Read label and a picture: the home page and browse hubs use these.
#[derive(Debug, Clone, Serialize)]
pub struct PictureLink {
    pub label: String,
    pub easy_read: String,
    pub url: String,
    pub picture: Pic,
    /// How many activities are behind the link.
    pub count: usize,
}

/// A dated change shown as a banner: "Cancelled on Monday 30 November: staff training".
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    /// `cancelled` or `moved`.
    pub kind: &'static str,
    pub date: String,
    pub date_iso: String,
    pub text: String,
    pub picture: Pic,
    pub activity_name: String,
    pub activity_url: String,
}

/// A short summary of an activity for lists.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub id: String,
    pub name: String,
    pub url: String,
    pub summary: String,
    pub provider_name: String,
    pub provider_url: String,
    pub picture: Pic,
    /// "Mondays, 10am to 12 noon", one per session.
    pub when: Vec<String>,
    /// "Brookside Hall, Ashby" or "Online", once each.
    pub places: Vec<String>,
    pub cost: String,
    /// `running`, `temporarily-closed` or `closed`.
    pub status: &'static str,
    pub status_message: Option<String>,
    pub alerts: Vec<Alert>,
    pub changing_places: bool,
    pub evening: bool,
    pub weekend: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermLink {
    pub label: String,
    pub easy_read: String,
    pub url: String,
    pub picture: Pic,
}

#[derive(Debug, Clone, Serialize)]
pub struct VenueRef {
    pub name: String,
    pub url: String,
    pub address: String,
    pub postcode: String,
    pub area: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    /// "Mondays", "Mondays, every 2 weeks", "the first Monday of each month".
    pub pattern: String,
    /// "10am to 12 noon".
    pub times: String,
    pub start: String,
    pub end: String,
    pub venue: Option<VenueRef>,
    pub online: bool,
    pub online_how: Option<String>,
    /// "From 7 September 2026", "Until 20 July 2027", or both.
    pub dates: Option<String>,
    /// Parts of the day it belongs to: morning, afternoon, evening, weekend.
    pub parts: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// "Monday 30 November".
    pub date: String,
    pub date_iso: String,
    pub times: String,
    pub place: String,
    /// `on`, `cancelled` or `moved`.
    pub status: &'static str,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub title: String,
    pub description: String,
    /// Path below the root, such as `activities/art/`; empty for the home page.
    pub path: String,
    pub kind: &'static str,
    /// Breadcrumbs, from Home down to the parent of this page.
    pub crumbs: Vec<Link>,
}

/// What a rebuild reuses of an activity from the build before (see `Deriver::reusing`).
pub struct ReusedActivity {
    pub card: Arc<Card>,
    /// The file names of the pictures the card shows.
    pub card_pictures: Arc<[String]>,
    pub weeks: Arc<ActivityWeeks>,
}

/// Everything the derive step needs besides the directory.
pub struct Deriver<'a> {
    pub dir: &'a Directory,
    pub theme: &'a Path,
    pub root: String,
    pub pictures: PictureSet,
    cards: Vec<Arc<Card>>,
    /// The pictures each card shows, by file name (for `incremental`).
    card_pictures: Vec<Arc<[String]>>,
    /// Each activity's part of the timetables.
    weeks: Vec<Arc<ActivityWeeks>>,
    /// Each activity's place in name order (see `cards_for`), computed once.
    name_rank: Vec<usize>,
    /// For each venue (by index), the activities with a session there, in index order.
    venue_activities: Vec<Vec<usize>>,
    /// `activities_with` for every term, computed once (see `facet_memberships`).
    facets: Facets,
    /// Set when pages are keyed before they are made (see `known`).
    page_keys: Option<PageKeys<'a>>,
    hub_sections: std::sync::OnceLock<Vec<HubSection>>,
}

/// "Monday 30 November".
pub fn date_words(d: Date) -> String {
    d.strftime("%A %-d %B").to_string()
}

/// "30 November 2026".
pub fn long_date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

impl<'a> Deriver<'a> {
    pub fn new(dir: &'a Directory, theme: &'a Path) -> Deriver<'a> {
        Self::reusing(dir, theme, |_| None)
    }

    /// `new`, taking what `reuse(i)` gives of activity `i` instead of making it (the caller
    /// adds the card's pictures to `pictures`): a rebuild after an edit makes only the edited
    /// activities' cards and timetable parts.
    pub fn reusing(
        dir: &'a Directory,
        theme: &'a Path,
        reuse: impl Fn(usize) -> Option<ReusedActivity> + Sync,
    ) -> Deriver<'a> {
        let root = url_path(&dir.site.base_url);
        let mut d = Deriver {
            dir,
            theme,
            root,
            pictures: PictureSet::default(),
            cards: Vec::new(),
            card_pictures: Vec::new(),
            weeks: Vec::new(),
            name_rank: Vec::new(),
            venue_activities: Vec::new(),
            facets: Default::default(),
            page_keys: None,
            hub_sections: std::sync::OnceLock::new(),
        };
        use rayon::prelude::*;
        // The cards and timetable parts, and (alongside: they need none of those) the
        // orders and memberships lists are made from.
        let (made, (name_rank, (venue_activities, facets))) = rayon::join(
            || {
                (0..dir.activities.len())
                    .into_par_iter()
                    .map(|i| {
                        reuse(i).unwrap_or_else(|| {
                            let (card, pictures) = pictures::recording(|| d.card(i));
                            ReusedActivity {
                                card: Arc::new(card),
                                card_pictures: pictures.into(),
                                weeks: Arc::new(d.activity_weeks(i)),
                            }
                        })
                    })
                    .collect::<Vec<ReusedActivity>>()
            },
            || {
                rayon::join(
                    || name_ranks(dir),
                    || rayon::join(|| venue_activities(dir), || facet_memberships(dir)),
                )
            },
        );
        d.name_rank = name_rank;
        d.venue_activities = venue_activities;
        d.facets = facets;
        for m in made {
            d.cards.push(m.card);
            d.card_pictures.push(m.card_pictures);
            d.weeks.push(m.weeks);
        }
        d
    }

    /// Activity `i`'s part of the timetables.
    pub fn activity_weeks_of(&self, i: usize) -> &Arc<ActivityWeeks> {
        &self.weeks[i]
    }

    /// Every activity's card, in index order.
    pub fn cards(&self) -> &[Arc<Card>] {
        &self.cards
    }

    /// The file names of the pictures activity `i`'s card shows.
    pub fn card_pictures(&self, i: usize) -> &Arc<[String]> {
        &self.card_pictures[i]
    }

    /// For each venue (by index), the activities with a session there.
    pub fn venue_activities(&self) -> &[Vec<usize>] {
        &self.venue_activities
    }

    /// A picture by its content name (emoji or drawn name).
    pub fn pic(&self, name: &str) -> Pic {
        let resolved = match self.dir.pictures.get(name) {
            Some(p) => p.clone(),
            None => pictures::resolve(name, self.theme)
                .or_else(|_| pictures::resolve("ℹ️", self.theme))
                .expect("the information emoji always exists"),
        };
        Pic {
            url: format!("{}{}", self.root, self.pictures.add(&resolved)),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.root, path)
    }

    fn term_link(&self, kind: VocabKind, id: &str) -> TermLink {
        let t = self.dir.vocabulary.term(kind, id);
        TermLink {
            label: t.label.clone(),
            easy_read: t.easy_read.clone(),
            url: self.url(&format!("{}/{}/", browse_folder(kind), t.id)),
            picture: self.pic(&t.picture),
        }
    }

    fn today(&self) -> Date {
        self.dir.today
    }

    fn alerts(&self, a: &Activity, days: i64) -> Vec<Alert> {
        let today = self.today();
        let until = today.checked_add(Span::new().days(days)).unwrap_or(today);
        let mut out = Vec::new();
        for s in a.sessions.iter() {
            for o in s.occurrences(today, until) {
                if let Some(alert) = self.alert(a, s, &o) {
                    out.push(alert);
                }
            }
        }
        out.sort_by(|x, y| x.date_iso.cmp(&y.date_iso));
        out
    }

    fn alert(&self, a: &Activity, s: &Session, o: &Occurrence) -> Option<Alert> {
        let (kind, text, picture) = self.change_words(s, o)?;
        Some(Alert {
            kind,
            date: date_words(o.date),
            date_iso: o.date.to_string(),
            text,
            picture: self.pic(picture),
            activity_name: a.data.name.clone(),
            activity_url: self.url(&format!("activities/{}/", a.id)),
        })
    }

    /// What changed on occurrence `o` of session `s`, if anything: the kind of change, the
    /// sentence that says so and the name of its picture.
    fn change_words(
        &self,
        s: &Session,
        o: &Occurrence,
    ) -> Option<(&'static str, String, &'static str)> {
        let change = o.change.as_ref()?;
        let reason = change
            .reason
            .as_deref()
            .map(|r| format!(" {}", ensure_stop(r)))
            .unwrap_or_default();
        Some(match &change.kind {
            ChangeKind::Cancelled => (
                "cancelled",
                format!("Cancelled on {}.{reason}", date_words(o.date)),
                "cancelled",
            ),
            ChangeKind::Moved { start, end, venue } => {
                let place = venue
                    .as_deref()
                    .and_then(|v| self.dir.venue(v))
                    .map(|v| format!(" at {}", v.data.name))
                    .unwrap_or_default();
                (
                    "moved",
                    format!(
                        "Changed on {}: {} to {}{place}, not {}.{reason}",
                        date_words(o.date),
                        start.easy(),
                        end.easy(),
                        time_range(s)
                    ),
                    "moved",
                )
            }
        })
    }

    fn places(&self, a: &Activity) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in a.sessions.iter() {
            let p = self.place_words(s.venue.as_deref(), s.online);
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    fn place_words(&self, venue: Option<&str>, online: bool) -> String {
        match venue.and_then(|v| self.dir.venue(v)) {
            Some(v) => format!(
                "{}, {}",
                v.data.name,
                self.dir
                    .vocabulary
                    .term(VocabKind::Area, &v.data.area)
                    .label
            ),
            None if online => "Online".into(),
            None => String::new(),
        }
    }

    fn card(&self, index: usize) -> Card {
        let dir = self.dir;
        let a = &dir.activities[index];
        let provider = &dir.providers[a.provider];
        let picture_name = a
            .data
            .categories
            .first()
            .map(|c| dir.vocabulary.term(VocabKind::Category, c).picture)
            .unwrap_or_default();
        let picture = self.pic(&picture_name);
        let alerts = self.alerts(a, ALERT_DAYS);
        Card {
            id: a.id.clone(),
            name: a.data.name.clone(),
            url: self.url(&format!("activities/{}/", a.id)),
            summary: a.data.summary.clone(),
            provider_name: provider.data.name.clone(),
            provider_url: self.url(&format!("providers/{}/", provider.id)),
            picture,
            when: a
                .sessions
                .iter()
                .map(|s| format!("{}, {}", s.pattern_words(), time_range(s)))
                .collect(),
            places: self.places(a),
            cost: cost_words(a),
            status: status_id(a.data.status),
            status_message: a.data.status_message.clone(),
            alerts,
            changing_places: a.sessions.iter().any(|s| {
                s.venue
                    .as_deref()
                    .and_then(|v| dir.venue(v))
                    .is_some_and(|v| v.changing_place.is_some())
            }),
            evening: a.sessions.iter().any(Session::is_evening),
            weekend: a.sessions.iter().any(Session::is_weekend),
        }
    }

    /// Cards for activities, sorted by name (then id, so the order is total).
    fn cards_for(&self, mut indexes: Vec<usize>) -> Vec<Card> {
        indexes.sort_by_key(|&i| self.name_rank[i]);
        indexes.dedup();
        indexes
            .into_iter()
            .map(|i| Card::clone(&self.cards[i]))
            .collect()
    }

    fn meta(
        &self,
        title: &str,
        description: &str,
        path: &str,
        kind: &'static str,
        crumbs: Vec<(&str, &str)>,
    ) -> Meta {
        Meta {
            title: title.to_string(),
            description: description.to_string(),
            path: path.to_string(),
            kind,
            crumbs: crumbs
                .into_iter()
                .map(|(l, p)| Link {
                    label: l.to_string(),
                    url: self.url(p),
                })
                .collect(),
        }
    }

    fn page(&self, meta: Meta, template: &'static str, mut ctx: tera::Context) -> PageSpec {
        let file = file_of(&meta.path);
        crate::carers::extend_context(&self.dir.site, &meta, &mut ctx);
        ctx.insert("meta", &meta);
        PageSpec {
            path: file,
            template,
            context: ctx,
            cards: Vec::new(),
            known: None,
        }
    }

    /// Every page of the site.
    pub fn pages(&self) -> Vec<PageSpec> {
        self.jobs()
            .into_iter()
            .flat_map(|job| self.derive(job))
            .collect()
    }

    /// Every page of the site as a job to derive later, so a build can derive, render and
    /// write a few at a time instead of holding every page's context at once.
    pub fn jobs(&self) -> Vec<PageJob> {
        let d = self.dir;
        let mut jobs = vec![PageJob::Home];
        jobs.extend((0..d.activities.len()).map(PageJob::Activity));
        jobs.push(PageJob::ActivitiesIndex);
        jobs.extend((0..d.providers.len()).map(PageJob::Provider));
        jobs.push(PageJob::ProvidersIndex);
        jobs.extend((0..d.venues.len()).map(PageJob::Venue));
        jobs.push(PageJob::VenuesIndex);
        jobs.extend((0..d.changing_places.len()).map(PageJob::ChangingPlace));
        jobs.extend([
            PageJob::ChangingPlacesIndex,
            PageJob::BrowseHubs,
            PageJob::BrowseTerms(VocabKind::Category),
            PageJob::BrowseTerms(VocabKind::WhoFor),
            PageJob::BrowseTerms(VocabKind::Access),
            PageJob::BrowseTerms(VocabKind::Area),
            PageJob::BrowseTerms(VocabKind::SupportType),
            PageJob::BrowseWhen,
            PageJob::Timetable(0),
            PageJob::Timetable(1),
            PageJob::Changes,
            PageJob::MyList,
        ]);
        for weeks_ahead in 0..timetable::WEEKS {
            if self.week_is_split(weeks_ahead) {
                jobs.extend((0..7).map(|day| PageJob::TimetableDay(weeks_ahead, day)));
            }
        }
        jobs.extend((0..d.pages.len()).map(PageJob::Text));
        jobs.extend([
            PageJob::Search,
            PageJob::Attributions,
            PageJob::Coverage,
            PageJob::NotFound,
        ]);
        jobs
    }

    /// The page (or pages, for lists) a job makes.
    pub fn derive(&self, job: PageJob) -> Vec<PageSpec> {
        let one = match job {
            PageJob::Home => self.home(),
            PageJob::Activity(i) => self.activity_page(i),
            PageJob::ActivitiesIndex => return self.activities_index(),
            PageJob::Provider(i) => self.provider_page(i),
            PageJob::ProvidersIndex => return self.providers_index(),
            PageJob::Venue(i) => self.venue_page(i),
            PageJob::VenuesIndex => return self.venues_index(),
            PageJob::ChangingPlace(i) => self.changing_place_page(i),
            PageJob::ChangingPlacesIndex => return self.changing_places_index(),
            PageJob::BrowseHubs => return self.browse_hubs(),
            PageJob::BrowseTerms(kind) => return self.browse_terms(kind),
            PageJob::BrowseWhen => return self.browse_when(),
            PageJob::Timetable(weeks_ahead) => self.week_timetable(weeks_ahead),
            PageJob::TimetableDay(weeks_ahead, day) => self.day_timetable(weeks_ahead, day),
            PageJob::Changes => self.changes_page(),
            PageJob::MyList => self.my_list_page(),
            PageJob::Text(i) => self.text_page(i),
            PageJob::Search => self.search_page(),
            PageJob::Attributions => self.attributions(),
            PageJob::Coverage => self.coverage_page(),
            PageJob::NotFound => self.not_found(),
        };
        vec![one]
    }

    fn home(&self) -> PageSpec {
        let sections = self.hub_sections();
        let easy_read = vec![
            EasyLine {
                text: "Find groups, clubs and day centres near you.".into(),
                picture: self.pic("🔎"),
                own: false,
            },
            EasyLine {
                text: "Choose a picture to see what is on.".into(),
                picture: self.pic("👇"),
                own: false,
            },
        ];
        let mut ctx = tera::Context::new();
        ctx.insert("sections", &sections);
        ctx.insert("easy_read", &easy_read);
        let meta = self.meta(
            "Find things to do in the day",
            &format!(
                "Find day centres, groups, clubs and support near you, from {}.",
                self.dir.site.council
            ),
            "",
            "home",
            vec![],
        );
        self.page(meta, "home.html", ctx)
    }

    /// The picture-link sections shared by the home page, the browse hubs, search and the
    /// page not found, made once: the counts take a pass over every activity.
    fn hub_sections(&self) -> Vec<HubSection> {
        self.hub_sections
            .get_or_init(|| self.make_hub_sections())
            .clone()
    }

    fn make_hub_sections(&self) -> Vec<HubSection> {
        let mut sections = Vec::new();
        sections.push(HubSection {
            id: "what",
            heading: "What do you want to do?".into(),
            url: self.url("what/"),
            links: self.term_links(VocabKind::Category),
        });
        let when = self.when_links();
        sections.push(HubSection {
            id: "when",
            heading: "When?".into(),
            url: self.url("when/"),
            links: when,
        });
        sections.push(HubSection {
            id: "where",
            heading: "Where?".into(),
            url: self.url("where/"),
            links: self.term_links(VocabKind::Area),
        });
        sections.push(HubSection {
            id: "access",
            heading: "What do you need to get in and get about?".into(),
            url: self.url("access/"),
            links: self.term_links(VocabKind::Access),
        });
        sections.push(HubSection {
            id: "who",
            heading: "Who is it for?".into(),
            url: self.url("who/"),
            links: self.term_links(VocabKind::WhoFor),
        });
        sections.push(HubSection {
            id: "support",
            heading: "What kind of support?".into(),
            url: self.url("support/"),
            links: self.term_links(VocabKind::SupportType),
        });
        sections
    }

    fn term_links(&self, kind: VocabKind) -> Vec<PictureLink> {
        let terms: Vec<Term> = self.dir.vocabulary.terms(kind).to_vec();
        terms
            .iter()
            .map(|t| {
                let count = self.activities_with(kind, &t.id).len();
                PictureLink {
                    label: t.label.clone(),
                    easy_read: t.easy_read.clone(),
                    url: self.url(&format!("{}/{}/", browse_folder(kind), t.id)),
                    picture: self.pic(&t.picture),
                    count,
                }
            })
            .collect()
    }

    /// Activities that have `id` in vocabulary `kind`, in index order.
    fn activities_with(&self, kind: VocabKind, id: &str) -> Vec<usize> {
        self.facets[facet_slot(kind)]
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    /// The "When" choices: each weekday, parts of the day, weekends.
    fn when_filters(&self) -> Vec<WhenFilter> {
        let mut out: Vec<WhenFilter> = ALL_DAYS
            .iter()
            .map(|&d| WhenFilter {
                id: d.id().to_string(),
                label: d.name().to_string(),
                easy_read: format!("On {}s", d.name()),
                picture: "📅",
                rule: None,
                test: WhenTest::Day(d),
            })
            .collect();
        for (id, label, easy, picture, test) in [
            (
                "mornings",
                "Mornings",
                "In the morning",
                "🌅",
                WhenTest::Morning,
            ),
            (
                "afternoons",
                "Afternoons",
                "In the afternoon",
                "☀️",
                WhenTest::Afternoon,
            ),
            (
                "evenings",
                "Evenings",
                "In the evening",
                "🌙",
                WhenTest::Evening,
            ),
            (
                "weekends",
                "Weekends",
                "At the weekend",
                "🎉",
                WhenTest::Weekend,
            ),
            (
                "evenings-and-weekends",
                "Evenings and weekends",
                "In the evening or at the weekend",
                "⭐",
                WhenTest::EveningOrWeekend,
            ),
        ] {
            let rule = match test {
                WhenTest::EveningOrWeekend => {
                    Some(format!("{} {}", schedule::RULES[2].1, schedule::RULES[3].1))
                }
                _ => schedule::RULES
                    .iter()
                    .find(|r| r.0 == id)
                    .map(|r| r.1.to_string()),
            };
            out.push(WhenFilter {
                id: id.to_string(),
                label: label.to_string(),
                easy_read: easy.to_string(),
                picture,
                rule,
                test,
            });
        }
        out
    }

    fn when_links(&self) -> Vec<PictureLink> {
        self.when_filters()
            .into_iter()
            .map(|f| {
                let count = self.activities_when(f.test).len();
                PictureLink {
                    label: f.label,
                    easy_read: f.easy_read,
                    url: self.url(&format!("when/{}/", f.id)),
                    picture: self.pic(f.picture),
                    count,
                }
            })
            .collect()
    }

    fn activities_when(&self, test: WhenTest) -> Vec<usize> {
        (0..self.dir.activities.len())
            .filter(|&i| {
                self.dir.activities[i]
                    .sessions
                    .iter()
                    .any(|s| test.matches(s))
            })
            .collect()
    }

    fn browse_hubs(&self) -> Vec<PageSpec> {
        let mut pages = Vec::new();
        let sections = self.hub_sections();
        for section in &sections {
            let (title, intro) = match section.id {
                "when" => ("When", "Choose a day or a time of day."),
                "what" => ("What", "Choose what you like doing."),
                "where" => ("Where", "Choose a place."),
                "access" => ("Access", "Choose what you need to get in and get about."),
                "who" => ("Who it is for", "Choose who the activity is for."),
                _ => ("Type of support", "Choose the kind of support you want."),
            };
            let mut ctx = tera::Context::new();
            ctx.insert("section", section);
            ctx.insert("intro", intro);
            ctx.insert(
                "rules",
                &schedule::RULES.iter().map(|r| r.1).collect::<Vec<_>>(),
            );
            let meta = self.meta(
                title,
                intro,
                &format!("{}/", section.id),
                "hub",
                vec![("Home", "")],
            );
            pages.push(self.page(meta, "hub.html", ctx));
        }
        pages
    }

    /// A list per term of one vocabulary (separate jobs, so they are derived in parallel).
    fn browse_terms(&self, kind: VocabKind) -> Vec<PageSpec> {
        let mut pages = Vec::new();
        let folder = browse_folder(kind);
        let (hub_title, _) = hub_title(kind);
        let terms: Vec<Term> = self.dir.vocabulary.terms(kind).to_vec();
        for t in terms {
            let indexes = self.activities_with(kind, &t.id);
            let picture = self.pic(&t.picture);
            let see_also = if kind == VocabKind::Access && t.id == "changing-places" {
                Some(self.url("changing-places/"))
            } else {
                None
            };
            let path = format!("{folder}/{}/", t.id);
            let hub = format!("{folder}/");
            let list = CardList {
                heading: &t.label,
                easy_read: browse_sentence(kind, &t),
                picture,
                rule: None,
                see_also,
                path,
                crumbs: vec![("Home", ""), (hub_title, &hub)],
            };
            pages.extend(self.card_list_pages(list, indexes));
        }
        pages
    }

    fn browse_when(&self) -> Vec<PageSpec> {
        let mut pages = Vec::new();
        for f in self.when_filters() {
            let indexes = self.activities_when(f.test);
            let list = CardList {
                heading: &f.label,
                easy_read: format!("Things to do {}.", lower_first(&f.easy_read)),
                picture: self.pic(f.picture),
                rule: f.rule.clone(),
                see_also: None,
                path: format!("when/{}/", f.id),
                crumbs: vec![("Home", ""), ("When", "when/")],
            };
            pages.extend(self.card_list_pages(list, indexes));
        }
        pages
    }

    fn activity_page(&self, index: usize) -> PageSpec {
        let dir = self.dir;
        let a = &dir.activities[index];
        let provider = &dir.providers[a.provider];
        let card = Card::clone(&self.cards[index]);
        let lines: Vec<EasyLine> = easy_read::activity_lines(dir, a)
            .into_iter()
            .map(|l| EasyLine {
                picture: self.pic(&l.picture),
                text: l.text,
                own: l.own,
            })
            .collect();
        let categories: Vec<TermLink> = a
            .data
            .categories
            .iter()
            .map(|c| self.term_link(VocabKind::Category, c))
            .collect();
        let who_for: Vec<TermLink> = a
            .data
            .who_for
            .iter()
            .map(|c| self.term_link(VocabKind::WhoFor, c))
            .collect();
        let support = self.term_link(VocabKind::SupportType, &a.data.support);
        let sessions: Vec<SessionView> = a.sessions.iter().map(|s| self.session_view(s)).collect();
        let next_dates = self.next_dates(a);
        let transport = a.data.transport.as_ref().map(|t| TransportView {
            provided: t.provided,
            cost: t
                .cost
                .filter(|c| *c > 0.0)
                .map(|c| format!("{} each way", pounds(c))),
            notes: t.notes.clone(),
            bus_routes: t.bus_routes.clone(),
        });
        let photos: Vec<PhotoView> = a
            .data
            .photos
            .iter()
            .map(|p| PhotoView {
                url: self.url(p.file.trim_start_matches("./")),
                alt: p.alt.clone(),
            })
            .collect();
        let mut ctx = tera::Context::new();
        ctx.insert("activity", &card);
        ctx.insert("easy_read", &lines);
        ctx.insert("categories", &categories);
        ctx.insert("who_for", &who_for);
        ctx.insert("support", &support);
        ctx.insert("ratio", &a.data.ratio.as_deref().map(ratio_words));
        ctx.insert("cost_notes", &a.data.cost.notes);
        ctx.insert(
            "pay_with",
            &a.data
                .pay_with
                .iter()
                .map(|p| pay_label(*p))
                .collect::<Vec<_>>(),
        );
        ctx.insert(
            "join",
            &a.data
                .join
                .iter()
                .map(|j| join_label(*j))
                .collect::<Vec<_>>(),
        );
        ctx.insert("transport", &transport);
        ctx.insert("carers_welcome", &a.data.carers_welcome);
        ctx.insert("languages", &a.data.languages);
        ctx.insert("photos", &photos);
        ctx.insert("sessions", &sessions);
        ctx.insert("next_dates", &next_dates);
        ctx.insert("provider", &self.provider_contact(a.provider));
        ctx.insert(
            "report_url",
            &self.report_link(&a.data.name, &format!("activities/{}/", a.id)),
        );
        ctx.insert("reviewed", &long_date(provider.reviewed));
        let stale = provider
            .reviewed
            .checked_add(Span::new().months(crate::content::validate::REVIEW_MONTHS))
            .is_ok_and(|due| due < self.today());
        ctx.insert("stale", &stale);
        let meta = self.meta(
            &a.data.name,
            &format!("{} {}", a.data.summary, provider.data.name),
            &format!("activities/{}/", a.id),
            "activity",
            vec![("Home", ""), ("Activities", "activities/")],
        );
        self.page(meta, "activity.html", ctx)
    }

    fn provider_contact(&self, index: usize) -> ProviderContact {
        let p = &self.dir.providers[index];
        ProviderContact {
            name: p.data.name.clone(),
            url: self.url(&format!("providers/{}/", p.id)),
            phone: p.data.phone.clone(),
            phone_link: p.data.phone.as_ref().map(|x| {
                x.chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect()
            }),
            email: p.data.email.clone(),
            website: p.data.website.clone(),
        }
    }

    /// A mailto link (or the council's form) for "Tell us something is wrong".
    fn report_link(&self, name: &str, path: &str) -> String {
        if let Some(form) = &self.dir.site.changes_form {
            return form.clone();
        }
        let subject = format!("Listing change: {name}");
        let body = format!(
            "Page: {}{}\n\nWhat is wrong:\n",
            self.dir.site.base_url, path
        );
        format!(
            "mailto:{}?subject={}&body={}",
            self.dir.site.changes_email,
            percent(&subject),
            percent(&body)
        )
    }

    fn session_view(&self, s: &Session) -> SessionView {
        let venue = s
            .venue
            .as_deref()
            .and_then(|v| self.dir.venue(v))
            .map(|v| self.venue_ref(&v.id));
        let dates = match (s.from, s.until) {
            (Some(f), Some(u)) => Some(format!("From {} until {}", long_date(f), long_date(u))),
            (Some(f), None) if f > self.today() => Some(format!("Starts {}", long_date(f))),
            (_, Some(u)) => Some(format!("Until {}", long_date(u))),
            _ => None,
        };
        let mut parts = Vec::new();
        if s.is_morning() {
            parts.push("morning");
        }
        if s.is_afternoon() {
            parts.push("afternoon");
        }
        if s.is_evening() {
            parts.push("evening");
        }
        if s.is_weekend() {
            parts.push("weekend");
        }
        SessionView {
            pattern: s.pattern_words(),
            times: time_range(s),
            start: s.start.to_string(),
            end: s.end.to_string(),
            venue,
            online: s.online,
            online_how: s.online_how.clone(),
            dates,
            parts,
        }
    }

    fn venue_ref(&self, id: &str) -> VenueRef {
        let v = self.dir.venue(id).expect("venue references are validated");
        VenueRef {
            name: v.data.name.clone(),
            url: self.url(&format!("venues/{}/", v.id)),
            address: v.data.address.clone(),
            postcode: v.data.postcode.clone(),
            area: self
                .dir
                .vocabulary
                .term(VocabKind::Area, &v.data.area)
                .label,
        }
    }

    fn next_dates(&self, a: &Activity) -> Vec<DateView> {
        let today = self.today();
        let until = today
            .checked_add(Span::new().weeks(NEXT_DATES_WEEKS))
            .unwrap_or(today);
        let mut all: Vec<(Date, &Session, Occurrence)> = a
            .sessions
            .iter()
            .flat_map(|s| {
                s.occurrences(today, until)
                    .into_iter()
                    .map(move |o| (o.date, s, o))
            })
            .collect();
        all.sort_by_key(|x| (x.0, x.2.start));
        all.into_iter()
            .take(NEXT_DATES_SHOWN)
            .map(|(date, s, o)| {
                let (status, note) = match &o.change {
                    None => ("on", None),
                    Some(c) => match &c.kind {
                        ChangeKind::Cancelled => (
                            "cancelled",
                            Some(format!(
                                "Cancelled.{}",
                                c.reason
                                    .as_deref()
                                    .map(|r| format!(" {}", ensure_stop(r)))
                                    .unwrap_or_default()
                            )),
                        ),
                        ChangeKind::Moved { .. } => (
                            "moved",
                            Some(format!(
                                "New time or place. Usually {}.{}",
                                time_range(s),
                                c.reason
                                    .as_deref()
                                    .map(|r| format!(" {}", ensure_stop(r)))
                                    .unwrap_or_default()
                            )),
                        ),
                    },
                };
                DateView {
                    date: date_words(date),
                    date_iso: date.to_string(),
                    times: format!("{} to {}", o.start.easy(), o.end.easy()),
                    place: self.place_words(o.venue.as_deref(), s.online),
                    status,
                    note,
                }
            })
            .collect()
    }

    fn activities_index(&self) -> Vec<PageSpec> {
        let list = CardList {
            heading: "All activities",
            easy_read: "Every activity on this site, from A to Z.".into(),
            picture: self.pic("🔎"),
            rule: None,
            see_also: None,
            path: "activities/".into(),
            crumbs: vec![("Home", "")],
        };
        self.card_list_pages(list, (0..self.dir.activities.len()).collect())
    }

    fn provider_page(&self, index: usize) -> PageSpec {
        let p = &self.dir.providers[index];
        let cards = self.cards_for(p.activities.clone());
        let mut ctx = tera::Context::new();
        ctx.insert("provider", &self.provider_contact(index));
        ctx.insert("summary", &p.data.summary);
        ctx.insert(
            "description_html",
            &crate::render::markdown::to_html(&p.description_md),
        );
        ctx.insert("registration", &p.data.registration);
        ctx.insert("quality_marks", &p.data.quality_marks);
        ctx.insert("reviewed", &long_date(p.reviewed));
        ctx.insert("activities", &cards);
        ctx.insert(
            "report_url",
            &self.report_link(&p.data.name, &format!("providers/{}/", p.id)),
        );
        let meta = self.meta(
            &p.data.name,
            &p.data.summary,
            &format!("providers/{}/", p.id),
            "provider",
            vec![("Home", ""), ("Providers", "providers/")],
        );
        self.page(meta, "provider.html", ctx)
    }

    fn providers_index(&self) -> Vec<PageSpec> {
        let mut items: Vec<ListItem> = self
            .dir
            .providers
            .iter()
            .map(|p| ListItem {
                name: p.data.name.clone(),
                url: self.url(&format!("providers/{}/", p.id)),
                summary: p.data.summary.clone(),
                detail: format!(
                    "{} {}",
                    p.activities.len(),
                    if p.activities.len() == 1 {
                        "activity"
                    } else {
                        "activities"
                    }
                ),
            })
            .collect();
        items.sort_by_key(|i| (i.name.to_lowercase(), i.url.clone()));
        self.item_list_pages(
            "Providers",
            "The groups and organisations that run activities.",
            "providers/",
            "🏢",
            items,
        )
    }

    fn venue_page(&self, index: usize) -> PageSpec {
        let dir = self.dir;
        let v = &dir.venues[index];
        let access: Vec<TermLink> = v
            .access
            .iter()
            .map(|id| self.term_link(VocabKind::Access, id))
            .collect();
        let indexes = self.venue_activities[index].clone();
        let cards = self.cards_for(indexes);
        let mut lines = vec![EasyLine {
            text: format!(
                "This place is in {}.",
                dir.vocabulary.term(VocabKind::Area, &v.data.area).easy_read
            ),
            picture: self.pic("📍"),
            own: false,
        }];
        for t in &access {
            let term = dir.vocabulary.term(VocabKind::Access, &term_id(&t.url));
            lines.push(EasyLine {
                text: term.easy_read.clone(),
                picture: t.picture.clone(),
                own: false,
            });
        }
        let cp = v.changing_place.map(|i| {
            let c = &dir.changing_places[i];
            Link {
                label: c.data.name.clone(),
                url: self.url(&format!("changing-places/{}/", c.id)),
            }
        });
        let mut ctx = tera::Context::new();
        ctx.insert("venue", &self.venue_ref(&v.id));
        ctx.insert("easy_read", &lines);
        ctx.insert("access", &access);
        ctx.insert("changing_place", &cp);
        ctx.insert("getting_there", &v.data.getting_there);
        ctx.insert(
            "coordinates",
            &v.data.coordinates.map(|c| LatLon {
                lat: c.lat,
                lon: c.lon,
            }),
        );
        ctx.insert("activities", &cards);
        ctx.insert(
            "report_url",
            &self.report_link(&v.data.name, &format!("venues/{}/", v.id)),
        );
        let meta = self.meta(
            &v.data.name,
            &format!(
                "{}, {}. Access and activities.",
                v.data.address, v.data.postcode
            ),
            &format!("venues/{}/", v.id),
            "venue",
            vec![("Home", ""), ("Places", "venues/")],
        );
        self.page(meta, "venue.html", ctx)
    }

    fn venues_index(&self) -> Vec<PageSpec> {
        let dir = self.dir;
        let mut items: Vec<ListItem> = dir
            .venues
            .iter()
            .map(|v| ListItem {
                name: v.data.name.clone(),
                url: self.url(&format!("venues/{}/", v.id)),
                summary: format!("{}, {}", v.data.address, v.data.postcode),
                detail: dir.vocabulary.term(VocabKind::Area, &v.data.area).label,
            })
            .collect();
        items.sort_by_key(|i| (i.name.to_lowercase(), i.url.clone()));
        self.item_list_pages(
            "Places",
            "The places where activities happen.",
            "venues/",
            "📍",
            items,
        )
    }

    fn changing_place_page(&self, index: usize) -> PageSpec {
        let dir = self.dir;
        let c = &dir.changing_places[index];
        let d = &c.data;
        let venue = c.venue.map(|vi| self.venue_ref(&dir.venues[vi].id));
        let (address, postcode) = match &venue {
            Some(v) => (
                d.address.clone().unwrap_or(v.address.clone()),
                d.postcode.clone().unwrap_or(v.postcode.clone()),
            ),
            None => (
                d.address.clone().unwrap_or_default(),
                d.postcode.clone().unwrap_or_default(),
            ),
        };
        let hours: Vec<Hours> = ALL_DAYS
            .iter()
            .map(|day| {
                let h = c.hours.iter().find(|(d, _, _)| d == day);
                Hours {
                    day: day.name().to_string(),
                    hours: h
                        .map(|(_, o, cl)| format!("{} to {}", o.easy(), cl.easy()))
                        .unwrap_or_else(|| "Closed".into()),
                }
            })
            .collect();
        let mut lines = Vec::new();
        let mut add = |this: &Self, text: String, pic: &str| {
            let picture = this.pic(pic);
            lines.push(EasyLine {
                text,
                picture,
                own: false,
            });
        };
        add(
            self,
            "This is a Changing Places toilet.".into(),
            "changing-places",
        );
        add(
            self,
            format!(
                "It is in {}.",
                dir.vocabulary.term(VocabKind::Area, &c.area).easy_read
            ),
            "📍",
        );
        match d.hoist {
            Some(HoistType::Ceiling) => add(self, "It has a hoist on the ceiling.".into(), "hoist"),
            Some(HoistType::Mobile) => add(self, "It has a hoist you can move.".into(), "hoist"),
            None => {}
        }
        if d.adjustable_bench {
            add(
                self,
                "It has a big bench that goes up and down.".into(),
                "adjustable-bench",
            );
        }
        if d.shower {
            add(self, "It has a shower.".into(), "🚿");
        }
        if d.radar_key {
            add(self, "You need a RADAR key to open the door.".into(), "🔑");
        }
        match d.charge.as_deref() {
            None => {}
            Some(x) if x.eq_ignore_ascii_case("free") => {
                add(self, "It is free to use.".into(), "🆓")
            }
            Some(x) => add(self, format!("It costs {x}."), "💷"),
        }
        let mut ctx = tera::Context::new();
        ctx.insert(
            "place",
            &ChangingPlaceView {
                name: d.name.clone(),
                location: d.location.clone(),
                address,
                postcode,
                area: dir.vocabulary.term(VocabKind::Area, &c.area).label,
                area_url: self.url(&format!("where/{}/", c.area)),
                hoist: d.hoist.map(|h| match h {
                    HoistType::Ceiling => "Ceiling track hoist",
                    HoistType::Mobile => "Mobile hoist",
                }),
                adjustable_bench: d.adjustable_bench,
                peninsular_toilet: d.peninsular_toilet,
                room_size: d.room_size.clone(),
                shower: d.shower,
                radar_key: d.radar_key,
                charge: d.charge.clone(),
                notes: d.notes.clone(),
            },
        );
        ctx.insert("venue", &venue);
        ctx.insert("hours", &hours);
        ctx.insert("easy_read", &lines);
        ctx.insert(
            "report_url",
            &self.report_link(&d.name, &format!("changing-places/{}/", c.id)),
        );
        let meta = self.meta(
            &d.name,
            &format!(
                "Changing Places toilet in {}: opening hours, hoist and facilities.",
                dir.vocabulary.term(VocabKind::Area, &c.area).label
            ),
            &format!("changing-places/{}/", c.id),
            "changing-place",
            vec![
                ("Home", ""),
                ("Changing Places toilets", "changing-places/"),
            ],
        );
        self.page(meta, "changing_place.html", ctx)
    }

    fn changing_places_index(&self) -> Vec<PageSpec> {
        let dir = self.dir;
        let mut items: Vec<ListItem> = dir
            .changing_places
            .iter()
            .map(|c| ListItem {
                name: c.data.name.clone(),
                url: self.url(&format!("changing-places/{}/", c.id)),
                summary: c.data.location.clone().unwrap_or_default(),
                detail: dir.vocabulary.term(VocabKind::Area, &c.area).label,
            })
            .collect();
        items.sort_by_key(|i| (i.name.to_lowercase(), i.url.clone()));
        self.item_list_pages(
            "Changing Places toilets",
            "Toilets with a hoist, a changing bench and room for 2 carers.",
            "changing-places/",
            "changing-places",
            items,
        )
    }

    fn text_page(&self, index: usize) -> PageSpec {
        let p = &self.dir.pages[index];
        let lines: Vec<EasyLine> = p
            .data
            .easy_read
            .iter()
            .map(|l| EasyLine {
                text: l.text.clone(),
                picture: self.pic(&l.picture),
                own: true,
            })
            .collect();
        let mut ctx = tera::Context::new();
        ctx.insert("easy_read", &lines);
        ctx.insert("body_html", &crate::render::markdown::to_html(&p.body_md));
        let meta = self.meta(
            &p.data.title,
            p.data.summary.as_deref().unwrap_or(&p.data.title),
            &format!("{}/", p.id),
            "text",
            vec![("Home", "")],
        );
        self.page(meta, "page.html", ctx)
    }

    fn search_page(&self) -> PageSpec {
        let sections = self.hub_sections();
        let values = crate::search::query::FilterValues::from_directory(self.dir);
        let form = crate::search::page::form(&values, &crate::search::query::Request::default());
        let mut ctx = tera::Context::new();
        ctx.insert("form", &form);
        ctx.insert("server", &false);
        ctx.insert("sections", &sections);
        let meta = self.meta(
            "Search",
            "Search for activities, or browse by what, when and where.",
            "search/",
            "search",
            vec![("Home", "")],
        );
        self.page(meta, "search.html", ctx)
    }

    fn attributions(&self) -> PageSpec {
        let meta = self.meta(
            "Pictures and credits",
            "Where the pictures on this site come from.",
            "attributions/",
            "text",
            vec![("Home", "")],
        );
        self.page(meta, "attributions.html", tera::Context::new())
    }

    /// Coverage for commissioners (linked from the footer only).
    fn coverage_page(&self) -> PageSpec {
        let mut ctx = tera::Context::new();
        ctx.insert("coverage", &crate::coverage::compute(self.dir));
        ctx.insert("evening_rule", &crate::schedule::RULES[2].1);
        ctx.insert("weekend_rule", &crate::schedule::RULES[3].1);
        let meta = self.meta(
            "Coverage for commissioners",
            "Regular sessions by area, time of week and who they are for, with the gaps.",
            "coverage/",
            "text",
            vec![("Home", "")],
        );
        self.page(meta, "coverage.html", ctx)
    }

    fn not_found(&self) -> PageSpec {
        let sections = self.hub_sections();
        let mut ctx = tera::Context::new();
        ctx.insert("sections", &sections);
        let meta = self.meta(
            "Page not found",
            "We cannot find this page.",
            "404.html",
            "not-found",
            vec![],
        );
        self.page(meta, "not_found.html", ctx)
    }

    /// Footer links to the text pages, in their `order`.
    pub fn footer_links(&self) -> Vec<Link> {
        let mut pages: Vec<_> = self.dir.pages.iter().collect();
        pages.sort_by_key(|p| (p.data.order.unwrap_or(u32::MAX), p.id.clone()));
        pages
            .into_iter()
            .map(|p| Link {
                label: p.data.title.clone(),
                url: self.url(&format!("{}/", p.id)),
            })
            .collect()
    }
}

/// A plain link.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hours {
    pub day: String,
    pub hours: String,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct LatLon {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HubSection {
    pub id: &'static str,
    pub heading: String,
    pub url: String,
    pub links: Vec<PictureLink>,
}

#[derive(Debug, Clone, Serialize, Hash)]
pub struct ListItem {
    pub name: String,
    pub url: String,
    pub summary: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TransportView {
    pub provided: bool,
    pub cost: Option<String>,
    pub notes: Option<String>,
    pub bus_routes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhotoView {
    pub url: String,
    pub alt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProviderContact {
    pub name: String,
    pub url: String,
    pub phone: Option<String>,
    /// Digits only, for `tel:` links.
    pub phone_link: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangingPlaceView {
    pub name: String,
    pub location: Option<String>,
    pub address: String,
    pub postcode: String,
    pub area: String,
    pub area_url: String,
    pub hoist: Option<&'static str>,
    pub adjustable_bench: bool,
    pub peninsular_toilet: bool,
    pub room_size: Option<String>,
    pub shower: bool,
    pub radar_key: bool,
    pub charge: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Copy)]
enum WhenTest {
    Day(Weekday),
    Morning,
    Afternoon,
    Evening,
    Weekend,
    EveningOrWeekend,
}

impl WhenTest {
    fn matches(self, s: &Session) -> bool {
        match self {
            WhenTest::Day(d) => s.day == d,
            WhenTest::Morning => s.is_morning(),
            WhenTest::Afternoon => s.is_afternoon(),
            WhenTest::Evening => s.is_evening(),
            WhenTest::Weekend => s.is_weekend(),
            WhenTest::EveningOrWeekend => s.is_evening() || s.is_weekend(),
        }
    }
}

struct WhenFilter {
    id: String,
    label: String,
    easy_read: String,
    picture: &'static str,
    rule: Option<String>,
    test: WhenTest,
}

/// The file of the page at `path` (a folder's page is its `index.html`).
fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// The folder of browse pages for each vocabulary.
pub fn browse_folder(kind: VocabKind) -> &'static str {
    match kind {
        VocabKind::Category => "what",
        VocabKind::WhoFor => "who",
        VocabKind::Access => "access",
        VocabKind::Area => "where",
        VocabKind::SupportType => "support",
    }
}

fn hub_title(kind: VocabKind) -> (&'static str, ()) {
    let t = match kind {
        VocabKind::Category => "What",
        VocabKind::WhoFor => "Who it is for",
        VocabKind::Access => "Access",
        VocabKind::Area => "Where",
        VocabKind::SupportType => "Type of support",
    };
    (t, ())
}

fn browse_sentence(kind: VocabKind, t: &Term) -> String {
    match kind {
        VocabKind::Category => format!("Things to do about {}.", t.easy_read),
        VocabKind::WhoFor => format!("Things to do for {}.", t.easy_read),
        VocabKind::Area => format!("Things to do in {}.", t.easy_read),
        VocabKind::Access | VocabKind::SupportType => t.easy_read.clone(),
    }
}

fn term_id(url: &str) -> String {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string()
}

fn status_id(s: Status) -> &'static str {
    match s {
        Status::Running => "running",
        Status::TemporarilyClosed => "temporarily-closed",
        Status::Closed => "closed",
    }
}

/// "1 worker for every 5 people".
fn ratio_words(r: &str) -> String {
    match r.split_once(':') {
        Some(("1", "1")) => "1 worker for each person (1 to 1)".into(),
        Some((s, "1")) => format!("{s} workers for each person ({s} to 1)"),
        Some((s, p)) => format!(
            "{s} worker{} for every {p} people ({s} to {p})",
            if s == "1" { "" } else { "s" }
        ),
        None => r.to_string(),
    }
}

fn ensure_stop(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The path part of the base URL, always ending with `/`: "/" or "/dayfinder/".
pub fn url_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map(|x| x.1).unwrap_or(base_url);
    let path = after_scheme
        .find('/')
        .map(|i| &after_scheme[i..])
        .unwrap_or("/");
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

/// Percent-encodes text for a mailto link.
pub fn percent(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Joins card place lists for plain text uses (emails, search results).
pub fn places_text(card: &Card) -> String {
    and_list(&card.places)
}

/// Each activity's position when sorted by name (case-insensitively), then id: the order
/// of every list of activity cards.
fn name_ranks(dir: &Directory) -> Vec<usize> {
    let keys: Vec<(String, &str)> = dir
        .activities
        .iter()
        .map(|a| (a.data.name.to_lowercase(), a.id.as_str()))
        .collect();
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&x, &y| keys[x].cmp(&keys[y]));
    let mut rank = vec![0; keys.len()];
    for (position, &i) in order.iter().enumerate() {
        rank[i] = position;
    }
    rank
}

/// For each venue (by index), the activities with a session there, in index order.
fn venue_activities(dir: &Directory) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); dir.venues.len()];
    for (i, a) in dir.activities.iter().enumerate() {
        for s in a.sessions.iter() {
            if let Some(&v) = s.venue.as_deref().and_then(|v| dir.venue_index.get(v)) {
                if out[v].last() != Some(&i) {
                    out[v].push(i);
                }
            }
        }
    }
    out
}

/// For each vocabulary (by `facet_slot`), each term id's activities in index order.
type Facets = [foldhash::HashMap<String, Vec<usize>>; 5];

fn facet_slot(kind: VocabKind) -> usize {
    match kind {
        VocabKind::Category => 0,
        VocabKind::WhoFor => 1,
        VocabKind::SupportType => 2,
        VocabKind::Area => 3,
        VocabKind::Access => 4,
    }
}

/// Which activities have each term: categories, who for and support from the listing;
/// areas and access from the venues of its sessions. One pass over the activities, adding
/// to lists by number: each term is numbered when first seen, and each venue's terms are
/// looked up once, not once for every session there (a fifth of a rebuild's derive at 10k).
fn facet_memberships(dir: &Directory) -> Facets {
    #[derive(Default)]
    struct Lists<'a> {
        numbers: foldhash::HashMap<(usize, &'a str), usize>,
        terms: Vec<(usize, &'a str)>,
        activities: Vec<Vec<usize>>,
    }
    impl<'a> Lists<'a> {
        fn number(&mut self, kind: VocabKind, id: &'a str) -> usize {
            let key = (facet_slot(kind), id);
            if let Some(&n) = self.numbers.get(&key) {
                return n;
            }
            self.terms.push(key);
            self.activities.push(Vec::new());
            self.numbers.insert(key, self.terms.len() - 1);
            self.terms.len() - 1
        }
        fn add(&mut self, term: usize, i: usize) {
            let list = &mut self.activities[term];
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let mut lists = Lists::default();
    let venue_terms: Vec<Vec<usize>> = dir
        .venues
        .iter()
        .map(|v| {
            let mut terms = vec![lists.number(VocabKind::Area, &v.data.area)];
            terms.extend(v.access.iter().map(|x| lists.number(VocabKind::Access, x)));
            terms
        })
        .collect();
    for (i, a) in dir.activities.iter().enumerate() {
        for c in &a.data.categories {
            let term = lists.number(VocabKind::Category, c);
            lists.add(term, i);
        }
        for w in &a.data.who_for {
            let term = lists.number(VocabKind::WhoFor, w);
            lists.add(term, i);
        }
        let term = lists.number(VocabKind::SupportType, &a.data.support);
        lists.add(term, i);
        for s in a.sessions.iter() {
            if let Some(&v) = s.venue.as_deref().and_then(|v| dir.venue_index.get(v)) {
                for &term in &venue_terms[v] {
                    lists.add(term, i);
                }
            }
        }
    }
    let mut out: Facets = Default::default();
    for ((slot, id), activities) in lists.terms.into_iter().zip(lists.activities) {
        if !activities.is_empty() {
            out[slot].insert(id.to_string(), activities);
        }
    }
    out
}
