//! The small index the shortlist script reads: `my-list/activities.json`, one entry per
//! activity with its name, page, when and where. Deterministic: activities in id order.

use crate::content::{Activity, Directory};
use crate::easy_read::time_range;
use crate::render::OutFile;
use serde::Serialize;

pub const INDEX_PATH: &str = "my-list/activities.json";

#[derive(Serialize)]
struct Entry<'a> {
    id: &'a str,
    name: &'a str,
    url: String,
    when: Vec<String>,
    #[serde(rename = "where")]
    places: Vec<String>,
}

fn places(dir: &Directory, a: &Activity) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in a.sessions.iter() {
        let p = match s.venue.as_deref().and_then(|v| dir.venue(v)) {
            Some(v) => format!("{}, {}", v.data.name, v.data.postcode),
            None if s.online => "Online".into(),
            None => continue,
        };
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

pub fn outputs(dir: &Directory) -> Vec<OutFile> {
    let root = crate::site::url_path(&dir.site.base_url);
    let mut entries: Vec<Entry> = dir
        .activities
        .iter()
        .map(|a| Entry {
            id: &a.id,
            name: &a.data.name,
            url: format!("{root}activities/{}/", a.id),
            when: a
                .sessions
                .iter()
                .map(|s| format!("{}, {}", s.pattern_words(), time_range(s)))
                .collect(),
            places: places(dir, a),
        })
        .collect();
    entries.sort_by(|x, y| x.id.cmp(y.id));
    let json = serde_json::to_string(&entries).unwrap_or_else(|_| "[]".into());
    vec![OutFile {
        path: INDEX_PATH.into(),
        bytes: json.into_bytes(),
    }]
}
