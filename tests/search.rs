//! Search on the real sample site: each filter alone and combined, the evening and weekend
//! rules, typos, synonyms, hostile queries, and the static page script against the server.

use signpost::content::model::Weekday;
use signpost::content::Directory;
use signpost::search::index::SearchIndex;
use signpost::search::page::request_from_query;
use signpost::search::query::{run, Request};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

const TODAY: &str = "2026-11-27";

struct Sample {
    _tmp: tempfile::TempDir,
    site: PathBuf,
    dir: Directory,
    index: SearchIndex,
}

fn sample() -> &'static Sample {
    static S: OnceLock<Sample> = OnceLock::new();
    S.get_or_init(|| {
        let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("public");
        let ok = Command::new(env!("CARGO_BIN_EXE_signpost"))
            .current_dir(&project)
            .args(["build", "--today", TODAY, "--output"])
            .arg(&site)
            .status()
            .unwrap()
            .success();
        assert!(ok, "the sample builds");
        let options = signpost::Options {
            content: project.join("content"),
            theme: project.join("themes/default"),
            today: TODAY.parse().unwrap(),
        };
        let dir = signpost::check(&options)
            .0
            .expect("sample content is valid");
        let index = SearchIndex::open(&site).unwrap();
        Sample {
            _tmp: tmp,
            site,
            dir,
            index,
        }
    })
}

/// Every result (all pages) as "kind:id".
fn ids(r: &Request) -> BTreeSet<String> {
    let s = sample();
    let mut out = BTreeSet::new();
    let mut req = r.clone();
    req.page = 1;
    loop {
        let res = run(&s.index, &req);
        out.extend(res.hits.iter().map(|h| format!("{}:{}", h.kind, h.id)));
        if req.page >= res.pages {
            break;
        }
        req.page += 1;
    }
    out
}

fn text(q: &str) -> Request {
    Request {
        text: q.into(),
        page: 1,
        ..Request::default()
    }
}

/// Activities (as "activity:id") whose session list satisfies `test`, computed from the
/// listing files without the schedule module.
fn expected(test: impl Fn(&signpost::content::model::SessionFile) -> bool) -> BTreeSet<String> {
    sample()
        .dir
        .activities
        .iter()
        .filter(|a| a.data.status != signpost::content::model::Status::Closed)
        .filter(|a| a.data.sessions.iter().any(&test))
        .map(|a| format!("activity:{}", a.id))
        .collect()
}

fn pad(t: &str) -> String {
    if t.len() == 4 {
        format!("0{t}")
    } else {
        t.to_string()
    }
}

#[test]
fn day_evening_and_weekend_filters_follow_the_schedule_rules() {
    let evening = expected(|s| pad(&s.end).as_str() > "18:00");
    let weekend = expected(|s| matches!(s.day, Weekday::Saturday | Weekday::Sunday));
    let sat_evening = expected(|s| s.day == Weekday::Saturday && pad(&s.end).as_str() > "18:00");
    assert!(!evening.is_empty() && !weekend.is_empty() && !sat_evening.is_empty());
    assert_eq!(
        ids(&Request {
            evening: true,
            ..text("")
        }),
        evening
    );
    assert_eq!(
        ids(&Request {
            weekend: true,
            ..text("")
        }),
        weekend
    );
    assert_eq!(
        ids(&Request {
            days: vec!["saturday".into()],
            evening: true,
            ..text("")
        }),
        sat_evening
    );
    // The same session must be on Saturday and in the evening: not one of each.
    let split = expected(|s| s.day == Weekday::Saturday)
        .intersection(&evening)
        .cloned()
        .collect::<BTreeSet<_>>();
    assert!(sat_evening.is_subset(&split));
    // Words in the query work the same as the filters.
    assert_eq!(ids(&text("saturday evening")), sat_evening);
    assert_eq!(ids(&text("weekends")), weekend);
}

#[test]
fn each_filter_alone_and_combined() {
    let s = sample();
    let d = &s.dir;
    let uses = |a: &signpost::content::Activity,
                test: &dyn Fn(&signpost::content::Venue) -> bool| {
        a.sessions.iter().any(|x| {
            x.venue
                .as_deref()
                .and_then(|v| d.venue(v))
                .is_some_and(test)
        })
    };
    let running = || {
        d.activities
            .iter()
            .filter(|a| a.data.status != signpost::content::model::Status::Closed)
    };
    let set =
        |it: Box<dyn Iterator<Item = &signpost::content::Activity> + '_>| -> BTreeSet<String> {
            it.map(|a| format!("activity:{}", a.id)).collect()
        };

    let cp_activities = set(Box::new(
        running().filter(|a| uses(a, &|v| v.changing_place.is_some())),
    ));
    let cp_all: BTreeSet<String> = ids(&Request {
        facilities: vec!["changing-places".into()],
        ..text("")
    });
    assert!(
        cp_activities.is_subset(&cp_all),
        "every activity at a venue with a Changing Places toilet"
    );
    let cp_places = d.changing_places.len()
        + d.venues
            .iter()
            .filter(|v| v.changing_place.is_some())
            .count();
    assert_eq!(
        cp_all.len(),
        cp_activities.len() + cp_places,
        "plus the venues and the toilets themselves"
    );

    let dementia = set(Box::new(
        running().filter(|a| a.data.who_for.iter().any(|w| w == "dementia")),
    ));
    assert_eq!(
        ids(&Request {
            who_for: vec!["dementia".into()],
            ..text("")
        }),
        dementia
    );

    let north = set(Box::new(
        running().filter(|a| uses(a, &|v| v.data.area == "northfield")),
    ));
    let north_all = ids(&Request {
        areas: vec!["northfield".into()],
        ..text("")
    });
    assert!(
        north.is_subset(&north_all) && north_all.len() > north.len(),
        "activities, venues and toilets in the area"
    );

    let free = set(Box::new(running().filter(|a| {
        a.data.cost.free || a.data.cost.amount.is_none_or(|x| x <= 0.0)
    })));
    assert_eq!(
        ids(&Request {
            cost: Some("free".into()),
            ..text("")
        }),
        free
    );
    let upto5 = set(Box::new(running().filter(|a| {
        a.data.cost.free || a.data.cost.amount.is_none_or(|x| x <= 5.0)
    })));
    assert_eq!(
        ids(&Request {
            cost: Some("upto5".into()),
            ..text("")
        }),
        upto5
    );

    let hubs = set(Box::new(
        running().filter(|a| a.data.support == "resource-centre"),
    ));
    assert_eq!(
        ids(&Request {
            support: vec!["resource-centre".into()],
            ..text("")
        }),
        hubs
    );

    let dp = set(Box::new(running().filter(|a| {
        a.data
            .pay_with
            .contains(&signpost::content::model::PayWith::DirectPayment)
    })));
    assert_eq!(
        ids(&Request {
            pay: vec!["direct-payment".into()],
            ..text("")
        }),
        dp
    );

    // Combined filters are the intersection of each alone.
    let combo = Request {
        who_for: vec!["dementia".into()],
        cost: Some("free".into()),
        weekend: false,
        ..text("")
    };
    let both: BTreeSet<String> = dementia.intersection(&free).cloned().collect();
    assert_eq!(ids(&combo), both);
    let three = Request {
        areas: vec!["northfield".into()],
        evening: true,
        facilities: vec!["step-free".into()],
        ..text("")
    };
    let a = ids(&Request {
        areas: vec!["northfield".into()],
        ..text("")
    });
    let b = ids(&Request {
        evening: true,
        ..text("")
    });
    let c = ids(&Request {
        facilities: vec!["step-free".into()],
        ..text("")
    });
    let abc: BTreeSet<String> = a
        .intersection(&b)
        .cloned()
        .collect::<BTreeSet<_>>()
        .intersection(&c)
        .cloned()
        .collect();
    assert_eq!(ids(&three), abc);
}

#[test]
fn typos_and_synonyms_find_what_people_mean() {
    let d = &sample().dir;
    let in_category = |c: &str| -> BTreeSet<String> {
        d.activities
            .iter()
            .filter(|a| {
                a.data.status != signpost::content::model::Status::Closed
                    && a.data.categories.iter().any(|x| x == c)
            })
            .map(|a| format!("activity:{}", a.id))
            .collect()
    };
    for (typed, category) in [
        ("swiming", "swimming"),
        ("musik", "music"),
        ("gardning", "gardening"),
        ("disco", "dance-drama"),
        ("footy", "sport"),
        ("cuppa", "social"),
    ] {
        let found = ids(&text(typed));
        let wanted = in_category(category);
        assert!(!wanted.is_empty());
        assert!(
            wanted.is_subset(&found),
            "{typed} finds every {category} activity; missing {:?}",
            wanted.difference(&found).collect::<Vec<_>>()
        );
    }
    // "loo" means a toilet: every venue with an accessible toilet is found.
    let loo = ids(&text("loo"));
    for v in d
        .venues
        .iter()
        .filter(|v| v.access.iter().any(|a| a == "accessible-toilet"))
    {
        assert!(
            loo.contains(&format!("venue:{}", v.id)),
            "loo finds {}",
            v.id
        );
    }
    // Exact words still work and nonsense finds nothing, with a suggestion where one is near.
    assert!(ids(&text("xyzzy")).is_empty());
    let res = run(&sample().index, &text("swimmmmming"));
    assert_eq!(res.total, 0);
    assert_eq!(res.suggestion.as_deref(), Some("swimming"));
}

#[test]
fn hostile_queries_get_results_or_a_clear_message() {
    let s = sample();
    let long = "swim ".repeat(2000);
    let queries = [
        "".to_string(),
        long.clone(),
        "\"unbalanced".into(),
        "title:foo AND (bar OR".into(),
        "*:* OR 1=1; DROP TABLE".into(),
        "\u{0}\u{1}\u{7f}".into(),
        "😀".repeat(300),
    ];
    for q in &queries {
        let res = run(&s.index, &text(q));
        assert!(
            res.total > 0
                || !res.notes.is_empty()
                || res.suggestion.is_some()
                || res.hits.is_empty(),
            "{q:?}"
        );
        assert!(res.hits.len() <= signpost::search::query::PAGE_SIZE);
    }
    assert!(
        run(&s.index, &text(&long))
            .notes
            .iter()
            .any(|n| n.contains("only the first")),
        "a cut query is explained"
    );
    assert!(run(&s.index, &text(""))
        .notes
        .iter()
        .any(|n| n.contains("Type what you are looking for")));
    let bad =
        request_from_query("q=%ff%fe%&day=funday&facility=jacuzzi&cost=cheap&page=-3&when=%00");
    let res = run(&s.index, &bad);
    assert_eq!(bad.page, 1);
    assert!(
        res.notes
            .iter()
            .any(|n| n.contains("\"funday\" is not a day")),
        "{:?}",
        res.notes
    );
    assert!(
        res.notes
            .iter()
            .any(|n| n.contains("\"jacuzzi\" is not a facility")),
        "{:?}",
        res.notes
    );
    assert!(
        res.notes
            .iter()
            .any(|n| n.contains("\"cheap\" is not a cost")),
        "{:?}",
        res.notes
    );
    // The command line never panics on the same inputs.
    for q in queries.iter().filter(|q| !q.contains('\0')) {
        let out = Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(["search", "--json", "--site"])
            .arg(&s.site)
            .arg(q)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{q:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v.get("total").is_some());
    }
}

#[test]
fn the_page_script_finds_exactly_what_the_server_finds() {
    let s = sample();
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let queries_file = project.join("tests/search/queries.json");
    let queries: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&queries_file).unwrap()).unwrap();
    assert!(
        queries.len() >= 40,
        "at least 40 queries: {}",
        queries.len()
    );
    let out = Command::new("node")
        .arg(project.join("tests/search/parity.js"))
        .arg(&s.site)
        .arg(&queries_file)
        .output()
        .expect("node must be installed to test the page script (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let client: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let list = |v: &serde_json::Value, k: &str| -> Vec<String> {
        v.get(k)
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut nonempty = 0;
    let mut empty = 0;
    let mut most_bytes = 0;
    for (q, js) in queries.iter().zip(&client) {
        let js: Vec<String> = list(js, "ids");
        most_bytes = most_bytes.max(js_bytes(&client, q, &queries));
        let mut req = Request {
            text: q["q"].as_str().unwrap_or("").into(),
            page: 1,
            ..Request::default()
        };
        req.days = list(q, "day");
        for w in list(q, "when") {
            match w.as_str() {
                "morning" => req.morning = true,
                "afternoon" => req.afternoon = true,
                "evening" => req.evening = true,
                _ => req.weekend = true,
            }
        }
        req.facilities = list(q, "facility");
        req.who_for = list(q, "for");
        req.areas = list(q, "area");
        req.support = list(q, "support");
        req.pay = list(q, "pay");
        req.cost = q.get("cost").and_then(|c| c.as_str()).map(String::from);
        let server: Vec<String> = {
            let mut all = Vec::new();
            let mut r = req.clone();
            loop {
                let res = run(&s.index, &r);
                all.extend(res.hits.iter().map(|h| format!("{}:{}", h.kind, h.id)));
                if r.page >= res.pages {
                    break;
                }
                r.page += 1;
            }
            all
        };
        assert_eq!(
            server, js,
            "query {q}: server and page script differ (same order expected)"
        );
        if server.is_empty() {
            empty += 1
        } else {
            nonempty += 1
        }
    }
    assert!(
        nonempty >= 30 && empty >= 4,
        "the list mixes hits ({nonempty}) and zero results ({empty})"
    );
    // A first query fetches little: the budget is 50 KB.
    assert!(
        most_bytes > 0 && most_bytes < 50_000,
        "largest first query: {most_bytes} bytes"
    );
    println!("largest first static query: {most_bytes} bytes");
}

fn js_bytes(
    client: &[serde_json::Value],
    q: &serde_json::Value,
    queries: &[serde_json::Value],
) -> u64 {
    let i = queries.iter().position(|x| x == q).unwrap_or(0);
    client[i]["bytes"].as_u64().unwrap_or(0)
}

/// Lists of document numbers of every shape: empty, runs, sparse, huge gaps, dense.
fn list_shapes() -> Vec<Vec<u32>> {
    let mut seed: u32 = 7;
    let mut random = |p: u32| {
        (0..5000u32)
            .filter(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (seed >> 16) % 100 < p
            })
            .collect::<Vec<u32>>()
    };
    vec![
        vec![],
        vec![0],
        vec![5],
        vec![
            31,
            32,
            33,
            1023,
            1024,
            1025,
            100_000,
            4_000_000,
            u32::MAX - 1,
        ],
        (0..100).collect(),
        (10_000..10_100).collect(),
        (0..3000).step_by(3).collect(),
        random(3),
        random(30),
        random(50),
        random(97),
        (1..5000).filter(|n| n % 6 != 0).collect(),
    ]
}

#[test]
fn the_page_script_reads_every_list_the_export_writes() {
    use signpost::search::static_export::{decode_list, encode_list};
    let shapes = list_shapes();
    let encoded: Vec<String> = shapes.iter().map(|l| encode_list(l)).collect();
    // Both forms are in use, and each is the shorter one for its list.
    assert!(
        encoded[3].chars().all(|c| c != '*'),
        "sparse lists are gaps"
    );
    assert!(encoded[9].starts_with('*'), "half-full lists are bitmaps");
    assert_eq!(
        encoded[4],
        format!("*{}P", "_".repeat(16)),
        "0 to 99 as a bitmap"
    );
    let run = &encoded[5];
    assert!(
        run.len() == 102 && run.ends_with(&"A".repeat(99)),
        "after the first, each neighbour costs one character: {run}"
    );
    for (list, text) in shapes.iter().zip(&encoded) {
        assert_eq!(decode_list(text).as_ref(), Some(list), "{text}");
    }
    assert_eq!(decode_list("A!"), None, "not a list");
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let script = format!(
        "const {{ list }} = require({:?}); \
         process.stdout.write(JSON.stringify(JSON.parse(require('fs').readFileSync(0, 'utf8')).map(list)));",
        project.join("themes/default/js/search.js")
    );
    let mut child = Command::new("node")
        .args(["-e", &script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node must be installed to test the page script");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&serde_json::to_vec(&encoded).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let read: Vec<Vec<u32>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(read, shapes);
}

#[test]
fn the_static_index_files_point_at_each_other() {
    let s = sample();
    let data = s.site.join("search/data");
    let read = |name: &str| std::fs::read_to_string(data.join(name)).unwrap_or_default();
    let meta: serde_json::Value = serde_json::from_str(&read("meta.json")).unwrap();
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // meta.json names exactly the word lists there are.
    let mut named = BTreeSet::new();
    for (first, lengths) in meta["words"].as_object().unwrap() {
        for c in lengths.as_str().unwrap().chars() {
            named.insert(format!("w-{first}-{}.txt", ALPHABET.find(c).unwrap()));
        }
    }
    let on_disk: BTreeSet<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("w-"))
        .collect();
    assert!(named.len() > 20);
    assert_eq!(named, on_disk);
    // Every word's stem is in the stem file its line names.
    let mut lines = 0;
    for name in &on_disk {
        for line in read(name).lines() {
            let f: Vec<&str> = line.split(' ').collect();
            assert!(f.len() == 2 || f.len() == 3, "{name}: {line}");
            let (stem, shard) = (f[f.len() - 2], f[f.len() - 1]);
            let stems = read(&format!("s{shard}.txt"));
            assert!(
                stems.lines().any(|l| l.split(' ').next() == Some(stem)),
                "{name}: {line}"
            );
            lines += 1;
        }
    }
    assert!(lines > 500, "{lines} words");
    // Every filter value the server knows has a file, so a missing file means unknown.
    let values = &s.index.values;
    for (facet, known) in [
        ("access", &values.access),
        ("for", &values.who_for),
        ("area", &values.area),
        ("support", &values.support),
    ] {
        for v in known {
            assert!(
                data.join(format!("f-{facet}-{v}.txt")).is_file(),
                "{facet} {v}"
            );
        }
    }
    for pay in signpost::search::query::PAY_WAYS {
        assert!(data.join(format!("f-pay-{pay}.txt")).is_file(), "{pay}");
    }
}

#[test]
fn the_page_script_stays_small() {
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let size = std::fs::metadata(project.join("themes/default/js/search.js"))
        .unwrap()
        .len();
    assert!(size <= 10 * 1024, "search.js is {size} bytes");
}
