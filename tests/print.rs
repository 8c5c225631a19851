//! The print stylesheet, checked in a real browser: Chromium prints pages of the built
//! sample site to PDF and `pdfinfo` (poppler-utils) counts the pages and reads their size.
//! `scripts/test.sh` installs both when they are missing.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "2026-11-27";

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A small static file server for the built site on 127.0.0.1 (the browser needs http
/// because pages use root-relative addresses).
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let root = root.clone();
            std::thread::spawn(move || {
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/");
                let path = path.split('?').next().unwrap_or("/");
                let mut file = root.join(path.trim_start_matches('/'));
                if path.ends_with('/') {
                    file = file.join("index.html");
                }
                let (status, body) = match std::fs::read(&file) {
                    Ok(b) if !path.contains("..") => ("200 OK", b),
                    _ => ("404 Not Found", b"not found".to_vec()),
                };
                let kind = match file.extension().and_then(|e| e.to_str()) {
                    Some("html") => "text/html; charset=utf-8",
                    Some("css") => "text/css",
                    Some("svg") => "image/svg+xml",
                    Some("js") => "text/javascript",
                    Some("json") => "application/json",
                    Some("jpg") | Some("jpeg") => "image/jpeg",
                    Some("png") => "image/png",
                    _ => "application/octet-stream",
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            });
        }
    });
    port
}

fn print_to_pdf(url: &str, pdf: &Path) {
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url)
        .output()
        .expect("chromium is installed (scripts/test.sh installs it)");
    assert!(status.status.success(), "chromium failed for {url}");
}

/// (pages, width in points, height in points) from pdfinfo.
fn pdf_info(pdf: &Path) -> (u32, f64, f64) {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo is installed (poppler-utils; scripts/test.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_string())
            .unwrap_or_else(|| panic!("no {name} in {text}"))
    };
    let pages = field("Pages:").parse().unwrap();
    let size = field("Page size:");
    let nums: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (pages, nums[0], nums[1])
}

/// A4 is 595 × 842 points.
fn is_a4(w: f64, h: f64) -> bool {
    let (short, long) = if w < h { (w, h) } else { (h, w) };
    (short - 595.3).abs() < 2.0 && (long - 841.9).abs() < 2.0
}

#[test]
fn an_activity_prints_on_one_a4_page_and_the_week_on_one_landscape_page() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let status = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .current_dir(project())
        .args(["build", "--today", TODAY, "--output"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());

    // The activity with the most Easy Read lines and banners is the hardest to fit.
    let mut worst = (0, String::new());
    for entry in std::fs::read_dir(out.join("activities")).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(html) = std::fs::read_to_string(dir.join("index.html")) else {
            continue;
        };
        let lines = html.matches("<li><img").count() + html.matches("alert__item").count();
        let id = dir.file_name().unwrap().to_string_lossy().to_string();
        if (lines, &id) > (worst.0, &worst.1) {
            worst = (lines, id);
        }
    }
    assert!(worst.0 >= 20, "worst case has {} lines", worst.0);

    let port = serve(out.clone());
    for (path, landscape) in [
        (format!("activities/{}/", worst.1), false),
        ("activities/oakfield-day-centre/".to_string(), false),
        ("this-week/".to_string(), true),
    ] {
        let pdf = tmp.path().join("print.pdf");
        print_to_pdf(&format!("http://127.0.0.1:{port}/{path}"), &pdf);
        let (pages, w, h) = pdf_info(&pdf);
        assert_eq!(pages, 1, "{path} prints on {pages} pages");
        assert!(is_a4(w, h), "{path}: {w} x {h} is not A4");
        assert_eq!(w > h, landscape, "{path}: orientation");
        let text = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils)");
        let text = String::from_utf8_lossy(&text.stdout).replace('\n', " ");
        if !landscape {
            // The Easy Read sheet, without the navigation or the footer.
            let html = std::fs::read_to_string(out.join(&path).join("index.html")).unwrap();
            let last_line = html
                .rsplit("<li><img")
                .next()
                .and_then(|l| l.split("<span>").nth(1))
                .and_then(|l| l.split("</span>").next())
                .unwrap()
                .replace("&#x27;", "'");
            let words: Vec<&str> = last_line.split_whitespace().take(3).collect();
            assert!(
                text.contains(&words.join(" ")),
                "{path}: last Easy Read line {last_line:?} printed"
            );
            assert!(
                !text.contains("Changing Places toilets"),
                "{path}: no navigation"
            );
            assert!(
                !text.contains("Tell us something is wrong"),
                "{path}: no footer"
            );
        } else {
            assert!(
                text.contains("Monday") && text.contains("Sunday"),
                "{path}: the week"
            );
        }
    }
}
