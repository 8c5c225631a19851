//! schema.org JSON-LD for every page, written into a `<script type="application/ld+json">`
//! data block (never executed, so it is allowed by the site's Content Security Policy).
//!
//! Every page says which site it belongs to and who publishes it. Activity pages add one
//! `Event` per session with its `Schedule`; venue pages a `Place` with its access facilities
//! as `amenityFeature`; provider pages an `Organization`.

use crate::content::model::WeekOfMonth;
use crate::content::{Activity, Directory, VocabKind};
use crate::schedule::{Recurrence, Session};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The JSON-LD for the page written at `path` (such as `activities/art/index.html`),
/// safe to place inside a `<script>` element.
pub fn for_page(dir: &Directory, path: &str) -> String {
    for_page_indexed(dir, path, &activity_index(dir))
}

/// Activity and provider ids to their index in the directory, built once per build so
/// that each page finds its listing without a search.
pub struct Lookup<'a> {
    activities: HashMap<&'a str, usize>,
    providers: HashMap<&'a str, usize>,
}

/// The id lookup for `for_page_indexed`.
pub fn activity_index(dir: &Directory) -> Lookup<'_> {
    Lookup {
        activities: dir
            .activities
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect(),
        providers: dir
            .providers
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect(),
    }
}

/// `for_page` with the id lookup built once (`activity_index`), for whole builds.
pub fn for_page_indexed(dir: &Directory, path: &str, lookup: &Lookup) -> String {
    let base = &dir.site.base_url;
    let council = json!({
        "@type": "GovernmentOrganization",
        "name": dir.site.council,
    });
    let mut graph = vec![json!({
        "@type": "WebSite",
        "name": dir.site.name,
        "url": base,
        "inLanguage": "en-GB",
        "publisher": council,
    })];
    let parts: Vec<&str> = path.split('/').collect();
    if let [folder, id, "index.html"] = parts.as_slice() {
        match *folder {
            "activities" => {
                if let Some(&i) = lookup.activities.get(id) {
                    graph.extend(events(dir, &dir.activities[i]));
                }
            }
            "venues" => {
                if let Some(v) = dir.venue(id) {
                    graph.push(place(dir, &v.id));
                }
            }
            "providers" => {
                if let Some(&i) = lookup.providers.get(id) {
                    graph.push(organization(dir, i));
                }
            }
            _ => {}
        }
    }
    let value = json!({ "@context": "https://schema.org", "@graph": graph });
    // `<`, `>` and `&` only occur inside strings, where their escapes mean the same: the
    // block can then never close the script element early.
    serde_json::to_string(&value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn address(dir: &Directory, venue_id: &str) -> Value {
    let Some(v) = dir.venue(venue_id) else {
        return Value::Null;
    };
    json!({
        "@type": "PostalAddress",
        "streetAddress": v.data.address,
        "postalCode": v.data.postcode,
        "addressLocality": dir.vocabulary.term(VocabKind::Area, &v.data.area).label,
        "addressCountry": "GB",
    })
}

/// A venue as a `Place`, with its access facilities.
pub fn place(dir: &Directory, venue_id: &str) -> Value {
    let Some(v) = dir.venue(venue_id) else {
        return json!({ "@type": "Place", "name": venue_id });
    };
    let mut m = Map::new();
    m.insert("@type".into(), json!("Place"));
    m.insert("name".into(), json!(v.data.name));
    m.insert(
        "url".into(),
        json!(format!("{}venues/{}/", dir.site.base_url, v.id)),
    );
    m.insert("address".into(), address(dir, &v.id));
    if let Some(c) = v.data.coordinates {
        m.insert(
            "geo".into(),
            json!({ "@type": "GeoCoordinates", "latitude": c.lat, "longitude": c.lon }),
        );
    }
    if !v.access.is_empty() {
        m.insert(
            "amenityFeature".into(),
            Value::Array(
                v.access
                    .iter()
                    .map(|a| {
                        json!({
                            "@type": "LocationFeatureSpecification",
                            "name": dir.vocabulary.term(VocabKind::Access, a).label,
                            "value": true,
                        })
                    })
                    .collect(),
            ),
        );
    }
    Value::Object(m)
}

/// A provider as an `Organization`.
pub fn organization(dir: &Directory, index: usize) -> Value {
    let p = &dir.providers[index];
    let mut m = Map::new();
    m.insert("@type".into(), json!("Organization"));
    m.insert("name".into(), json!(p.data.name));
    m.insert("description".into(), json!(p.data.summary));
    m.insert(
        "url".into(),
        json!(format!("{}providers/{}/", dir.site.base_url, p.id)),
    );
    if let Some(t) = &p.data.phone {
        m.insert("telephone".into(), json!(t));
    }
    if let Some(e) = &p.data.email {
        m.insert("email".into(), json!(e));
    }
    if let Some(w) = &p.data.website {
        m.insert("sameAs".into(), json!(w));
    }
    Value::Object(m)
}

fn schedule(s: &Session) -> Value {
    let mut m = Map::new();
    m.insert("@type".into(), json!("Schedule"));
    m.insert(
        "byDay".into(),
        json!(format!("https://schema.org/{}", s.day.name())),
    );
    m.insert("startTime".into(), json!(s.start.to_string()));
    m.insert("endTime".into(), json!(s.end.to_string()));
    m.insert("scheduleTimezone".into(), json!("Europe/London"));
    let repeat = match s.recurrence {
        Recurrence::Weekly => "P1W",
        Recurrence::Fortnightly(_) => "P2W",
        Recurrence::Monthly(w) => {
            m.insert(
                "byMonthWeek".into(),
                json!(match w {
                    WeekOfMonth::First => 1,
                    WeekOfMonth::Second => 2,
                    WeekOfMonth::Third => 3,
                    WeekOfMonth::Fourth => 4,
                    WeekOfMonth::Last => -1,
                }),
            );
            "P1M"
        }
    };
    m.insert("repeatFrequency".into(), json!(repeat));
    let from = match s.recurrence {
        Recurrence::Fortnightly(anchor) => Some(anchor),
        _ => s.from,
    };
    if let Some(f) = from {
        m.insert("startDate".into(), json!(f.to_string()));
    }
    if let Some(u) = s.until {
        m.insert("endDate".into(), json!(u.to_string()));
    }
    Value::Object(m)
}

/// One `Event` per session of an activity.
fn events(dir: &Directory, a: &Activity) -> Vec<Value> {
    let d = &a.data;
    let url = format!("{}activities/{}/", dir.site.base_url, a.id);
    let organizer = organization(dir, a.provider);
    a.sessions
        .iter()
        .map(|s| {
            let mut m = Map::new();
            m.insert("@type".into(), json!("Event"));
            m.insert("name".into(), json!(d.name));
            m.insert("description".into(), json!(d.summary));
            m.insert("url".into(), json!(url));
            m.insert("eventSchedule".into(), schedule(s));
            let location = match &s.venue {
                Some(v) => place(dir, v),
                None => json!({ "@type": "VirtualLocation", "name": "Online" }),
            };
            m.insert("location".into(), location);
            m.insert(
                "eventAttendanceMode".into(),
                json!(if s.online {
                    "https://schema.org/OnlineEventAttendanceMode"
                } else {
                    "https://schema.org/OfflineEventAttendanceMode"
                }),
            );
            m.insert(
                "eventStatus".into(),
                json!(match d.status {
                    crate::content::model::Status::Running => "https://schema.org/EventScheduled",
                    _ => "https://schema.org/EventCancelled",
                }),
            );
            m.insert("organizer".into(), organizer.clone());
            m.insert("isAccessibleForFree".into(), json!(d.cost.free));
            if let Some(x) = d.cost.amount {
                m.insert(
                    "offers".into(),
                    json!({ "@type": "Offer", "price": format!("{x:.2}"), "priceCurrency": "GBP" }),
                );
            }
            m.insert(
                "audience".into(),
                Value::Array(
                    d.who_for
                        .iter()
                        .map(|w| {
                            json!({
                                "@type": "Audience",
                                "audienceType": dir.vocabulary.term(VocabKind::WhoFor, w).label,
                            })
                        })
                        .collect(),
                ),
            );
            if !d.languages.is_empty() {
                m.insert("inLanguage".into(), json!(d.languages));
            }
            Value::Object(m)
        })
        .collect()
}
