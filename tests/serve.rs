//! `signpost serve` over real HTTP on 127.0.0.1: security headers, search without
//! JavaScript, hostile queries, path traversal, a failed rebuild during preview, and live
//! reload (the script in served pages only, long-polls answered after a rebuild).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(content: &Path, output: &Path, watch: bool) -> Server {
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_signpost"));
    cmd.current_dir(&project)
        .args([
            "serve",
            "--today",
            "2026-11-27",
            "--port",
            &port.to_string(),
            "--content",
        ])
        .arg(content)
        .arg("--output")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if !watch {
        cmd.arg("--no-watch");
    }
    let server = Server {
        child: cmd.spawn().unwrap(),
        port,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// Sends a raw request line (so paths are not normalised) and returns status, head, body.
fn get(port: u16, method: &str, target: &str) -> (u16, String, String) {
    request(port, method, target, Duration::from_secs(20))
}

/// `get`, waiting up to `timeout` for the answer.
fn request(port: u16, method: &str, target: &str, timeout: Duration) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(timeout)).unwrap();
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

#[test]
fn serves_pages_and_search_safely() {
    let tmp = tempfile::tempdir().unwrap();
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let server = start(&project.join("content"), &tmp.path().join("public"), false);
    let port = server.port;

    let (status, head, body) = get(port, "GET", "/");
    assert_eq!(status, 200);
    for h in [
        "Content-Security-Policy: default-src 'self'; script-src 'self'",
        "X-Content-Type-Options: nosniff",
        "X-Frame-Options: DENY",
        "Referrer-Policy: same-origin",
    ] {
        assert!(head.contains(h), "missing header {h}");
    }
    assert!(body.contains("<h1"));

    // Search without JavaScript: the server renders results into the page.
    let (status, _, body) = get(port, "GET", "/search/?q=swiming&when=weekend");
    assert_eq!(status, 200);
    assert!(body.contains("role=\"status\""), "the count is announced");
    assert!(body.contains("results</h2>") || body.contains("result</h2>"));
    assert!(body.contains("Remove"), "active filters have remove links");
    let (_, _, zero) = get(port, "GET", "/search/?q=swimmmmming");
    assert!(
        zero.contains("Did you mean"),
        "a zero-result page suggests a spelling"
    );
    let (_, _, paged) = get(port, "GET", "/search/?q=&when=morning&page=2");
    assert!(paged.contains("aria-current=\"page\">Page 2"), "pagination");

    // Hostile queries get a page, never an error.
    let long = "a".repeat(10_000);
    for q in [
        format!("/search/?q={long}"),
        "/search/?q=%ff%fe%".into(),
        "/search/?q=%22unbalanced".into(),
        "/search/?q=title:foo+AND+(bar".into(),
        "/search/?day=funday&facility=jacuzzi&cost=cheap&page=99999999999999999999".into(),
        "/search/?q=%00%01".into(),
        format!("/search/?{}", "day=monday&".repeat(2000)),
    ] {
        let (status, _, body) = get(port, "GET", &q);
        assert_eq!(status, 200, "{}", &q[..q.len().min(80)]);
        assert!(body.contains("</html>"));
    }

    // Nothing outside the site folder, however the path is written.
    for target in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E%2FCargo.toml",
        "/..%2fCargo.toml",
        "/css/../../Cargo.toml",
        "/search-index/%2e%2e/%2e%2e/Cargo.toml",
        "/..\\Cargo.toml",
        "/%5c..%5cCargo.toml",
        "/%00",
        "//etc/passwd",
        "/../../../../../../etc/passwd",
    ] {
        let (status, _, body) = get(port, "GET", target);
        assert_eq!(status, 404, "{target}");
        assert!(
            !body.contains("[package]") && !body.contains("root:x:0"),
            "{target} leaked a file"
        );
    }
    let (status, _, _) = get(port, "POST", "/search/?q=art");
    assert_eq!(status, 405);
}

#[test]
fn a_failed_rebuild_shows_its_errors_and_keeps_the_last_good_site() {
    let tmp = tempfile::tempdir().unwrap();
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let content = tmp.path().join("content");
    copy_dir(&project.join("content"), &content);
    let server = start(&content, &tmp.path().join("public"), true);
    let port = server.port;
    let (_, _, before) = get(port, "GET", "/providers/wyvern-mencap/");
    assert!(before.contains("Wyvern Mencap"));

    let file = content.join("providers/wyvern-mencap.md");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replacen("day: friday", "day: fryday", 1)).unwrap();
    let page = wait_for(port, "/providers/wyvern-mencap/", |b| {
        b.contains("could not be built")
    });
    assert!(page.contains("fryday"), "the diagnostic is shown");
    assert!(
        page.contains("Wyvern Mencap"),
        "the last good page is still served"
    );

    std::fs::write(
        &file,
        good.replacen("name: Wyvern Mencap", "name: Wyvern Mencap Society", 1),
    )
    .unwrap();
    // The new page can be on disk a moment before the server swaps in the new index and
    // clears the errors, so wait for both.
    let page = wait_for(port, "/providers/wyvern-mencap/", |b| {
        b.contains("Wyvern Mencap Society") && !b.contains("could not be built")
    });
    assert!(
        page.contains("Wyvern Mencap Society"),
        "a good rebuild clears the errors"
    );
}

fn wait_for(port: u16, path: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, _, body) = get(port, "GET", path);
        if ok(&body) {
            return body;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {path}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The generation in a served page's live-reload script tag (whose `src` starts with
/// `root`), checking the tag is the last thing before `</body>`.
fn generation_in(page: &str, root: &str) -> u64 {
    let start = format!("<script src=\"{root}__signpost/live-reload.js\" data-generation=\"");
    let at = page
        .find(&start)
        .unwrap_or_else(|| panic!("no live-reload script for root {root}"));
    let rest = &page[at + start.len()..];
    let (number, after) = rest.split_once('"').unwrap();
    assert!(
        after.starts_with(" defer></script>\n</body>"),
        "the script is added just before </body>"
    );
    number.parse().unwrap()
}

/// The generation in a changes answer, which must be JSON.
fn generation_of(status: u16, head: &str, body: &str) -> u64 {
    assert_eq!(status, 200, "{head}\n{body}");
    assert!(head.contains("Content-Type: application/json"), "{head}");
    assert!(head.contains("Cache-Control: no-store"), "{head}");
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    json["generation"].as_u64().unwrap()
}

/// Sends a request and reads the answer on another thread, so the test can go on while
/// the server holds it.
fn get_later(port: u16, target: String) -> mpsc::Receiver<(u16, String, String)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(request(port, "GET", &target, Duration::from_secs(120)));
    });
    rx
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}

#[test]
fn served_pages_have_the_live_reload_script_and_built_files_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let content = tmp.path().join("content");
    copy_dir(&project.join("content"), &content);
    // A site published under a folder: the script is asked for under it.
    let site_yaml = content.join("site.yaml");
    let yaml = std::fs::read_to_string(&site_yaml).unwrap();
    std::fs::write(
        &site_yaml,
        yaml.replacen(
            "base_url: https://dayfinder.wyvern.example/",
            "base_url: https://wyvern.example/dayfinder/",
            1,
        ),
    )
    .unwrap();
    let served = tmp.path().join("public");
    let server = start(&content, &served, true);
    let port = server.port;
    let root = "/dayfinder/";

    // (a) Every kind of served page carries the script with the current generation.
    let (status, _, home) = get(port, "GET", "/dayfinder/");
    assert_eq!(status, 200);
    let generation = generation_in(&home, root);
    let (_, _, search) = get(port, "GET", "/dayfinder/search/?q=art");
    assert_eq!(generation_in(&search, root), generation);
    let (status, _, missing) = get(port, "GET", "/dayfinder/no-such-page/");
    assert_eq!(status, 404);
    assert_eq!(generation_in(&missing, root), generation);
    // The served page is the file on disk plus the tag, nothing else.
    let tag = format!(
        "<script src=\"{root}__signpost/live-reload.js\" data-generation=\"{generation}\" defer></script>\n"
    );
    let on_disk = std::fs::read_to_string(served.join("index.html")).unwrap();
    assert_eq!(home.replacen(&tag, "", 1), on_disk);

    // Built files never have it: what `serve` wrote is byte for byte what `build` writes.
    let built = tmp.path().join("built");
    let status = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .current_dir(&project)
        .args(["build", "--today", "2026-11-27", "--content"])
        .arg(&content)
        .arg("--output")
        .arg(&built)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    // Except the empty lock file tantivy leaves when the server opens the search index.
    let mut files = files_under(&served);
    files.retain(|f| f != Path::new("search-index/.tantivy-meta.lock"));
    let built_files = files_under(&built);
    let only_served: Vec<_> = files.iter().filter(|f| !built_files.contains(f)).collect();
    let only_built: Vec<_> = built_files.iter().filter(|f| !files.contains(f)).collect();
    assert!(
        only_served.is_empty() && only_built.is_empty(),
        "only served: {only_served:?}; only built: {only_built:?}"
    );
    assert!(files.len() > 50, "the sample site was built");
    for f in &files {
        let bytes = std::fs::read(served.join(f)).unwrap();
        assert!(
            bytes == std::fs::read(built.join(f)).unwrap(),
            "{} differs from the built site",
            f.display()
        );
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("__signpost") && !text.contains("live-reload"),
            "{} mentions live reload",
            f.display()
        );
    }

    // (d) The script itself: JavaScript, the same security headers as every page, not cached.
    for target in [
        "/dayfinder/__signpost/live-reload.js",
        "/__signpost/live-reload.js",
    ] {
        let (status, head, body) = get(port, "GET", target);
        assert_eq!(status, 200, "{target}");
        for h in [
            "Content-Type: text/javascript; charset=utf-8",
            "Content-Security-Policy: default-src 'self'; script-src 'self'",
            "X-Content-Type-Options: nosniff",
            "X-Frame-Options: DENY",
            "Referrer-Policy: same-origin",
            "Cache-Control: no-store",
        ] {
            assert!(head.contains(h), "{target}: missing header {h}");
        }
        let file = std::fs::read_to_string(project.join("src/serve/live-reload.js")).unwrap();
        assert_eq!(body, file);
        assert!(body.len() < 1024, "the script stays under 1 KB");
    }

    // (c) A poll with another generation is answered at once with the current one (well
    // before the 25 s a poll with the current generation is held).
    let asked = Instant::now();
    let (status, head, body) = get(
        port,
        "GET",
        &format!("/dayfinder/__signpost/changes?since={}", generation + 1),
    );
    assert_eq!(generation_of(status, &head, &body), generation);
    assert!(asked.elapsed() < Duration::from_secs(20));
    for bad in ["", "?since=", "?since=x", "?since=-1"] {
        let (status, _, _) = get(port, "GET", &format!("/__signpost/changes{bad}"));
        assert_eq!(status, 400, "{bad}");
    }
}

#[test]
fn a_content_edit_answers_a_held_poll_with_a_higher_generation() {
    let tmp = tempfile::tempdir().unwrap();
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let content = tmp.path().join("content");
    copy_dir(&project.join("content"), &content);
    let server = start(&content, &tmp.path().join("public"), true);
    let port = server.port;
    let (_, _, page) = get(port, "GET", "/providers/wyvern-mencap/");
    let first = generation_in(&page, "/");

    // (b) Hold a poll with the current generation, then save an edit.
    let poll = get_later(port, format!("/__signpost/changes?since={first}"));
    let file = content.join("providers/wyvern-mencap.md");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        good.replacen("name: Wyvern Mencap", "name: Wyvern Mencap Society", 1),
    )
    .unwrap();
    let saved = Instant::now();
    let changed = wait_for_generation(port, poll, first);
    eprintln!(
        "live reload: save to reload signal {} ms (generation {first} -> {changed})",
        saved.elapsed().as_millis()
    );
    assert!(changed > first);
    // (Should the watcher have caught the file half written, one more rebuild follows.)
    let page = wait_for(port, "/providers/wyvern-mencap/", |b| {
        b.contains("Wyvern Mencap Society")
    });
    let changed = generation_in(&page, "/");
    assert!(changed > first);

    // (c) A page still showing the first generation is told at once.
    let asked = Instant::now();
    let (status, head, body) = get(port, "GET", &format!("/__signpost/changes?since={first}"));
    assert!(generation_of(status, &head, &body) >= changed);
    assert!(asked.elapsed() < Duration::from_secs(20));

    // A failed rebuild changes what is served too (the errors at the top): pages reload.
    let poll = get_later(port, format!("/__signpost/changes?since={changed}"));
    std::fs::write(&file, good.replacen("day: friday", "day: fryday", 1)).unwrap();
    let failed = wait_for_generation(port, poll, changed);
    assert!(failed > changed);
    let page = wait_for(port, "/providers/wyvern-mencap/", |b| {
        b.contains("could not be built") && b.contains("fryday")
    });
    assert!(generation_in(&page, "/") >= failed);
}

/// Waits for a poll (and the polls after it, should one be held the full 25 s without a
/// change) to answer with a generation other than `since`.
fn wait_for_generation(
    port: u16,
    mut poll: mpsc::Receiver<(u16, String, String)>,
    since: u64,
) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let (status, head, body) = poll
            .recv_timeout(left)
            .expect("no answer to the poll in time");
        let generation = generation_of(status, &head, &body);
        if generation != since {
            return generation;
        }
        assert!(Instant::now() < deadline, "the generation never changed");
        poll = get_later(port, format!("/__signpost/changes?since={since}"));
    }
}

#[test]
fn held_polls_do_not_block_the_server_and_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let content = tmp.path().join("content");
    copy_dir(&project.join("content"), &content);
    let server = start(&content, &tmp.path().join("public"), true);
    let port = server.port;
    let (_, _, page) = get(port, "GET", "/");
    let generation = generation_in(&page, "/");

    // 65 polls with the current generation: 64 are held, one is refused. Nothing changes,
    // so the held ones cannot answer for 25 s: the first answer is the refusal, and once
    // it has come the other 64 are all held.
    let target = format!("/__signpost/changes?since={generation}");
    let polls: Vec<_> = (0..65).map(|_| get_later(port, target.clone())).collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (status, head) = 'found: loop {
        for p in &polls {
            if let Ok((status, head, _)) = p.try_recv() {
                break 'found (status, head);
            }
        }
        assert!(Instant::now() < deadline, "no poll was refused");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status, 503, "{head}");
    assert!(head.contains("Retry-After"), "{head}");

    // The held polls block nothing else: pages, the script and polls that need no wait
    // still answer.
    let (status, _, body) = get(port, "GET", "/providers/wyvern-mencap/");
    assert_eq!(status, 200);
    assert!(body.contains("Wyvern Mencap"));
    let (status, _, _) = get(port, "GET", "/__signpost/live-reload.js");
    assert_eq!(status, 200);
    let (status, head, body) = get(
        port,
        "GET",
        &format!("/__signpost/changes?since={}", generation + 1),
    );
    assert_eq!(generation_of(status, &head, &body), generation);
    // Still full.
    let (status, _, _) = get(port, "GET", &target);
    assert_eq!(status, 503);
}

#[test]
fn a_restarted_server_gives_pages_a_new_generation() {
    let tmp = tempfile::tempdir().unwrap();
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let generation = || {
        let server = start(&project.join("content"), &tmp.path().join("public"), true);
        let (_, _, page) = get(server.port, "GET", "/");
        generation_in(&page, "/")
    };
    let first = generation();
    let second = generation();
    assert_ne!(
        first, second,
        "a page left open across a restart must see a new generation and reload"
    );
}

/// Reads one HTTP/1.1 response from a connection that stays open (so the end is found from
/// Content-Length, not from the server closing): the status and whether the body came whole.
fn read_response(s: &mut TcpStream, method: &str) -> std::io::Result<(u16, bool)> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).into_owned();
            let status = head
                .split_whitespace()
                .nth(1)
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            let want = if method == "HEAD" { 0 } else { length };
            while raw.len() - (end + 4) < want {
                let n = s.read(&mut buf)?;
                if n == 0 {
                    return Ok((status, false));
                }
                raw.extend_from_slice(&buf[..n]);
            }
            return Ok((status, true));
        }
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Ok((0, false));
        }
        raw.extend_from_slice(&buf[..n]);
    }
}

/// What a browser does on a fresh page load: many keep-alive connections opened at once,
/// one request on each (the page, its CSS, pictures and script), the connections left
/// open. Every request must be answered; none may wait for another connection to close.
#[test]
fn many_keep_alive_connections_opened_at_once_are_all_answered() {
    let tmp = tempfile::tempdir().unwrap();
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let server = start(&project.join("content"), &tmp.path().join("public"), true);
    let port = server.port;
    let (status, _, home) = get(port, "GET", "/");
    assert_eq!(status, 200);
    // The page's own sub-resources, as a browser would ask for them.
    let mut targets = vec!["/".to_string()];
    for attr in ["href=\"/", "src=\"/"] {
        for (i, _) in home.match_indices(attr) {
            let url = &home[i + attr.len() - 1..];
            let url = &url[..url.find('"').unwrap()];
            let wanted = [".css", ".svg", ".js"].iter().any(|e| url.ends_with(e));
            if wanted && !targets.iter().any(|t| t == url) {
                targets.push(url.to_string());
            }
        }
    }
    // The CSS and scripts first, then pictures, twelve requests in all.
    targets.sort_by_key(|t| (t != "/", t.ends_with(".svg")));
    targets.truncate(12);
    assert!(targets.iter().any(|t| t.ends_with(".css")), "{targets:?}");
    assert!(targets.iter().any(|t| t.ends_with(".svg")), "{targets:?}");
    assert!(targets.iter().any(|t| t.ends_with(".js")), "{targets:?}");
    assert_eq!(targets.len(), 12, "{targets:?}");

    // Several fresh page loads, each on new connections, the earlier ones still open.
    let mut open = Vec::new();
    for round in 0..5 {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut conns: Vec<TcpStream> = targets
            .iter()
            .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
            .collect();
        for (s, target) in conns.iter_mut().zip(&targets) {
            write!(
                s,
                "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: */*\r\n\r\n"
            )
            .unwrap();
        }
        for (s, target) in conns.iter_mut().zip(&targets) {
            let left = deadline.saturating_duration_since(Instant::now());
            s.set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            match read_response(s, "GET") {
                Ok((status, whole)) => {
                    assert_eq!(status, 200, "round {round}: {target}");
                    assert!(whole, "round {round}: {target} was cut short");
                }
                Err(e) => panic!("round {round}: no answer for {target} within 10 s ({e})"),
            }
        }
        open.extend(conns);
    }
    drop(open);
}
