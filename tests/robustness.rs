//! Hostile or broken listing files: every one gets diagnostics, none makes Signpost panic.

use std::path::Path;
use std::process::Command;

fn check(content: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--today", "2026-11-27", "--content"])
        .arg(content)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn broken_provider_files_give_errors_not_panics() {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let long_line = format!("---\nname: {}\n---\n", "x".repeat(200_000));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", b"".to_vec()),
        ("only-dashes", b"---\n".to_vec()),
        ("empty-front-matter", b"---\n---\nbody".to_vec()),
        ("a-list", b"---\n- a\n- b\n---\n".to_vec()),
        ("a-scalar", b"---\nhello\n---\n".to_vec()),
        ("unbalanced", b"---\nname: [a, b\n---\n".to_vec()),
        ("tabs", b"---\nname:\tA\n\tsummary: x\n---\n".to_vec()),
        ("deep", format!("---\nname: {deep}\n---\n").into_bytes()),
        ("long-line", long_line.into_bytes()),
        ("binary", vec![0, 159, 146, 150, 255, 0, 1]),
        ("anchors", b"---\na: &a [*a]\n---\n".to_vec()),
        ("numeric-keys", b"---\n1: 2\n? [x]\n: y\n---\n".to_vec()),
        ("nulls", b"---\nname: ~\nsummary:\nreviewed:\nactivities: ~\n---\n".to_vec()),
        ("crlf", b"---\r\nname: A\r\n---\r\n".to_vec()),
        ("huge-number", b"---\nname: A\nsummary: B\nreviewed: 2026-01-01\nactivities:\n  - name: x\n    summary: y\n    categories: [music]\n    who_for: [autism]\n    support: online\n    join: [turn-up]\n    cost: {amount: 1e400, per: session}\n---\n".to_vec()),
    ];
    for (name, bytes) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("providers")).unwrap();
        std::fs::copy("tests/fixtures/base/site.yaml", root.join("site.yaml")).ok();
        std::fs::copy("content/site.yaml", root.join("site.yaml")).unwrap();
        std::fs::copy("content/vocabulary.yaml", root.join("vocabulary.yaml")).unwrap();
        std::fs::write(root.join("providers").join(format!("{name}.md")), &bytes).unwrap();
        let (code, stderr) = check(root);
        assert_eq!(code, 1, "{name}: expected errors, got:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{name} panicked:\n{stderr}");
        assert!(
            stderr.contains(&format!("providers/{name}.md")),
            "{name}: the error names the file:\n{stderr}"
        );
    }
}

#[test]
fn an_output_folder_that_would_replace_the_listings_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir_all(content.join("providers")).unwrap();
    std::fs::write(content.join("providers/keep.md"), "---\nname: x\n---\n").unwrap();
    for output in [content.clone(), tmp.path().to_path_buf()] {
        let out = Command::new(env!("CARGO_BIN_EXE_signpost"))
            .args(["build", "--content"])
            .arg(&content)
            .arg("--output")
            .arg(&output)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("would replace"), "{stderr}");
        assert!(
            content.join("providers/keep.md").is_file(),
            "the listings are untouched"
        );
    }
}
