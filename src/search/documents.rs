//! What search knows about each listing: its words (with the vocabulary's synonyms), its
//! facets and what a result shows. Built once; the tantivy index and the static export are
//! both made from these, so the server and the page search the same thing.

use super::text::{stem, words};
use crate::content::model::Status;
use crate::content::{Directory, VocabKind};
use crate::easy_read::{cost_words, time_range};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One searchable listing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchDoc {
    /// Position in the list, used as the document number everywhere.
    pub n: u32,
    /// `activity`, `venue` or `changing-place`.
    pub kind: String,
    pub id: String,
    pub name: String,
    /// Path below the site root, such as `activities/art/`.
    pub path: String,
    pub provider: String,
    pub summary: String,
    pub when: Vec<String>,
    pub place: String,
    pub cost: String,
    pub status: String,
    /// Distinct lower-case words, including synonyms of its vocabulary terms.
    #[serde(skip)]
    pub words: BTreeSet<String>,
    /// Facet name → values, such as `day` → [`monday`].
    #[serde(skip)]
    pub facets: Vec<(&'static str, String)>,
}

/// The facets search filters by, and what each holds.
pub const FACETS: &[&str] = &[
    "kind", "day", "part", "slot", "access", "for", "area", "support", "cost", "pay", "status",
];

fn add_text(set: &mut BTreeSet<String>, text: &str) {
    set.extend(words(text));
}

/// "free", "upto5", "upto10" or "more": the cost band carers filter by.
pub fn cost_band(free: bool, amount: Option<f64>) -> &'static str {
    match amount {
        _ if free => "free",
        None => "free",
        Some(x) if x <= 0.0 => "free",
        Some(x) if x <= 5.0 => "upto5",
        Some(x) if x <= 10.0 => "upto10",
        Some(_) => "more",
    }
}

/// Every searchable listing, in a fixed order: activities, venues, then Changing Places.
/// Closed activities are left out: nobody can go to them.
pub fn documents(dir: &Directory) -> Vec<SearchDoc> {
    let v = &dir.vocabulary;
    let term_words = |set: &mut BTreeSet<String>, kind: VocabKind, id: &str| {
        let t = v.term(kind, id);
        add_text(set, &t.label);
        add_text(set, &t.easy_read);
        for s in &t.synonyms {
            add_text(set, s);
        }
    };
    let mut docs = Vec::new();
    let mut activities: Vec<usize> = (0..dir.activities.len())
        .filter(|&i| dir.activities[i].data.status != Status::Closed)
        .collect();
    activities.sort_by(|&a, &b| dir.activities[a].id.cmp(&dir.activities[b].id));
    for i in activities {
        let a = &dir.activities[i];
        let provider = &dir.providers[a.provider];
        let mut w = BTreeSet::new();
        let mut facets: Vec<(&'static str, String)> = vec![("kind", "activity".into())];
        add_text(&mut w, &a.data.name);
        add_text(&mut w, &a.data.summary);
        add_text(&mut w, &provider.data.name);
        for line in &a.data.easy_read {
            add_text(&mut w, &line.text);
        }
        for c in &a.data.categories {
            term_words(&mut w, VocabKind::Category, c);
        }
        for c in &a.data.who_for {
            term_words(&mut w, VocabKind::WhoFor, c);
            facets.push(("for", c.clone()));
        }
        term_words(&mut w, VocabKind::SupportType, &a.data.support);
        facets.push(("support", a.data.support.clone()));
        facets.push((
            "cost",
            cost_band(a.data.cost.free, a.data.cost.amount).into(),
        ));
        for p in &a.data.pay_with {
            facets.push((
                "pay",
                serde_json::to_value(p)
                    .ok()
                    .and_then(|x| x.as_str().map(String::from))
                    .unwrap_or_default(),
            ));
        }
        facets.push((
            "status",
            serde_json::to_value(a.data.status)
                .ok()
                .and_then(|x| x.as_str().map(String::from))
                .unwrap_or_default(),
        ));
        let mut places: Vec<String> = Vec::new();
        for s in a.sessions.iter() {
            let day = s.day.id();
            facets.push(("day", day.into()));
            let mut parts = Vec::new();
            if s.is_morning() {
                parts.push("morning");
            }
            if s.is_afternoon() {
                parts.push("afternoon");
            }
            if s.is_evening() {
                parts.push("evening");
            }
            for p in parts {
                facets.push(("part", p.into()));
                facets.push(("slot", format!("{day}-{p}")));
            }
            match s.venue.as_deref().and_then(|id| dir.venue(id)) {
                Some(venue) => {
                    add_text(&mut w, &venue.data.name);
                    term_words(&mut w, VocabKind::Area, &venue.data.area);
                    facets.push(("area", venue.data.area.clone()));
                    for f in &venue.access {
                        term_words(&mut w, VocabKind::Access, f);
                        facets.push(("access", f.clone()));
                    }
                    let place = format!(
                        "{}, {}",
                        venue.data.name,
                        v.term(VocabKind::Area, &venue.data.area).label
                    );
                    if !places.contains(&place) {
                        places.push(place);
                    }
                }
                None => {
                    w.insert("online".into());
                    if !places.iter().any(|p| p == "Online") {
                        places.push("Online".into());
                    }
                }
            }
        }
        docs.push(SearchDoc {
            n: 0,
            kind: "activity".into(),
            id: a.id.clone(),
            name: a.data.name.clone(),
            path: format!("activities/{}/", a.id),
            provider: provider.data.name.clone(),
            summary: a.data.summary.clone(),
            when: a
                .sessions
                .iter()
                .map(|s| format!("{}, {}", s.pattern_words(), time_range(s)))
                .collect(),
            place: places.join("; "),
            cost: cost_words(a),
            status: facets
                .iter()
                .find(|f| f.0 == "status")
                .map(|f| f.1.clone())
                .unwrap_or_default(),
            words: w,
            facets,
        });
    }
    let mut venues: Vec<&crate::content::Venue> = dir.venues.iter().collect();
    venues.sort_by(|a, b| a.id.cmp(&b.id));
    for venue in venues {
        let mut w = BTreeSet::new();
        add_text(&mut w, &venue.data.name);
        add_text(&mut w, &venue.data.address);
        add_text(&mut w, "place venue");
        term_words(&mut w, VocabKind::Area, &venue.data.area);
        let mut facets = vec![
            ("kind", "venue".to_string()),
            ("area", venue.data.area.clone()),
        ];
        for f in &venue.access {
            term_words(&mut w, VocabKind::Access, f);
            facets.push(("access", f.clone()));
        }
        docs.push(SearchDoc {
            n: 0,
            kind: "venue".into(),
            id: venue.id.clone(),
            name: venue.data.name.clone(),
            path: format!("venues/{}/", venue.id),
            provider: String::new(),
            summary: format!("{}, {}", venue.data.address, venue.data.postcode),
            when: Vec::new(),
            place: v.term(VocabKind::Area, &venue.data.area).label,
            cost: String::new(),
            status: "running".into(),
            words: w,
            facets,
        });
    }
    let mut cps: Vec<&crate::content::ChangingPlace> = dir.changing_places.iter().collect();
    cps.sort_by(|a, b| a.id.cmp(&b.id));
    for cp in cps {
        let mut w = BTreeSet::new();
        add_text(&mut w, &cp.data.name);
        add_text(&mut w, cp.data.location.as_deref().unwrap_or(""));
        add_text(&mut w, cp.data.address.as_deref().unwrap_or(""));
        term_words(&mut w, VocabKind::Access, "changing-places");
        term_words(&mut w, VocabKind::Area, &cp.area);
        docs.push(SearchDoc {
            n: 0,
            kind: "changing-place".into(),
            id: cp.id.clone(),
            name: cp.data.name.clone(),
            path: format!("changing-places/{}/", cp.id),
            provider: String::new(),
            summary: cp.data.location.clone().unwrap_or_default(),
            when: Vec::new(),
            place: v.term(VocabKind::Area, &cp.area).label,
            cost: String::new(),
            status: "running".into(),
            words: w,
            facets: vec![
                ("kind", "changing-place".into()),
                ("area", cp.area.clone()),
                ("access", "changing-places".into()),
            ],
        });
    }
    // Numbered in the order results are shown, so a query's first page is its lowest numbers.
    docs.sort_by_key(|d| {
        (
            crate::search::query::kind_order(&d.kind),
            d.name.to_lowercase(),
            d.id.clone(),
        )
    });
    for (n, d) in docs.iter_mut().enumerate() {
        d.n = n as u32;
        d.facets.sort();
        d.facets.dedup();
    }
    docs
}

/// The stems of a document's words, for the stem field.
pub fn stems(doc: &SearchDoc) -> BTreeSet<String> {
    doc.words.iter().map(|w| stem(w)).collect()
}
