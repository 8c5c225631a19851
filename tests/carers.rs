//! Carers' tools on the built sample site: the changes page and its feed, a cancellation
//! next week seen everywhere, "Add to my calendar" links, report topics and sharing.

use scraper::{Html, Selector};
use signpost::content::Directory;
use signpost::schedule::ChangeKind;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

const TODAY: &str = "2026-11-27";

struct Built {
    _tmp: tempfile::TempDir,
    out: PathBuf,
    dir: Directory,
}

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let status = Command::new(env!("CARGO_BIN_EXE_signpost"))
            .current_dir(project())
            .args(["build", "--today", TODAY, "--output"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let options = signpost::Options {
            content: project().join("content"),
            theme: project().join("themes/default"),
            today: TODAY.parse().unwrap(),
        };
        let dir = signpost::check(&options).0.unwrap();
        Built {
            _tmp: tmp,
            out,
            dir,
        }
    })
}

fn page(path: &str) -> Html {
    let f = built().out.join(path).join("index.html");
    Html::parse_document(&std::fs::read_to_string(&f).unwrap())
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(doc: &Html, s: &str) -> String {
    doc.select(&sel(s))
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Percent-decodes a mailto part.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() + 1 {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn a_cancellation_next_week_shows_everywhere() {
    let b = built();
    // Millbrook Friendship Club is cancelled on Wednesday 2 December (next week).
    let (a, s) = b
        .dir
        .activities
        .iter()
        .flat_map(|a| a.sessions.iter().map(move |s| (a, s)))
        .find(|(_, s)| {
            s.changes
                .iter()
                .any(|c| c.kind == ChangeKind::Cancelled && c.date.to_string() == "2026-12-02")
        })
        .expect("the sample has a cancellation on 2 December");
    let words = "Cancelled on Wednesday 2 December";
    assert!(text(&page(&format!("activities/{}", a.id)), ".alert").contains(words));
    assert!(text(&page("when/wednesday"), ".card--running, .card").contains(words));
    let area = &b.dir.venue(s.venue.as_deref().unwrap()).unwrap().data.area;
    assert!(text(&page(&format!("where/{area}")), ".card").contains(words));
    let changes = page("changes");
    let item = changes
        .select(&sel(".changes-list li"))
        .find(|li| {
            let t = li.text().collect::<String>();
            t.contains(words) && t.contains(&a.data.name)
        })
        .expect("on the changes page");
    assert!(item
        .select(&sel("img"))
        .next()
        .unwrap()
        .value()
        .attr("src")
        .unwrap()
        .contains("cancelled"));
    // The week after next is not on the changes page (the 14 December cancellation).
    assert!(!text(&changes, "main").contains("Monday 14 December"));
    // This week's timetable covers 23 to 29 November, so 2 December is not in it; the
    // week-view test in sample_site covers cancellations inside the week.
    assert!(!text(&page("this-week"), "main").contains(words));
}

#[test]
fn the_changes_page_lists_closed_activities_and_is_linked() {
    let b = built();
    let changes = page("changes");
    let closed: Vec<_> = b
        .dir
        .activities
        .iter()
        .filter(|a| a.data.status == signpost::content::model::Status::TemporarilyClosed)
        .collect();
    assert!(!closed.is_empty());
    let section = text(&changes, "#closed-now ~ ul, .alert__item--closed");
    for a in closed {
        assert!(section.contains(&a.data.name), "{} closed", a.data.name);
        if let Some(m) = &a.data.status_message {
            assert!(section.contains(m.trim()));
        }
    }
    for p in ["", "activities"] {
        let doc = page(p);
        assert!(
            doc.select(&sel("a[href='/changes/']")).count() >= 1,
            "{p}: link to changes"
        );
    }
}

#[test]
fn the_feed_is_valid_atom_with_changes_and_listings() {
    let b = built();
    let raw = std::fs::read(b.out.join("changes/feed.xml")).unwrap();
    let feed = atom_syndication::Feed::read_from(&raw[..]).expect("valid Atom");
    assert_eq!(
        feed.id(),
        "https://dayfinder.wyvern.example/changes/feed.xml"
    );
    let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    assert!(titles
        .iter()
        .any(|t| t.starts_with("Cancelled: ") && t.contains("Wednesday 2 December")));
    assert!(titles.iter().any(|t| t.starts_with("Closed for now: ")));
    assert_eq!(
        titles.iter().filter(|t| t.starts_with("Listing: ")).count(),
        b.dir.activities.len()
    );
    let mut ids: Vec<&str> = feed.entries().iter().map(|e| e.id()).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "entry ids are unique");
    for e in feed.entries() {
        assert!(e.updated() <= feed.updated());
        assert!(!e.links().is_empty());
    }
    // Listing entries carry the provider's reviewed date.
    let p = &b.dir.providers[0];
    let a = &b.dir.activities[p.activities[0]];
    let entry = feed
        .entries()
        .iter()
        .find(|e| e.id() == format!("https://dayfinder.wyvern.example/activities/{}/", a.id))
        .unwrap();
    assert_eq!(
        entry.updated().date_naive().to_string(),
        p.reviewed.to_string()
    );
}

#[test]
fn calendar_links_point_at_files_that_exist() {
    let b = built();
    let mut pages = 0;
    for path in [
        "activities/oakfield-day-centre",
        "providers/northfield-community-farm",
        "when/monday",
        "when/evenings-and-weekends",
        "where/ashby",
        "what/arts-crafts",
    ] {
        let doc = page(path);
        let add = doc
            .select(&sel("a"))
            .find(|a| a.text().collect::<String>() == "Add to my calendar")
            .unwrap_or_else(|| panic!("{path}: Add to my calendar"));
        let href = add.value().attr("href").unwrap();
        let file = href
            .strip_prefix("https://dayfinder.wyvern.example/")
            .unwrap();
        assert!(b.out.join(file).is_file(), "{path}: {href}");
        let sub = doc
            .select(&sel("a[href^='webcal://']"))
            .next()
            .unwrap_or_else(|| panic!("{path}: subscribe"));
        assert_eq!(
            sub.value().attr("href").unwrap(),
            href.replace("https://", "webcal://")
        );
        pages += 1;
    }
    assert_eq!(pages, 6);
    // Pages with no calendar file have no calendar link.
    assert!(page("who/autism")
        .select(&sel("a[href$='calendar.ics']"))
        .next()
        .is_none());
}

#[test]
fn every_listing_offers_report_topics_by_email() {
    let b = built();
    let mut checked = 0;
    let kinds = [
        (
            "activities",
            b.dir
                .activities
                .iter()
                .map(|a| (a.id.clone(), a.data.name.clone()))
                .collect::<Vec<_>>(),
        ),
        (
            "providers",
            b.dir
                .providers
                .iter()
                .map(|p| (p.id.clone(), p.data.name.clone()))
                .collect(),
        ),
        (
            "venues",
            b.dir
                .venues
                .iter()
                .map(|v| (v.id.clone(), v.data.name.clone()))
                .collect(),
        ),
        (
            "changing-places",
            b.dir
                .changing_places
                .iter()
                .map(|c| (c.id.clone(), String::new()))
                .collect(),
        ),
    ];
    for (folder, items) in kinds {
        for (id, name) in items {
            let doc = page(&format!("{folder}/{id}"));
            let links: Vec<_> = doc.select(&sel(".report__topics a")).collect();
            assert_eq!(links.len(), 5, "{folder}/{id}: five topics");
            for (link, topic) in links.iter().zip(signpost::carers::REPORT_TOPICS) {
                let href = link.value().attr("href").unwrap();
                let rest = href
                    .strip_prefix("mailto:listings@wyvern.example?subject=")
                    .unwrap_or_else(|| panic!("{href}"));
                let subject = decode(rest.split('&').next().unwrap());
                assert!(subject.ends_with(topic.1), "{subject}");
                if !name.is_empty() {
                    assert!(subject.starts_with(&name), "{subject} names {name}");
                }
                let body = decode(rest.split("&body=").nth(1).unwrap());
                assert!(body.contains(&format!("https://dayfinder.wyvern.example/{folder}/{id}/")));
            }
            checked += 1;
        }
    }
    assert!(checked > 80, "{checked} listings");
}

#[test]
fn share_email_carries_the_easy_read_summary() {
    let doc = page("activities/oakfield-day-centre");
    let lines: Vec<String> = doc
        .select(&sel(".easy-read li span"))
        .map(|s| s.text().collect())
        .collect();
    assert!(lines.len() >= 5);
    let mail = doc
        .select(&sel("a"))
        .find(|a| a.text().collect::<String>() == "Email this to someone")
        .unwrap();
    let href = mail.value().attr("href").unwrap();
    let body = decode(href.split("&body=").nth(1).unwrap());
    for l in &lines {
        assert!(body.contains(l.as_str()), "body has {l}");
    }
    assert!(body.contains("https://dayfinder.wyvern.example/activities/oakfield-day-centre/"));
    let url = doc.select(&sel("input#share-url")).next().unwrap();
    assert_eq!(
        url.value().attr("value"),
        Some("https://dayfinder.wyvern.example/activities/oakfield-day-centre/")
    );
}

#[test]
fn in_the_week_of_a_cancellation_it_is_on_the_timetable_too() {
    // Built on Monday 30 November, the 2 December cancellation is in this week's timetable.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let status = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .current_dir(project())
        .args(["build", "--today", "2026-11-30", "--output"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let read = |p: &str| {
        Html::parse_document(&std::fs::read_to_string(out.join(p).join("index.html")).unwrap())
    };
    let b = built();
    let a = b
        .dir
        .activities
        .iter()
        .find(|a| {
            a.sessions.iter().any(|s| {
                s.changes
                    .iter()
                    .any(|c| c.kind == ChangeKind::Cancelled && c.date.to_string() == "2026-12-02")
            })
        })
        .unwrap();
    let week = read("this-week");
    let row = week
        .select(&sel("#wednesday ~ table tr, section tr"))
        .find(|tr| {
            tr.text().collect::<String>().contains(&a.data.name)
                && tr.value().attr("class") == Some("row--cancelled")
        })
        .expect("cancelled row on the timetable");
    assert!(row.text().collect::<String>().contains("Cancelled"));
    for p in [
        format!("activities/{}", a.id),
        "when/wednesday".into(),
        "changes".into(),
    ] {
        assert!(
            text(&read(&p), "main").contains("Cancelled on Wednesday 2 December"),
            "{p}"
        );
    }
}
