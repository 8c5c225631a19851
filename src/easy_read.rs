//! Easy Read sentences written from the data: one short idea each, with a picture.
//!
//! Signpost writes these itself (what, when, where, who for, cost, how to join, access,
//! Changing Places, transport, who to contact), so every listing gets an Easy Read block
//! even when the provider wrote none.

use crate::content::model::{CostPer, Join, PayWith, Status};
use crate::content::{Activity, Directory, VocabKind};
use crate::schedule::Session;
use serde::Serialize;

/// One Easy Read line: a short sentence and the picture beside it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// Picture name as written in content (emoji or drawn name).
    pub picture: String,
    /// True for lines the provider wrote, false for lines Signpost wrote.
    pub own: bool,
}

fn line(text: impl Into<String>, picture: &str) -> Line {
    Line {
        text: text.into(),
        picture: picture.to_string(),
        own: false,
    }
}

/// Joins words the way people say lists: "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "£5", "£3.50".
pub fn pounds(amount: f64) -> String {
    if amount.fract() == 0.0 {
        format!("£{amount:.0}")
    } else {
        format!("£{amount:.2}")
    }
}

pub fn per_words(per: Option<CostPer>) -> &'static str {
    match per {
        Some(CostPer::Session) | None => "each time",
        Some(CostPer::Day) => "a day",
        Some(CostPer::Hour) => "an hour",
        Some(CostPer::Week) => "a week",
        Some(CostPer::Month) => "a month",
    }
}

/// "Free", "£5 each time".
pub fn cost_words(a: &Activity) -> String {
    match a.data.cost.amount {
        Some(x) if x > 0.0 && !a.data.cost.free => {
            format!("{} {}", pounds(x), per_words(a.data.cost.per))
        }
        _ => "Free".into(),
    }
}

pub fn pay_label(p: PayWith) -> &'static str {
    match p {
        PayWith::DirectPayment => "Direct payment",
        PayWith::PersonalBudget => "Personal budget",
        PayWith::SelfFunding => "Paying for yourself",
        PayWith::CouncilFunded => "Council funded after an assessment",
    }
}

pub fn join_label(j: Join) -> &'static str {
    match j {
        Join::TurnUp => "Just turn up",
        Join::SelfReferral => "Contact them yourself to join",
        Join::SocialWorker => "Ask your social worker",
    }
}

/// "10am to 12 noon".
pub fn time_range(s: &Session) -> String {
    format!("{} to {}", s.start.easy(), s.end.easy())
}

const ONLINE: &str = "It is online.";

/// The Easy Read block for an activity: Signpost's lines, then the provider's own.
pub fn activity_lines(dir: &Directory, a: &Activity) -> Vec<Line> {
    let v = &dir.vocabulary;
    let provider = &dir.providers[a.provider];
    let mut out = Vec::new();

    match a.data.status {
        Status::TemporarilyClosed => out.push(line("This is closed for now.", "closed")),
        Status::Closed => {
            out.push(line("This has stopped.", "closed"));
            out.push(line("It does not run any more.", "🚫"));
        }
        Status::Running => {}
    }
    // One idea per line: each category and each group gets its own line and picture.
    for (i, c) in a.data.categories.iter().enumerate() {
        let t = v.term(VocabKind::Category, c);
        let also = if i == 0 { "" } else { "also " };
        out.push(line(
            format!("It is {also}about {}.", t.easy_read),
            &t.picture,
        ));
    }
    for (i, w) in a.data.who_for.iter().enumerate() {
        let t = v.term(VocabKind::WhoFor, w);
        let also = if i == 0 { "" } else { "also " };
        out.push(line(
            format!("It is {also}for {}.", t.easy_read),
            &t.picture,
        ));
    }
    let support = v.term(VocabKind::SupportType, &a.data.support);
    out.push(line(support.easy_read.clone(), &support.picture));
    for s in a.sessions.iter() {
        out.push(line(
            format!("It is on {}, {}.", s.pattern_words(), time_range(s)),
            "📅",
        ));
    }
    let mut places: Vec<String> = Vec::new();
    for s in a.sessions.iter() {
        let words = match (&s.venue, s.online) {
            (Some(id), _) => match dir.venue(id) {
                Some(venue) => format!(
                    "It is at {}, {}.",
                    venue.data.name,
                    v.term(VocabKind::Area, &venue.data.area).easy_read
                ),
                None => continue,
            },
            (None, _) => ONLINE.into(),
        };
        if !places.contains(&words) {
            places.push(words);
        }
    }
    for p in places {
        if p == ONLINE {
            // One sentence a line: where, then how.
            out.push(line(ONLINE, "💻"));
            out.push(line("You join on a computer, tablet or phone.", "📱"));
        } else {
            out.push(line(p, "📍"));
        }
    }
    if let Some(ratio) = &a.data.ratio {
        if let Some((staff, people)) = ratio.split_once(':') {
            let text = match (staff.trim(), people.trim()) {
                ("1", "1") => "You get 1 worker just for you.".to_string(),
                (s, "1") => format!("You get {s} workers just for you."),
                ("1", p) => format!("There is 1 worker for every {p} people."),
                (s, p) => format!("There are {s} workers for every {p} people."),
            };
            out.push(line(text, "🧑‍🤝‍🧑"));
        }
    }
    match a.data.cost.amount {
        Some(x) if x > 0.0 && !a.data.cost.free => out.push(line(
            format!("It costs {} {}.", pounds(x), per_words(a.data.cost.per)),
            "💷",
        )),
        _ => out.push(line("It is free.", "🆓")),
    }
    if a.data.pay_with.contains(&PayWith::DirectPayment) {
        out.push(line("You can pay with a direct payment.", "💳"));
    }
    for j in &a.data.join {
        let text = match j {
            Join::TurnUp => "You can just turn up.",
            Join::SelfReferral => "Phone or email them to join.",
            Join::SocialWorker => "Your social worker can help you join.",
        };
        out.push(line(text, "👋"));
    }
    if let Some(t) = &a.data.transport {
        if t.provided {
            match t.cost {
                Some(c) if c > 0.0 => {
                    out.push(line("They can pick you up.", "🚐"));
                    out.push(line(format!("It costs {} each way.", pounds(c)), "💷"));
                }
                _ => out.push(line("They can pick you up for free.", "🚐")),
            }
        }
        if !t.bus_routes.is_empty() {
            let routes: Vec<String> = t.bus_routes.clone();
            let noun = if routes.len() == 1 { "bus" } else { "buses" };
            out.push(line(
                format!("You can get the {noun} {}.", and_list(&routes)),
                "🚌",
            ));
        }
    }
    if a.data.carers_welcome {
        out.push(line("Your carer can come with you.", "🫶"));
    }
    // Access at the venues it uses, once each.
    let mut access: Vec<String> = Vec::new();
    for s in a.sessions.iter() {
        if let Some(venue) = s.venue.as_deref().and_then(|id| dir.venue(id)) {
            for id in &venue.access {
                if !access.contains(id) {
                    access.push(id.clone());
                }
            }
        }
    }
    // Changing Places first: carers look for it before anything else.
    access.sort_by_key(|id| id != "changing-places");
    for id in access {
        let t = v.term(VocabKind::Access, &id);
        out.push(line(t.easy_read, &t.picture));
    }
    if let Some(phone) = &provider.data.phone {
        out.push(line(format!("To find out more, phone {phone}."), "📞"));
    } else if let Some(email) = &provider.data.email {
        out.push(line(format!("To find out more, email {email}."), "📧"));
    }
    out.extend(a.data.easy_read.iter().map(|l| Line {
        text: l.text.clone(),
        picture: l.picture.clone(),
        own: true,
    }));
    out
}
