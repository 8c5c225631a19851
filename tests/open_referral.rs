//! The Open Referral UK export, checked against the profile's official JSON Schemas, and the
//! importers (Open Referral JSON and CSV), including the profile's own example files.
//!
//! The schemas and examples are not the project's: they are read from the shared folder
//! (`$SIGNPOST_SHARED` when set, else `../shared` beside the project, else `/work/shared`). Where it
//! is absent the tests that need it say so loudly on stderr and skip.

use serde_json::Value;
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

/// The Open Referral material, or None after a loud message.
fn shared() -> Option<PathBuf> {
    if let Some(s) = std::env::var_os("SIGNPOST_SHARED") {
        // Set on purpose: a wrong value is a mistake to report, not a reason to skip.
        let dir = PathBuf::from(s).join("openreferral");
        assert!(
            dir.join("schema/compiled/service.json").is_file(),
            "SIGNPOST_SHARED is set but {} has no schema/compiled/service.json",
            dir.display()
        );
        return Some(dir);
    }
    let candidates = [project().join("../shared"), PathBuf::from("/work/shared")];
    for c in &candidates {
        let dir = c.join("openreferral");
        if dir.join("schema/compiled/service.json").is_file() {
            return Some(dir);
        }
    }
    eprintln!(
        "\n!!!!!!!! SKIPPED: the Open Referral schemas were not found (looked in {}). \
         Set SIGNPOST_SHARED to the folder holding openreferral/. !!!!!!!!\n",
        candidates
            .iter()
            .map(|c| c.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    None
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Replaces `{"$ref": "x.json"}` with the file it names (the uncompiled schemas refer to
/// their neighbours by file name).
fn inline_refs(v: &mut Value, dir: &Path) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                if r.ends_with(".json") && !r.contains('/') {
                    let mut target = read_json(&dir.join(r));
                    inline_refs(&mut target, dir);
                    *v = target;
                    return;
                }
            }
            for x in m.values_mut() {
                inline_refs(x, dir);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| inline_refs(x, dir)),
        _ => {}
    }
}

struct Schemas {
    validators: BTreeMap<&'static str, jsonschema::Validator>,
}

impl Schemas {
    fn load(shared: &Path) -> Schemas {
        let schema_dir = shared.join("schema");
        let openapi = read_json(&schema_dir.join("openapi.json"));
        let page = openapi["components"]["schemas"]["Page"].clone();
        let meta = openapi["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]
            .clone();
        assert!(
            page.is_object() && meta.is_object(),
            "openapi.json has Page and / schemas"
        );
        let files: [(&str, &str); 11] = [
            ("service", "compiled/service.json"),
            ("service_list", "compiled/service_list.json"),
            ("organization", "compiled/organization.json"),
            ("organization_list", "compiled/organization_list.json"),
            ("service_at_location", "compiled/service_at_location.json"),
            (
                "service_at_location_list",
                "compiled/service_at_location_list.json",
            ),
            ("taxonomy", "taxonomy.json"),
            ("taxonomy_term", "taxonomy_term.json"),
            ("phone", "phone.json"),
            ("language", "language.json"),
            ("accessibility", "accessibility.json"),
        ];
        let mut validators = BTreeMap::new();
        let build = |schema: &Value| {
            jsonschema::options()
                .should_validate_formats(true)
                .build(schema)
                .unwrap_or_else(|e| panic!("schema does not compile: {e}"))
        };
        for (name, file) in files {
            let mut schema = read_json(&schema_dir.join(file));
            inline_refs(&mut schema, &schema_dir);
            validators.insert(name, build(&schema));
        }
        validators.insert("page", build(&page));
        validators.insert("meta", build(&meta));
        Schemas { validators }
    }

    /// Every error of `value` against the named schema, as readable lines.
    fn errors(&self, name: &str, value: &Value) -> Vec<String> {
        self.validators[name]
            .iter_errors(value)
            .map(|e| format!("{name} at {}: {e}", e.instance_path()))
            .collect()
    }
}

/// The item schema of each list and the schema of each single file, by folder.
fn schemas_for(folder: &str) -> (&'static str, &'static str) {
    match folder {
        "services" => ("service_list", "service"),
        "organizations" => ("organization_list", "organization"),
        "service_at_locations" => ("service_at_location_list", "service_at_location"),
        "taxonomies" => ("taxonomy", "taxonomy"),
        "taxonomy_terms" => ("taxonomy_term", "taxonomy_term"),
        other => panic!("unexpected folder openreferral/{other}"),
    }
}

/// Checks one exported file; nested phones and languages are checked against their own
/// schemas too, since the UK profile's compiled service schema leaves them open.
fn check_file(schemas: &Schemas, rel: &str, value: &Value) -> Vec<String> {
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.len() == 1 {
        return schemas.errors("meta", value);
    }
    let (item, single) = schemas_for(parts[0]);
    let name = parts[1];
    let mut errors = Vec::new();
    if name == "index.json" || name.starts_with("page-") {
        errors.extend(schemas.errors("page", value));
        let contents = value["contents"].as_array();
        if contents.is_none() {
            errors.push(format!("{rel}: no contents array"));
        }
        for c in contents.into_iter().flatten() {
            errors.extend(schemas.errors(item, c));
        }
    } else {
        errors.extend(schemas.errors(single, value));
        let stem = name.trim_end_matches(".json");
        if value["id"] != stem {
            errors.push(format!("{rel}: id {} is not the file name", value["id"]));
        }
        for contact in value["contacts"].as_array().into_iter().flatten() {
            for phone in contact["phones"].as_array().into_iter().flatten() {
                errors.extend(schemas.errors("phone", phone));
            }
        }
        for lang in value["languages"].as_array().into_iter().flatten() {
            errors.extend(schemas.errors("language", lang));
        }
    }
    errors.into_iter().map(|e| format!("{rel}: {e}")).collect()
}

struct Built {
    _tmp: tempfile::TempDir,
    out: PathBuf,
}

fn build(content: &Path, out: &Path) {
    let result = Command::new(bin())
        .current_dir(project())
        .args(["build", "--today", TODAY, "--content"])
        .arg(content)
        .arg("--output")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "build of {} failed:\n{}",
        content.display(),
        String::from_utf8_lossy(&result.stderr)
    );
}

fn sample() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(&project().join("content"), &out);
        Built { _tmp: tmp, out }
    })
}

/// Every JSON file below `root`, by path relative to it.
fn json_files(root: &Path) -> BTreeMap<String, Value> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, read_json(e.path()))
        })
        .collect()
}

#[test]
fn every_exported_file_is_valid_against_the_official_schemas() {
    let Some(shared) = shared() else { return };
    let schemas = Schemas::load(&shared);
    let files = json_files(&sample().out.join("openreferral"));
    let mut errors = Vec::new();
    for (rel, value) in &files {
        errors.extend(check_file(&schemas, rel, value));
    }
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors[..errors.len().min(40)].join("\n")
    );

    // The content is all there: one file per activity, provider, venue use and term.
    let (dir, _) = signpost::check(&signpost::Options {
        content: project().join("content"),
        theme: project().join("themes/default"),
        today: TODAY.parse().unwrap(),
    });
    let dir = dir.expect("sample content is valid");
    let count = |folder: &str| {
        files
            .keys()
            .filter(|k| {
                k.starts_with(&format!("{folder}/"))
                    && !k.contains("/page-")
                    && !k.ends_with("/index.json")
            })
            .count()
    };
    assert_eq!(count("services"), dir.activities.len());
    assert_eq!(count("organizations"), dir.providers.len());
    let sessions: usize = dir.activities.iter().map(|a| a.sessions.len()).sum();
    let schedules: usize = files
        .iter()
        .filter(|(k, _)| {
            k.starts_with("services/") && !k.contains("page-") && !k.ends_with("index.json")
        })
        .map(|(_, v)| v["schedules"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(schedules, sessions, "one schedule per session");
    let first = &files["services/page-1.json"];
    assert_eq!(first["total_items"], dir.activities.len());
    assert_eq!(first, &files["services/index.json"]);
    eprintln!(
        "validated {} Open Referral files ({} services, {} schedules)",
        files.len(),
        count("services"),
        schedules
    );

    // The validator is strict enough to catch a bad id, a bad status and a bad schedule.
    let (rel, service) = files
        .iter()
        .find(|(k, v)| k.starts_with("services/") && v["schedules"].is_array())
        .unwrap();
    for (field, bad) in [
        ("/id", Value::from("listing-7")),
        ("/status", Value::from("open")),
        ("/schedules/0/freq", Value::from("FORTNIGHTLY")),
    ] {
        let mut broken = service.clone();
        *broken.pointer_mut(field).unwrap() = bad;
        assert!(
            !check_file(&schemas, rel, &broken).is_empty(),
            "a broken {field} must be caught"
        );
    }
}

#[test]
fn ids_are_stable_uuids_derived_from_listing_ids() {
    let a = signpost::export::open_referral::uuid("https://x.example/", "service", "art");
    let b = signpost::export::open_referral::uuid("https://x.example/", "service", "art");
    let c = signpost::export::open_referral::uuid("https://x.example/", "service", "arts");
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_eq!(a.len(), 36);
    assert_eq!(&a[14..15], "5", "version 5 UUID");
    let files = json_files(&sample().out.join("openreferral"));
    let evening = files
        .values()
        .find(|v| {
            v["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/activities/mind-evening-drop-in/"))
                && v["schedules"].is_array()
        })
        .expect("the evening drop-in is exported");
    // Three weekly sessions; the cancelled Wednesday is in the notes.
    let schedules = evening["schedules"].as_array().unwrap();
    assert_eq!(schedules.len(), 3);
    assert_eq!(schedules[0]["byday"], "MO");
    assert_eq!(schedules[0]["opens_at"], "18:00:00");
    assert_eq!(schedules[0]["closes_at"], "20:30:00");
    assert!(schedules[1]["notes"]
        .as_str()
        .unwrap()
        .starts_with("2026-12-09: cancelled."));
}

/// A fresh content folder holding the sample's site, vocabulary and Changing Places (what
/// an import needs beside it), but no providers or venues.
fn empty_content(with_changing_places: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let c = tmp.path().join("content");
    std::fs::create_dir_all(c.join("changing-places")).unwrap();
    for f in ["site.yaml", "vocabulary.yaml"] {
        std::fs::copy(project().join("content").join(f), c.join(f)).unwrap();
    }
    if !with_changing_places {
        return tmp;
    }
    for e in std::fs::read_dir(project().join("content/changing-places")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), c.join("changing-places").join(e.file_name())).unwrap();
    }
    tmp
}

fn import(format: &str, files: &[PathBuf], content: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(bin())
        .args(["import", format])
        .args(files)
        .arg("--content")
        .arg(content)
        .args(["--today", TODAY])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn the_profiles_example_files_import_and_build() {
    let Some(shared) = shared() else { return };
    let examples: Vec<PathBuf> = {
        let mut v: Vec<PathBuf> = std::fs::read_dir(shared.join("examples"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        v.sort();
        v
    };
    assert!(examples.len() >= 6, "the examples are there");
    let mut imported = 0;
    for file in &examples {
        let tmp = empty_content(false);
        let content = tmp.path().join("content");
        let out = import("openreferral", std::slice::from_ref(file), &content, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", file.display());
        let has_services = std::fs::read_to_string(file)
            .unwrap()
            .contains("\"status\"");
        if has_services {
            assert!(out.status.success(), "{}: {stderr}", file.display());
            assert!(stderr.contains("Imported 1 service"), "{stderr}");
            build(&content, &tmp.path().join("public"));
            imported += 1;
        } else {
            // Taxonomies and bare organizations hold no activity to list: a clear refusal.
            assert!(!out.status.success());
            assert!(stderr.contains("nothing to import"), "{stderr}");
        }
    }
    assert!(imported >= 5, "{imported} example files imported");

    // All together: one provider, one activity with its Thursday and Friday sessions.
    let tmp = empty_content(false);
    let content = tmp.path().join("content");
    let out = import("openreferral", &examples, &content, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = tmp.path().join("public");
    build(&content, &public);
    let provider =
        std::fs::read_to_string(content.join("providers/example-organization-inc.md")).unwrap();
    assert!(
        provider.contains("name: Community Counselling"),
        "{provider}"
    );
    assert!(provider.contains("day: thursday") && provider.contains("day: friday"));
    assert!(provider.contains("registration: Company number 1234567"));
    let venue = std::fs::read_to_string(content.join("venues/mycity-civic-center.yaml")).unwrap();
    assert!(venue.contains("postcode: ABC 1234"), "{venue}");
    assert!(
        venue.contains("hearing-loop"),
        "the induction loop is recognised: {venue}"
    );
    // What could not be kept is said, not dropped silently.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bymonthday"), "{stderr}");
    assert!(stderr.contains("is an area in vocabulary.yaml"), "{stderr}");
}

#[test]
fn import_refuses_to_overwrite_and_explains_bad_input() {
    let Some(shared) = shared() else { return };
    let file = shared.join("examples/service_full.json");
    let tmp = empty_content(false);
    let content = tmp.path().join("content");
    assert!(
        import("openreferral", std::slice::from_ref(&file), &content, &[])
            .status
            .success()
    );
    let again = import("openreferral", std::slice::from_ref(&file), &content, &[]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exist"));
    assert!(import(
        "openreferral",
        std::slice::from_ref(&file),
        &content,
        &["--force"]
    )
    .status
    .success());
    // A venue that exists is kept and used, not replaced: venues are shared.
    std::fs::remove_file(content.join("providers/example-organization-inc.md")).unwrap();
    let venue = content.join("venues/mycity-civic-center.yaml");
    std::fs::write(
        &venue,
        std::fs::read_to_string(&venue).unwrap() + "# checked by staff\n",
    )
    .unwrap();
    let kept = import("openreferral", std::slice::from_ref(&file), &content, &[]);
    assert!(kept.status.success());
    assert!(String::from_utf8_lossy(&kept.stderr).contains("already exists, so it was kept"));
    assert!(std::fs::read_to_string(&venue)
        .unwrap()
        .contains("# checked by staff"));
    assert!(content
        .join("providers/example-organization-inc.md")
        .exists());

    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\"name\": ").unwrap();
    let out = import("openreferral", &[bad], &content, &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not JSON"));

    let csv = tmp.path().join("bad.csv");
    std::fs::write(
        &csv,
        "activity,provider,day,start,end\nArt,Brightside,Funday,10:00,12:00\n",
    )
    .unwrap();
    let out = import("csv", &[csv], &content, &["--force"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("bad.csv:2: day \"Funday\" is not a day"),
        "{stderr}"
    );
}

/// Every single-service file of an Open Referral export, by name.
fn services_of(public: &Path) -> BTreeMap<String, Value> {
    json_files(&public.join("openreferral/services"))
        .into_iter()
        .filter(|(k, _)| !k.starts_with("page-") && k != "index.json")
        .collect()
}

#[test]
fn export_import_export_gives_the_same_services() {
    let first = services_of(&sample().out);
    let tmp = empty_content(true);
    let content = tmp.path().join("content");
    let files: Vec<PathBuf> = first
        .keys()
        .map(|k| sample().out.join("openreferral/services").join(k))
        .collect();
    let out = import("openreferral", &files, &content, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = tmp.path().join("public");
    build(&content, &public);
    let second = services_of(&public);
    assert_eq!(first.len(), second.len());
    for (name, a) in &first {
        let b = second
            .get(name)
            .unwrap_or_else(|| panic!("{name} is missing after the round trip"));
        assert!(
            a == b,
            "{name} differs after the round trip: {}",
            difference(a, b, "").unwrap_or_default()
        );
    }
}

#[test]
fn sessions_csv_imports_into_listings_that_build() {
    let csv = sample().out.join("data/sessions.csv");
    let tmp = empty_content(true);
    let content = tmp.path().join("content");
    let out = import("csv", std::slice::from_ref(&csv), &content, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = tmp.path().join("public");
    build(&content, &public);
    // Same sessions, row for row (the CSV holds everything its own columns say).
    let again = std::fs::read_to_string(public.join("data/sessions.csv")).unwrap();
    let original = std::fs::read_to_string(&csv).unwrap();
    let rows = |t: &str| {
        let mut r: Vec<String> = t.lines().skip(1).map(str::to_string).collect();
        r.sort();
        r
    };
    assert_eq!(rows(&again).len(), rows(&original).len());
    assert_eq!(rows(&again), rows(&original));
}

/// Where two values first differ, as a JSON pointer with both values.
fn difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).find_map(|k| {
            difference(
                &x.get(k).cloned().unwrap_or(Value::Null),
                &y.get(k).cloned().unwrap_or(Value::Null),
                &format!("{at}/{k}"),
            )
        }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| difference(p, q, &format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} then {b}")),
    }
}
