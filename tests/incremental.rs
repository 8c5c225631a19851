//! Rebuilding over a published site (`signpost serve` after an edit) writes only what
//! changed, and the result is byte for byte the site a full build of the same content makes.
//! Checking again with what the last check kept finds the directory and the messages
//! (errors and warnings, in order) a full check finds.

use signpost::{build, rebuild_changed, rebuild_changed_pages_first, Options};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The options of a build of `content`, with the theme copied beside it if there is one.
fn options(content: &Path) -> Options {
    let copied = content.with_file_name("theme");
    Options {
        content: content.to_path_buf(),
        theme: if copied.is_dir() {
            copied
        } else {
            project().join("themes/default")
        },
        today: "2026-11-27".parse().unwrap(),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file of a site and its bytes, by path.
fn tree(site: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(site)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Folders with nothing in them (a removed listing must not leave its folder behind).
fn empty_folders(site: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .filter(|e| std::fs::read_dir(e.path()).unwrap().next().is_none())
        .map(|e| e.into_path())
        .collect()
}

fn assert_same_site(incremental: &Path, full: &Path, after: &str) {
    let (a, b) = (tree(incremental), tree(full));
    let only_a: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "after {after}: only in the rebuilt site {only_a:?}; only in the full build {only_b:?}"
    );
    let differ: Vec<&String> = a.keys().filter(|k| a[*k] != b[*k]).collect();
    assert!(differ.is_empty(), "after {after}: files differ: {differ:?}");
    assert!(
        empty_folders(incremental).is_empty(),
        "after {after}: empty folders left: {:?}",
        empty_folders(incremental)
    );
}

/// Replaces `from` with `to` in `file`, and gives the file, as a watcher would report it.
fn edit(file: &Path, from: &str, to: &str) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
    vec![file.to_path_buf()]
}

#[test]
fn rebuilding_after_edits_writes_only_what_changed_and_matches_a_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&project().join("content"), &content);
    copy_dir(&project().join("themes/default"), &tmp.path().join("theme"));
    let site = tmp.path().join("public");
    // What each build read and made is kept, as `serve` does, so only edited files are read
    // again and only the pages they touch are made again.
    let mut cache = signpost::Reuse::default();
    let first =
        signpost::build_cached(&options(&content), &site, &mut cache).expect("the sample builds");
    assert_eq!(first.changed, first.files, "a full build writes every file");
    let mut published = first.published;

    // Each step: an edit, a rebuild over the site, and a full build of the same content
    // into another folder to compare with.
    // Each returns the files it changed, which `serve` is told by the system.
    type Step = Box<dyn Fn(&Path) -> Vec<PathBuf>>;
    let steps: Vec<(&str, Step)> = vec![
        (
            "a summary edited",
            Box::new(|c: &Path| {
                edit(
                    &c.join("providers/age-wyvern.md"),
                    "A 2-course cooked lunch",
                    "A hot 2-course lunch",
                )
            }),
        ),
        (
            "an activity renamed (its place in every list moves)",
            Box::new(|c: &Path| {
                edit(
                    &c.join("providers/age-wyvern.md"),
                    "name: Lunch clubs",
                    "name: Zebra lunch clubs",
                )
            }),
        ),
        (
            "an activity's id changed (its page moves)",
            Box::new(|c: &Path| {
                edit(
                    &c.join("providers/age-wyvern.md"),
                    "id: aw-lunch-club",
                    "id: aw-lunch-clubs",
                )
            }),
        ),
        (
            "a session moved to another venue (both venues' pages change)",
            Box::new(|c: &Path| {
                edit(
                    &c.join("providers/age-wyvern.md"),
                    "venue: northfield-methodist-church",
                    "venue: millbrook-library",
                )
            }),
        ),
        (
            "a session cancelled next week (alerts, changes, timetables)",
            Box::new(|c: &Path| {
                edit(
                    &c.join("providers/age-wyvern.md"),
                    "          - date: 2026-12-23\n",
                    "          - date: 2026-12-02\n            cancelled: true\n            reason: Staff training.\n          - date: 2026-12-23\n",
                )
            }),
        ),
        (
            "a provider added",
            Box::new(|c: &Path| {
                let text = std::fs::read_to_string(c.join("providers/brightside-arts.md")).unwrap();
                let copy = text
                    .replace("name: Brightside Arts", "name: Brightside Arts Two")
                    .replace("  - id: bs-", "  - id: two-");
                std::fs::write(c.join("providers/brightside-arts-two.md"), copy).unwrap();
                vec![c.join("providers/brightside-arts-two.md")]
            }),
        ),
        (
            "a venue renamed (every page may change)",
            Box::new(|c: &Path| {
                let venue = std::fs::read_dir(c.join("venues"))
                    .unwrap()
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .find(|p| p.file_stem().is_some_and(|s| s == "millbrook-library"))
                    .unwrap();
                edit(
                    &venue,
                    "name: Millbrook Library",
                    "name: Millbrook Town Library",
                )
            }),
        ),
        (
            "a template edited (every page may change)",
            Box::new(|c: &Path| {
                let card = c.with_file_name("theme").join("templates/card.html");
                let text = std::fs::read_to_string(&card).unwrap();
                std::fs::write(&card, format!("{text}<!-- edited -->")).unwrap();
                vec![card]
            }),
        ),
        (
            "a provider removed",
            Box::new(|c: &Path| {
                std::fs::remove_file(c.join("providers/ashby-dementia-cafe.md")).unwrap();
                vec![c.join("providers/ashby-dementia-cafe.md")]
            }),
        ),
        ("nothing changed", Box::new(|_: &Path| Vec::new())),
    ];
    for (what, step) in steps {
        // As `serve` does: told which files changed, the rebuild reads only those.
        cache.files.tell_changed(step(&content));
        let started = Instant::now();
        // As `serve` does: pages first, then the search index. What the site holds when the
        // pages are published is compared with the full build too.
        let pages_first = std::cell::RefCell::new(None);
        let report =
            rebuild_changed_pages_first(&options(&content), &site, published, &mut cache, &|_| {
                *pages_first.borrow_mut() = Some(tree(&site))
            })
            .unwrap_or_else(|e| panic!("after {what}: {e:?}"));
        println!(
            "{what}: {} of {} files written, {} removed, {} kept, in {} ms",
            report.changed,
            report.files,
            report.removed,
            report.kept,
            started.elapsed().as_millis()
        );
        let full = tmp.path().join("full");
        build(&options(&content), &full).unwrap();
        assert_same_site(&site, &full, what);
        // The whole site's exports and the search index follow the pages; the pages and
        // each listing's own files (its calendar and Open Referral detail files, made only
        // for the listings the edit touched) are done when open pages reload.
        let listing_file = |path: &str| {
            let own_record = ["services/", "service_at_locations/", "organizations/"]
                .iter()
                .filter_map(|folder| path.strip_prefix(&format!("openreferral/{folder}")))
                .any(|name| !name.starts_with("page-") && name != "index.json");
            let own_calendar = (path.starts_with("activities/") || path.starts_with("providers/"))
                && path.ends_with("/calendar.ics");
            path.ends_with(".html") || own_record || own_calendar
        };
        let own_files = |files: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
            files
                .into_iter()
                .filter(|(path, _)| listing_file(path))
                .collect()
        };
        let at_pages = pages_first.take().expect("the pages were published first");
        let (at_pages, full_pages) = (own_files(at_pages), own_files(tree(&full)));
        assert!(
            full_pages
                .keys()
                .any(|p| p.starts_with("openreferral/service_at_locations/")),
            "listings' own files are compared too"
        );
        assert!(
            at_pages == full_pages,
            "after {what}: once the pages are published, they and the listings' own files are a full build's"
        );
        match what {
            "nothing changed" => assert_eq!((report.changed, report.removed), (0, 0)),
            // Settings every page may show: everything is made again.
            "a venue renamed (every page may change)"
            | "a template edited (every page may change)" => assert_eq!(report.kept, 0),
            "a provider removed" => assert!(report.removed > 0, "its pages are removed"),
            _ => assert!(
                report.changed > 0 && report.changed < report.files / 2,
                "{what}: {} of {} files written",
                report.changed,
                report.files
            ),
        }
        if !what.ends_with("(every page may change)") && what != "nothing changed" {
            // Only provider listings changed: the other listings' pages are kept, not made.
            assert!(
                report.kept > report.pages * 3 / 4,
                "{what}: only {} files kept, with {} pages in the site",
                report.kept,
                report.pages
            );
        }
        published = report.published;
    }

    // A broken edit: the rebuild fails and the published site is untouched.
    let before = tree(&site);
    edit(
        &content.join("providers/age-wyvern.md"),
        "day: wednesday",
        "day: wensday",
    );
    let failed = rebuild_changed(&options(&content), &site, published.clone(), &mut cache);
    assert!(matches!(failed, Err(signpost::BuildError::Content(_))));
    assert!(tree(&site) == before, "a failed rebuild changes nothing");

    // Mended, and another listing edited meanwhile: the rebuild still matches a full build.
    edit(
        &content.join("providers/age-wyvern.md"),
        "day: wensday",
        "day: wednesday",
    );
    edit(
        &content.join("providers/brightside-arts.md"),
        "name: Brightside Arts",
        "name: Brightside Arts Studio",
    );
    rebuild_changed(&options(&content), &site, published, &mut cache).unwrap();
    let full = tmp.path().join("full");
    build(&options(&content), &full).unwrap();
    assert_same_site(&site, &full, "a failed rebuild mended");
}

/// A week too long for one page has a page for each day: rebuilding after an edit that
/// moves sessions between days, or that makes the week short enough for one page (and long
/// again), still gives a full build's site, with no day pages left behind.
#[test]
fn rebuilding_a_week_split_by_day_matches_a_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    // 300 activities: about 500 sessions a week, more than one page holds.
    signpost::synthetic::generate(&content, &project().join("content"), 300, 7).unwrap();
    let site = tmp.path().join("public");
    let mut cache = signpost::Reuse::default();
    let mut published = signpost::build_cached(&options(&content), &site, &mut cache)
        .expect("the generated directory builds")
        .published;
    assert!(site.join("this-week/monday/index.html").is_file());
    let held = tmp.path().join("held");
    std::fs::create_dir(&held).unwrap();
    let providers: Vec<PathBuf> = (30..100)
        .map(|i| content.join(format!("providers/provider-{i}.md")))
        .collect();

    type Step<'a> = Box<dyn Fn(&Path) -> Vec<PathBuf> + 'a>;
    let steps: Vec<(&str, Step, bool)> = vec![
        (
            "an activity renamed",
            Box::new(|c: &Path| {
                edit(
                    &c.join("providers/provider-0.md"),
                    "name: Art session 0",
                    "name: Zebra art session 0",
                )
            }),
            true,
        ),
        (
            "a session moved to another day and cancelled next week",
            Box::new(|c: &Path| {
                edit(
                    &c.join("providers/provider-0.md"),
                    "        day: monday\n        start: \"19:00\"\n        end: \"22:30\"\n",
                    "        day: tuesday\n        start: \"19:00\"\n        end: \"22:30\"\n        changes:\n          - date: 2026-12-01\n            cancelled: true\n            reason: Staff training.\n",
                )
            }),
            true,
        ),
        (
            "providers removed until the week fits on one page",
            Box::new(|_: &Path| {
                for p in &providers {
                    std::fs::rename(p, held.join(p.file_name().unwrap())).unwrap();
                }
                providers.clone()
            }),
            false,
        ),
        (
            "the providers back: the week split again",
            Box::new(|_: &Path| {
                for p in &providers {
                    std::fs::rename(held.join(p.file_name().unwrap()), p).unwrap();
                }
                providers.clone()
            }),
            true,
        ),
    ];
    for (what, step, split) in steps {
        cache.files.tell_changed(step(&content));
        let report = rebuild_changed(&options(&content), &site, published, &mut cache)
            .unwrap_or_else(|e| panic!("after {what}: {e:?}"));
        let full = tmp.path().join("full");
        build(&options(&content), &full).unwrap();
        assert_same_site(&site, &full, what);
        assert_eq!(
            site.join("next-week/tuesday/index.html").is_file(),
            split,
            "after {what}"
        );
        published = report.published;
    }
}

/// What a check found, to compare: the directory's contents (without the lazily read
/// positions of fields, and with maps in order) and every diagnostic, in order.
fn checked(
    dir: Option<signpost::content::Directory>,
    diags: Vec<signpost::diagnostics::Diagnostic>,
) -> String {
    let mut out = String::new();
    if let Some(dir) = dir {
        let pictures: BTreeMap<_, _> = dir.pictures.iter().collect();
        let venue_index: BTreeMap<_, _> = dir.venue_index.iter().collect();
        let activities: Vec<String> = dir
            .activities
            .iter()
            .map(|a| {
                format!(
                    "{} {} {} {:?} {:?}",
                    a.id, a.provider, a.field, a.data, a.sessions
                )
            })
            .collect();
        out = format!(
            "{:?}\n{:?}\n{:?}\n{activities:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{pictures:?}\n{venue_index:?}\n{}\n{:?}\n",
            dir.site,
            dir.vocabulary,
            dir.providers,
            dir.venues,
            dir.changing_places,
            dir.pages,
            dir.images,
            dir.today,
            dir.root,
        );
    }
    for d in diags {
        out.push_str(&format!("{d}\n"));
    }
    out
}

/// The first line where the kept check differs from a full one, if any.
fn assert_same_check(kept: &str, full: &str, after: &str) {
    let differ = kept.lines().zip(full.lines()).position(|(a, b)| a != b);
    let cut = |line: &str| line.chars().take(400).collect::<String>();
    if let Some(i) = differ {
        panic!(
            "after {after}, line {i} differs:\n kept: {}\n full: {}",
            cut(kept.lines().nth(i).unwrap()),
            cut(full.lines().nth(i).unwrap())
        );
    }
    assert_eq!(
        kept.lines().count(),
        full.lines().count(),
        "after {after}: the kept check has another number of lines than a full one"
    );
}

#[test]
fn checking_after_edits_finds_what_a_full_check_finds() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&project().join("content"), &content);
    // As `serve` does: what each check read and found is kept for the next.
    let mut cache = signpost::content::load::LoadCache::default();
    let check_kept = |options: &Options, cache: &mut signpost::content::load::LoadCache| {
        let (dir, diags) =
            signpost::check_cached(options, &mut signpost::timings::Timings::default(), cache);
        checked(dir, diags)
    };
    check_kept(&options(&content), &mut cache);

    let age_wyvern = content.join("providers/age-wyvern.md");
    let brightside = content.join("providers/brightside-arts.md");
    let library = content.join("venues/millbrook-library.yaml");
    let moved = content.join("venues/millbrook-libraries.yaml");
    // Each returns the files it changed, which `serve` is told by the system.
    type Step<'a> = Box<dyn Fn(&Path) -> Vec<PathBuf> + 'a>;
    let steps: Vec<(&str, Step, &str)> = vec![
        ("nothing changed", Box::new(|_: &Path| Vec::new()), ""),
        (
            "a listing not reviewed for a long time",
            Box::new(|_: &Path| edit(&age_wyvern, "reviewed: 2026-10-20", "reviewed: 2024-10-20")),
            "warning: providers/age-wyvern.md:9:11 reviewed: this listing has not been reviewed",
        ),
        (
            "an Easy Read line in capitals",
            Box::new(|_: &Path| edit(&age_wyvern, "Have a hot lunch", "Have a HOT lunch")),
            "\"HOT\" is written in capitals",
        ),
        (
            "a mistake in one listing",
            Box::new(|_: &Path| edit(&age_wyvern, "day: friday", "day: fryday")),
            "error: providers/age-wyvern.md",
        ),
        (
            "that mistake mended and an activity id used twice",
            Box::new(|_: &Path| {
                let mut changed = edit(&age_wyvern, "day: fryday", "day: friday");
                changed.extend(edit(&brightside, "id: bs-open-studio", "id: aw-lunch-club"));
                changed
            }),
            "the activity id \"aw-lunch-club\" is already used by providers/age-wyvern.md",
        ),
        (
            "the id mended",
            Box::new(|_: &Path| edit(&brightside, "id: aw-lunch-club", "id: bs-open-studio")),
            "",
        ),
        (
            "a venue that unchanged listings use renamed away",
            Box::new(|_: &Path| {
                std::fs::rename(&library, &moved).unwrap();
                vec![library.clone(), moved.clone()]
            }),
            "error: providers/wyvern-travel-buddies.md",
        ),
        (
            "the venue back",
            Box::new(|_: &Path| {
                std::fs::rename(&moved, &library).unwrap();
                vec![moved.clone(), library.clone()]
            }),
            "",
        ),
        (
            "a venue name that breaks a rule in Signpost's own lines for unchanged listings",
            Box::new(|_: &Path| {
                edit(
                    &library,
                    "name: Millbrook Library",
                    "name: Millbrook LIBRARY",
                )
            }),
            "Signpost's Easy Read line \"It is at Millbrook LIBRARY",
        ),
        (
            "another listing edited meanwhile",
            Box::new(|_: &Path| {
                edit(
                    &brightside,
                    "name: Brightside Arts",
                    "name: Brightside Arts Studio",
                )
            }),
            "Signpost's Easy Read line \"It is at Millbrook LIBRARY",
        ),
        (
            "the venue name mended",
            Box::new(|_: &Path| {
                edit(
                    &library,
                    "name: Millbrook LIBRARY",
                    "name: Millbrook Library",
                )
            }),
            "",
        ),
        (
            "a photo that is not in images/ yet",
            Box::new(|_: &Path| {
                edit(
                    &age_wyvern,
                    "    carers_welcome: true\n",
                    "    carers_welcome: true\n    photos:\n      - file: images/lunch.jpg\n        alt: A table set for lunch.\n",
                )
            }),
            "the photo \"images/lunch.jpg\" does not exist",
        ),
        (
            "the photo added",
            Box::new(|c: &Path| {
                std::fs::create_dir_all(c.join("images")).unwrap();
                std::fs::write(c.join("images/lunch.jpg"), b"a photo").unwrap();
                // A new folder: the load walks the content folder again.
                vec![c.join("images"), c.join("images/lunch.jpg")]
            }),
            "",
        ),
    ];
    for (what, step, expected) in steps {
        cache.tell_changed(step(&content));
        let kept = check_kept(&options(&content), &mut cache);
        let (dir, diags) = signpost::check(&options(&content));
        assert_same_check(&kept, &checked(dir, diags), what);
        assert!(
            kept.contains(expected),
            "after {what}: {expected:?} in\n{kept}"
        );
    }
    // A day later than the listings' review dates allow: every listing is checked again.
    let later = Options {
        today: "2027-12-01".parse().unwrap(),
        ..options(&content)
    };
    let kept = check_kept(&later, &mut cache);
    let (dir, diags) = signpost::check(&later);
    assert_same_check(&kept, &checked(dir, diags), "a year later");
    assert!(
        kept.contains("warning: providers/brightside-arts.md"),
        "{kept}"
    );
}
