//! The index for plain static hosting: the same words, stems and facets as the tantivy
//! index, split into small files so the page's script (`themes/default/js/search.js`)
//! fetches only what a query needs. Every file is plain text or JSON below `search/data/`:
//!
//! - `meta.json`: `{"docs": count, "docShard": documents per `d` file, "words": {first
//!   letter's code in hex: one [`ALPHABET`] character per word length that has a list}}`.
//! - `w-<F>-<L>.txt`: dictionary words whose first letter has the code F (hex) and that are
//!   L letters long (L = 63 holds every longer word too), one a line: `word shard` when the
//!   word is its own stem, else `word stem shard`; `shard` names the `s` file of the stem.
//! - `s<K>.txt` (K in base 36): stems and their documents, one a line: `stem list`. Stems
//!   are packed in sorted order into files of about [`STEM_SHARD_BYTES`]; a stem with a long
//!   list gets a file of its own.
//! - `f-<facet>-<value>.txt`: the list of documents with that facet value (day, part, slot,
//!   access, for, area, support, cost, pay). Besides `day-<day>` and `slot-<day>-<part>`
//!   there are unions: the weekend (`day-saturday-sunday`, `slot-saturday-sunday-<part>`)
//!   and two or three times of day (`slot-monday-morning-evening`, parts in the order
//!   morning, afternoon, evening), so a time filter needs one file a day, or one for the
//!   weekend. Every access, for, area, support and pay value the server knows has a file,
//!   even an empty one: the page script takes a missing file for an unknown value and
//!   ignores it, as the server does (and asks only for slugs).
//! - `d<K>.json`: what results show, for documents K×[`DOCS_PER_SHARD`] onwards, each as
//!   `[kind, id, name, place, provider, when]` (kind 0 activity, 1 venue, 2 Changing Places;
//!   empty trailing fields left off; a 7th field holds the page path when it is not the
//!   usual `activities/<id>/`, `venues/<id>/` or `changing-places/<id>/`).
//!
//! A *list* of document numbers (ascending) is written in the URL-safe base-64 alphabet
//! [`ALPHABET`], in whichever of two forms is shorter:
//! - gaps: for each number, how many numbers were skipped since the previous one (before
//!   the first: since −1), in base 32, most significant digit first, every digit but the
//!   last plus 32 (so runs of neighbours cost one character each);
//! - a bitmap: `*` then one character per 6 documents, bit b of character i set when
//!   document 6i + b is in the list (trailing empty characters left off).
//!
//! A first query fetches `meta.json`, a few word lists, the stem and facet files it needs
//! (none once nothing is left to match) and the rows of its first 20 results: at most
//! 16 KB for the parity queries (`tests/search/queries.json`) at 10,000 activities and
//! 47 KB at 50,000 (`cargo bench --bench search`). A list costs at most one character per
//! 6 listings, however dense; result rows are most of what a query on few lists fetches.

use super::documents::SearchDoc;
use super::query::{FilterValues, PAY_WAYS};
use super::text::stem;
use crate::render::OutFile;
use serde_json::json;
use std::collections::BTreeMap;

/// Folder of the data files below the site root.
pub const DATA_FOLDER: &str = "search/data";
/// Documents per display shard: a first page of 20 scattered results fetches 20 of them.
pub const DOCS_PER_SHARD: usize = 2;
/// Rough size of a stem file: small, so a query word fetches little besides its own list.
pub const STEM_SHARD_BYTES: usize = 1024;
/// Word lengths from this one up share a word list.
const LONGEST_LIST: usize = 63;
/// The characters lists are written in; the page script has the same string.
pub const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Facets the page script filters by (`kind` and `status` are for the server only).
const STATIC_FACETS: &[&str] = &[
    "day", "part", "slot", "access", "for", "area", "support", "cost", "pay",
];

/// A list of ascending document numbers in its shorter form (see the module comment).
pub fn encode_list(numbers: &[u32]) -> String {
    let mut gaps = String::new();
    let mut prev: i64 = -1;
    for &n in numbers {
        let mut g = (i64::from(n) - prev - 1).max(0) as u64;
        prev = i64::from(n);
        let mut digits = vec![(g & 31) as usize];
        g >>= 5;
        while g > 0 {
            digits.push((g & 31) as usize | 32);
            g >>= 5;
        }
        gaps.extend(digits.iter().rev().map(|&d| char::from(ALPHABET[d])));
    }
    let Some(&last) = numbers.last() else {
        return gaps;
    };
    let chars = last as usize / 6 + 1;
    if chars + 1 >= gaps.len() {
        return gaps;
    }
    let mut bits = vec![0usize; chars];
    for &n in numbers {
        bits[n as usize / 6] |= 1 << (n % 6);
    }
    let mut map = String::with_capacity(chars + 1);
    map.push('*');
    map.extend(bits.iter().map(|&b| char::from(ALPHABET[b])));
    map
}

/// Reads a list written by [`encode_list`] (for tests; the page script has its own).
pub fn decode_list(text: &str) -> Option<Vec<u32>> {
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c);
    let mut out = Vec::new();
    if let Some(map) = text.strip_prefix('*') {
        for (i, c) in map.bytes().enumerate() {
            let v = value(c)?;
            for b in 0..6 {
                if v >> b & 1 == 1 {
                    out.push(u32::try_from(i * 6 + b).ok()?);
                }
            }
        }
        return Some(out);
    }
    let (mut n, mut g): (i64, i64) = (-1, 0);
    for c in text.bytes() {
        let v = value(c)? as i64;
        g = g.checked_mul(32)?.checked_add(v & 31)?;
        if v < 32 {
            n += g + 1;
            out.push(u32::try_from(n).ok()?);
            g = 0;
        }
    }
    (g == 0).then_some(out)
}

fn base36(mut n: usize) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// Every data file of the static index.
pub fn files(docs: &[SearchDoc], values: &FilterValues) -> Vec<OutFile> {
    let mut out = Vec::new();
    let mut stems: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    // (first letter, length) → word → stem
    let mut words: BTreeMap<(u32, usize), BTreeMap<String, String>> = BTreeMap::new();
    let mut facets: BTreeMap<&str, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    let pays = PAY_WAYS.map(String::from);
    for (f, known) in [
        ("access", &values.access[..]),
        ("for", &values.who_for),
        ("area", &values.area),
        ("support", &values.support),
        ("pay", &pays),
    ] {
        // Every value the server knows has a file, even an empty one: the page script takes
        // a missing file for an unknown value, which the server ignores too.
        for v in known {
            facets.entry(f).or_default().entry(v.clone()).or_default();
        }
    }
    for d in docs {
        for w in &d.words {
            let s = stem(w);
            let first = w.chars().next().map(|c| c as u32).unwrap_or(0);
            words
                .entry((first, w.chars().count().min(LONGEST_LIST)))
                .or_default()
                .insert(w.clone(), s.clone());
            let list = stems.entry(s).or_default();
            if list.last() != Some(&d.n) {
                list.push(d.n);
            }
        }
        let mut values: Vec<(&str, String)> = Vec::new();
        for (f, v) in &d.facets {
            if STATIC_FACETS.contains(f) {
                values.push((f, v.clone()));
            }
        }
        values.extend(unions(&d.facets));
        for (f, v) in values {
            let list = facets.entry(f).or_default().entry(v).or_default();
            if list.last() != Some(&d.n) {
                list.push(d.n);
            }
        }
    }
    // Stems in sorted order, packed into files of about STEM_SHARD_BYTES.
    let mut shard_of: BTreeMap<&str, String> = BTreeMap::new();
    let mut shard = String::new();
    let mut count = 0;
    for (s, list) in &stems {
        let line = format!("{s} {}\n", encode_list(list));
        if !shard.is_empty() && shard.len() + line.len() > STEM_SHARD_BYTES {
            out.push(text_file(&format!("s{}.txt", base36(count)), shard));
            shard = String::new();
            count += 1;
        }
        shard.push_str(&line);
        shard_of.insert(s, base36(count));
    }
    if !shard.is_empty() {
        out.push(text_file(&format!("s{}.txt", base36(count)), shard));
    }
    let mut lengths: BTreeMap<String, String> = BTreeMap::new();
    for ((first, len), map) in &words {
        let mut text = String::new();
        for (w, s) in map {
            text.push_str(w);
            if s != w {
                text.push(' ');
                text.push_str(s);
            }
            text.push(' ');
            text.push_str(shard_of.get(s.as_str()).map_or("0", String::as_str));
            text.push('\n');
        }
        out.push(text_file(&format!("w-{first:x}-{len}.txt"), text));
        lengths
            .entry(format!("{first:x}"))
            .or_default()
            .push(char::from(ALPHABET[*len]));
    }
    for f in STATIC_FACETS {
        for (value, list) in facets.get(f).into_iter().flatten() {
            out.push(text_file(&format!("f-{f}-{value}.txt"), encode_list(list)));
        }
    }
    for (k, chunk) in docs.chunks(DOCS_PER_SHARD).enumerate() {
        let rows: Vec<_> = chunk.iter().map(row).collect();
        out.push(json_file(&format!("d{k}.json"), &json!(rows)));
    }
    out.push(json_file(
        "meta.json",
        &json!({
            "docs": docs.len(),
            "docShard": DOCS_PER_SHARD,
            "words": lengths,
        }),
    ));
    out
}

/// The times of day, in the order the page script names them.
const PARTS: [&str; 3] = ["morning", "afternoon", "evening"];

/// The two days of the weekend, as the page script names them together.
const WEEKEND: &str = "saturday-sunday";

/// Facet values made of others, so common searches fetch one list where they would fetch
/// several: `day-saturday-sunday` (the weekend), and `slot-<days>-<parts>` for two or three
/// times of day (`slot-monday-morning-evening`) and for the weekend with any times of day
/// (`slot-saturday-sunday-evening`). A document has such a value when it has any of the
/// single day-and-time values it is made of.
fn unions(facets: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let mut by_day: BTreeMap<&str, [bool; 3]> = BTreeMap::new();
    for (f, v) in facets {
        if *f != "slot" {
            continue;
        }
        for (i, part) in PARTS.iter().enumerate() {
            if let Some(day) = v.strip_suffix(part).and_then(|d| d.strip_suffix('-')) {
                by_day.entry(day).or_default()[i] = true;
            }
        }
    }
    let mut out = Vec::new();
    if facets
        .iter()
        .any(|(f, v)| *f == "day" && (v == "saturday" || v == "sunday"))
    {
        out.push(("day", WEEKEND.to_string()));
    }
    let weekend = ["saturday", "sunday"]
        .iter()
        .filter_map(|d| by_day.get(d))
        .fold(None, |acc: Option<[bool; 3]>, has| {
            let a = acc.unwrap_or_default();
            Some([a[0] || has[0], a[1] || has[1], a[2] || has[2]])
        });
    // Every set of times of day: one time (the weekend only; single days have those
    // already), then two or three.
    let combos = [
        [true, false, false],
        [false, true, false],
        [false, false, true],
        [true, true, false],
        [true, false, true],
        [false, true, true],
        [true; 3],
    ];
    let groups = by_day
        .iter()
        .map(|(day, has)| (*day, *has, &combos[3..]))
        .chain(weekend.map(|has| (WEEKEND, has, &combos[..])));
    for (day, has, combos) in groups {
        for combo in combos {
            if (0..3).any(|i| combo[i] && has[i]) {
                let names: Vec<&str> = (0..3).filter(|&i| combo[i]).map(|i| PARTS[i]).collect();
                out.push(("slot", format!("{day}-{}", names.join("-"))));
            }
        }
    }
    out
}

/// What a result shows, as `[kind, id, name, place, provider, when, path]`, trailing
/// empty fields and the usual path left off.
fn row(d: &SearchDoc) -> serde_json::Value {
    let (kind, folder) = match d.kind.as_str() {
        "activity" => (0, "activities"),
        "venue" => (1, "venues"),
        _ => (2, "changing-places"),
    };
    let mut fields = vec![
        json!(kind),
        json!(d.id),
        json!(d.name),
        json!(d.place),
        json!(d.provider),
        json!(d.when),
    ];
    if d.path != format!("{folder}/{}/", d.id) {
        fields.push(json!(d.path));
    }
    while fields.len() > 3
        && (fields.last() == Some(&json!("")) || fields.last() == Some(&json!([])))
    {
        fields.pop();
    }
    json!(fields)
}

fn text_file(name: &str, text: String) -> OutFile {
    OutFile {
        path: format!("{DATA_FOLDER}/{name}"),
        bytes: text.into_bytes(),
    }
}

fn json_file(name: &str, value: &serde_json::Value) -> OutFile {
    OutFile {
        path: format!("{DATA_FOLDER}/{name}"),
        bytes: serde_json::to_vec(value).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kind: &str, id: &str, path: &str) -> SearchDoc {
        SearchDoc {
            n: 0,
            kind: kind.into(),
            id: id.into(),
            name: "Oakley Library".into(),
            path: path.into(),
            provider: String::new(),
            summary: String::new(),
            when: Vec::new(),
            place: "Ashby".into(),
            cost: String::new(),
            status: "running".into(),
            words: Default::default(),
            facets: Vec::new(),
        }
    }

    #[test]
    fn rows_leave_off_empty_fields_and_the_usual_path() {
        assert_eq!(
            row(&doc("venue", "oakley", "venues/oakley/")),
            json!([1, "oakley", "Oakley Library", "Ashby"])
        );
        assert_eq!(
            row(&doc("changing-place", "cp", "elsewhere/cp/")),
            json!([2, "cp", "Oakley Library", "Ashby", "", [], "elsewhere/cp/"])
        );
    }

    #[test]
    fn time_unions_hold_documents_with_any_of_their_parts() {
        let facets = vec![
            ("day", "monday".to_string()),
            ("day", "sunday".to_string()),
            ("slot", "monday-morning".to_string()),
            ("slot", "sunday-evening".to_string()),
        ];
        let got: Vec<String> = unions(&facets)
            .into_iter()
            .map(|(f, v)| format!("{f}-{v}"))
            .collect();
        for want in [
            "day-saturday-sunday",
            "slot-monday-morning-afternoon",
            "slot-monday-morning-evening",
            "slot-monday-morning-afternoon-evening",
            "slot-sunday-afternoon-evening",
            "slot-saturday-sunday-evening",
            "slot-saturday-sunday-morning-evening",
        ] {
            assert!(got.iter().any(|g| g == want), "{want} missing from {got:?}");
        }
        for not in [
            "slot-monday-afternoon-evening",
            "slot-saturday-sunday-morning",
            "slot-saturday-sunday-morning-afternoon",
        ] {
            assert!(!got.iter().any(|g| g == not), "{not} in {got:?}");
        }
    }

    #[test]
    fn shard_names_are_lower_case_base_36() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
        assert_eq!(base36(1295), "zz");
    }
}
