//! The index for plain static hosting: the same words, stems and facets as the tantivy
//! index, split into small files so the page's script fetches only what a query needs.
//!
//! `search/data/meta.json`   counts, shard sizes, which word lists exist, filter values
//! `search/data/w-<F>-<N>.txt` dictionary words starting with the letter whose code is F
//!                           (hex) and N letters long, one a line ("word" or "word stem")
//! `search/data/s<K>.json`   stem → document numbers, for stems whose hash falls in shard K
//! `search/data/f-<facet>-<value>.json` document numbers with that facet value
//! `search/data/d<K>.json`   what results show, for documents K×4 to K×4+3
//!
//! Document numbers are stored as gaps from the previous number, which keeps lists short.

use super::documents::{SearchDoc, FACETS};
use super::query::FilterValues;
use super::text::stem;
use crate::render::OutFile;
use serde_json::json;
use std::collections::BTreeMap;

/// Folder of the data files below the site root.
pub const DATA_FOLDER: &str = "search/data";
/// Documents per display shard.
pub const DOCS_PER_SHARD: usize = 4;

/// 32-bit FNV-1a over UTF-8 bytes: the page's script computes the same shard numbers.
pub fn fnv1a32(text: &str) -> u32 {
    let mut h: u32 = 0x811c9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x01000193);
    }
    h
}

fn gaps(numbers: &[u32]) -> Vec<u32> {
    let mut prev = 0;
    numbers
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            let g = if i == 0 { n } else { n - prev };
            prev = n;
            g
        })
        .collect()
}

/// Every data file of the static index.
pub fn files(docs: &[SearchDoc], values: &FilterValues) -> Vec<OutFile> {
    let mut out = Vec::new();
    let mut stems: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut words: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut facets: BTreeMap<&str, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    for d in docs {
        for w in &d.words {
            let s = stem(w);
            let first = w.chars().next().map(|c| c as u32).unwrap_or(0);
            words
                .entry(format!("{first:x}-{}", w.chars().count()))
                .or_default()
                .insert(w.clone(), s.clone());
            let list = stems.entry(s).or_default();
            if list.last() != Some(&d.n) {
                list.push(d.n);
            }
        }
        for (f, v) in &d.facets {
            facets
                .entry(f)
                .or_default()
                .entry(v.clone())
                .or_default()
                .push(d.n);
        }
    }
    // About 2 KB of postings per shard keeps a first query small at any size.
    let posting_bytes: usize = stems.values().map(|v| v.len() * 3 + 8).sum();
    let stem_shards = (posting_bytes / 2048).clamp(1, 4096) as u32;
    let mut shards: BTreeMap<u32, BTreeMap<&str, Vec<u32>>> = BTreeMap::new();
    for (s, list) in &stems {
        shards
            .entry(fnv1a32(s) % stem_shards)
            .or_default()
            .insert(s, gaps(list));
    }
    for (k, map) in shards {
        out.push(file(&format!("s{k}.json"), &json!(map)));
    }
    for (key, map) in &words {
        let mut text = String::new();
        for (w, s) in map {
            text.push_str(w);
            if s != w {
                text.push(' ');
                text.push_str(s);
            }
            text.push('\n');
        }
        out.push(OutFile {
            path: format!("{DATA_FOLDER}/w-{key}.txt"),
            bytes: text.into_bytes(),
        });
    }
    for f in FACETS {
        for (value, list) in facets.get(f).into_iter().flatten() {
            out.push(file(&format!("f-{f}-{value}.json"), &json!(gaps(list))));
        }
    }
    for (k, chunk) in docs.chunks(DOCS_PER_SHARD).enumerate() {
        let rows: Vec<_> = chunk
            .iter()
            .map(|d| {
                json!({"k": d.kind, "n": d.name, "u": d.path, "p": d.provider, "w": d.when, "l": d.place, "i": d.id})
            })
            .collect();
        out.push(file(&format!("d{k}.json"), &json!(rows)));
    }
    let lists: Vec<&String> = words.keys().collect();
    out.push(file(
        "meta.json",
        &json!({
            "docs": docs.len(),
            "docShard": DOCS_PER_SHARD,
            "stemShards": stem_shards,
            "words": lists,
            "values": {
                "access": values.access, "for": values.who_for, "area": values.area, "support": values.support,
            },
        }),
    ));
    out
}

fn file(name: &str, value: &serde_json::Value) -> OutFile {
    OutFile {
        path: format!("{DATA_FOLDER}/{name}"),
        bytes: serde_json::to_vec(value).unwrap_or_default(),
    }
}
