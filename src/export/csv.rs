//! Spreadsheets for staff and commissioners: `data/sessions.csv` (one row per session) and
//! `data/providers.csv` (one row per provider). Lists inside a cell are joined with "; ".

use crate::content::{Directory, VocabKind};
use crate::export::open_referral::{fees_words, join_id, pay_with_id};
use crate::render::OutFile;
use crate::schedule::{Recurrence, Session};

/// The columns of `sessions.csv`, in order. The importer reads the same names.
pub const SESSION_COLUMNS: [&str; 31] = [
    "activity_id",
    "activity",
    "activity_summary",
    "provider_id",
    "provider",
    "provider_summary",
    "day",
    "start",
    "end",
    "repeats",
    "week_of_month",
    "from",
    "until",
    "venue_id",
    "venue",
    "address",
    "postcode",
    "area",
    "online",
    "who_for",
    "support_type",
    "categories",
    "how_to_join",
    "pay_with",
    "cost",
    "cost_amount",
    "cost_per",
    "access_facilities",
    "changing_places",
    "phone",
    "email",
];

pub const PROVIDER_COLUMNS: [&str; 10] = [
    "provider_id",
    "provider",
    "summary",
    "phone",
    "email",
    "website",
    "registration",
    "reviewed",
    "activities",
    "sessions",
];

fn labels(dir: &Directory, kind: VocabKind, ids: &[String]) -> String {
    ids.iter()
        .map(|id| dir.vocabulary.term(kind, id).label)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One row of `sessions.csv`.
pub fn session_row(dir: &Directory, activity: usize, s: &Session) -> Vec<String> {
    let a = &dir.activities[activity];
    let p = &dir.providers[a.provider];
    let d = &a.data;
    let venue = s.venue.as_deref().and_then(|v| dir.venue(v));
    let (repeats, week, from) = match s.recurrence {
        Recurrence::Weekly => ("week", String::new(), s.from),
        Recurrence::Fortnightly(anchor) => ("fortnight", String::new(), Some(anchor)),
        Recurrence::Monthly(w) => ("month", w.name().to_string(), s.from),
    };
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    vec![
        a.id.clone(),
        d.name.clone(),
        d.summary.clone(),
        p.id.clone(),
        p.data.name.clone(),
        p.data.summary.clone(),
        s.day.name().to_string(),
        s.start.to_string(),
        s.end.to_string(),
        repeats.to_string(),
        week,
        from.map(|f| f.to_string()).unwrap_or_default(),
        s.until.map(|u| u.to_string()).unwrap_or_default(),
        venue.map(|v| v.id.clone()).unwrap_or_default(),
        venue.map(|v| v.data.name.clone()).unwrap_or_default(),
        venue.map(|v| v.data.address.clone()).unwrap_or_default(),
        venue.map(|v| v.data.postcode.clone()).unwrap_or_default(),
        venue
            .map(|v| dir.vocabulary.term(VocabKind::Area, &v.data.area).label)
            .unwrap_or_default(),
        if s.online { "yes" } else { "no" }.to_string(),
        labels(dir, VocabKind::WhoFor, &d.who_for),
        dir.vocabulary
            .term(VocabKind::SupportType, &d.support)
            .label,
        labels(dir, VocabKind::Category, &d.categories),
        d.join
            .iter()
            .map(|j| join_id(*j))
            .collect::<Vec<_>>()
            .join("; "),
        d.pay_with
            .iter()
            .map(|j| pay_with_id(*j))
            .collect::<Vec<_>>()
            .join("; "),
        fees_words(&d.cost),
        d.cost.amount.map(|x| format!("{x:.2}")).unwrap_or_default(),
        d.cost
            .per
            .map(|p| {
                crate::export::open_referral::per_words(p)
                    .trim_start_matches("per ")
                    .to_string()
            })
            .unwrap_or_default(),
        venue
            .map(|v| labels(dir, VocabKind::Access, &v.access))
            .unwrap_or_default(),
        if venue.is_some_and(|v| v.changing_place.is_some()) {
            "yes"
        } else {
            "no"
        }
        .to_string(),
        opt(&p.data.phone),
        opt(&p.data.email),
    ]
}

fn write(header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; a failure would only drop the file's rows.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    w.into_inner().unwrap_or_default()
}

pub fn outputs(dir: &Directory) -> Vec<OutFile> {
    use rayon::prelude::*;
    // Rows are independent: made in parallel, kept in directory order.
    let sessions: Vec<Vec<String>> = dir
        .activities
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, a)| a.sessions.iter().map(move |s| session_row(dir, i, s)))
        .collect();
    let providers = dir
        .providers
        .iter()
        .map(|p| {
            let opt = |o: &Option<String>| o.clone().unwrap_or_default();
            vec![
                p.id.clone(),
                p.data.name.clone(),
                p.data.summary.clone(),
                opt(&p.data.phone),
                opt(&p.data.email),
                opt(&p.data.website),
                opt(&p.data.registration),
                p.reviewed.to_string(),
                p.activities.len().to_string(),
                p.activities
                    .iter()
                    .map(|&a| dir.activities[a].sessions.len())
                    .sum::<usize>()
                    .to_string(),
            ]
        })
        .collect();
    vec![
        OutFile {
            path: "data/sessions.csv".into(),
            bytes: write(&SESSION_COLUMNS, sessions),
        },
        OutFile {
            path: "data/providers.csv".into(),
            bytes: write(&PROVIDER_COLUMNS, providers),
        },
    ]
}
