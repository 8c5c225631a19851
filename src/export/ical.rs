//! Calendar files (RFC 5545) for activities, providers and the browse pages carers use.
//!
//! Each session is one repeating event in Europe/London time: an RRULE for its pattern,
//! EXDATEs for cancelled dates and an overriding event (RECURRENCE-ID) for each moved
//! date. UIDs come from the activity id and the session's position, so a calendar app
//! that subscribes updates its events instead of adding copies. DTSTAMP comes from the
//! build's "today", so the same content gives the same bytes.

use crate::content::model::{Status, WeekOfMonth};
use crate::content::{Activity, Directory};
use crate::incremental::Plan;
use crate::render::OutFile;
use crate::schedule::{ChangeKind, Recurrence, Session, Time, ALL_DAYS};
use jiff::civil::Date;
use jiff::Span;

/// The file name of every calendar, next to the page it belongs to.
pub const FILE_NAME: &str = "calendar.ics";

/// How far past the first possible date we look for a session's first occurrence.
const FIRST_DATE_SEARCH_DAYS: i64 = 400;

/// Writes the calendar files `to` asks for as they are made: activities' and providers'
/// to `to.listings` (not those `plan` reuses: their published files are kept), the browse
/// lists' to `to.lists`.
pub fn write(dir: &Directory, plan: &Plan, to: &super::Targets) -> std::io::Result<()> {
    use rayon::prelude::*;
    // Each session's events, made once: a session is in its activity's and provider's
    // calendars and in several browse calendars, which copy the same lines. Only the
    // calendars made need them.
    let own_needed = plan.activities_shown(dir);
    let needed = |i: usize| to.lists.is_some() || (to.listings.is_some() && own_needed[i]);
    let events: Vec<Vec<String>> = dir
        .activities
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            if needed(i) {
                session_events(dir, a)
            } else {
                Vec::new()
            }
        })
        .collect();
    let all = |_: &Session| true;
    if let Some(listings) = to.listings {
        own_calendars(dir, plan, listings, &events)?;
    }
    let Some(sink) = to.lists else {
        return Ok(());
    };
    for (id, label, test) in when_filters() {
        let items: Vec<Item> = dir
            .activities
            .iter()
            .enumerate()
            .filter(|(_, a)| a.sessions.iter().any(&test))
            .map(|(i, _)| (i, &*test))
            .collect();
        sink.put(file(dir, &events, &format!("when/{id}/"), &label, &items))?;
    }
    for area in &dir.vocabulary.areas {
        let in_area = |s: &Session| {
            s.venue
                .as_deref()
                .and_then(|v| dir.venue(v))
                .is_some_and(|v| v.data.area == area.id)
        };
        let items: Vec<Item> = dir
            .activities
            .iter()
            .enumerate()
            .filter(|(_, a)| a.sessions.iter().any(in_area))
            .map(|(i, _)| (i, &in_area as &dyn Fn(&Session) -> bool))
            .collect();
        sink.put(file(
            dir,
            &events,
            &format!("where/{}/", area.id),
            &area.label,
            &items,
        ))?;
    }
    for category in &dir.vocabulary.categories {
        let items: Vec<Item> = dir
            .activities
            .iter()
            .enumerate()
            .filter(|(_, a)| a.data.categories.contains(&category.id))
            .map(|(i, _)| (i, &all as &dyn Fn(&Session) -> bool))
            .collect();
        sink.put(file(
            dir,
            &events,
            &format!("what/{}/", category.id),
            &category.label,
            &items,
        ))?;
    }
    Ok(())
}

/// One calendar per activity and per provider: independent, so made in parallel. Those
/// `plan` reuses are not made (their published files are kept).
fn own_calendars(
    dir: &Directory,
    plan: &Plan,
    to: &super::ListingFiles,
    events: &[Vec<String>],
) -> std::io::Result<()> {
    use super::Owner;
    use rayon::prelude::*;
    let all = |_: &Session| true;
    dir.activities
        .par_iter()
        .enumerate()
        .filter(|(i, _)| !plan.activities[*i])
        .try_for_each(|(i, a)| {
            let path = format!("activities/{}/", a.id);
            let calendar = file(dir, events, &path, &a.data.name, &[(i, &all)]);
            to.put(Owner::Activity(i), calendar)
        })?;
    dir.providers
        .par_iter()
        .enumerate()
        .filter(|(pi, _)| !plan.providers[*pi])
        .try_for_each(|(pi, p)| {
            let path = format!("providers/{}/", p.id);
            let items: Vec<Item> = p
                .activities
                .iter()
                .map(|&i| (i, &all as &dyn Fn(&Session) -> bool))
                .collect();
            to.put(
                Owner::Provider(pi),
                file(dir, events, &path, &p.data.name, &items),
            )
        })
}

type SessionTest = Box<dyn Fn(&Session) -> bool>;

/// An activity (its index) and which of its sessions belong in a calendar.
type Item<'a> = (usize, &'a dyn Fn(&Session) -> bool);

/// The "When" browse pages and which sessions belong on each (the same rules as the pages).
fn when_filters() -> Vec<(String, String, SessionTest)> {
    let mut out: Vec<(String, String, SessionTest)> = ALL_DAYS
        .iter()
        .map(|&d| {
            (
                d.id().to_string(),
                format!("{}s", d.name()),
                Box::new(move |s: &Session| s.day == d) as SessionTest,
            )
        })
        .collect();
    out.push((
        "mornings".into(),
        "Mornings".into(),
        Box::new(Session::is_morning),
    ));
    out.push((
        "afternoons".into(),
        "Afternoons".into(),
        Box::new(Session::is_afternoon),
    ));
    out.push((
        "evenings".into(),
        "Evenings".into(),
        Box::new(Session::is_evening),
    ));
    out.push((
        "weekends".into(),
        "Weekends".into(),
        Box::new(Session::is_weekend),
    ));
    out.push((
        "evenings-and-weekends".into(),
        "Evenings and weekends".into(),
        Box::new(|s: &Session| s.is_evening() || s.is_weekend()),
    ));
    out
}

/// The site address with exactly one trailing slash.
pub fn base(dir: &Directory) -> String {
    format!("{}/", dir.site.base_url.trim_end_matches('/'))
}

/// The host name of the site, for UIDs: "dayfinder.wyvern.example".
pub fn host(dir: &Directory) -> String {
    let after = dir
        .site
        .base_url
        .split_once("://")
        .map(|x| x.1)
        .unwrap_or(&dir.site.base_url);
    after.split('/').next().unwrap_or(after).to_string()
}

/// One calendar: the header, then the events (from `events`, by activity and session) of
/// each item's chosen sessions.
fn file(
    dir: &Directory,
    events: &[Vec<String>],
    page: &str,
    name: &str,
    items: &[Item],
) -> OutFile {
    let mut cal = Writer::default();
    cal.raw("BEGIN:VCALENDAR");
    cal.raw("VERSION:2.0");
    cal.text("PRODID", &format!("-//Signpost//{}//EN", dir.site.name));
    cal.raw("CALSCALE:GREGORIAN");
    cal.raw("METHOD:PUBLISH");
    cal.text("X-WR-CALNAME", &format!("{} – {}", name, dir.site.name));
    cal.raw("X-WR-TIMEZONE:Europe/London");
    cal.text("URL", &format!("{}{page}", base(dir)));
    vtimezone(&mut cal);
    for &(i, test) in items {
        let sessions = dir.activities[i].sessions.iter().zip(&events[i]);
        for (_, lines) in sessions.filter(|(s, _)| test(s)) {
            cal.out.push_str(lines);
        }
    }
    cal.raw("END:VCALENDAR");
    OutFile {
        path: format!("{page}{FILE_NAME}"),
        bytes: cal.out.into_bytes(),
    }
}

/// Europe/London since 1996: BST from 01:00 UTC on the last Sunday of March to 01:00 UTC
/// on the last Sunday of October. DTSTARTs are in local time before each change.
fn vtimezone(cal: &mut Writer) {
    for line in [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/London",
        "X-LIC-LOCATION:Europe/London",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "TZNAME:BST",
        "DTSTART:19810329T010000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "TZNAME:GMT",
        "DTSTART:19961027T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] {
        cal.raw(line);
    }
}

fn local(date: Date, time: Time) -> String {
    format!(
        "{}T{:02}{:02}00",
        date.strftime("%Y%m%d"),
        time.hours(),
        time.minutes()
    )
}

fn byday(s: &Session) -> &'static str {
    match s.day.id() {
        "monday" => "MO",
        "tuesday" => "TU",
        "wednesday" => "WE",
        "thursday" => "TH",
        "friday" => "FR",
        "saturday" => "SA",
        _ => "SU",
    }
}

/// The RRULE value for a session, without UNTIL.
fn rrule(s: &Session) -> String {
    let day = byday(s);
    match s.recurrence {
        Recurrence::Weekly => format!("FREQ=WEEKLY;BYDAY={day}"),
        Recurrence::Fortnightly(_) => format!("FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"),
        Recurrence::Monthly(week) => {
            let n = match week {
                WeekOfMonth::First => "1",
                WeekOfMonth::Second => "2",
                WeekOfMonth::Third => "3",
                WeekOfMonth::Fourth => "4",
                WeekOfMonth::Last => "-1",
            };
            format!("FREQ=MONTHLY;BYDAY={n}{day}")
        }
    }
}

/// The first date the session runs on, counting from its `from` date or, without one,
/// from the date staff last checked the listing (stable from build to build).
fn first_date(s: &Session, not_before: Date) -> Option<Date> {
    let start = s.from.unwrap_or(not_before);
    (0..FIRST_DATE_SEARCH_DAYS)
        .filter_map(|d| start.checked_add(Span::new().days(d)).ok())
        .find(|&d| s.runs_on(d))
}

/// UNTIL must be in UTC when DTSTART has a TZID: the end of the last day, London time.
fn until_utc(until: Date) -> Option<String> {
    let tz = jiff::tz::TimeZone::get("Europe/London").ok()?;
    let end = until.at(23, 59, 59, 0).to_zoned_datetime(tz).ok()?;
    Some(end.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string())
}

fn location(dir: &Directory, venue: Option<&str>, online: bool) -> Option<String> {
    match venue.and_then(|v| dir.venue(v)) {
        Some(v) => Some(format!(
            "{}, {}, {}",
            v.data.name, v.data.address, v.data.postcode
        )),
        None if online => Some("Online".into()),
        None => None,
    }
}

/// The events of each of the activity's sessions, as calendar lines (empty for a session
/// with none: the activity is not running, or no date is found).
fn session_events(dir: &Directory, a: &Activity) -> Vec<String> {
    if a.data.status != Status::Running {
        return vec![String::new(); a.sessions.len()];
    }
    let provider = &dir.providers[a.provider];
    let url = format!("{}activities/{}/", base(dir), a.id);
    let dtstamp = format!("{}T000000Z", dir.today.strftime("%Y%m%d"));
    let host = host(dir);
    let mut out = Vec::with_capacity(a.sessions.len());
    for (n, s) in a.sessions.iter().enumerate() {
        let mut cal = Writer::default();
        let Some(first) = first_date(s, provider.reviewed) else {
            out.push(cal.out);
            continue;
        };
        let uid = format!("{}-{}@{host}", a.id, n + 1);
        let mut description = format!("{}\nRun by {}.", a.data.summary.trim(), provider.data.name);
        if let Some(phone) = &provider.data.phone {
            description.push_str(&format!(" Phone {phone}."));
        }
        description.push_str(&format!("\nDetails and changes: {url}"));
        let place = location(dir, s.venue.as_deref(), s.online);

        cal.raw("BEGIN:VEVENT");
        cal.text("UID", &uid);
        cal.raw(&format!("DTSTAMP:{dtstamp}"));
        cal.raw(&format!(
            "DTSTART;TZID=Europe/London:{}",
            local(first, s.start)
        ));
        cal.raw(&format!("DTEND;TZID=Europe/London:{}", local(first, s.end)));
        let mut rule = rrule(s);
        if let Some(until) = s.until.and_then(until_utc) {
            rule.push_str(&format!(";UNTIL={until}"));
        }
        cal.raw(&format!("RRULE:{rule}"));
        let mut changes: Vec<_> = s
            .changes
            .iter()
            .filter(|c| c.date >= first && s.runs_on(c.date))
            .collect();
        changes.sort_by_key(|c| c.date);
        for c in &changes {
            if c.kind == ChangeKind::Cancelled {
                cal.raw(&format!(
                    "EXDATE;TZID=Europe/London:{}",
                    local(c.date, s.start)
                ));
            }
        }
        cal.text("SUMMARY", &a.data.name);
        if let Some(place) = &place {
            cal.text("LOCATION", place);
        }
        cal.text("DESCRIPTION", &description);
        cal.text("URL", &url);
        cal.raw("END:VEVENT");

        for c in &changes {
            let ChangeKind::Moved { start, end, venue } = &c.kind else {
                continue;
            };
            let venue = venue.as_deref().or(s.venue.as_deref());
            let mut note = format!(
                "New time or place on this date. Usually {} to {}.",
                s.start.easy(),
                s.end.easy()
            );
            if let Some(reason) = &c.reason {
                note.push_str(&format!(" {}", reason.trim()));
            }
            cal.raw("BEGIN:VEVENT");
            cal.text("UID", &uid);
            cal.raw(&format!("DTSTAMP:{dtstamp}"));
            cal.raw(&format!(
                "RECURRENCE-ID;TZID=Europe/London:{}",
                local(c.date, s.start)
            ));
            cal.raw(&format!(
                "DTSTART;TZID=Europe/London:{}",
                local(c.date, *start)
            ));
            cal.raw(&format!("DTEND;TZID=Europe/London:{}", local(c.date, *end)));
            cal.text("SUMMARY", &format!("{} (changed)", a.data.name));
            if let Some(place) = location(dir, venue, s.online) {
                cal.text("LOCATION", &place);
            }
            cal.text("DESCRIPTION", &format!("{note}\n{description}"));
            cal.text("URL", &url);
            cal.raw("END:VEVENT");
        }
        out.push(cal.out);
    }
    out
}

/// Writes content lines: CRLF endings, folded at 75 octets, TEXT values escaped.
#[derive(Default)]
pub struct Writer {
    pub out: String,
}

impl Writer {
    /// A property whose value is already in iCalendar form.
    pub fn raw(&mut self, line: &str) {
        fold_into(&mut self.out, line);
    }

    /// A TEXT property: the value is escaped (RFC 5545 3.3.11).
    pub fn text(&mut self, name: &str, value: &str) {
        self.raw(&format!("{name}:{}", escape_text(value)));
    }
}

pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded so no physical line is over 75 octets (never inside a character).
pub fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let long = format!("DESCRIPTION:{}", "é".repeat(60));
        fold_into(&mut out, &long);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{long}\r\n"));
    }

    #[test]
    fn escapes_text() {
        assert_eq!(
            escape_text("Tea, cake; and \\ more\nthings"),
            "Tea\\, cake\\; and \\\\ more\\nthings"
        );
    }

    #[test]
    fn until_is_end_of_day_in_utc() {
        let d: Date = "2027-07-20".parse().unwrap();
        assert_eq!(until_utc(d).unwrap(), "20270720T225959Z");
        let d: Date = "2027-01-20".parse().unwrap();
        assert_eq!(until_utc(d).unwrap(), "20270120T235959Z");
    }
}
