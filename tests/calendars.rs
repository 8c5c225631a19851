//! Builds the sample site and reads every calendar file back with independent parsers:
//! `icalendar` (content lines and components) and `rrule` (expanding RRULE and EXDATE).
//! Occurrences are compared with Signpost's own schedule, across the March 2027 clock
//! change, with cancellations and moved sessions.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike};
use icalendar::parser::{read_calendar, unfold, Component};
use rrule::{RRuleSet, Tz};
use signpost::content::Directory;
use signpost::schedule::ChangeKind;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const TODAY: &str = "2026-11-27";

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(today: &str, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .current_dir(project())
        .args(["build", "--today", today, "--output"])
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success(), "the sample site must build");
}

struct Built {
    _tmp: tempfile::TempDir,
    out: PathBuf,
    dir: Directory,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(TODAY, &out);
        let options = signpost::Options {
            content: project().join("content"),
            theme: project().join("themes/default"),
            today: TODAY.parse().unwrap(),
        };
        let dir = signpost::check(&options)
            .0
            .expect("sample content is valid");
        Built {
            _tmp: tmp,
            out,
            dir,
        }
    })
}

fn ics_files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "ics"))
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

fn prop<'a>(c: &'a Component, name: &str) -> Option<&'a str> {
    c.properties
        .iter()
        .find(|p| p.name.as_str() == name)
        .map(|p| p.val.as_str())
}

fn props<'a>(c: &'a Component, name: &str) -> Vec<&'a str> {
    c.properties
        .iter()
        .filter(|p| p.name.as_str() == name)
        .map(|p| p.val.as_str())
        .collect()
}

fn tzid(c: &Component, name: &str) -> Option<String> {
    let p = c.properties.iter().find(|p| p.name.as_str() == name)?;
    p.params
        .iter()
        .find(|x| x.key.as_str() == "TZID")
        .and_then(|x| x.val.as_ref())
        .map(|v| v.as_str().to_string())
}

/// One parsed VEVENT: what the tests need from it.
#[derive(Debug, Clone)]
struct Event {
    uid: String,
    dtstart: String,
    recurrence_id: Option<String>,
    rrule: Option<String>,
    exdates: Vec<String>,
    location: Option<String>,
    url: Option<String>,
}

impl Event {
    /// Every occurrence (local date and time) from an independent RRULE expansion.
    fn expand(&self) -> Vec<DateTime<Tz>> {
        let mut text = format!("DTSTART;TZID=Europe/London:{}\n", self.dtstart);
        text.push_str(&format!("RRULE:{}\n", self.rrule.as_deref().unwrap()));
        for x in &self.exdates {
            text.push_str(&format!("EXDATE;TZID=Europe/London:{x}\n"));
        }
        let set: RRuleSet = text
            .trim_end()
            .parse()
            .unwrap_or_else(|e| panic!("{}: rrule rejects {text}: {e}", self.uid));
        set.all(1500).dates
    }
}

/// Parses one file with `icalendar` and checks the content-line rules on the raw bytes.
fn parse(path: &Path) -> (String, Vec<Event>) {
    let raw = std::fs::read_to_string(path).unwrap();
    let name = path.display().to_string();
    assert!(raw.ends_with("\r\n"), "{name}: ends with CRLF");
    for line in raw.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(!line.contains('\n'), "{name}: bare LF in {line:?}");
        assert!(line.len() <= 75, "{name}: {} octets: {line}", line.len());
    }
    let unfolded = unfold(&raw);
    let cal = read_calendar(&unfolded).unwrap_or_else(|e| panic!("{name}: {e}"));
    // `read_calendar` opens the VCALENDAR: its properties and components are the calendar's.
    assert!(unfolded.starts_with("BEGIN:VCALENDAR\r\n") && unfolded.ends_with("END:VCALENDAR\r\n"));
    let vcal = Component {
        name: "VCALENDAR".into(),
        properties: cal.properties.clone(),
        components: cal.components.clone(),
    };
    let vcal = &vcal;
    assert_eq!(prop(vcal, "VERSION"), Some("2.0"), "{name}");
    assert!(prop(vcal, "PRODID").is_some(), "{name}: PRODID");
    let tz: Vec<&Component> = vcal
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VTIMEZONE")
        .collect();
    assert_eq!(tz.len(), 1, "{name}: one VTIMEZONE");
    assert_eq!(prop(tz[0], "TZID"), Some("Europe/London"));
    let mut events = Vec::new();
    for c in vcal
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
    {
        for p in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL"] {
            assert!(prop(c, p).is_some(), "{name}: VEVENT without {p}");
        }
        assert_eq!(
            tzid(c, "DTSTART").as_deref(),
            Some("Europe/London"),
            "{name}: local times"
        );
        events.push(Event {
            uid: prop(c, "UID").unwrap().to_string(),
            dtstart: prop(c, "DTSTART").unwrap().to_string(),
            recurrence_id: prop(c, "RECURRENCE-ID").map(str::to_string),
            rrule: prop(c, "RRULE").map(str::to_string),
            exdates: props(c, "EXDATE").into_iter().map(str::to_string).collect(),
            location: prop(c, "LOCATION").map(|l| {
                icalendar::parser::ParseString::from(l.to_string())
                    .unescape_text()
                    .as_str()
                    .to_string()
            }),
            url: prop(c, "URL").map(str::to_string),
        });
    }
    (unfolded, events)
}

fn local(d: NaiveDate, hour: u16, minute: u16) -> String {
    format!("{}T{:02}{:02}00", d.format("%Y%m%d"), hour, minute)
}

fn naive(d: jiff::civil::Date) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year() as i32, d.month() as u32, d.day() as u32).unwrap()
}

#[test]
fn every_calendar_file_parses_with_an_independent_parser() {
    let b = built();
    let files = ics_files(&b.out);
    // One per activity and provider, 12 "when" pages, each area and each category.
    let expected = b.dir.activities.len()
        + b.dir.providers.len()
        + 12
        + b.dir.vocabulary.areas.len()
        + b.dir.vocabulary.categories.len();
    assert_eq!(files.len(), expected, "calendar files");
    let mut events = 0;
    for f in &files {
        let (_, evs) = parse(f);
        for e in &evs {
            if e.rrule.is_some() {
                assert!(!e.expand().is_empty(), "{}: no occurrences", e.uid);
            }
            assert!(
                e.url.as_deref().unwrap().starts_with(&b.dir.site.base_url),
                "link back to the page"
            );
            assert!(e.location.is_some(), "{}: location", e.uid);
        }
        events += evs.len();
    }
    assert!(events > 100, "only {events} events in all files");
}

#[test]
fn rrules_give_exactly_the_sessions_dates_in_local_time() {
    let b = built();
    let today = naive(b.dir.today);
    let horizon = today + chrono::Days::new(26 * 7);
    let (mut checked, mut cancelled_checked, mut moved_checked) = (0, 0, 0);
    for a in &b.dir.activities {
        let path = b.out.join(format!("activities/{}/calendar.ics", a.id));
        let (_, events) = parse(&path);
        let running = a.data.status == signpost::content::model::Status::Running;
        if !running {
            assert!(events.is_empty(), "{}: not running, no events", a.id);
            continue;
        }
        for (n, s) in a.sessions.iter().enumerate() {
            let uid = format!("{}-{}@dayfinder.wyvern.example", a.id, n + 1);
            let master = events
                .iter()
                .find(|e| e.uid == uid && e.recurrence_id.is_none())
                .unwrap_or_else(|| panic!("{uid}: no event"));
            let got: BTreeSet<(NaiveDate, u32, u32)> = master
                .expand()
                .into_iter()
                .filter(|d| d.date_naive() >= today && d.date_naive() <= horizon)
                .map(|d| (d.date_naive(), d.hour(), d.minute()))
                .collect();
            let ours = s.occurrences(
                b.dir.today,
                b.dir.today.saturating_add(jiff::Span::new().days(26 * 7)),
            );
            let want: BTreeSet<(NaiveDate, u32, u32)> = ours
                .iter()
                .filter(|o| !o.cancelled())
                .map(|o| {
                    (
                        naive(o.date),
                        s.start.hours() as u32,
                        s.start.minutes() as u32,
                    )
                })
                .collect();
            assert_eq!(got, want, "{uid}: occurrences");
            checked += 1;
            for o in &ours {
                let rid = local(naive(o.date), s.start.hours(), s.start.minutes());
                match o.change.as_ref().map(|c| &c.kind) {
                    Some(ChangeKind::Cancelled) => {
                        assert!(!got.contains(&(
                            naive(o.date),
                            s.start.hours() as u32,
                            s.start.minutes() as u32
                        )));
                        assert!(
                            !events
                                .iter()
                                .any(|e| e.recurrence_id.as_deref() == Some(&rid)),
                            "{uid}: a cancelled date has no event"
                        );
                        cancelled_checked += 1;
                    }
                    Some(ChangeKind::Moved { start, venue, .. }) => {
                        let over = events
                            .iter()
                            .find(|e| e.uid == uid && e.recurrence_id.as_deref() == Some(&rid))
                            .unwrap_or_else(|| panic!("{uid}: moved {rid} not overridden"));
                        assert_eq!(
                            over.dtstart,
                            local(naive(o.date), start.hours(), start.minutes())
                        );
                        if let Some(v) = venue.as_deref().and_then(|v| b.dir.venue(v)) {
                            assert!(over.location.as_deref().unwrap().starts_with(&v.data.name));
                        }
                        moved_checked += 1;
                    }
                    None => {}
                }
            }
        }
    }
    assert!(checked > 50, "sessions checked: {checked}");
    assert!(
        cancelled_checked > 3,
        "cancellations checked: {cancelled_checked}"
    );
    assert!(moved_checked > 3, "moved sessions checked: {moved_checked}");
}

#[test]
fn sessions_keep_their_local_time_across_the_clock_change() {
    let b = built();
    let before = NaiveDate::from_ymd_opt(2027, 3, 21).unwrap();
    let after = NaiveDate::from_ymd_opt(2027, 4, 4).unwrap();
    let mut crossing = 0;
    for f in ics_files(&b.out.join("activities")) {
        for e in parse(&f).1.iter().filter(|e| e.rrule.is_some()) {
            let start_time = &e.dtstart[9..13];
            let around: Vec<DateTime<Tz>> = e
                .expand()
                .into_iter()
                .filter(|d| d.date_naive() >= before && d.date_naive() <= after)
                .collect();
            for d in &around {
                assert_eq!(
                    format!("{:02}{:02}", d.hour(), d.minute()),
                    start_time,
                    "{}",
                    e.uid
                );
            }
            let gmt = around
                .iter()
                .find(|d| d.date_naive() < NaiveDate::from_ymd_opt(2027, 3, 28).unwrap());
            let bst = around
                .iter()
                .find(|d| d.date_naive() > NaiveDate::from_ymd_opt(2027, 3, 28).unwrap());
            if let (Some(g), Some(s)) = (gmt, bst) {
                if start_time == "1000" {
                    assert_eq!(
                        g.with_timezone(&chrono::Utc).hour(),
                        10,
                        "{}: 10am GMT",
                        e.uid
                    );
                    assert_eq!(
                        s.with_timezone(&chrono::Utc).hour(),
                        9,
                        "{}: 10am BST",
                        e.uid
                    );
                    crossing += 1;
                }
            }
        }
    }
    assert!(
        crossing > 3,
        "10am sessions either side of 28 March 2027: {crossing}"
    );
}

#[test]
fn the_vtimezone_rules_match_the_time_zone_database() {
    let b = built();
    let (unfolded, _) = parse(&b.out.join("when/monday/calendar.ics"));
    let cal = read_calendar(&unfolded).unwrap();
    let tz = cal
        .components
        .iter()
        .find(|c| c.name.as_str() == "VTIMEZONE")
        .unwrap();
    // Every transition our rules give from 2026 to 2040, as (UTC instant, new offset).
    let mut transitions: Vec<(i64, i32)> = Vec::new();
    for part in &tz.components {
        let offset = |v: &str| -> i32 {
            let sign = if v.starts_with('-') { -1 } else { 1 };
            sign * (v[1..3].parse::<i32>().unwrap() * 3600 + v[3..5].parse::<i32>().unwrap() * 60)
        };
        let from = offset(prop(part, "TZOFFSETFROM").unwrap());
        let to = offset(prop(part, "TZOFFSETTO").unwrap());
        let text = format!(
            "DTSTART;TZID=UTC:{}\nRRULE:{}",
            prop(part, "DTSTART").unwrap(),
            prop(part, "RRULE").unwrap()
        );
        let set: RRuleSet = text.parse().unwrap();
        for d in set.all(100).dates {
            if (2026..=2040).contains(&d.year()) {
                // The local wall time is in the offset before the change.
                transitions.push((d.timestamp() - from as i64, to));
            }
        }
    }
    transitions.sort();
    assert_eq!(transitions.len(), 30, "two changes a year");
    let london = jiff::tz::TimeZone::get("Europe/London").unwrap();
    for (at, to) in &transitions {
        for (t, want) in [(*at - 1, if *to == 0 { 3600 } else { 0 }), (*at, *to)] {
            let ts = jiff::Timestamp::from_second(t).unwrap();
            assert_eq!(london.to_offset(ts).seconds(), want, "offset at {ts}");
        }
    }
    // And nothing else changes in between: check every day at noon UTC.
    let start = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
    for day in 0..(15 * 365) {
        let t = start.timestamp() + day * 86400;
        let ours = transitions
            .iter()
            .rev()
            .find(|(at, _)| *at <= t)
            .map(|x| x.1)
            .unwrap_or(0);
        let ts = jiff::Timestamp::from_second(t).unwrap();
        assert_eq!(london.to_offset(ts).seconds(), ours, "offset at {ts}");
    }
}

#[test]
fn uids_are_stable_between_builds_on_different_days() {
    let b = built();
    let tmp = tempfile::tempdir().unwrap();
    let later = tmp.path().join("later");
    build("2026-12-04", &later);
    let uids = |root: &Path| -> BTreeMap<String, BTreeSet<String>> {
        ics_files(&root.join("activities"))
            .into_iter()
            .map(|f| {
                let name = f.strip_prefix(root).unwrap().display().to_string();
                (name, parse(&f).1.into_iter().map(|e| e.uid).collect())
            })
            .collect()
    };
    let first = uids(&b.out);
    assert_eq!(first, uids(&later));
    assert!(first.values().map(BTreeSet::len).sum::<usize>() > 50);
}

#[test]
fn browse_calendars_hold_the_running_activities_on_their_page() {
    let b = built();
    let (mut pages, mut listed) = (0, 0);
    for folder in ["when", "where", "what"] {
        for entry in std::fs::read_dir(b.out.join(folder)).unwrap() {
            let dir = entry.unwrap().path();
            if !dir.is_dir() {
                continue;
            }
            // The list's cards over all its pages (following "Next page").
            let cards = scraper::Selector::parse("li.card--running h2 a").unwrap();
            let next = scraper::Selector::parse("main a[rel=next]").unwrap();
            let mut on_page = BTreeSet::new();
            let mut page = Some(dir.join("index.html"));
            while let Some(file) = page.take() {
                let html = std::fs::read_to_string(&file).unwrap();
                let doc = scraper::Html::parse_document(&html);
                on_page.extend(doc.select(&cards).map(|a| {
                    a.value()
                        .attr("href")
                        .unwrap()
                        .trim_matches('/')
                        .trim_start_matches("activities/")
                        .to_string()
                }));
                page = doc.select(&next).next().map(|a| {
                    let href = a.value().attr("href").unwrap().trim_matches('/');
                    b.out.join(href).join("index.html")
                });
            }
            let in_calendar: BTreeSet<String> = parse(&dir.join("calendar.ics"))
                .1
                .into_iter()
                .map(|e| e.uid.rsplit_once('-').unwrap().0.to_string())
                .collect();
            assert_eq!(in_calendar, on_page, "{}", dir.display());
            pages += 1;
            listed += on_page.len();
        }
    }
    assert_eq!(
        pages,
        12 + b.dir.vocabulary.areas.len() + b.dir.vocabulary.categories.len()
    );
    assert!(listed > 200, "{listed} activity listings compared");
}
