//! The week timetables: every session this week and next, day by day, with changes and
//! cancellations. Each activity's part of them is made once and kept with a key
//! (`ActivityWeeks`), so a rebuild after an edit makes only the edited activities' parts,
//! and makes a week's page again only when one of its parts changed (see `known`).

use super::{date_words, file_of, known, long_date, Deriver, Link, PageSpec};
use crate::content::model::Status;
use crate::schedule::{self, ChangeKind};
use jiff::civil::Date;
use jiff::Span;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many weeks the timetables show: this week and next.
pub(super) const WEEKS: usize = 2;

/// One activity's sessions in each week the timetables show, by date, with a key of each.
#[derive(Debug)]
pub struct ActivityWeeks {
    weeks: [Vec<(Date, TimetableEntry)>; WEEKS],
    keys: [u64; WEEKS],
}

#[derive(Debug, Clone, Serialize, Hash)]
pub struct TimetableDay {
    pub id: &'static str,
    pub name: String,
    pub is_today: bool,
    pub entries: Vec<TimetableEntry>,
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

    /// Activity `index`'s part of each week's timetable.
    pub(super) fn activity_weeks(&self, index: usize) -> ActivityWeeks {
        let a = &self.dir.activities[index];
        let mut weeks: [Vec<(Date, TimetableEntry)>; WEEKS] = Default::default();
        let mut keys = [0; WEEKS];
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
                        week.push((o.date, entry));
                    }
                }
            }
            let mut key = xxhash_rust::xxh3::Xxh3::new();
            std::hash::Hash::hash(week, &mut key);
            keys[w] = key.digest();
        }
        ActivityWeeks { weeks, keys }
    }

    /// "What's on this week" (`weeks_ahead` 0) or "What's on next week" (1): Monday to
    /// Sunday, each activity's sessions taken from its part (see `activity_weeks`).
    pub(super) fn week_timetable(&self, weeks_ahead: usize) -> PageSpec {
        let today = self.today();
        let (monday, sunday) = self.week(weeks_ahead);
        let (title, path, other) = if weeks_ahead == 0 {
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
        };
        let week = format!("{} to {}", long_date(monday), long_date(sunday));
        let make = || {
            let mut entries: BTreeMap<Date, Vec<TimetableEntry>> = BTreeMap::new();
            for part in &self.weeks {
                for (date, entry) in &part.weeks[weeks_ahead] {
                    entries.entry(*date).or_default().push(entry.clone());
                }
            }
            let days: Vec<TimetableDay> = (0..7)
                .map(|offset| {
                    let date = monday
                        .checked_add(Span::new().days(offset))
                        .unwrap_or(monday);
                    let mut list = entries.remove(&date).unwrap_or_default();
                    list.sort_by(|a, b| (&a.start, &a.name).cmp(&(&b.start, &b.name)));
                    TimetableDay {
                        id: schedule::weekday_of(date).id(),
                        name: date_words(date),
                        is_today: date == today,
                        entries: list,
                    }
                })
                .collect();
            let mut ctx = tera::Context::new();
            ctx.insert("days", &days);
            ctx.insert("week", &week);
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
        // The week's page is made from each activity's part, in order: their keys are its.
        self.keyed_page(
            file_of(path),
            |hash| {
                hash.update(b"timetable.html\0");
                known::add(hash, &week);
                for part in &self.weeks {
                    hash.update(&part.keys[weeks_ahead].to_le_bytes());
                }
            },
            make,
        )
    }
}
