//! Search benchmark: `cargo bench --bench search -- [N ...]` (default 1000 10000 50000).
//! For a synthetic directory of N activities it prints the index build time, index size,
//! query latency p50/p99 over a fixed query mix, and the bytes the page script fetches for
//! a first query on plain static hosting. With `SIGNPOST_BENCH_KEEP=folder` the content
//! and site (search files only) of each size are kept in `folder/N/`, to inspect.

use signpost::search::documents::documents;
use signpost::search::index::{build_files, SearchIndex};
use signpost::search::query::{run, FilterValues, Request};
use std::path::Path;
use std::time::Instant;

fn mix() -> Vec<Request> {
    let t = |q: &str| Request {
        text: q.into(),
        page: 1,
        ..Request::default()
    };
    vec![
        t("swimming"),
        t("swiming"),
        t("art club"),
        t("musik"),
        t("gardning"),
        t("disco saturday evening"),
        t("cuppa"),
        t("loo"),
        t("computers tablets"),
        t("xyzzy"),
        Request {
            evening: true,
            ..t("")
        },
        Request {
            weekend: true,
            facilities: vec!["changing-places".into()],
            ..t("")
        },
        Request {
            days: vec!["tuesday".into()],
            who_for: vec!["autism".into()],
            ..t("")
        },
        Request {
            areas: vec!["northfield".into()],
            cost: Some("free".into()),
            ..t("")
        },
        Request {
            support: vec!["befriending".into()],
            ..t("walking")
        },
        Request {
            facilities: vec!["hoist".into(), "step-free".into()],
            evening: true,
            ..t("music")
        },
    ]
}

fn main() {
    // `cargo test --all-targets` runs bench targets too, but without `--bench`: measure
    // nothing there (the bench profile has no debug assertions, so that cannot tell them apart).
    if !std::env::args().any(|a| a == "--bench") {
        println!("search benchmark: run it with `cargo bench --bench search -- [N ...]`");
        return;
    }
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1000, 10_000, 50_000]
    } else {
        sizes
    };
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!(
        "{:>8} {:>10} {:>12} {:>10} {:>9} {:>9} {:>12}",
        "N", "docs", "index build", "index MB", "p50 µs", "p99 µs", "first query"
    );
    for n in sizes {
        let tmp = tempfile::tempdir().unwrap();
        let base = match std::env::var_os("SIGNPOST_BENCH_KEEP") {
            Some(keep) => std::path::PathBuf::from(keep).join(n.to_string()),
            None => tmp.path().to_path_buf(),
        };
        let content = base.join("content");
        signpost::synthetic::generate(&content, &project.join("content"), n, 42).unwrap();
        let options = signpost::Options {
            content: content.clone(),
            theme: project.join("themes/default"),
            today: "2026-11-27".parse().unwrap(),
        };
        let dir = signpost::check(&options)
            .0
            .expect("synthetic content is valid");
        let values = FilterValues::from_directory(&dir);

        let start = Instant::now();
        let docs = documents(&dir);
        let files = build_files(&docs, &values).unwrap();
        let build = start.elapsed();
        let site = base.join("site");
        let mut index_bytes = 0u64;
        for f in files
            .iter()
            .chain(signpost::search::static_export::files(&docs, &values).iter())
        {
            let path = site.join(&f.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &f.bytes).unwrap();
            if f.path.starts_with("search-index/") {
                index_bytes += f.bytes.len() as u64;
            }
        }
        let index = SearchIndex::open(&site).unwrap();
        let queries = mix();
        for q in &queries {
            run(&index, q); // warm up
        }
        let mut times = Vec::new();
        for _ in 0..20 {
            for q in &queries {
                let t = Instant::now();
                std::hint::black_box(run(&index, q));
                times.push(t.elapsed().as_micros());
            }
        }
        times.sort_unstable();
        let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
        let first = first_query_bytes(&site, project);
        println!(
            "{n:>8} {:>10} {:>10.0}ms {:>10.2} {:>9} {:>9} {:>10} B",
            docs.len(),
            build.as_secs_f64() * 1000.0,
            index_bytes as f64 / 1_000_000.0,
            p(0.5),
            p(0.99),
            first
        );
    }
}

/// The most bytes the page script fetches for any first query in the parity list.
fn first_query_bytes(site: &Path, project: &Path) -> u64 {
    let out = std::process::Command::new("node")
        .arg(project.join("tests/search/parity.js"))
        .arg(site)
        .arg(project.join("tests/search/queries.json"))
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let v: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap_or_default();
            v.iter()
                .filter_map(|x| x["bytes"].as_u64())
                .max()
                .unwrap_or(0)
        }
        _ => 0,
    }
}
