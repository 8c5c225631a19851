//! Builds the sample directory in `content/` and checks the real output: page counts, the
//! evening and weekend rules, links, Easy Read pictures, changes and determinism.

use scraper::{Html, Selector};
use signpost::content::model::Weekday;
use signpost::content::Directory;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const TODAY: &str = "2026-11-27";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_signpost")
}

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Built {
    _tmp: tempfile::TempDir,
    out: PathBuf,
    dir: Directory,
}

/// One build of the sample site shared by the tests in this file.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let status = Command::new(bin())
            .current_dir(project())
            .args(["build", "--today", TODAY, "--output"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "the sample site must build");
        let options = signpost::Options {
            content: project().join("content"),
            theme: project().join("themes/default"),
            today: TODAY.parse().unwrap(),
        };
        let (dir, diags) = signpost::check(&options);
        let dir = dir.unwrap_or_else(|| panic!("sample content has errors: {diags:?}"));
        Built {
            _tmp: tmp,
            out,
            dir,
        }
    })
}

fn page(path: &str) -> Html {
    let file = built().out.join(path).join("index.html");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    Html::parse_document(&text)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn html_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

/// The activity ids listed as cards on a browse page (links to /activities/<id>/ in h3s),
/// over all its pages (following each page's "Next page" link).
fn listed_activities(path: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut next = Some(path.to_string());
    while let Some(path) = next.take() {
        let doc = page(&path);
        ids.extend(
            doc.select(&sel("main .cards a[href^='/activities/']"))
                .filter_map(|a| a.value().attr("href"))
                .map(|h| {
                    h.trim_start_matches("/activities/")
                        .trim_end_matches('/')
                        .to_string()
                })
                .filter(|id| !id.is_empty() && !id.contains('/')),
        );
        next = doc
            .select(&sel("main a[rel=next]"))
            .next()
            .and_then(|a| a.value().attr("href"))
            .map(|h| h.trim_matches('/').to_string());
    }
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn the_sample_directory_is_as_big_as_promised() {
    let d = &built().dir;
    let sessions: Vec<_> = d
        .activities
        .iter()
        .flat_map(|a| a.data.sessions.iter())
        .collect();
    // Independent of the schedule module: zero-padded HH:MM compares as text.
    let pad = |t: &str| {
        if t.len() == 4 {
            format!("0{t}")
        } else {
            t.to_string()
        }
    };
    let evening = sessions
        .iter()
        .filter(|s| pad(&s.end).as_str() > "18:00")
        .count();
    let weekend = sessions
        .iter()
        .filter(|s| matches!(s.day, Weekday::Saturday | Weekday::Sunday))
        .count();
    let days: std::collections::BTreeSet<_> = sessions.iter().map(|s| s.day).collect();
    let public_cp = d
        .changing_places
        .iter()
        .filter(|c| c.venue.is_none())
        .count();
    assert!(d.providers.len() >= 40, "providers: {}", d.providers.len());
    assert!(
        d.activities.len() >= 100,
        "activities: {}",
        d.activities.len()
    );
    assert!(sessions.len() >= 200, "sessions: {}", sessions.len());
    assert!(evening >= 30, "evening sessions: {evening}");
    assert!(weekend >= 30, "weekend sessions: {weekend}");
    assert_eq!(days.len(), 7, "sessions on every day of the week");
    assert!(d.venues.len() >= 30, "venues: {}", d.venues.len());
    assert!(
        d.changing_places.len() >= 8,
        "Changing Places: {}",
        d.changing_places.len()
    );
    assert!(
        public_cp >= 2 && public_cp < d.changing_places.len(),
        "some public, some in venues"
    );
    assert!(d.vocabulary.areas.len() >= 6);
    for ratio in ["1:1", "2:1", "1:5", "1:8"] {
        assert!(
            d.activities
                .iter()
                .any(|a| a.data.ratio.as_deref() == Some(ratio)),
            "an activity with ratio {ratio}"
        );
    }
    for support in [
        "resource-centre",
        "community-group",
        "befriending",
        "work-skills",
        "online",
    ] {
        assert!(
            d.activities.iter().any(|a| a.data.support == support),
            "support type {support}"
        );
    }
    let changes: usize = d
        .activities
        .iter()
        .flat_map(|a| a.sessions.iter())
        .map(|s| s.changes.len())
        .sum();
    assert!(changes >= 5, "some cancellations and changes: {changes}");
}

#[test]
fn page_counts_match_the_content() {
    let b = built();
    let d = &b.dir;
    let count = |folder: &str| {
        std::fs::read_dir(b.out.join(folder))
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.path().join("index.html").is_file())
            .filter(|e| !signpost::site::is_page_id(&e.file_name().to_string_lossy()))
            .count()
    };
    assert_eq!(count("activities"), d.activities.len());
    assert_eq!(count("providers"), d.providers.len());
    assert_eq!(count("venues"), d.venues.len());
    assert_eq!(count("changing-places"), d.changing_places.len());
    assert_eq!(count("what"), d.vocabulary.categories.len());
    assert_eq!(count("who"), d.vocabulary.who_for.len());
    assert_eq!(count("access"), d.vocabulary.access.len());
    assert_eq!(count("where"), d.vocabulary.areas.len());
    assert_eq!(count("support"), d.vocabulary.support_types.len());
    // 7 days, mornings, afternoons, evenings, weekends, evenings-and-weekends.
    assert_eq!(count("when"), 12);
    for p in &d.pages {
        assert!(
            b.out.join(&p.id).join("index.html").is_file(),
            "page {}",
            p.id
        );
    }
    for f in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "this-week/index.html",
        "attributions/index.html",
    ] {
        assert!(b.out.join(f).is_file(), "{f}");
    }
    // The sample's weeks are short enough for one page each: no page for each day.
    assert!(!b.out.join("this-week/monday").exists());
    let sitemap = std::fs::read_to_string(b.out.join("sitemap.xml")).unwrap();
    let in_sitemap = sitemap.matches("<loc>").count();
    let index_pages = html_files(&b.out)
        .iter()
        .filter(|p| p.ends_with("index.html"))
        .count();
    assert_eq!(in_sitemap, index_pages, "every page is in the sitemap");
}

#[test]
fn evening_and_weekend_pages_hold_exactly_the_right_activities() {
    let d = &built().dir;
    let pad = |t: &str| {
        if t.len() == 4 {
            format!("0{t}")
        } else {
            t.to_string()
        }
    };
    let expect = |test: &dyn Fn(&signpost::content::model::SessionFile) -> bool| {
        let mut ids: Vec<String> = d
            .activities
            .iter()
            .filter(|a| a.data.sessions.iter().any(test))
            .map(|a| a.id.clone())
            .collect();
        ids.sort();
        ids
    };
    let evening = expect(&|s| pad(&s.end).as_str() > "18:00");
    let weekend = expect(&|s| matches!(s.day, Weekday::Saturday | Weekday::Sunday));
    let either = expect(&|s| {
        pad(&s.end).as_str() > "18:00" || matches!(s.day, Weekday::Saturday | Weekday::Sunday)
    });
    assert!(!evening.is_empty() && !weekend.is_empty());
    assert_eq!(listed_activities("when/evenings"), evening);
    assert_eq!(listed_activities("when/weekends"), weekend);
    assert_eq!(listed_activities("when/evenings-and-weekends"), either);
    let saturday = expect(&|s| s.day == Weekday::Saturday);
    assert_eq!(listed_activities("when/saturday"), saturday);
    // The rule is shown to users on the page.
    let text: String = page("when/evenings").root_element().text().collect();
    assert!(
        text.contains("ends after 6pm"),
        "the evening rule is explained"
    );
}

#[test]
fn long_lists_are_split_into_pages_that_together_list_everything_once() {
    let b = built();
    let per_page = signpost::site::CARDS_PER_PAGE;
    assert!(
        b.dir.activities.len() > per_page,
        "the sample needs more than one page of activities"
    );
    let mut all = Vec::new();
    let mut path = "activities".to_string();
    let mut number = 1;
    loop {
        let doc = page(&path);
        let cards = doc.select(&sel("main .cards > li")).count();
        assert!(cards > 0 && cards <= per_page, "{path}: {cards} cards");
        all.extend(
            doc.select(&sel("main .cards h2 a"))
                .filter_map(|a| a.value().attr("href"))
                .map(str::to_string),
        );
        let current: Vec<String> = doc
            .select(&sel("nav.pager a[aria-current=page]"))
            .map(|a| a.text().collect::<String>())
            .collect();
        assert_eq!(current, vec![format!("Page {number}")], "{path}");
        let title: String = doc.select(&sel("title")).next().unwrap().text().collect();
        if number > 1 {
            assert!(title.contains(&format!("page {number} of")), "{title}");
            assert!(doc.select(&sel("main a[rel=prev]")).next().is_some());
        }
        match doc
            .select(&sel("main a[rel=next]"))
            .next()
            .and_then(|a| a.value().attr("href"))
        {
            Some(next) => {
                number += 1;
                assert_eq!(next, format!("/activities/page-{number}/"));
                path = next.trim_matches('/').to_string();
            }
            None => break,
        }
    }
    assert_eq!(number, b.dir.activities.len().div_ceil(per_page));
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), all.len(), "no activity is listed twice");
    assert_eq!(
        all.len(),
        b.dir.activities.len(),
        "every activity is listed"
    );
    // A short list has no page links.
    let short = page("when/saturday");
    assert!(short.select(&sel("nav.pager")).next().is_none());
}

#[test]
fn every_internal_link_resolves() {
    let out = &built().out;
    let mut broken: BTreeMap<String, String> = BTreeMap::new();
    let links = sel("a[href], link[href], img[src], form[action]");
    for file in html_files(out) {
        let doc = Html::parse_document(&std::fs::read_to_string(&file).unwrap());
        for el in doc.select(&links) {
            let v = el.value();
            let url = v
                .attr("href")
                .or(v.attr("src"))
                .or(v.attr("action"))
                .unwrap();
            if !url.starts_with('/') || url.starts_with("//") {
                continue;
            }
            let path = url
                .split(['#', '?'])
                .next()
                .unwrap()
                .trim_start_matches('/');
            let target = out.join(path);
            let ok = if path.is_empty() || path.ends_with('/') {
                target.join("index.html").is_file()
            } else {
                target.is_file()
            };
            if !ok {
                broken.insert(
                    url.to_string(),
                    file.strip_prefix(out).unwrap().display().to_string(),
                );
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken links (url → first page): {broken:#?}"
    );
}

#[test]
fn every_easy_read_line_has_a_picture_beside_it() {
    let out = &built().out;
    let lines = sel("ul.easy-read > li");
    let img = sel("img");
    let mut checked = 0;
    for file in html_files(out) {
        let doc = Html::parse_document(&std::fs::read_to_string(&file).unwrap());
        for li in doc.select(&lines) {
            let text: String = li.text().collect::<String>().trim().to_string();
            assert!(!text.is_empty(), "{}: empty Easy Read line", file.display());
            let pic = li.select(&img).next();
            assert!(
                pic.is_some(),
                "{}: no picture beside \"{text}\"",
                file.display()
            );
            let src = pic.unwrap().value().attr("src").unwrap_or("");
            assert!(
                out.join(src.trim_start_matches('/')).is_file(),
                "{}: missing picture {src}",
                file.display()
            );
            checked += 1;
        }
    }
    let activities = built().dir.activities.len();
    assert!(
        checked > activities * 5,
        "Easy Read lines checked: {checked}"
    );
}

#[test]
fn lines_signpost_writes_are_easy_read_length() {
    // Providers' own lines only warn; the lines Signpost writes itself must obey the rule.
    let d = &built().dir;
    for a in &d.activities {
        for line in signpost::easy_read::activity_lines(d, a)
            .iter()
            .filter(|l| !l.own)
        {
            let words = line.text.split_whitespace().count();
            assert!(words <= 15, "{}: {words} words in \"{}\"", a.id, line.text);
        }
    }
}

#[test]
fn the_sample_keeps_every_easy_read_rule() {
    // Every line in the sample, Signpost's and the providers' own, passes the lint: no
    // error and no warning names an Easy Read rule.
    let options = signpost::Options {
        content: project().join("content"),
        theme: project().join("themes/default"),
        today: TODAY.parse().unwrap(),
    };
    let (_, diags) = signpost::check(&options);
    let broken: Vec<String> = diags
        .iter()
        .filter(|d| d.message.contains("(Easy Read rule:"))
        .map(|d| d.to_string())
        .collect();
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    // And the lint does look at them: the lines Signpost writes are many.
    let d = &built().dir;
    let generated: usize = d
        .activities
        .iter()
        .map(|a| {
            signpost::easy_read::activity_lines(d, a)
                .iter()
                .filter(|l| !l.own)
                .count()
        })
        .sum();
    assert!(generated > 1000, "only {generated} generated lines");
}

#[test]
fn activity_pages_start_with_easy_read_written_from_the_data() {
    let d = &built().dir;
    let a = d
        .activities
        .iter()
        .find(|a| a.data.cost.free && a.data.transport.as_ref().is_some_and(|t| t.provided))
        .expect("a free activity with transport");
    let doc = page(&format!("activities/{}", a.id));
    let lines: Vec<String> = doc
        .select(&sel("ul.easy-read > li"))
        .map(|li| {
            li.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert!(lines.iter().any(|l| l == "It is free."), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.starts_with("They can pick you up")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("It is on ")),
        "{lines:?}"
    );
    for own in &a.data.easy_read {
        assert!(
            lines.contains(&own.text),
            "provider's own line {:?}",
            own.text
        );
    }
    // The Easy Read block comes before the full details.
    let html = doc.root_element().html();
    let easy = html.find("easy-read").unwrap();
    let details = html.find("Full details").expect("a Full details section");
    assert!(easy < details);
}

#[test]
fn a_cancellation_next_week_is_shown_on_the_activity_its_browse_pages_and_the_timetable() {
    let d = &built().dir;
    let today: jiff::civil::Date = TODAY.parse().unwrap();
    let soon = today.checked_add(jiff::Span::new().days(10)).unwrap();
    let (a, session, change) = d
        .activities
        .iter()
        .flat_map(|a| a.sessions.iter().map(move |s| (a, s)))
        .flat_map(|(a, s)| s.changes.iter().map(move |c| (a, s, c)))
        .find(|(_, _, c)| {
            c.date >= today && c.date <= soon && c.kind == signpost::schedule::ChangeKind::Cancelled
        })
        .expect("the sample has a cancellation in the next 10 days");
    let words = signpost::site::date_words(change.date);
    let activity_text: String = page(&format!("activities/{}", a.id))
        .root_element()
        .text()
        .collect();
    assert!(
        activity_text.contains(&format!("Cancelled on {words}")),
        "banner on the activity page"
    );
    let day_page: String = page(&format!("when/{}", session.day.id()))
        .root_element()
        .text()
        .collect();
    assert!(
        day_page.contains(&format!("Cancelled on {words}")),
        "shown on the day's browse page"
    );
    let category = &a.data.categories[0];
    let cat_page: String = page(&format!("what/{category}"))
        .root_element()
        .text()
        .collect();
    assert!(
        cat_page.contains(&format!("Cancelled on {words}")),
        "shown on the category page"
    );
    // It is on the timetable of its week: this week or next.
    let sunday = today
        .checked_add(jiff::Span::new().days(6 - today.weekday().to_monday_zero_offset() as i64))
        .unwrap();
    let timetable = if change.date <= sunday {
        "this-week"
    } else {
        "next-week"
    };
    let week: String = page(timetable).root_element().text().collect();
    assert!(
        week.contains(&a.data.name) && week.contains(&format!("Cancelled on {words}")),
        "on {timetable}"
    );
}

#[test]
fn pages_are_accessible_by_construction() {
    let out = &built().out;
    for file in html_files(out) {
        let text = std::fs::read_to_string(&file).unwrap();
        let doc = Html::parse_document(&text);
        let name = file.strip_prefix(out).unwrap().display().to_string();
        assert_eq!(doc.select(&sel("h1")).count(), 1, "{name}: one h1");
        assert!(
            doc.select(&sel("html[lang='en-GB']")).next().is_some(),
            "{name}: lang"
        );
        assert!(
            doc.select(&sel("main#main")).next().is_some(),
            "{name}: main landmark"
        );
        let skip = doc.select(&sel("a[href='#main']")).next();
        assert!(skip.is_some(), "{name}: skip link");
        for img in doc.select(&sel("img")) {
            assert!(img.value().attr("alt").is_some(), "{name}: img without alt");
        }
        // Scripts only enhance: each is our own file, deferred, never inline (CSP).
        for script in doc.select(&sel("script")) {
            let v = script.value();
            let data_block = v.attr("type") == Some("application/ld+json");
            let own_file =
                v.attr("src").is_some_and(|s| s.starts_with("/js/")) && v.attr("defer").is_some();
            assert!(data_block || own_file, "{name}: inline or foreign script");
            assert!(
                data_block || script.inner_html().trim().is_empty(),
                "{name}: inline code"
            );
        }
        for el in doc.select(&sel("*")) {
            for (attr, _) in el.value().attrs() {
                assert!(!attr.starts_with("on"), "{name}: inline handler {attr}");
            }
        }
        assert!(!text.contains("style=\""), "{name}: no inline styles (CSP)");
        for url in ["http://", "https://"] {
            // Anything the browser fetches by itself (a canonical link is not fetched).
            for el in doc.select(&sel(
                "link[href]:not([rel='canonical']), img[src], script[src], iframe, source",
            )) {
                let v = el.value();
                let u = v.attr("href").or(v.attr("src")).unwrap_or("");
                assert!(!u.starts_with(url), "{name}: third-party request {u}");
            }
        }
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let second = tmp.path().join("again");
    let status = Command::new(bin())
        .current_dir(project())
        .args(["build", "--today", TODAY, "--output"])
        .arg(&second)
        .status()
        .unwrap();
    assert!(status.success());
    let first = &built().out;
    let list = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (a, b) = (list(first), list(&second));
    assert_eq!(a.len(), b.len());
    for ((pa, ba), (pb, bb)) in a.iter().zip(&b) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{} differs between builds", pa.display());
    }
}

#[test]
fn listings_not_reviewed_for_a_year_warn_residents() {
    let d = &built().dir;
    let today: jiff::civil::Date = TODAY.parse().unwrap();
    let year_ago = today.checked_sub(jiff::Span::new().months(12)).unwrap();
    let mut stale_seen = 0;
    for a in &d.activities {
        let stale = d.providers[a.provider].reviewed < year_ago;
        let text: String = page(&format!("activities/{}", a.id))
            .root_element()
            .text()
            .collect();
        assert_eq!(
            text.contains("We have not checked this listing for over 12 months"),
            stale,
            "{}",
            a.id
        );
        stale_seen += usize::from(stale);
    }
    assert!(
        stale_seen > 0,
        "the sample has stale listings to show the warning"
    );
}
