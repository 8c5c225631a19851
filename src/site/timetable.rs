//! The week timetables: every session this week and next, day by day, with changes and
//! cancellations. A week with more sessions than fit well on one page
//! (`WEEK_ON_ONE_PAGE`) is split: its page lists the days with their counts, and each day
//! has a page of its own, so a cheap phone never loads a timetable of thousands of rows.
//!
//! Each activity's part of them is made once and kept with a key per day
//! (`ActivityWeeks`), so a rebuild after an edit makes only the edited activities' parts,
//! and makes a page again only when one of its parts changed (see `known`).

use super::{date_words, file_of, known, long_date, Deriver, Link, PageSpec};
use crate::content::model::Status;
use crate::schedule::{self, ChangeKind};
use jiff::civil::Date;
use jiff::Span;
use serde::Serialize;

/// How many weeks the timetables show: this week and next.
pub(super) const WEEKS: usize = 2;

/// A week with more sessions than this gets a page for each day. The sample directory's
/// week (about 200 sessions) stays on one page, which prints on one sheet.
pub const WEEK_ON_ONE_PAGE: usize = 400;

/// One activity's sessions in each week the timetables show, by day (0 is Monday), with a
/// key of each day's.
#[derive(Debug)]
pub struct ActivityWeeks {
    weeks: [Vec<(usize, TimetableEntry)>; WEEKS],
    keys: [[u64; 7]; WEEKS],
}

#[derive(Debug, Clone, Serialize)]
pub struct TimetableDay {
    pub id: &'static str,
    pub name: String,
    pub is_today: bool,
    pub entries: Vec<TimetableEntry>,
    /// The day's own page, when the week is split.
    pub url: Option<String>,
    pub counts: DayCounts,
}

/// How many sessions a day has, and how many of them are cancelled or changed.
#[derive(Debug, Clone, Copy, Default, Serialize, Hash)]
pub struct DayCounts {
    pub sessions: usize,
    pub cancelled: usize,
    pub moved: usize,
}

#[derive(Debug, Clone, Serialize, Hash)]
pub struct TimetableEntry {
    pub start: String,
    pub times: String,
    pub name: String,
    pub url: String,
    pub place: String,
    pub status: &'static str,
    pub note: Option<String>,
}

/// The title, path and the other week's title and path of week `weeks_ahead`'s page.
fn week_names(weeks_ahead: usize) -> (&'static str, &'static str, (&'static str, &'static str)) {
    if weeks_ahead == 0 {
        (
            "What's on this week",
            "this-week/",
            ("What's on next week", "next-week/"),
        )
    } else {
        (
            "What's on next week",
            "next-week/",
            ("What's on this week", "this-week/"),
        )
    }
}

impl Deriver<'_> {
    /// The Monday and Sunday of the week `weeks_ahead` of this one.
    fn week(&self, weeks_ahead: usize) -> (Date, Date) {
        let today = self.today();
        let monday = today
            .checked_sub(Span::new().days(today.weekday().to_monday_zero_offset() as i64))
            .and_then(|m| m.checked_add(Span::new().weeks(weeks_ahead as i64)))
            .unwrap_or(today);
        let sunday = monday.checked_add(Span::new().days(6)).unwrap_or(monday);
        (monday, sunday)
    }

    /// Day `day` (0 is Monday) of week `weeks_ahead`.
    fn day_of_week(&self, weeks_ahead: usize, day: usize) -> Date {
        let (monday, _) = self.week(weeks_ahead);
        monday
            .checked_add(Span::new().days(day as i64))
            .unwrap_or(monday)
    }

    /// Activity `index`'s part of each week's timetable.
    pub(super) fn activity_weeks(&self, index: usize) -> ActivityWeeks {
        let a = &self.dir.activities[index];
        let mut weeks: [Vec<(usize, TimetableEntry)>; WEEKS] = Default::default();
        let mut keys = [[0; 7]; WEEKS];
        for (w, week) in weeks.iter_mut().enumerate() {
            if a.data.status == Status::Running {
                let (monday, sunday) = self.week(w);
                for s in a.sessions.iter() {
                    for o in s.occurrences(monday, sunday) {
                        let entry = TimetableEntry {
                            start: o.start.to_string(),
                            times: format!("{} to {}", o.start.easy(), o.end.easy()),
                            name: a.data.name.clone(),
                            url: self.url(&format!("activities/{}/", a.id)),
                            place: self.place_words(o.venue.as_deref(), s.online),
                            status: match &o.change {
                                None => "on",
                                Some(c) if c.kind == ChangeKind::Cancelled => "cancelled",
                                Some(_) => "moved",
                            },
                            note: self.change_words(s, &o).map(|(_, text, _)| text),
                        };
                        let day = o.date.weekday().to_monday_zero_offset() as usize;
                        week.push((day, entry));
                    }
                }
            }
            for (day, key) in keys[w].iter_mut().enumerate() {
                let mut hash = xxhash_rust::xxh3::Xxh3::new();
                for (_, entry) in week.iter().filter(|(d, _)| *d == day) {
                    std::hash::Hash::hash(entry, &mut hash);
                }
                *key = hash.digest();
            }
        }
        ActivityWeeks { weeks, keys }
    }

    /// How many sessions each day of week `weeks_ahead` has.
    fn day_counts(&self, weeks_ahead: usize) -> [DayCounts; 7] {
        let mut counts = [DayCounts::default(); 7];
        for part in &self.weeks {
            for (day, entry) in &part.weeks[weeks_ahead] {
                let c = &mut counts[*day];
                c.sessions += 1;
                match entry.status {
                    "cancelled" => c.cancelled += 1,
                    "moved" => c.moved += 1,
                    _ => {}
                }
            }
        }
        counts
    }

    /// Whether week `weeks_ahead` has a page for each day (see `WEEK_ON_ONE_PAGE`).
    pub(super) fn week_is_split(&self, weeks_ahead: usize) -> bool {
        let sessions: usize = self
            .weeks
            .iter()
            .map(|part| part.weeks[weeks_ahead].len())
            .sum();
        sessions > WEEK_ON_ONE_PAGE
    }

    /// The path of day `day`'s own page in week `weeks_ahead`: "this-week/monday/".
    fn day_path(&self, weeks_ahead: usize, day: usize) -> String {
        let (_, path, _) = week_names(weeks_ahead);
        let id = schedule::weekday_of(self.day_of_week(weeks_ahead, day)).id();
        format!("{path}{id}/")
    }

    /// Day `day` of week `weeks_ahead`, without its sessions, link or counts yet.
    fn timetable_day(&self, weeks_ahead: usize, day: usize) -> TimetableDay {
        let date = self.day_of_week(weeks_ahead, day);
        TimetableDay {
            id: schedule::weekday_of(date).id(),
            name: date_words(date),
            is_today: date == self.today(),
            entries: Vec::new(),
            url: None,
            counts: DayCounts::default(),
        }
    }

    /// The sessions of day `day` of week `weeks_ahead`, in time order.
    fn day_entries(&self, weeks_ahead: usize, day: usize) -> Vec<TimetableEntry> {
        let mut list: Vec<TimetableEntry> = self
            .weeks
            .iter()
            .flat_map(|part| &part.weeks[weeks_ahead])
            .filter(|(d, _)| *d == day)
            .map(|(_, entry)| entry.clone())
            .collect();
        list.sort_by(|a, b| (&a.start, &a.name).cmp(&(&b.start, &b.name)));
        list
    }

    /// "What's on this week" (`weeks_ahead` 0) or "What's on next week" (1): Monday to
    /// Sunday, each activity's sessions taken from its part (see `activity_weeks`). A split
    /// week's page lists the days, with their counts, instead of their sessions.
    pub(super) fn week_timetable(&self, weeks_ahead: usize) -> PageSpec {
        let (monday, sunday) = self.week(weeks_ahead);
        let (title, path, other) = week_names(weeks_ahead);
        let week = format!("{} to {}", long_date(monday), long_date(sunday));
        let split = self.week_is_split(weeks_ahead);
        // A split week's page shows each day's counts and links to it; a whole week's shows
        // each day's sessions.
        let counts = split.then(|| self.day_counts(weeks_ahead));
        let make = || {
            let days: Vec<TimetableDay> = (0..7)
                .map(|day| {
                    let mut shown = self.timetable_day(weeks_ahead, day);
                    match counts {
                        Some(counts) => {
                            shown.url = Some(self.url(&self.day_path(weeks_ahead, day)));
                            shown.counts = counts[day];
                        }
                        None => shown.entries = self.day_entries(weeks_ahead, day),
                    }
                    shown
                })
                .collect();
            let mut ctx = tera::Context::new();
            ctx.insert("days", &days);
            ctx.insert("week", &week);
            ctx.insert("split", &split);
            ctx.insert(
                "total",
                &counts.iter().flatten().map(|c| c.sessions).sum::<usize>(),
            );
            ctx.insert(
                "other_week",
                &Link {
                    label: other.0.to_string(),
                    url: self.url(other.1),
                },
            );
            let meta = self.meta(
                title,
                "Every session in the week, Monday to Sunday, with changes and cancellations.",
                path,
                "timetable",
                vec![("Home", "")],
            );
            self.page(meta, "timetable.html", ctx)
        };
        // A whole week's page is made from each activity's part, in order: their keys are
        // its. A split week's page shows only the counts of each day.
        self.keyed_page(
            file_of(path),
            |hash| {
                hash.update(b"timetable.html\0");
                known::add(hash, &week);
                hash.update(&self.today_offset(weeks_ahead).to_le_bytes());
                match &counts {
                    Some(counts) => std::hash::Hash::hash(counts, hash),
                    None => {
                        for part in &self.weeks {
                            for key in &part.keys[weeks_ahead] {
                                hash.update(&key.to_le_bytes());
                            }
                        }
                    }
                }
            },
            make,
        )
    }

    /// Where today is in week `weeks_ahead` (0 is Monday), or 7 when it is not.
    fn today_offset(&self, weeks_ahead: usize) -> usize {
        (0..7)
            .find(|&day| self.day_of_week(weeks_ahead, day) == self.today())
            .unwrap_or(7)
    }

    /// The page of day `day` (0 is Monday) of a split week (see `week_timetable`), with
    /// links to the days before and after it.
    pub(super) fn day_timetable(&self, weeks_ahead: usize, day: usize) -> PageSpec {
        let (week_title, week_path, _) = week_names(weeks_ahead);
        let path = self.day_path(weeks_ahead, day);
        let name = date_words(self.day_of_week(weeks_ahead, day));
        let neighbour = |day: Option<usize>| {
            day.filter(|d| *d < 7).map(|d| Link {
                label: date_words(self.day_of_week(weeks_ahead, d)),
                url: self.url(&self.day_path(weeks_ahead, d)),
            })
        };
        let make = || {
            let mut shown = self.timetable_day(weeks_ahead, day);
            shown.entries = self.day_entries(weeks_ahead, day);
            let mut ctx = tera::Context::new();
            ctx.insert("day", &shown);
            ctx.insert("before", &neighbour(day.checked_sub(1)));
            ctx.insert("after", &neighbour(Some(day + 1)));
            ctx.insert(
                "week",
                &Link {
                    label: week_title.to_string(),
                    url: self.url(week_path),
                },
            );
            let meta = self.meta(
                &format!("What's on {name}"),
                "Every session on the day, with changes and cancellations.",
                &path,
                "timetable-day",
                vec![("Home", ""), (week_title, week_path)],
            );
            self.page(meta, "timetable_day.html", ctx)
        };
        self.keyed_page(
            file_of(&path),
            |hash| {
                hash.update(b"timetable_day.html\0");
                known::add(hash, &name);
                hash.update(&[u8::from(self.day_of_week(weeks_ahead, day) == self.today())]);
                for part in &self.weeks {
                    hash.update(&part.keys[weeks_ahead][day].to_le_bytes());
                }
            },
            make,
        )
    }
}
