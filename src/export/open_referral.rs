//! A static, read-only Open Referral UK (HSDS 3.0 UK profile) API under `openreferral/`.
//!
//! Every identifier is a UUID derived (version 5, SHA-1) from the site's address and the
//! listing id, so the same listing has the same id in every build. The layout a client
//! fetches is described in `docs/open-referral.md`.

use super::Owner;
use crate::content::model::{CostPer, Join, PayWith, Status, Term, WeekOfMonth, Weekday};
use crate::content::{Activity, Directory, VocabKind};
use crate::incremental::Plan;
use crate::render::OutFile;
use crate::schedule::{ChangeKind, Recurrence, Session};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use uuid::Uuid;

/// The folder below the site root.
pub const ROOT: &str = "openreferral";
/// Items on each list page.
pub const PAGE_SIZE: usize = 25;
/// Marks `location.external_identifier` values that are Signpost venue ids.
pub const VENUE_ID_TYPE: &str = "Signpost venue id";
/// Fixed namespace for every derived id (a version 4 UUID chosen once; never change it).
const NAMESPACE: Uuid = Uuid::from_u128(0x6c1f_5a2e_93d4_4b7e_9f0a_2d8e_41c7_b350);

/// The stable id of one thing: `kind` says what (service, location…), `key` which one.
pub fn uuid(base_url: &str, kind: &str, key: &str) -> String {
    Uuid::new_v5(&NAMESPACE, format!("{base_url}\n{kind}\n{key}").as_bytes()).to_string()
}

/// The vocabularies exported as taxonomies, with the two fixed lists Signpost knows.
pub const TAXONOMIES: [&str; 7] = [
    "categories",
    "who_for",
    "support_types",
    "access",
    "areas",
    "join",
    "pay_with",
];

fn vocab_kind(section: &str) -> Option<VocabKind> {
    Some(match section {
        "categories" => VocabKind::Category,
        "who_for" => VocabKind::WhoFor,
        "support_types" => VocabKind::SupportType,
        "access" => VocabKind::Access,
        "areas" => VocabKind::Area,
        _ => return None,
    })
}

fn taxonomy_title(section: &str) -> (&'static str, &'static str) {
    match section {
        "categories" => ("What happens", "What happens at an activity."),
        "who_for" => ("Who it is for", "Who an activity is for."),
        "support_types" => ("Type of support", "The kind of support an activity gives."),
        "access" => ("Access facilities", "Access facilities at a place."),
        "areas" => ("Areas", "The towns and wards of the council's area."),
        "join" => ("How to join", "How people start going to an activity."),
        _ => ("How to pay", "Ways an activity can be paid for."),
    }
}

pub fn join_id(j: Join) -> &'static str {
    match j {
        Join::TurnUp => "turn-up",
        Join::SelfReferral => "self-referral",
        Join::SocialWorker => "social-worker",
    }
}

pub fn pay_with_id(p: PayWith) -> &'static str {
    match p {
        PayWith::DirectPayment => "direct-payment",
        PayWith::PersonalBudget => "personal-budget",
        PayWith::SelfFunding => "self-funding",
        PayWith::CouncilFunded => "council-funded",
    }
}

/// (id, label) of the fixed lists.
pub fn fixed_terms(section: &str) -> Vec<(&'static str, &'static str)> {
    match section {
        "join" => vec![
            ("turn-up", "Just turn up"),
            ("self-referral", "Contact them to start"),
            ("social-worker", "Ask a social worker"),
        ],
        "pay_with" => vec![
            ("direct-payment", "Direct payment"),
            ("personal-budget", "Personal budget"),
            ("self-funding", "Paying for yourself"),
            ("council-funded", "Paid by the council"),
        ],
        _ => Vec::new(),
    }
}

/// Builds the exported values. Shared by the file writer and the tests.
pub struct Exporter<'a> {
    dir: &'a Directory,
    base: &'a str,
    /// Every taxonomy term, by taxonomy and Signpost id, made once.
    terms: HashMap<&'static str, HashMap<String, Value>>,
    /// Every location a session meets at, made and serialised once: a location is
    /// embedded in every service_at_location and full service at that venue.
    locations: HashMap<&'a str, Box<RawValue>>,
    /// Each activity's service id and each provider's organization id, by index, made once.
    service_ids: Vec<String>,
    organization_ids: Vec<String>,
}

impl<'a> Exporter<'a> {
    /// Everything, for the whole site's files.
    pub fn new(dir: &'a Directory) -> Exporter<'a> {
        Exporter::making(dir, None)
    }

    /// Only what the own files of the listings `plan` does not reuse show: after a
    /// one-listing edit, a few records instead of the whole directory's.
    pub fn for_listings(dir: &'a Directory, plan: &Plan) -> Exporter<'a> {
        Exporter::making(dir, Some(plan))
    }

    /// With a `plan`, the ids and locations of listings whose files are not made are left
    /// out (an empty id, a location made when asked for).
    fn making(dir: &'a Directory, plan: Option<&Plan>) -> Exporter<'a> {
        let shown = plan.map(|p| p.activities_shown(dir));
        let activity_shown = |i: usize| shown.as_ref().is_none_or(|s| s[i]);
        let mut provider_shown: Vec<bool> = match plan {
            Some(p) => p.providers.iter().map(|reused| !reused).collect(),
            None => vec![true; dir.providers.len()],
        };
        for (i, a) in dir.activities.iter().enumerate() {
            if activity_shown(i) {
                provider_shown[a.provider] = true;
            }
        }
        let mut e = Exporter {
            dir,
            base: &dir.site.base_url,
            terms: HashMap::new(),
            locations: HashMap::new(),
            service_ids: Vec::new(),
            organization_ids: Vec::new(),
        };
        e.service_ids = dir
            .activities
            .iter()
            .enumerate()
            .map(|(i, a)| match activity_shown(i) {
                true => e.id("service", &a.id),
                false => String::new(),
            })
            .collect();
        e.organization_ids = dir
            .providers
            .iter()
            .zip(&provider_shown)
            .map(|(p, &shown)| match shown {
                true => e.id("organization", &p.id),
                false => String::new(),
            })
            .collect();
        let mut terms = HashMap::new();
        for section in TAXONOMIES {
            let of_section: HashMap<String, Value> = e
                .terms_of(section)
                .into_iter()
                .map(|(id, label, easy)| {
                    let value = e.make_term(section, &id, label, easy);
                    (id, value)
                })
                .collect();
            terms.insert(section, of_section);
        }
        e.terms = terms;
        let used = dir
            .activities
            .iter()
            .enumerate()
            .filter(|(i, _)| activity_shown(*i))
            .flat_map(|(_, a)| a.sessions.iter().filter_map(|s| s.venue.as_deref()));
        let every_venue = dir.venues.iter().map(|v| v.id.as_str());
        let every_venue = every_venue.filter(|_| plan.is_none());
        let mut locations = HashMap::new();
        for venue in every_venue.chain(used) {
            if !locations.contains_key(venue) {
                locations.insert(venue, raw(&e.make_location(venue)));
            }
        }
        e.locations = locations;
        e
    }

    fn id(&self, kind: &str, key: &str) -> String {
        uuid(self.base, kind, key)
    }

    fn terms_of(&self, section: &str) -> Vec<(String, String, String)> {
        match vocab_kind(section) {
            Some(kind) => self
                .dir
                .vocabulary
                .terms(kind)
                .iter()
                .map(|t: &Term| (t.id.clone(), t.label.clone(), t.easy_read.clone()))
                .collect(),
            None => fixed_terms(section)
                .into_iter()
                .map(|(id, label)| (id.to_string(), label.to_string(), label.to_string()))
                .collect(),
        }
    }

    pub fn taxonomy(&self, section: &str, with_terms: bool) -> Value {
        let (name, description) = taxonomy_title(section);
        let mut t = json!({
            "id": self.id("taxonomy", section),
            "name": name,
            "description": description,
            "uri": format!("{}{ROOT}/taxonomies/{}.json", self.base, self.id("taxonomy", section)),
            "version": "1",
        });
        if with_terms {
            t["taxonomy_terms"] = Value::Array(
                self.terms_of(section)
                    .iter()
                    .map(|(id, _, _)| self.term(section, id).into_owned())
                    .collect(),
            );
        }
        t
    }

    /// One term; `term` is the Signpost id, so an importer can map it back.
    pub fn term(&self, section: &str, id: &str) -> Cow<'_, Value> {
        match self.terms.get(section).and_then(|t| t.get(id)) {
            Some(v) => Cow::Borrowed(v),
            None => Cow::Owned(self.make_term(section, id, id.to_string(), id.to_string())),
        }
    }

    fn make_term(&self, section: &str, id: &str, label: String, easy: String) -> Value {
        json!({
            "id": self.id("taxonomy_term", &format!("{section}/{id}")),
            "name": label,
            "description": easy,
            "taxonomy": section,
            "taxonomy_id": self.id("taxonomy", section),
            "term": id,
        })
    }

    fn attribute<'s>(
        &'s self,
        link_id: &'s str,
        link_type: &'static str,
        section: &str,
        term: &str,
    ) -> Attribute<'s> {
        let taxonomy_term = self.term(section, term);
        Attribute {
            id: self.id("attribute", &format!("{link_id}/{section}/{term}")),
            link_id,
            link_type,
            taxonomy_term_id: taxonomy_term["id"].clone(),
            taxonomy_term: Some(taxonomy_term),
        }
    }

    pub fn organization(&self, index: usize, with_services: bool) -> Organization<'_> {
        let p = &self.dir.providers[index];
        let id = &self.organization_ids[index];
        Organization {
            description: &p.data.summary,
            email: p.data.email.as_deref(),
            id,
            name: &p.data.name,
            organization_identifiers: p.data.registration.as_ref().map(|r| {
                json!([{
                    "id": self.id("organization_identifier", &p.id),
                    "organization_id": id,
                    "identifier_type": "registration",
                    "identifier": r,
                }])
            }),
            services: with_services.then(|| {
                p.activities
                    .iter()
                    .map(|&a| self.service(a, false))
                    .collect()
            }),
            uri: format!("{}providers/{}/", self.base, p.id),
            website: p.data.website.as_deref(),
        }
    }

    /// The venues an activity meets at, in first-use order.
    fn venues_of(a: &Activity) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in a.sessions.iter() {
            if let Some(v) = s.venue.as_deref() {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        }
        out
    }

    /// A venue's location, already serialised (see `locations`).
    pub fn location(&self, venue_id: &str) -> Cow<'_, RawValue> {
        match self.locations.get(venue_id) {
            Some(l) => Cow::Borrowed(&**l),
            None => Cow::Owned(raw(&self.make_location(venue_id))),
        }
    }

    fn make_location(&self, venue_id: &str) -> Value {
        let Some(v) = self.dir.venue(venue_id) else {
            return json!({"id": self.id("location", venue_id), "location_type": "physical"});
        };
        let id = self.id("location", &v.id);
        let area = self.dir.vocabulary.term(VocabKind::Area, &v.data.area);
        let mut l = Map::new();
        l.insert("id".into(), json!(id));
        l.insert("location_type".into(), json!("physical"));
        l.insert("name".into(), json!(v.data.name));
        if let Some(g) = &v.data.getting_there {
            l.insert("description".into(), json!(g));
        }
        if let Some(c) = v.data.coordinates {
            l.insert("latitude".into(), json!(c.lat));
            l.insert("longitude".into(), json!(c.lon));
        }
        l.insert("external_identifier".into(), json!(v.id));
        l.insert("external_identifier_type".into(), json!(VENUE_ID_TYPE));
        l.insert(
            "addresses".into(),
            json!([{
                "id": self.id("address", &v.id),
                "location_id": id,
                "address_1": v.data.address,
                "city": area.label,
                "state_province": self.dir.site.council,
                "postal_code": v.data.postcode,
                "country": "GB",
                "address_type": "physical",
                "attributes": [self.attribute(&self.id("address", &v.id), "address", "areas", &v.data.area)],
            }]),
        );
        let page = format!("{}venues/{}/", self.base, v.id);
        l.insert(
            "accessibility".into(),
            Value::Array(
                v.access
                    .iter()
                    .map(|a| {
                        let t = self.dir.vocabulary.term(VocabKind::Access, a);
                        let acc_id = self.id("accessibility", &format!("{}/{a}", v.id));
                        json!({
                            "id": acc_id,
                            "location_id": id,
                            "description": t.label,
                            "details": t.easy_read,
                            "url": page,
                            "accessibility": a,
                            // The term's name and description are this record's own
                            // description and details: the link is enough.
                            "attributes": [self
                                .attribute(&acc_id, "accessibility", "access", a)
                                .without_term()],
                        })
                    })
                    .collect(),
            ),
        );
        Value::Object(l)
    }

    fn sal_id(&self, a: &Activity, venue: &str) -> String {
        self.id("service_at_location", &format!("{}/{venue}", a.id))
    }

    /// One service_at_location; `with_service` embeds the service in its list form (as
    /// the single-item endpoint does).
    pub fn service_at_location(
        &self,
        index: usize,
        venue: &str,
        with_service: bool,
    ) -> ServiceAtLocation<'_> {
        let a = &self.dir.activities[index];
        ServiceAtLocation {
            id: self.sal_id(a, venue),
            location: self.location(venue),
            location_id: self.id("location", venue),
            service: with_service.then(|| Box::new(self.service(index, false))),
            service_id: &self.service_ids[index],
        }
    }

    fn schedule(&self, a: &Activity, service_id: &str, i: usize, s: &Session) -> Value {
        let id = self.id("schedule", &format!("{}/{i}", a.id));
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert("service_id".into(), json!(service_id));
        if let Some(v) = &s.venue {
            m.insert("service_at_location_id".into(), json!(self.sal_id(a, v)));
        }
        if let Some(f) = s.from {
            m.insert("valid_from".into(), json!(f.to_string()));
        }
        if let Some(u) = s.until {
            m.insert("valid_to".into(), json!(u.to_string()));
        }
        let day = byday(s.day);
        match s.recurrence {
            Recurrence::Weekly => {
                m.insert("freq".into(), json!("WEEKLY"));
                m.insert("interval".into(), json!(1));
                m.insert("byday".into(), json!(day));
            }
            Recurrence::Fortnightly(anchor) => {
                m.insert("dtstart".into(), json!(anchor.to_string()));
                m.insert("freq".into(), json!("WEEKLY"));
                m.insert("interval".into(), json!(2));
                m.insert("byday".into(), json!(day));
            }
            Recurrence::Monthly(w) => {
                m.insert("freq".into(), json!("MONTHLY"));
                m.insert("interval".into(), json!(1));
                m.insert("byday".into(), json!(format!("{}{day}", week_prefix(w))));
            }
        }
        m.insert(
            "description".into(),
            json!(format!(
                "{}, {} to {}.",
                upper_first(&s.pattern_words()),
                s.start.easy(),
                s.end.easy()
            )),
        );
        m.insert("opens_at".into(), json!(format!("{}:00", s.start)));
        m.insert("closes_at".into(), json!(format!("{}:00", s.end)));
        m.insert(
            "attending_type".into(),
            json!(if s.online { "online" } else { "in person" }),
        );
        let notes = schedule_notes(self.dir, s);
        if !notes.is_empty() {
            m.insert("notes".into(), json!(notes));
        }
        Value::Object(m)
    }

    /// One service; `full` adds its schedules, locations, organization and the rest (as
    /// the single-service endpoint does).
    pub fn service(&self, index: usize, full: bool) -> Service<'_> {
        let a = &self.dir.activities[index];
        let p = &self.dir.providers[a.provider];
        let id = &self.service_ids[index];
        let d = &a.data;
        let mut service = Service {
            accreditations: (!p.data.quality_marks.is_empty())
                .then(|| p.data.quality_marks.join("; ")),
            alert: d.status_message.as_deref(),
            assured_date: p.reviewed.to_string(),
            attributes: None,
            contacts: None,
            cost_options: None,
            description: &d.summary,
            email: p.data.email.as_deref(),
            fees: fees_words(&d.cost),
            id,
            languages: None,
            last_modified: format!("{}T00:00:00Z", p.reviewed),
            name: &d.name,
            organization: None,
            organization_id: &self.organization_ids[a.provider],
            schedules: None,
            service_at_locations: None,
            status: match d.status {
                Status::Running => "active",
                Status::TemporarilyClosed => "temporarily closed",
                Status::Closed => "inactive",
            },
            url: format!("{}activities/{}/", self.base, a.id),
        };
        if !full {
            return service;
        }
        service.schedules = Some(
            a.sessions
                .iter()
                .enumerate()
                .map(|(i, s)| self.schedule(a, id, i, s))
                .collect(),
        );
        service.service_at_locations = Some(
            Self::venues_of(a)
                .into_iter()
                .map(|v| self.service_at_location(index, v, false))
                .collect(),
        );
        service.languages = Some(
            d.languages
                .iter()
                .map(|l| {
                    json!({
                        "id": self.id("language", &format!("{}/{l}", a.id)),
                        "service_id": id,
                        "name": l,
                    })
                })
                .collect(),
        );
        service.organization = Some(Box::new(self.organization(a.provider, false)));
        let mut cost = Map::new();
        cost.insert("id".into(), json!(self.id("cost_option", &a.id)));
        cost.insert("service_id".into(), json!(id));
        if d.cost.free {
            cost.insert("option".into(), json!("Free"));
            cost.insert("amount".into(), json!(0));
        } else {
            if let Some(per) = d.cost.per {
                cost.insert("option".into(), json!(per_words(per)));
            }
            if let Some(x) = d.cost.amount {
                cost.insert("amount".into(), json!(x));
            }
        }
        if let Some(n) = &d.cost.notes {
            cost.insert("amount_description".into(), json!(n));
        }
        service.cost_options = Some(json!([Value::Object(cost)]));
        let contact_id = self.id("contact", &a.id);
        let mut contact = Map::new();
        contact.insert("id".into(), json!(contact_id));
        contact.insert("service_id".into(), json!(id));
        contact.insert("name".into(), json!(p.data.name));
        if let Some(e) = &p.data.email {
            contact.insert("email".into(), json!(e));
        }
        if let Some(ph) = &p.data.phone {
            contact.insert(
                "phones".into(),
                json!([{
                    "id": self.id("phone", &a.id),
                    "contact_id": contact_id,
                    "number": ph,
                }]),
            );
        }
        service.contacts = Some(json!([Value::Object(contact)]));
        let mut attributes = Vec::new();
        for c in &d.categories {
            attributes.push(self.attribute(id, "service", "categories", c));
        }
        for w in &d.who_for {
            attributes.push(self.attribute(id, "service", "who_for", w));
        }
        attributes.push(self.attribute(id, "service", "support_types", &d.support));
        for j in &d.join {
            attributes.push(self.attribute(id, "service", "join", join_id(*j)));
        }
        for pw in &d.pay_with {
            attributes.push(self.attribute(id, "service", "pay_with", pay_with_id(*pw)));
        }
        service.attributes = Some(attributes);
        service
    }

    /// Every file of the API, as (path below the site root, compact JSON), handed on as it
    /// is made (in parallel), so the export is never held in memory whole: each listing's
    /// detail files to `own` (with the listing, and not for listings `plan` reuses), and
    /// the lists and taxonomies to `lists`. Files for a target left out are not made.
    pub fn emit_files(
        &self,
        own: Option<&OwnEmit<'_>>,
        lists: Option<&Emit<'_>>,
        plan: &Plan,
    ) -> std::io::Result<()> {
        if let Some(emit) = own {
            self.emit_own(emit, plan)?;
        }
        match lists {
            Some(emit) => self.emit_lists(emit),
            None => Ok(()),
        }
    }

    /// Each activity's service and service_at_location files and each provider's
    /// organization file, but those `plan` reuses.
    fn emit_own(&self, emit: &OwnEmit<'_>, plan: &Plan) -> std::io::Result<()> {
        use rayon::prelude::*;
        let dir = self.dir;
        dir.activities
            .par_iter()
            .enumerate()
            .filter(|(i, _)| !plan.activities[*i])
            .try_for_each(|(i, a)| {
                let owner = Owner::Activity(i);
                emit(
                    owner,
                    format!("{ROOT}/services/{}.json", self.service_ids[i]),
                    json_bytes(&self.service(i, true)),
                )?;
                for v in Self::venues_of(a) {
                    emit(
                        owner,
                        format!("{ROOT}/service_at_locations/{}.json", self.sal_id(a, v)),
                        json_bytes(&self.service_at_location(i, v, true)),
                    )?;
                }
                Ok::<(), std::io::Error>(())
            })?;
        (0..dir.providers.len())
            .into_par_iter()
            .filter(|&i| !plan.providers[i])
            .try_for_each(|i| {
                emit(
                    Owner::Provider(i),
                    format!("{ROOT}/organizations/{}.json", self.organization_ids[i]),
                    json_bytes(&self.organization(i, true)),
                )
            })
    }

    /// The index, the paginated lists and the taxonomies.
    fn emit_lists(&self, emit: &Emit<'_>) -> std::io::Result<()> {
        emit(
            format!("{ROOT}/index.json"),
            json_bytes(&json!({
                "version": "3.0",
                "profile": "https://github.com/openreferral/uk-profile",
                "openapi_url": "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json",
            })),
        )?;
        let dir = self.dir;
        // Services, sorted by id so pages are stable.
        let mut services: Vec<(&str, usize)> = self
            .service_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        services.sort();
        emit_pages(
            "services",
            services.len(),
            |n| self.service(services[n].1, false),
            emit,
        )?;
        let mut orgs: Vec<(&str, usize)> = self
            .organization_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        orgs.sort();
        emit_pages(
            "organizations",
            orgs.len(),
            |n| self.organization(orgs[n].1, false),
            emit,
        )?;
        let mut sals: Vec<(String, usize, &str)> = Vec::new();
        for (i, a) in dir.activities.iter().enumerate() {
            for v in Self::venues_of(a) {
                sals.push((self.sal_id(a, v), i, v));
            }
        }
        sals.sort();
        emit_pages(
            "service_at_locations",
            sals.len(),
            |n| self.service_at_location(sals[n].1, sals[n].2, false),
            emit,
        )?;
        let mut taxonomies: Vec<(String, &str)> = TAXONOMIES
            .iter()
            .map(|s| (self.id("taxonomy", s), *s))
            .collect();
        taxonomies.sort();
        let list: Vec<Value> = taxonomies
            .iter()
            .map(|(_, s)| self.taxonomy(s, false))
            .collect();
        emit_pages("taxonomies", list.len(), |n| &list[n], emit)?;
        for (id, s) in &taxonomies {
            emit(
                format!("{ROOT}/taxonomies/{id}.json"),
                json_bytes(&self.taxonomy(s, true)),
            )?;
        }
        let mut terms: Vec<Cow<'_, Value>> = TAXONOMIES
            .iter()
            .flat_map(|s| self.terms_of(s).into_iter().map(move |(id, _, _)| (s, id)))
            .map(|(s, id)| self.term(s, &id))
            .collect();
        terms.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        for t in &terms {
            emit(
                format!(
                    "{ROOT}/taxonomy_terms/{}.json",
                    t["id"].as_str().unwrap_or("")
                ),
                json_bytes(t),
            )?;
        }
        emit_pages("taxonomy_terms", terms.len(), |n| &terms[n], emit)?;
        Ok(())
    }
}

/// The files' JSON shapes. Fields are in alphabetical order, the order the files have
/// always had (they were once built as sorted `serde_json` maps), so the bytes stay the
/// same; absent optional fields are left out, not written as null.
#[derive(Serialize)]
pub struct Service<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    accreditations: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alert: Option<&'a str>,
    assured_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<Vec<Attribute<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contacts: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_options: Option<Value>,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    fees: String,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    languages: Option<Vec<Value>>,
    last_modified: String,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<Box<Organization<'a>>>,
    organization_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedules: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_at_locations: Option<Vec<ServiceAtLocation<'a>>>,
    status: &'static str,
    url: String,
}

#[derive(Serialize)]
pub struct ServiceAtLocation<'a> {
    id: String,
    /// Serialised once per venue and copied in as it is.
    location: Cow<'a, RawValue>,
    location_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<Box<Service<'a>>>,
    service_id: &'a str,
}

#[derive(Serialize)]
pub struct Organization<'a> {
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_identifiers: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    services: Option<Vec<Service<'a>>>,
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    website: Option<&'a str>,
}

#[derive(Serialize)]
pub struct Attribute<'a> {
    id: String,
    link_id: &'a str,
    link_type: &'static str,
    /// Borrowed from the terms made once; left out where the linked record already says
    /// what the term says (see `without_term`).
    #[serde(skip_serializing_if = "Option::is_none")]
    taxonomy_term: Option<Cow<'a, Value>>,
    taxonomy_term_id: Value,
}

impl Attribute<'_> {
    /// The attribute with only the term's id, which `taxonomy_terms/{id}.json` resolves.
    /// An accessibility record's attribute is written so: the record's `accessibility`,
    /// `description` and `details` are the term's id, name and description already, and
    /// every location is copied into each service_at_location and full service at it, so
    /// the embedded term was half the size of the API. The profile requires only `id`
    /// (its own example has accessibility records with no attributes at all).
    fn without_term(self) -> Self {
        Attribute {
            taxonomy_term: None,
            ..self
        }
    }
}

/// The profile's `Page` shape (fields in alphabetical order, as above).
#[derive(Serialize)]
struct Page<T> {
    contents: Vec<T>,
    empty: bool,
    first_page: bool,
    last_page: bool,
    page_number: usize,
    size: usize,
    total_items: usize,
    total_pages: usize,
}

/// Paginated list files in the profile's `Page` shape: `<kind>/page-N.json`, and
/// `<kind>/index.json` the same as page 1. Items are made a page at a time (`item(n)` is
/// the n-th in list order), in parallel, so a long list is never in memory whole.
fn emit_pages<T: Serialize>(
    kind: &str,
    total: usize,
    item: impl Fn(usize) -> T + Sync,
    emit: &Emit<'_>,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let total_pages = total.div_ceil(PAGE_SIZE).max(1);
    (0..total_pages).into_par_iter().try_for_each(|n| {
        let contents: Vec<T> = (n * PAGE_SIZE..total.min((n + 1) * PAGE_SIZE))
            .map(&item)
            .collect();
        let page = json_bytes(&Page {
            size: contents.len(),
            contents,
            empty: total == 0,
            first_page: n == 0,
            last_page: n + 1 == total_pages,
            page_number: n + 1,
            total_items: total,
            total_pages,
        });
        if n == 0 {
            emit(format!("{ROOT}/{kind}/index.json"), page.clone())?;
        }
        emit(format!("{ROOT}/{kind}/page-{}.json", n + 1), page)
    })
}

/// Compact JSON and a final newline: the bytes of one file.
fn json_bytes(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// `value` serialised once, to be copied into every file that embeds it.
fn raw(value: &Value) -> Box<RawValue> {
    serde_json::value::to_raw_value(value).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub fn byday(d: Weekday) -> &'static str {
    match d {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    }
}

fn week_prefix(w: WeekOfMonth) -> &'static str {
    match w {
        WeekOfMonth::First => "1",
        WeekOfMonth::Second => "2",
        WeekOfMonth::Third => "3",
        WeekOfMonth::Fourth => "4",
        WeekOfMonth::Last => "-1",
    }
}

pub fn per_words(p: CostPer) -> &'static str {
    match p {
        CostPer::Session => "per session",
        CostPer::Day => "per day",
        CostPer::Hour => "per hour",
        CostPer::Week => "per week",
        CostPer::Month => "per month",
    }
}

pub fn fees_words(c: &crate::content::model::Cost) -> String {
    if c.free {
        return "Free".into();
    }
    match (c.amount, c.per) {
        (Some(x), Some(p)) => format!("£{x:.2} {}", per_words(p)),
        (Some(x), None) => format!("£{x:.2}"),
        _ => c.notes.clone().unwrap_or_else(|| "Ask the provider".into()),
    }
}

/// Prefix of the schedule note line saying how to join online.
pub const ONLINE_NOTE: &str = "How to join online: ";

/// What the schedule fields cannot say: how to join online, and changes on single dates
/// (one line each, `YYYY-MM-DD: cancelled.` or `YYYY-MM-DD: moved to HH:MM-HH:MM at NAME.`,
/// then the reason), which HSDS has no field for.
fn schedule_notes(dir: &Directory, s: &Session) -> String {
    let mut lines = Vec::new();
    if let Some(how) = &s.online_how {
        lines.push(format!("{ONLINE_NOTE}{how}"));
    }
    for c in &s.changes {
        let what = match &c.kind {
            ChangeKind::Cancelled => "cancelled.".to_string(),
            ChangeKind::Moved { start, end, venue } => {
                let place = venue
                    .as_deref()
                    .map(|v| {
                        let name = dir.venue(v).map(|x| x.data.name.as_str()).unwrap_or(v);
                        format!(" at {name} [{v}]")
                    })
                    .unwrap_or_default();
                format!("moved to {start}-{end}{place}.")
            }
        };
        let reason = c
            .reason
            .as_deref()
            .map(|r| format!(" {r}"))
            .unwrap_or_default();
        lines.push(format!("{}: {what}{reason}", c.date));
    }
    lines.join("\n")
}

/// Receives each file of the export: its path below the site root and its bytes.
pub type Emit<'a> = dyn Fn(String, Vec<u8>) -> std::io::Result<()> + Sync + 'a;

/// Receives each listing's own file: the listing, its path and its bytes.
pub type OwnEmit<'a> = dyn Fn(Owner, String, Vec<u8>) -> std::io::Result<()> + Sync + 'a;

/// Writes the export into `to`'s targets, one compact JSON file at a time.
pub fn write(dir: &Directory, plan: &Plan, to: &super::Targets) -> std::io::Result<()> {
    let own = to.listings.map(|listings| {
        move |owner: Owner, path: String, bytes: Vec<u8>| {
            listings.put(owner, OutFile { path, bytes })
        }
    });
    let lists = to
        .lists
        .map(|sink| move |path: String, bytes: Vec<u8>| sink.put(OutFile { path, bytes }));
    // Only listings' own files: only what they show is worked out.
    let exporter = match to.lists {
        Some(_) => Exporter::new(dir),
        None => Exporter::for_listings(dir, plan),
    };
    exporter.emit_files(
        own.as_ref().map(|e| e as &OwnEmit<'_>),
        lists.as_ref().map(|e| e as &Emit<'_>),
        plan,
    )
}
