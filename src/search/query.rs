//! One query module for every front door (command line, server, tests): reads a query and
//! its filters, runs it on the tantivy index and returns results in a fixed order.

use super::index::SearchIndex;
use super::text::{self, allowed_typos, typo_distance, word_matches, FilterWord};
use crate::content::Directory;
use crate::diagnostics::did_you_mean;
use serde::Serialize;
use std::collections::BTreeSet;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

/// Results shown on one page.
pub const PAGE_SIZE: usize = 20;
/// Highest page number served, so a crafted URL cannot ask for absurd work.
pub const MAX_PAGE: usize = 500;

pub const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The ways to pay people can filter by.
pub const PAY_WAYS: [&str; 4] = [
    "direct-payment",
    "personal-budget",
    "self-funding",
    "council-funded",
];

/// A search as people ask it: free text plus filters (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub text: String,
    pub days: Vec<String>,
    pub morning: bool,
    pub afternoon: bool,
    pub evening: bool,
    pub weekend: bool,
    pub facilities: Vec<String>,
    pub who_for: Vec<String>,
    pub areas: Vec<String>,
    pub support: Vec<String>,
    /// `free`, `upto5` or `upto10`.
    pub cost: Option<String>,
    pub pay: Vec<String>,
    /// 1-based.
    pub page: usize,
}

/// The valid filter values, from the vocabulary, so unknown ones are explained.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct FilterValues {
    pub access: Vec<String>,
    #[serde(rename = "for")]
    pub who_for: Vec<String>,
    pub area: Vec<String>,
    pub support: Vec<String>,
    /// "access:step-free" → "Step-free entrance", for the search form and filter names.
    pub labels: std::collections::BTreeMap<String, String>,
}

impl FilterValues {
    pub fn from_directory(dir: &Directory) -> FilterValues {
        let v = &dir.vocabulary;
        let ids = |t: &[crate::content::model::Term]| t.iter().map(|x| x.id.clone()).collect();
        let mut labels = std::collections::BTreeMap::new();
        for (kind, terms) in [
            ("access", &v.access),
            ("for", &v.who_for),
            ("area", &v.areas),
            ("support", &v.support_types),
        ] {
            for t in terms {
                labels.insert(format!("{kind}:{}", t.id), t.label.clone());
            }
        }
        FilterValues {
            access: ids(&v.access),
            who_for: ids(&v.who_for),
            area: ids(&v.areas),
            support: ids(&v.support_types),
            labels,
        }
    }

    pub fn label(&self, kind: &str, id: &str) -> String {
        self.labels
            .get(&format!("{kind}:{id}"))
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

/// One result.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    pub kind: String,
    pub id: String,
    pub name: String,
    pub path: String,
    pub provider: String,
    pub summary: String,
    pub when: Vec<String>,
    pub place: String,
    pub cost: String,
    pub status: String,
}

/// What the search understood, for "remove this filter" links and messages.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Understood {
    pub words: Vec<String>,
    pub days: Vec<String>,
    pub parts: Vec<String>,
    pub facilities: Vec<String>,
    pub who_for: Vec<String>,
    pub areas: Vec<String>,
    pub support: Vec<String>,
    pub cost: Option<String>,
    pub pay: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Results {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub hits: Vec<Hit>,
    /// Plain-words notes: cut queries, unknown filters, nothing to search for.
    pub notes: Vec<String>,
    /// A likely spelling for a word that matched nothing.
    pub suggestion: Option<String>,
    pub understood: Understood,
}

/// Runs `request` and returns one page of results, sorted by kind, then name.
pub fn run(index: &SearchIndex, request: &Request) -> Results {
    let values = &index.values;
    let mut results = Results::default();
    let parsed = text::parse(&request.text);
    if parsed.truncated {
        results.notes.push(format!(
            "Your search was long, so only the first {} words were used.",
            text::MAX_QUERY_WORDS
        ));
    }
    let u = understand(request, &parsed, values, &mut results.notes);
    let searcher = index.reader.searcher();
    let f = &index.fields;

    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut missing_word = None;
    for word in &u.words {
        let stems = matching_stems(index, word);
        if stems.is_empty() && missing_word.is_none() {
            missing_word = Some(word.clone());
        }
        clauses.push((
            Occur::Must,
            any_of(f.stems, stems.iter().map(String::as_str)),
        ));
    }
    let facet = |name: &str| index.fields.facets[name];
    let days: Vec<String> = u.days.clone();
    let parts: Vec<String> = u.parts.clone();
    match (days.is_empty(), parts.is_empty()) {
        (false, false) => {
            let slots: Vec<String> = days
                .iter()
                .flat_map(|d| parts.iter().map(move |p| format!("{d}-{p}")))
                .collect();
            clauses.push((
                Occur::Must,
                any_of(facet("slot"), slots.iter().map(String::as_str)),
            ));
        }
        (false, true) => clauses.push((
            Occur::Must,
            any_of(facet("day"), days.iter().map(String::as_str)),
        )),
        (true, false) => clauses.push((
            Occur::Must,
            any_of(facet("part"), parts.iter().map(String::as_str)),
        )),
        (true, true) => {}
    }
    for fac in &u.facilities {
        clauses.push((Occur::Must, any_of(facet("access"), [fac.as_str()])));
    }
    for (name, list) in [
        ("for", &u.who_for),
        ("area", &u.areas),
        ("support", &u.support),
        ("pay", &u.pay),
    ] {
        if !list.is_empty() {
            clauses.push((
                Occur::Must,
                any_of(facet(name), list.iter().map(String::as_str)),
            ));
        }
    }
    if let Some(band) = &u.cost {
        let bands: &[&str] = match band.as_str() {
            "free" => &["free"],
            "upto5" => &["free", "upto5"],
            _ => &["free", "upto5", "upto10"],
        };
        clauses.push((Occur::Must, any_of(facet("cost"), bands.iter().copied())));
    }
    results.understood = u;
    if clauses.is_empty() {
        results
            .notes
            .push("Type what you are looking for, or choose a day, a time or a place.".into());
        return results;
    }
    let query = BooleanQuery::new(clauses);
    let found = match searcher.search(
        &query,
        &NumberCollector {
            numbers: index.numbers.clone(),
        },
    ) {
        Ok(f) => f,
        Err(e) => {
            results.notes.push(format!(
                "Search is not working right now ({e}). Please browse instead."
            ));
            return results;
        }
    };
    // Documents are numbered in result order (kind, then name), so sorting numbers is enough.
    let mut numbers = found;
    numbers.sort_unstable();
    let hits: Vec<&super::documents::SearchDoc> = numbers
        .iter()
        .filter_map(|&n| index.docs.get(n as usize))
        .collect();
    results.total = hits.len();
    results.pages = hits.len().div_ceil(PAGE_SIZE).max(1);
    results.page = request.page.clamp(1, results.pages.min(MAX_PAGE));
    results.hits = hits
        .into_iter()
        .skip((results.page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|d| Hit {
            kind: d.kind.clone(),
            id: d.id.clone(),
            name: d.name.clone(),
            path: d.path.clone(),
            provider: d.provider.clone(),
            summary: d.summary.clone(),
            when: d.when.clone(),
            place: d.place.clone(),
            cost: d.cost.clone(),
            status: d.status.clone(),
        })
        .collect();
    if results.total == 0 {
        if let Some(word) = missing_word {
            results.suggestion = suggest(index, &word);
        }
    }
    results
}

pub fn kind_order(kind: &str) -> u8 {
    match kind {
        "activity" => 0,
        "venue" => 1,
        _ => 2,
    }
}

fn any_of<'a>(
    field: tantivy::schema::Field,
    values: impl IntoIterator<Item = &'a str>,
) -> Box<dyn Query> {
    let subs: Vec<(Occur, Box<dyn Query>)> = values
        .into_iter()
        .map(|v| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, q)
        })
        .collect();
    Box::new(BooleanQuery::new(subs))
}

/// Stems of every dictionary word within the allowed typos of `word`.
fn matching_stems(index: &SearchIndex, word: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let (Some(first), n) = (word.chars().next(), word.chars().count()) else {
        return out;
    };
    let k = allowed_typos(word);
    for len in n.saturating_sub(k)..=n + k {
        for (candidate, stem) in index.words.get(&(first, len)).into_iter().flatten() {
            if word_matches(word, candidate) {
                out.insert(stem.clone());
            }
        }
    }
    out
}

/// Collects matching documents as document numbers, with no scoring.
struct NumberCollector {
    numbers: std::sync::Arc<Vec<Vec<u32>>>,
}

struct SegmentNumbers {
    numbers: std::sync::Arc<Vec<Vec<u32>>>,
    segment: usize,
    found: Vec<u32>,
}

impl tantivy::collector::Collector for NumberCollector {
    type Fruit = Vec<u32>;
    type Child = SegmentNumbers;

    fn for_segment(
        &self,
        ord: u32,
        _reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentNumbers> {
        Ok(SegmentNumbers {
            numbers: self.numbers.clone(),
            segment: ord as usize,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u32>>) -> tantivy::Result<Vec<u32>> {
        Ok(fruits.concat())
    }
}

impl tantivy::collector::SegmentCollector for SegmentNumbers {
    type Fruit = Vec<u32>;

    fn collect(&mut self, doc: tantivy::DocId, _score: tantivy::Score) {
        if let Some(&n) = self
            .numbers
            .get(self.segment)
            .and_then(|s| s.get(doc as usize))
        {
            self.found.push(n);
        }
    }

    fn harvest(self) -> Vec<u32> {
        self.found
    }
}

fn each_word(index: &SearchIndex, mut visit: impl FnMut(&str)) {
    let searcher = index.reader.searcher();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(index.fields.words) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(w) = std::str::from_utf8(stream.key()) {
                visit(w);
            }
        }
    }
}

/// The dictionary word closest to a word that matched nothing ("swimmming" → "swimming").
fn suggest(index: &SearchIndex, word: &str) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    each_word(index, |candidate| {
        let d = typo_distance(word, candidate, 3);
        if d <= 3
            && best
                .as_ref()
                .is_none_or(|(bd, bw)| (d, candidate) < (*bd, bw.as_str()))
        {
            best = Some((d, candidate.to_string()));
        }
    });
    best.map(|(_, w)| w)
}

/// Combines the request's filters with filter words in its text, and drops (with a note)
/// filter values the vocabulary does not have.
fn understand(
    request: &Request,
    parsed: &text::ParsedText,
    values: &FilterValues,
    notes: &mut Vec<String>,
) -> Understood {
    let mut u = Understood {
        words: parsed.words.clone(),
        ..Understood::default()
    };
    let mut days: Vec<String> = Vec::new();
    for d in &request.days {
        let d = d.to_lowercase();
        if DAYS.contains(&d.as_str()) {
            days.push(d);
        } else {
            notes.push(unknown("day", &d, DAYS.iter().copied()));
        }
    }
    let (mut morning, mut afternoon, mut evening, mut weekend, mut free) = (
        request.morning,
        request.afternoon,
        request.evening,
        request.weekend,
        request.cost.as_deref() == Some("free"),
    );
    for fw in &parsed.filters {
        match fw {
            FilterWord::Day(i) => days.push(DAYS[*i].to_string()),
            FilterWord::Morning => morning = true,
            FilterWord::Afternoon => afternoon = true,
            FilterWord::Evening => evening = true,
            FilterWord::Weekend => weekend = true,
            FilterWord::Free => free = true,
        }
    }
    days.sort_by_key(|d| DAYS.iter().position(|x| x == d));
    days.dedup();
    if weekend {
        days = if days.is_empty() {
            vec!["saturday".into(), "sunday".into()]
        } else {
            days.into_iter()
                .filter(|d| d == "saturday" || d == "sunday")
                .collect()
        };
        if days.is_empty() {
            notes.push("You asked for a weekday and the weekend, so nothing matches both.".into());
            days.push("none".into());
        }
    }
    u.days = days;
    for (on, name) in [
        (morning, "morning"),
        (afternoon, "afternoon"),
        (evening, "evening"),
    ] {
        if on {
            u.parts.push(name.into());
        }
    }
    let mut keep = |list: &[String], valid: &[String], what: &str| -> Vec<String> {
        let mut out = Vec::new();
        for v in list {
            if valid.contains(v) {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            } else {
                notes.push(unknown(what, v, valid.iter().map(String::as_str)));
            }
        }
        out
    };
    let mut facilities = request.facilities.clone();
    if parsed.changing_places {
        facilities.push("changing-places".into());
    }
    u.facilities = keep(&facilities, &values.access, "facility");
    u.who_for = keep(&request.who_for, &values.who_for, "group");
    u.areas = keep(&request.areas, &values.area, "area");
    u.support = keep(&request.support, &values.support, "type of support");
    let pays = PAY_WAYS.map(String::from);
    u.pay = keep(&request.pay, &pays, "way to pay");
    u.cost = match request.cost.as_deref() {
        _ if free => Some("free".into()),
        Some(c @ ("upto5" | "upto10")) => Some(c.into()),
        None | Some("") | Some("any") => None,
        Some(other) => {
            notes.push(unknown("cost", other, ["free", "upto5", "upto10"]));
            None
        }
    };
    u
}

fn unknown<'a>(
    what: &str,
    value: &str,
    valid: impl IntoIterator<Item = &'a str> + Clone,
) -> String {
    let shown: String = value.chars().take(40).collect();
    match did_you_mean(value, valid) {
        Some(s) => format!(
            "\"{shown}\" is not a {what} we know, so it was left out. Did you mean \"{s}\"?"
        ),
        None => format!("\"{shown}\" is not a {what} we know, so it was left out."),
    }
}
