//! Signpost's `sessions.csv` (one row per session, the columns in
//! [`crate::export::csv::SESSION_COLUMNS`]) → a [`Draft`]. Labels are mapped onto the
//! folder's vocabulary; only `activity`, `provider`, `day`, `start` and `end` are required.

use super::{id_from, Draft, Mapper};
use crate::content::model::{
    ActivityFile, Cost, CostPer, Join, PayWith, ProviderFile, SessionFile, Status, VenueFile,
    Weekday,
};
use crate::content::VocabKind;
use jiff::civil::Date;
use std::collections::HashMap;

const REQUIRED: [&str; 5] = ["activity", "provider", "day", "start", "end"];

fn list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads CSV text into `draft`; returns the number of rows. Errors name the row and column.
pub fn import(
    text: &str,
    source: &str,
    mapper: &Mapper,
    today: Date,
    draft: &mut Draft,
) -> Result<usize, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("{source}: the first line must be the column names: {e}"))?
        .clone();
    let col: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim(), i))
        .collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|c| !col.contains_key(*c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{source}: missing column{} {} (the first line names the columns)",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        ));
    }
    let mut rows = 0;
    let mut errors = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("{source}:{line}: {e}"));
                continue;
            }
        };
        let get = |c: &str| {
            col.get(c)
                .and_then(|&i| record.get(i))
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let what = format!("{source}:{line}");
        let day: Option<Weekday> =
            serde_json::from_value(serde_json::Value::from(get("day").to_lowercase())).ok();
        let Some(day) = day else {
            errors.push(format!(
                "{what}: day \"{}\" is not a day of the week",
                get("day")
            ));
            continue;
        };
        let mut bad = false;
        for c in ["start", "end"] {
            if let Err(e) = crate::schedule::parse_time(&get(c)) {
                errors.push(format!("{what}: {c}: {e}"));
                bad = true;
            }
        }
        if bad {
            continue;
        }
        rows += 1;
        let notes = &mut draft.notes;
        let online = matches!(get("online").to_lowercase().as_str(), "yes" | "true" | "y");
        let venue_name = get("venue");
        let venue = if venue_name.is_empty() {
            None
        } else {
            let vid = if get("venue_id").is_empty() {
                id_from(None, "venues", &venue_name)
            } else {
                get("venue_id")
            };
            if !draft.venues.contains_key(&vid) {
                let area = mapper.map(VocabKind::Area, &get("area")).unwrap_or_else(|| {
                    let first = mapper.first(VocabKind::Area);
                    notes.push(format!("{what}: \"{}\" is not an area in vocabulary.yaml, so \"{first}\" was chosen; check it", get("area")));
                    first
                });
                let mut access = Vec::new();
                for word in list(&get("access_facilities")) {
                    match mapper.map(VocabKind::Access, &word) {
                        Some(a) if a == "changing-places" => {}
                        Some(a) if !access.contains(&a) => access.push(a),
                        Some(_) => {}
                        None => notes.push(format!("{what}: \"{word}\" is not an access facility in vocabulary.yaml and was left out")),
                    }
                }
                let changing_places = if get("changing_places").eq_ignore_ascii_case("yes") {
                    mapper.changing_place(&vid, &format!("{what}: {venue_name}"), notes)
                } else {
                    None
                };
                draft.venues.insert(
                    vid.clone(),
                    VenueFile {
                        name: venue_name.clone(),
                        address: get("address"),
                        postcode: get("postcode"),
                        area,
                        coordinates: None,
                        access,
                        changing_places,
                        getting_there: None,
                    },
                );
            }
            Some(vid)
        };
        let (every, week) = match get("repeats").to_lowercase().as_str() {
            "fortnight" => (crate::content::model::Every::Fortnight, None),
            "month" => (
                crate::content::model::Every::Month,
                serde_json::from_value(serde_json::Value::from(get("week_of_month"))).ok(),
            ),
            _ => (crate::content::model::Every::Week, None),
        };
        let opt = |s: String| (!s.is_empty()).then_some(s);
        let session = SessionFile {
            venue,
            online,
            online_how: None,
            day,
            start: get("start"),
            end: get("end"),
            every,
            from: opt(get("from")),
            until: opt(get("until")),
            week,
            changes: Vec::new(),
        };
        let provider_name = get("provider");
        let provider_id = if get("provider_id").is_empty() {
            id_from(None, "providers", &provider_name)
        } else {
            get("provider_id")
        };
        let activity_name = get("activity");
        let activity_id = if get("activity_id").is_empty() {
            id_from(None, "activities", &activity_name)
        } else {
            get("activity_id")
        };
        let entry = draft.providers.entry(provider_id).or_insert_with(|| {
            let summary = opt(get("provider_summary")).unwrap_or_else(|| provider_name.clone());
            (
                ProviderFile {
                    name: provider_name.clone(),
                    summary,
                    phone: opt(get("phone")),
                    email: opt(get("email")),
                    website: None,
                    registration: None,
                    quality_marks: Vec::new(),
                    reviewed: today.to_string(),
                    activities: Vec::new(),
                },
                String::new(),
            )
        });
        if let Some(a) = entry
            .0
            .activities
            .iter_mut()
            .find(|a| a.id.as_deref() == Some(activity_id.as_str()))
        {
            std::sync::Arc::make_mut(a).sessions.push(session);
            continue;
        }
        let summary = opt(get("activity_summary")).unwrap_or_else(|| activity_name.clone());
        let text = format!("{activity_name} {summary}");
        let categories = mapper.map_all(
            VocabKind::Category,
            &list(&get("categories")),
            &text,
            &what,
            notes,
        );
        let who_for = mapper.map_all(
            VocabKind::WhoFor,
            &list(&get("who_for")),
            &text,
            &what,
            notes,
        );
        let support = mapper
            .map_all(
                VocabKind::SupportType,
                &list(&get("support_type")),
                &text,
                &what,
                notes,
            )
            .into_iter()
            .next()
            .unwrap_or_default();
        let mut join: Vec<Join> = list(&get("how_to_join"))
            .iter()
            .filter_map(|j| serde_json::from_value(serde_json::Value::from(j.as_str())).ok())
            .collect();
        if join.is_empty() {
            notes.push(format!("{what}: how to join is not given, so \"contact them to start\" was chosen; check it"));
            join.push(Join::SelfReferral);
        }
        let pay_with: Vec<PayWith> = list(&get("pay_with"))
            .iter()
            .filter_map(|j| serde_json::from_value(serde_json::Value::from(j.as_str())).ok())
            .collect();
        let amount: Option<f64> = get("cost_amount").parse().ok();
        let per: Option<CostPer> =
            serde_json::from_value(serde_json::Value::from(get("cost_per"))).ok();
        let cost = match amount {
            Some(x) if x > 0.0 => Cost {
                free: false,
                amount: Some(x),
                per: Some(per.unwrap_or(CostPer::Session)),
                notes: None,
            },
            _ => {
                let words = get("cost");
                if !words.is_empty() && !words.eq_ignore_ascii_case("free") {
                    notes.push(format!("{what}: the cost \"{words}\" has no amount, so it is written as free with a note; check it"));
                }
                Cost {
                    free: true,
                    amount: None,
                    per: None,
                    notes: (!words.is_empty() && !words.eq_ignore_ascii_case("free"))
                        .then_some(words),
                }
            }
        };
        entry.0.activities.push(std::sync::Arc::new(ActivityFile {
            id: Some(activity_id),
            name: activity_name,
            summary,
            categories,
            who_for,
            support,
            ratio: None,
            cost,
            pay_with,
            join,
            transport: None,
            carers_welcome: false,
            languages: Vec::new(),
            status: Status::Running,
            status_message: None,
            easy_read: Vec::new(),
            photos: Vec::new(),
            sessions: vec![session],
        }));
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    Ok(rows)
}
