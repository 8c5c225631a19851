//! The data for staff and commissioners: the coverage page's numbers and gaps, and the CSV
//! files, each checked against the content counted independently here.

use scraper::{Html, Selector};
use signpost::content::model::{Status, Weekday};
use signpost::content::Directory;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

const TODAY: &str = "2026-11-27";

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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
        let status = Command::new(env!("CARGO_BIN_EXE_signpost"))
            .current_dir(project())
            .args(["build", "--today", TODAY, "--output"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let (dir, diags) = signpost::check(&signpost::Options {
            content: project().join("content"),
            theme: project().join("themes/default"),
            today: TODAY.parse().unwrap(),
        });
        Built {
            _tmp: tmp,
            out,
            dir: dir.unwrap_or_else(|| panic!("{diags:?}")),
        }
    })
}

/// (area, who, band) → sessions, counted from the listings with the rules as the site
/// states them: weekend is Saturday or Sunday; otherwise evening when it ends after 6pm.
fn expected(dir: &Directory) -> BTreeMap<(String, String, usize), usize> {
    let today: jiff::civil::Date = TODAY.parse().unwrap();
    let mut counts = BTreeMap::new();
    for a in &dir.activities {
        if a.data.status != Status::Running {
            continue;
        }
        for (s, raw) in a.sessions.iter().zip(&a.data.sessions) {
            if raw
                .until
                .as_deref()
                .is_some_and(|u| u < today.to_string().as_str())
            {
                continue;
            }
            let area = match &raw.venue {
                Some(v) => dir.venue(v).unwrap().data.area.clone(),
                None => "online".to_string(),
            };
            let end_minutes = {
                let (h, m) = raw.end.split_once(':').unwrap();
                h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
            };
            let band = if matches!(raw.day, Weekday::Saturday | Weekday::Sunday) {
                2
            } else if end_minutes > 18 * 60 {
                1
            } else {
                0
            };
            assert_eq!(s.day, raw.day);
            *counts
                .entry((area.clone(), "all".to_string(), band))
                .or_insert(0) += 1;
            for w in &a.data.who_for {
                *counts.entry((area.clone(), w.clone(), band)).or_insert(0) += 1;
            }
        }
    }
    counts
}

#[test]
fn coverage_numbers_match_the_listings() {
    let b = built();
    let html = std::fs::read_to_string(b.out.join("coverage/index.html")).unwrap();
    let doc = Html::parse_document(&html);
    let cell = Selector::parse("td[data-cell]").unwrap();
    let expected = expected(&b.dir);
    let mut seen = 0;
    let mut nonzero = 0;
    for td in doc.select(&cell) {
        let key = td.value().attr("data-cell").unwrap();
        let parts: Vec<&str> = key.split('/').collect();
        let want = expected
            .get(&(
                parts[0].to_string(),
                parts[1].to_string(),
                parts[2].parse().unwrap(),
            ))
            .copied()
            .unwrap_or(0);
        let got: usize = td.text().collect::<String>().trim().parse().unwrap();
        assert_eq!(got, want, "cell {key}");
        seen += 1;
        nonzero += usize::from(got > 0);
    }
    let areas = b.dir.vocabulary.areas.len() + 1;
    let groups = b.dir.vocabulary.who_for.len() + 1;
    assert_eq!(
        seen,
        areas * groups * 3,
        "every area × group × band has a cell"
    );
    assert!(
        nonzero > 20,
        "the sample has sessions in many cells ({nonzero})"
    );
    let all: usize = expected
        .iter()
        .filter(|((_, w, _), _)| w == "all")
        .map(|(_, n)| n)
        .sum();
    assert!(html.contains(&format!("{all} regular sessions are counted")));

    // Each empty cell is named as a gap in words, and nothing else is.
    let text = doc.root_element().text().collect::<String>();
    let bands = ["weekday daytime", "weekday evening", "weekend"];
    for area in &b.dir.vocabulary.areas {
        for who in &b.dir.vocabulary.who_for {
            for (i, band) in bands.iter().enumerate() {
                let label = who
                    .label
                    .chars()
                    .next()
                    .unwrap()
                    .to_lowercase()
                    .collect::<String>()
                    + &who.label[1..];
                let sentence = format!("No {band} sessions for {label} in {}.", area.label);
                let empty = !expected.contains_key(&(area.id.clone(), who.id.clone(), i));
                assert_eq!(text.contains(&sentence), empty, "{sentence}");
            }
        }
    }
    assert!(text.contains("No weekend sessions for people living with dementia in Ashby."));
}

#[test]
fn coverage_chart_is_drawn_at_build_time_with_a_text_alternative() {
    let html = std::fs::read_to_string(built().out.join("coverage/index.html")).unwrap();
    let doc = Html::parse_document(&html);
    let svg = doc
        .select(&Selector::parse("svg").unwrap())
        .next()
        .expect("an inline chart");
    assert_eq!(svg.value().attr("role"), Some("img"));
    let title = doc
        .select(&Selector::parse("svg title").unwrap())
        .next()
        .unwrap();
    assert!(!title.text().collect::<String>().is_empty());
    let desc: String = doc
        .select(&Selector::parse("svg desc").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    let expected = expected(&built().dir);
    let northfield: Vec<usize> = (0..3)
        .map(|b| {
            expected
                .get(&("northfield".into(), "all".into(), b))
                .copied()
                .unwrap_or(0)
        })
        .collect();
    assert!(
        desc.contains(&format!(
            "Northfield: {} weekday daytime, {} weekday evening, {} weekend",
            northfield[0], northfield[1], northfield[2]
        )),
        "{desc}"
    );
    // Linked from the footer of every page, not from the Easy Read home page's body.
    let home = std::fs::read_to_string(built().out.join("index.html")).unwrap();
    let home = Html::parse_document(&home);
    let in_main = Selector::parse("main a[href$='coverage/']").unwrap();
    let in_footer = Selector::parse("footer a[href$='coverage/']").unwrap();
    assert_eq!(home.select(&in_main).count(), 0);
    assert_eq!(home.select(&in_footer).count(), 1);
}

fn read_csv(path: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut r = csv::Reader::from_path(built().out.join(path)).unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect();
    (headers, rows)
}

#[test]
fn sessions_csv_has_one_row_per_session_matching_the_listings() {
    let b = built();
    let (headers, rows) = read_csv("data/sessions.csv");
    for col in [
        "activity",
        "provider",
        "day",
        "start",
        "end",
        "venue",
        "area",
        "who_for",
        "support_type",
        "cost",
        "access_facilities",
        "changing_places",
    ] {
        assert!(headers.iter().any(|h| h == col), "column {col}");
    }
    let sessions: usize = b.dir.activities.iter().map(|a| a.data.sessions.len()).sum();
    assert_eq!(rows.len(), sessions);
    let mut i = 0;
    for a in &b.dir.activities {
        let provider = &b.dir.providers[a.provider];
        for s in &a.data.sessions {
            let row = &rows[i];
            i += 1;
            assert_eq!(row["activity"], a.data.name);
            assert_eq!(row["provider"], provider.data.name);
            assert_eq!(
                row["day"].to_lowercase(),
                format!("{:?}", s.day).to_lowercase()
            );
            assert_eq!(
                row["start"].trim_start_matches('0'),
                s.start.trim_start_matches('0')
            );
            let venue = s.venue.as_deref().map(|v| b.dir.venue(v).unwrap());
            assert_eq!(
                row["venue"],
                venue.map(|v| v.data.name.clone()).unwrap_or_default()
            );
            let cp = venue.is_some_and(|v| v.data.changing_places.is_some());
            assert_eq!(
                row["changing_places"],
                if cp { "yes" } else { "no" },
                "{}",
                a.id
            );
            for w in &a.data.who_for {
                let label = &b
                    .dir
                    .vocabulary
                    .who_for
                    .iter()
                    .find(|t| &t.id == w)
                    .unwrap()
                    .label;
                assert!(row["who_for"].contains(label.as_str()));
            }
            if a.data.cost.free {
                assert_eq!(row["cost"], "Free");
            }
        }
    }
    // The sample has Changing Places venues in use.
    assert!(rows.iter().any(|r| r["changing_places"] == "yes"));
}

#[test]
fn providers_csv_lists_every_provider() {
    let b = built();
    let (_, rows) = read_csv("data/providers.csv");
    assert_eq!(rows.len(), b.dir.providers.len());
    for (row, p) in rows.iter().zip(&b.dir.providers) {
        assert_eq!(row["provider"], p.data.name);
        assert_eq!(row["activities"], p.data.activities.len().to_string());
        assert_eq!(row["phone"], p.data.phone.clone().unwrap_or_default());
    }
}

/// The schema.org types Signpost writes, each with the properties it uses: every one
/// checked against schema.org's definitions (a property is listed only under a type it
/// belongs to, directly or through a parent type such as Thing or CreativeWork).
const SCHEMA_ORG: [(&str, &[&str]); 12] = [
    ("WebSite", &["name", "url", "inLanguage", "publisher"]),
    ("GovernmentOrganization", &["name"]),
    (
        "Organization",
        &["name", "description", "url", "telephone", "email", "sameAs"],
    ),
    (
        "Event",
        &[
            "name",
            "description",
            "url",
            "eventSchedule",
            "location",
            "eventAttendanceMode",
            "eventStatus",
            "organizer",
            "isAccessibleForFree",
            "offers",
            "audience",
            "inLanguage",
        ],
    ),
    (
        "Schedule",
        &[
            "byDay",
            "startTime",
            "endTime",
            "scheduleTimezone",
            "repeatFrequency",
            "byMonthWeek",
            "startDate",
            "endDate",
        ],
    ),
    (
        "Place",
        &["name", "url", "address", "geo", "amenityFeature"],
    ),
    (
        "PostalAddress",
        &[
            "streetAddress",
            "postalCode",
            "addressLocality",
            "addressCountry",
        ],
    ),
    ("GeoCoordinates", &["latitude", "longitude"]),
    ("LocationFeatureSpecification", &["name", "value"]),
    ("VirtualLocation", &["name"]),
    ("Offer", &["price", "priceCurrency"]),
    ("Audience", &["audienceType"]),
];

/// Enumeration members used as values (schema.org URLs).
const ENUM_VALUES: [&str; 11] = [
    "https://schema.org/Monday",
    "https://schema.org/Tuesday",
    "https://schema.org/Wednesday",
    "https://schema.org/Thursday",
    "https://schema.org/Friday",
    "https://schema.org/Saturday",
    "https://schema.org/Sunday",
    "https://schema.org/OfflineEventAttendanceMode",
    "https://schema.org/OnlineEventAttendanceMode",
    "https://schema.org/EventScheduled",
    "https://schema.org/EventCancelled",
];

fn check_node(v: &serde_json::Value, at: &str, types: &mut BTreeMap<String, usize>) {
    match v {
        serde_json::Value::Object(m) => {
            let ty = m
                .get("@type")
                .and_then(|t| t.as_str())
                .unwrap_or_else(|| panic!("{at}: object without @type"));
            let allowed = SCHEMA_ORG
                .iter()
                .find(|(t, _)| *t == ty)
                .unwrap_or_else(|| panic!("{at}: type {ty} is not on the allow-list"))
                .1;
            *types.entry(ty.to_string()).or_insert(0) += 1;
            for (k, x) in m {
                if k == "@type" {
                    continue;
                }
                assert!(
                    allowed.contains(&k.as_str()),
                    "{at}: {ty} has no property {k}"
                );
                check_node(x, &format!("{at}/{k}"), types);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| check_node(x, at, types)),
        serde_json::Value::String(s) if s.starts_with("https://schema.org/") => {
            assert!(
                ENUM_VALUES.contains(&s.as_str()),
                "{at}: {s} is not a schema.org value we know"
            )
        }
        _ => {}
    }
}

#[test]
fn every_page_has_valid_schema_org_json_ld() {
    let b = built();
    let script = Selector::parse("script[type='application/ld+json']").unwrap();
    let mut pages = 0;
    let mut all_types = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&b.out)
        .into_iter()
        .filter_map(Result::ok)
    {
        let p = entry.path();
        if p.extension().is_none_or(|x| x != "html") {
            continue;
        }
        let rel = p
            .strip_prefix(&b.out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let doc = Html::parse_document(&std::fs::read_to_string(p).unwrap());
        let blocks: Vec<String> = doc.select(&script).map(|s| s.text().collect()).collect();
        assert_eq!(blocks.len(), 1, "{rel}: one JSON-LD block");
        let v: serde_json::Value =
            serde_json::from_str(&blocks[0]).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(v["@context"], "https://schema.org");
        let mut types = BTreeMap::new();
        check_node(&v["@graph"], &rel, &mut types);
        assert_eq!(types.get("WebSite"), Some(&1), "{rel}");
        let parts: Vec<&str> = rel.split('/').collect();
        if let [folder, id, "index.html"] = parts.as_slice() {
            if signpost::site::is_page_id(id) {
                // Page 2 onwards of a long list, not a listing.
                assert_eq!(types.len(), 2, "{rel}: WebSite and its publisher only");
                continue;
            }
            match *folder {
                "activities" => {
                    let a = b.dir.activities.iter().find(|a| a.id == *id).unwrap();
                    assert_eq!(
                        types.get("Event").copied().unwrap_or(0),
                        a.sessions.len(),
                        "{rel}: one Event per session"
                    );
                    assert_eq!(
                        types.get("Schedule").copied().unwrap_or(0),
                        a.sessions.len()
                    );
                }
                "venues" => {
                    let v = b.dir.venue(id).unwrap();
                    assert_eq!(types.get("Place"), Some(&1), "{rel}");
                    assert_eq!(
                        types
                            .get("LocationFeatureSpecification")
                            .copied()
                            .unwrap_or(0),
                        v.access.len(),
                        "{rel}: access facilities as amenityFeature"
                    );
                }
                "providers" => assert_eq!(types.get("Organization"), Some(&1), "{rel}"),
                _ => {}
            }
        }
        for (t, n) in types {
            *all_types.entry(t).or_insert(0) += n;
        }
        pages += 1;
    }
    assert!(pages > 100);
    for t in [
        "Event",
        "Schedule",
        "Place",
        "LocationFeatureSpecification",
        "Organization",
    ] {
        assert!(
            all_types.get(t).copied().unwrap_or(0) > 0,
            "{t} is used somewhere"
        );
    }
}
