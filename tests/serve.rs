//! `signpost serve` over real HTTP on 127.0.0.1: security headers, search without
//! JavaScript, hostile queries, path traversal, and a failed rebuild during preview.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
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
