//! Open Referral UK (HSDS 3.0) JSON → a [`Draft`]. Accepts a single service, organization
//! or service_at_location, a paginated list of any of them, or a taxonomy (which holds no
//! services and so adds nothing).

use super::{id_from, Draft, Mapper};
use crate::content::model::{
    ActivityFile, ChangeFile, Coordinates, Cost, CostPer, Every, Join, PayWith, ProviderFile,
    SessionFile, Status, VenueFile, WeekOfMonth, Weekday,
};
use crate::content::VocabKind;
use crate::export::open_referral::{fixed_terms, ONLINE_NOTE, VENUE_ID_TYPE};
use jiff::civil::Date;
use serde_json::Value;

/// A service with the organization and locations found around it.
struct Found {
    service: Value,
    organization: Option<Value>,
    /// Locations given beside the service (a service_at_location's own location).
    locations: Vec<Value>,
}

fn s(v: &Value) -> Option<&str> {
    v.as_str().map(str::trim).filter(|x| !x.is_empty())
}

fn collect(v: &Value, org: Option<&Value>, out: &mut Vec<Found>, skipped: &mut Vec<String>) {
    if let Some(items) = v["contents"].as_array() {
        for item in items {
            collect(item, org, out, skipped);
        }
        return;
    }
    if !v.is_object() {
        skipped.push("a value that is not an object".into());
        return;
    }
    if v["service"].is_object() {
        let mut service = v["service"].clone();
        if service["service_at_locations"]
            .as_array()
            .is_none_or(Vec::is_empty)
            && v["location"].is_object()
        {
            service["service_at_locations"] =
                serde_json::json!([{ "id": v["id"], "location": v["location"] }]);
        }
        out.push(Found {
            organization: org.cloned(),
            locations: Vec::new(),
            service,
        });
        return;
    }
    if let Some(services) = v["services"].as_array() {
        for sv in services {
            collect(sv, Some(v), out, skipped);
        }
        if services.is_empty() {
            skipped.push(format!(
                "organization \"{}\" has no services (a provider needs at least one activity)",
                s(&v["name"]).unwrap_or("?")
            ));
        }
        return;
    }
    let is_service = v.get("status").is_some()
        || v.get("schedules").is_some()
        || v.get("organization").is_some()
        || v.get("service_at_locations").is_some();
    if is_service && s(&v["name"]).is_some() {
        out.push(Found {
            service: v.clone(),
            organization: org.cloned(),
            locations: Vec::new(),
        });
    } else if v.get("taxonomy_terms").is_some()
        || v.get("term").is_some()
        || v.get("taxonomy").is_some()
    {
        skipped.push(format!(
            "taxonomy \"{}\" (terms are matched against vocabulary.yaml, not imported)",
            s(&v["name"]).unwrap_or("?")
        ));
    } else if v.get("location").is_some() {
        skipped.push("a service_at_location without its service".into());
    } else {
        skipped.push(format!(
            "\"{}\", which is not a service (a provider needs at least one activity)",
            s(&v["name"]).unwrap_or("?")
        ));
    }
}

/// Reads one Open Referral file into `draft`.
pub fn import(
    value: &Value,
    source: &str,
    mapper: &Mapper,
    today: Date,
    draft: &mut Draft,
) -> Result<usize, String> {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    collect(value, None, &mut found, &mut skipped);
    for sk in skipped {
        draft.notes.push(format!("{source}: skipped {sk}"));
    }
    for f in &found {
        service(f, source, mapper, today, draft);
    }
    Ok(found.len())
}

fn date_of(v: &Value) -> Option<String> {
    s(v).and_then(|d| d.get(..10))
        .filter(|d| crate::schedule::parse_date(d).is_ok())
        .map(str::to_string)
}

/// Terms of one Signpost taxonomy among the attributes, or of any taxonomy when the
/// attributes are not Signpost's.
fn attribute_terms(service: &Value, section: &str) -> Vec<String> {
    service["attributes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| s(&a["taxonomy_term"]["taxonomy"]) == Some(section))
        .filter_map(|a| s(&a["taxonomy_term"]["term"]).or(s(&a["taxonomy_term"]["name"])))
        .map(str::to_string)
        .collect()
}

fn foreign_terms(service: &Value) -> Vec<String> {
    let ours = crate::export::open_referral::TAXONOMIES;
    service["attributes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| !s(&a["taxonomy_term"]["taxonomy"]).is_some_and(|t| ours.contains(&t)))
        .filter_map(|a| s(&a["taxonomy_term"]["name"]))
        .map(str::to_string)
        .collect()
}

fn service(f: &Found, source: &str, mapper: &Mapper, today: Date, draft: &mut Draft) {
    let sv = &f.service;
    let name = s(&sv["name"]).unwrap_or("Unnamed service").to_string();
    let what = format!("{source}: service \"{name}\"");
    let notes = &mut draft.notes;
    let org = sv["organization"]
        .as_object()
        .map(|_| sv["organization"].clone())
        .or_else(|| f.organization.clone())
        .unwrap_or_else(|| {
            notes.push(format!("{what} has no organization, so the provider is named after the service"));
            serde_json::json!({ "name": name, "description": s(&sv["description"]).unwrap_or(&name) })
        });
    let org_name = s(&org["name"]).unwrap_or(&name).to_string();
    let provider_id = id_from(s(&org["uri"]), "providers", &org_name);
    let activity_id = id_from(s(&sv["url"]), "activities", &name);
    let summary = s(&sv["description"]).unwrap_or(&name).to_string();
    let text = format!("{name} {summary}");

    // Vocabulary terms.
    let mut words = attribute_terms(sv, "categories");
    let foreign = foreign_terms(sv);
    let categories = if words.is_empty() && !foreign.is_empty() {
        words = foreign
            .iter()
            .filter(|w| mapper.map(VocabKind::Category, w).is_some())
            .cloned()
            .collect();
        mapper.map_all(VocabKind::Category, &words, &text, &what, notes)
    } else {
        mapper.map_all(VocabKind::Category, &words, &text, &what, notes)
    };
    let mut who_words = attribute_terms(sv, "who_for");
    if who_words.is_empty() {
        who_words = foreign
            .iter()
            .filter(|w| mapper.map(VocabKind::WhoFor, w).is_some())
            .cloned()
            .collect();
    }
    let who_for = mapper.map_all(VocabKind::WhoFor, &who_words, &text, &what, notes);
    let support_words = attribute_terms(sv, "support_types");
    let support = mapper
        .map_all(VocabKind::SupportType, &support_words, &text, &what, notes)
        .into_iter()
        .next()
        .unwrap_or_default();
    let join: Vec<Join> = attribute_terms(sv, "join")
        .iter()
        .filter_map(|t| serde_json::from_value(Value::from(t.as_str())).ok())
        .collect();
    let join = if join.is_empty() {
        notes.push(format!(
            "{what}: how to join is not given, so \"contact them to start\" was chosen; check it"
        ));
        vec![Join::SelfReferral]
    } else {
        join
    };
    let pay_with: Vec<PayWith> = attribute_terms(sv, "pay_with")
        .iter()
        .filter(|t| fixed_terms("pay_with").iter().any(|(id, _)| id == t))
        .filter_map(|t| serde_json::from_value(Value::from(t.as_str())).ok())
        .collect();

    // Cost.
    let cost = cost_of(sv, &what, notes);

    // Status.
    let (status, status_message) = match s(&sv["status"]).unwrap_or("active") {
        "temporarily closed" => (
            Status::TemporarilyClosed,
            Some(
                s(&sv["alert"])
                    .unwrap_or(
                        "Closed for now. Contact the provider to find out when it opens again.",
                    )
                    .to_string(),
            ),
        ),
        "inactive" | "defunct" => (Status::Closed, s(&sv["alert"]).map(str::to_string)),
        _ => {
            if let Some(alert) = s(&sv["alert"]) {
                notes.push(format!("{what}: the alert \"{alert}\" has no place in a listing and was left out; add it to the description if it still matters"));
            }
            (Status::Running, None)
        }
    };

    // Locations, then sessions.
    let mut sal_venue: Vec<(String, String)> = Vec::new();
    let locations: Vec<(Option<String>, Value)> = sv["service_at_locations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|sal| (s(&sal["id"]).map(str::to_string), sal["location"].clone()))
        .chain(f.locations.iter().map(|l| (None, l.clone())))
        .collect();
    let mut venue_ids = Vec::new();
    for (sal_id, loc) in &locations {
        if s(&loc["location_type"]) == Some("virtual") || !loc.is_object() {
            continue;
        }
        if let Some(vid) = venue(loc, &what, mapper, draft) {
            if let Some(sid) = sal_id {
                sal_venue.push((sid.clone(), vid.clone()));
            }
            venue_ids.push(vid);
        }
    }
    let notes = &mut draft.notes;
    let mut sessions = Vec::new();
    for sch in sv["schedules"].as_array().into_iter().flatten() {
        sessions.extend(sessions_of(sch, &sal_venue, &venue_ids, &what, notes));
    }
    let (status, status_message) = if sessions.is_empty() && status != Status::Closed {
        notes.push(format!("{what} has no days and times Signpost can read, so it is written as closed (Signpost lists only activities with sessions); add its sessions and remove `status: closed`"));
        (
            Status::Closed,
            Some(status_message.unwrap_or_else(|| {
                "We do not have the days and times yet. Contact the provider to find out.".into()
            })),
        )
    } else {
        (status, status_message)
    };
    let languages: Vec<String> = sv["languages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| s(&l["name"]).map(str::to_string))
        .collect();

    let activity = ActivityFile {
        id: Some(activity_id),
        name: name.clone(),
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
        languages,
        status,
        status_message,
        easy_read: Vec::new(),
        photos: Vec::new(),
        sessions,
    };

    // The provider, merged with any earlier service of the same organization.
    let phone = sv["contacts"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["phones"].as_array().into_iter().flatten())
        .chain(sv["phones"].as_array().into_iter().flatten())
        .find_map(|p| s(&p["number"]).map(str::to_string));
    let email = s(&org["email"]).or(s(&sv["email"])).map(str::to_string);
    let registration = org["organization_identifiers"]
        .as_array()
        .and_then(|ids| ids.first())
        .and_then(|i| {
            let id = s(&i["identifier"])?;
            Some(match s(&i["identifier_type"]) {
                Some("registration") | None => id.to_string(),
                Some(t) => format!("{t} {id}"),
            })
        });
    let reviewed = date_of(&sv["assured_date"])
        .or_else(|| date_of(&sv["last_modified"]))
        .filter(|d| crate::schedule::parse_date(d).is_ok_and(|d| d <= today))
        .unwrap_or_else(|| {
            draft.notes.push(format!(
                "{what}: no assured or modified date, so reviewed is today"
            ));
            today.to_string()
        });
    let quality_marks: Vec<String> = s(&sv["accreditations"])
        .map(|a| a.split("; ").map(str::to_string).collect())
        .unwrap_or_default();
    let entry = draft.providers.entry(provider_id).or_insert_with(|| {
        (
            ProviderFile {
                name: org_name.clone(),
                summary: s(&org["description"]).unwrap_or(&org_name).to_string(),
                phone,
                email,
                website: s(&org["website"]).map(str::to_string),
                registration,
                quality_marks,
                reviewed,
                activities: Vec::new(),
            },
            String::new(),
        )
    });
    let id = activity.id.clone();
    if let Some(existing) = entry.0.activities.iter_mut().find(|a| a.id == id) {
        // The same service in several files: keep the fuller one (a list page has no
        // schedules).
        if existing.sessions.len() <= activity.sessions.len() {
            *existing = std::sync::Arc::new(activity);
        }
    } else {
        entry.0.activities.push(std::sync::Arc::new(activity));
    }
}

fn cost_of(sv: &Value, what: &str, notes: &mut Vec<String>) -> Cost {
    let option = sv["cost_options"].as_array().and_then(|o| o.first());
    let fees = s(&sv["fees"]);
    if let Some(o) = option {
        let amount = o["amount"].as_f64();
        let label = s(&o["option"]).unwrap_or("");
        let described = s(&o["amount_description"]).map(str::to_string);
        if label.eq_ignore_ascii_case("free") || amount == Some(0.0) {
            return Cost {
                free: true,
                amount: None,
                per: None,
                notes: described,
            };
        }
        let words = if label.starts_with("per ") {
            label.to_lowercase()
        } else {
            format!("{label} {}", described.as_deref().unwrap_or("")).to_lowercase()
        };
        let per = [
            ("hour", CostPer::Hour),
            ("day", CostPer::Day),
            ("week", CostPer::Week),
            ("month", CostPer::Month),
            ("session", CostPer::Session),
        ]
        .into_iter()
        .find(|(w, _)| words.contains(w))
        .map(|(_, p)| p);
        if amount.is_some() && per.is_none() {
            notes.push(format!("{what}: the cost does not say what it pays for, so \"per session\" was chosen; check it"));
        }
        if amount.is_some() {
            let mut extra = Vec::new();
            if !label.is_empty() && !label.starts_with("per ") {
                extra.push(label.to_string());
            }
            return Cost {
                free: false,
                amount,
                per: Some(per.unwrap_or(CostPer::Session)),
                notes: described.or(if extra.is_empty() {
                    None
                } else {
                    Some(extra.join("; "))
                }),
            };
        }
    }
    if fees.is_some_and(|f| f.eq_ignore_ascii_case("free")) {
        return Cost {
            free: true,
            ..Cost::default()
        };
    }
    notes.push(format!(
        "{what}: the cost is not given as an amount, so it is written as free with a note to ask; check it"
    ));
    Cost {
        free: true,
        amount: None,
        per: None,
        notes: Some(
            fees.map(|f| format!("Ask the provider about the cost ({f})."))
                .unwrap_or_else(|| "Ask the provider about the cost.".into()),
        ),
    }
}

/// A venue from a location; returns its id.
fn venue(loc: &Value, what: &str, mapper: &Mapper, draft: &mut Draft) -> Option<String> {
    let name = s(&loc["name"])?.to_string();
    let id = match (
        s(&loc["external_identifier"]),
        s(&loc["external_identifier_type"]),
    ) {
        (Some(x), Some(VENUE_ID_TYPE)) if crate::content::validate::is_slug(x) => x.to_string(),
        _ => id_from(None, "venues", &name),
    };
    if draft.venues.contains_key(&id) {
        return Some(id);
    }
    let addresses: Vec<&Value> = loc["addresses"].as_array().into_iter().flatten().collect();
    let address = addresses
        .iter()
        .find(|a| s(&a["address_type"]) == Some("physical"))
        .or(addresses.first());
    let notes = &mut draft.notes;
    let vwhat = format!("{what}, place \"{name}\"");
    let (street, postcode, area) = match address {
        Some(a) => {
            let area_words: Vec<String> = a["attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| s(&x["taxonomy_term"]["term"]).map(str::to_string))
                .chain(
                    ["city", "region", "state_province"]
                        .iter()
                        .filter_map(|k| s(&a[*k]).map(str::to_string)),
                )
                .collect();
            let area = area_words
                .iter()
                .find_map(|w| mapper.map(VocabKind::Area, w))
                .unwrap_or_else(|| {
                    let first = mapper.first(VocabKind::Area);
                    notes.push(format!("{vwhat}: none of \"{}\" is an area in vocabulary.yaml, so \"{first}\" was chosen; check it", area_words.join("\", \"")));
                    first
                });
            let mut street = s(&a["address_1"]).unwrap_or("").to_string();
            if let Some(a2) = s(&a["address_2"]) {
                street = format!("{street}, {a2}");
            }
            let city = s(&a["city"]).unwrap_or("");
            let area_label = mapper
                .vocab
                .areas
                .iter()
                .find(|t| t.id == area)
                .map(|t| t.label.as_str())
                .unwrap_or("");
            if !city.is_empty() && city != area_label && !street.contains(city) {
                street = format!("{street}, {city}");
            }
            (street, s(&a["postal_code"]).unwrap_or("").to_string(), area)
        }
        None => {
            notes.push(format!("{vwhat} has no address; add address and postcode"));
            (String::new(), String::new(), mapper.first(VocabKind::Area))
        }
    };
    let coordinates = match (loc["latitude"].as_f64(), loc["longitude"].as_f64()) {
        (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
        {
            Some(Coordinates { lat, lon })
        }
        (Some(lat), Some(lon)) => {
            notes.push(format!(
                "{vwhat}: {lat}, {lon} are not map coordinates and were left out"
            ));
            None
        }
        _ => None,
    };
    let mut access: Vec<String> = Vec::new();
    for a in loc["accessibility"].as_array().into_iter().flatten() {
        let words: Vec<&str> = [s(&a["accessibility"]), s(&a["description"])]
            .into_iter()
            .flatten()
            .chain(
                a["attributes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| s(&x["taxonomy_term"]["term"])),
            )
            .collect();
        let found: Vec<String> = match words.iter().find_map(|w| mapper.map(VocabKind::Access, w)) {
            Some(id) => vec![id],
            None => words
                .iter()
                .flat_map(|w| mapper.guess(VocabKind::Access, w))
                .collect(),
        };
        for id in &found {
            if !access.contains(id) {
                access.push(id.clone());
            }
        }
        match found.first() {
            Some(_) => {}
            None => notes.push(format!(
                "{vwhat}: the access note \"{}\" matches no access facility in vocabulary.yaml and was left out",
                words.first().unwrap_or(&"?")
            )),
        }
    }
    let changing_places = if let Some(pos) = access.iter().position(|a| a == "changing-places") {
        access.remove(pos);
        mapper.changing_place(&id, &vwhat, notes)
    } else {
        None
    };
    draft.venues.insert(
        id.clone(),
        VenueFile {
            name,
            address: street,
            postcode,
            area,
            coordinates,
            access,
            changing_places,
            getting_there: s(&loc["description"]).map(str::to_string),
        },
    );
    Some(id)
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return None,
    })
}

fn hhmm(v: &Value) -> Option<String> {
    let t = s(v)?;
    let t = t.get(..5).unwrap_or(t);
    crate::schedule::parse_time(t).ok().map(|x| x.to_string())
}

fn sessions_of(
    sch: &Value,
    sal_venue: &[(String, String)],
    venues: &[String],
    what: &str,
    notes: &mut Vec<String>,
) -> Vec<SessionFile> {
    let (Some(start), Some(end)) = (hhmm(&sch["opens_at"]), hhmm(&sch["closes_at"])) else {
        notes.push(format!(
            "{what}: a schedule without opens_at and closes_at (\"{}\") was left out",
            s(&sch["description"]).unwrap_or("")
        ));
        return Vec::new();
    };
    let freq = s(&sch["freq"]).unwrap_or("WEEKLY");
    let interval = sch["interval"].as_f64().unwrap_or(1.0) as i64;
    let from = date_of(&sch["valid_from"]);
    let until = date_of(&sch["valid_to"]);
    let dtstart = date_of(&sch["dtstart"]);
    let attending = s(&sch["attending_type"]).unwrap_or("").to_lowercase();
    let online = ["online", "virtual", "remote", "video"]
        .iter()
        .any(|w| attending.contains(w))
        && !attending.contains("in person")
        && !attending.contains("in-person");
    let venue = s(&sch["service_at_location_id"])
        .and_then(|id| {
            sal_venue
                .iter()
                .find(|(s, _)| s == id)
                .map(|(_, v)| v.clone())
        })
        .or_else(|| {
            if online {
                None
            } else {
                venues.first().cloned()
            }
        });
    if s(&sch["bymonthday"]).is_some() {
        notes.push(format!(
            "{what}: bymonthday (dates of the month) cannot be kept; Signpost repeats by weekday"
        ));
    }
    let mut online_how = None;
    let mut changes = Vec::new();
    for line in s(&sch["notes"]).unwrap_or("").lines() {
        if let Some(how) = line.strip_prefix(ONLINE_NOTE) {
            online_how = Some(how.to_string());
        } else if let Some(c) = change_of(line) {
            changes.push(c);
        } else if !line.trim().is_empty() {
            notes.push(format!(
                "{what}: the schedule note \"{}\" was left out",
                line.trim()
            ));
        }
    }
    let mut out = Vec::new();
    for code in s(&sch["byday"])
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let split = code.len().saturating_sub(2);
        let (prefix, day) = code.split_at(split);
        let Some(day) = weekday(day) else {
            notes.push(format!("{what}: \"{code}\" is not a day and was left out"));
            continue;
        };
        let (every, week, first) = match (freq, interval, prefix) {
            ("WEEKLY", 1, "") => (Every::Week, None, from.clone()),
            ("WEEKLY", 2, "") => match dtstart.clone().or(from.clone()) {
                Some(d) => (Every::Fortnight, None, Some(d)),
                None => {
                    notes.push(format!("{what}: a fortnightly schedule has no start date, so it is written as weekly; check it"));
                    (Every::Week, None, None)
                }
            },
            ("MONTHLY", 1, p) => {
                let w = match p {
                    "1" | "+1" => WeekOfMonth::First,
                    "2" | "+2" => WeekOfMonth::Second,
                    "3" | "+3" => WeekOfMonth::Third,
                    "4" | "+4" => WeekOfMonth::Fourth,
                    "-1" => WeekOfMonth::Last,
                    _ => {
                        notes.push(format!(
                            "{what}: the monthly day \"{code}\" cannot be kept and was left out"
                        ));
                        continue;
                    }
                };
                (Every::Month, Some(w), from.clone())
            }
            _ => {
                notes.push(format!("{what}: repeating {freq} every {interval} on {code} cannot be kept and was left out"));
                continue;
            }
        };
        out.push(SessionFile {
            venue: venue.clone(),
            online,
            online_how: online_how.clone(),
            day,
            start: start.clone(),
            end: end.clone(),
            every,
            from: first,
            until: until.clone(),
            week,
            changes: changes.clone(),
        });
    }
    if out.is_empty() && s(&sch["byday"]).is_none() {
        notes.push(format!(
            "{what}: a schedule without byday (days of the week) was left out"
        ));
    }
    out
}

/// Reads a change line Signpost's export writes into schedule notes.
fn change_of(line: &str) -> Option<ChangeFile> {
    let (date, rest) = line.split_once(": ")?;
    crate::schedule::parse_date(date).ok()?;
    let (kind, reason) = if let Some(r) = rest.strip_prefix("cancelled.") {
        ("cancelled", r)
    } else if let Some((k, r)) = rest.split_once("].") {
        (k, r)
    } else {
        rest.split_once('.')?
    };
    let reason = reason.trim();
    let reason = (!reason.is_empty()).then(|| reason.to_string());
    if kind == "cancelled" {
        return Some(ChangeFile {
            date: date.into(),
            cancelled: true,
            start: None,
            end: None,
            venue: None,
            reason,
        });
    }
    let moved = kind.strip_prefix("moved to ")?;
    let (times, place) = match moved.split_once(" at ") {
        Some((t, p)) => (t, Some(p)),
        None => (moved, None),
    };
    let (start, end) = times.split_once('-')?;
    let venue = place
        .and_then(|p| p.rsplit_once('['))
        .map(|(_, v)| v.trim_end_matches(']').to_string());
    Some(ChangeFile {
        date: date.into(),
        cancelled: false,
        start: Some(start.into()),
        end: Some(end.into()),
        venue,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_the_change_lines_the_export_writes() {
        let c = change_of("2026-12-09: cancelled. The hall is booked. Sorry.").unwrap();
        assert!(c.cancelled);
        assert_eq!(c.date, "2026-12-09");
        assert_eq!(c.reason.as_deref(), Some("The hall is booked. Sorry."));
        let m = change_of(
            "2026-12-16: moved to 11:00-15:00 at St. Mary's Hall [st-marys-hall]. Party.",
        )
        .unwrap();
        assert!(!m.cancelled);
        assert_eq!(
            (m.start.as_deref(), m.end.as_deref()),
            (Some("11:00"), Some("15:00"))
        );
        assert_eq!(m.venue.as_deref(), Some("st-marys-hall"));
        assert_eq!(m.reason.as_deref(), Some("Party."));
        let t = change_of("2026-12-10: moved to 19:30-20:30.").unwrap();
        assert_eq!(t.venue, None);
        assert_eq!(t.reason, None);
        assert!(change_of("Some of our staff will be unavailable at lunch.").is_none());
        assert!(change_of("2026-13-40: cancelled.").is_none());
    }

    #[test]
    fn schedules_become_sessions_or_notes() {
        let mut notes = Vec::new();
        let sch = serde_json::json!({
            "id": "x", "freq": "MONTHLY", "interval": 1, "byday": "-1FR,2TU",
            "opens_at": "10:00:00", "closes_at": "12:30:00"
        });
        let s = sessions_of(&sch, &[], &["hall".into()], "t", &mut notes);
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].day, s[0].week),
            (Weekday::Friday, Some(WeekOfMonth::Last))
        );
        assert_eq!(
            (s[1].day, s[1].week),
            (Weekday::Tuesday, Some(WeekOfMonth::Second))
        );
        assert_eq!(s[0].venue.as_deref(), Some("hall"));
        assert_eq!(s[0].end, "12:30");
        let yearly = serde_json::json!({"id": "y", "freq": "WEEKLY", "interval": 3, "byday": "MO",
            "opens_at": "10:00", "closes_at": "11:00"});
        assert!(sessions_of(&yearly, &[], &[], "t", &mut notes).is_empty());
        assert!(notes.iter().any(|n| n.contains("every 3")), "{notes:?}");
        let no_times = serde_json::json!({"id": "z", "byday": "MO"});
        assert!(sessions_of(&no_times, &[], &[], "t", &mut notes).is_empty());
        assert!(notes.iter().any(|n| n.contains("without opens_at")));
    }
}
