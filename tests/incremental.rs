//! Rebuilding over a published site (`signpost serve` after an edit) writes only what
//! changed, and the result is byte for byte the site a full build of the same content makes.

use signpost::{build, rebuild_changed, rebuild_changed_pages_first, Options};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn options(content: &Path) -> Options {
    Options {
        content: content.to_path_buf(),
        theme: project().join("themes/default"),
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

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn rebuilding_after_edits_writes_only_what_changed_and_matches_a_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&project().join("content"), &content);
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
    type Step = Box<dyn Fn(&Path)>;
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
                );
            }),
        ),
        (
            "a provider removed",
            Box::new(|c: &Path| {
                std::fs::remove_file(c.join("providers/ashby-dementia-cafe.md")).unwrap()
            }),
        ),
        ("nothing changed", Box::new(|_: &Path| {})),
    ];
    for (what, step) in steps {
        step(&content);
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
        // each listing's own files are done when open pages reload.
        let pages_only = |files: BTreeMap<String, Vec<u8>>| -> BTreeMap<String, Vec<u8>> {
            files
                .into_iter()
                .filter(|(path, _)| path.ends_with(".html"))
                .collect()
        };
        let at_pages = pages_first.take().expect("the pages were published first");
        assert!(
            pages_only(at_pages) == pages_only(tree(&full)),
            "after {what}: once the pages are published, they are a full build's"
        );
        match what {
            "nothing changed" => assert_eq!((report.changed, report.removed), (0, 0)),
            // Settings every page may show: everything is made again.
            "a venue renamed (every page may change)" => assert_eq!(report.kept, 0),
            "a provider removed" => assert!(report.removed > 0, "its pages are removed"),
            _ => assert!(
                report.changed > 0 && report.changed < report.files / 2,
                "{what}: {} of {} files written",
                report.changed,
                report.files
            ),
        }
        if what != "a venue renamed (every page may change)" && what != "nothing changed" {
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
