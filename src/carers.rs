//! Carers' tools on every page that needs them: "Add to my calendar" links, "Report a
//! change" with set topics, and sharing (a plain link and an email with the Easy Read
//! summary). Everything is a plain link, so it works without JavaScript.

use crate::content::model::SiteFile;
use crate::export::ical;
use crate::site::{percent, Meta};
use serde::Serialize;

/// The topics people can report, as (id, words in the subject and on the link).
pub const REPORT_TOPICS: [(&str, &str); 5] = [
    ("times-changed", "The times have changed"),
    ("closed", "It has closed"),
    ("contact-details", "The contact details are wrong"),
    ("access", "The access information is wrong"),
    ("something-else", "Something else is wrong"),
];

/// Page kinds that are listings, where "Report a change" is offered with topics.
const LISTING_KINDS: [&str; 4] = ["activity", "provider", "venue", "changing-place"];

#[derive(Debug, Clone, Serialize)]
pub struct Topic {
    pub id: &'static str,
    pub label: &'static str,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalendarLinks {
    /// The .ics file over https: "Add to my calendar".
    pub download: String,
    /// The same file as a `webcal:` address, for subscribing.
    pub subscribe: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Share {
    /// The page's full address.
    pub url: String,
    /// A mailto link with the page's Easy Read summary in the body.
    pub email: String,
}

fn base(site: &SiteFile) -> String {
    format!("{}/", site.base_url.trim_end_matches('/'))
}

/// One link per topic: to the council's form when it has one, otherwise an email whose
/// subject names the listing and the topic.
pub fn report_topics(site: &SiteFile, name: &str, path: &str) -> Vec<Topic> {
    let page = format!("{}{path}", base(site));
    REPORT_TOPICS
        .iter()
        .map(|&(id, label)| {
            let url = match &site.changes_form {
                Some(form) => {
                    let sep = if form.contains('?') { '&' } else { '?' };
                    format!(
                        "{form}{sep}listing={}&page={}&topic={id}",
                        percent(name),
                        percent(&page)
                    )
                }
                None => {
                    let subject = format!("{name}: {label}");
                    let body =
                        format!("Page: {page}\nWhat is wrong: {label}\n\nPlease tell us more:\n");
                    format!(
                        "mailto:{}?subject={}&body={}",
                        site.changes_email,
                        percent(&subject),
                        percent(&body)
                    )
                }
            };
            Topic { id, label, url }
        })
        .collect()
}

/// The calendar links for a page that has a calendar file, `None` for other pages.
pub fn calendar_links(site: &SiteFile, path: &str) -> Option<CalendarLinks> {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let has_file = path.ends_with('/')
        && parts.len() == 2
        && ["activities", "providers", "when", "where", "what"].contains(&parts[0])
        && !parts[1].is_empty();
    if !has_file {
        return None;
    }
    let download = format!("{}{path}{}", base(site), ical::FILE_NAME);
    let subscribe = match download.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => download.clone(),
    };
    Some(CalendarLinks {
        download,
        subscribe,
    })
}

/// The share links: the page address, and an email with the Easy Read lines.
pub fn share(site: &SiteFile, title: &str, path: &str, lines: &[String]) -> Share {
    let url = format!("{}{path}", base(site));
    let mut body = String::new();
    for line in lines {
        body.push_str(line);
        body.push('\n');
    }
    if !body.is_empty() {
        body.push('\n');
    }
    body.push_str(&format!("See more: {url}\n"));
    let subject = format!("{title} – {}", site.name);
    Share {
        email: format!(
            "mailto:?subject={}&body={}",
            percent(&subject),
            percent(&body)
        ),
        url,
    }
}

/// Adds `calendar`, `share` and `report_topics` to a page's context.
pub fn extend_context(site: &SiteFile, meta: &Meta, ctx: &mut tera::Context) {
    ctx.insert("calendar", &calendar_links(site, &meta.path));
    let lines: Vec<String> = match ctx.get("easy_read") {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.get("text").and_then(|t| t.as_str()))
            .map(str::to_string)
            .collect(),
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    ctx.insert("share", &share(site, &meta.title, &meta.path, &lines));
    let topics = if LISTING_KINDS.contains(&meta.kind) {
        report_topics(site, &meta.title, &meta.path)
    } else {
        Vec::new()
    };
    ctx.insert("report_topics", &topics);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(form: Option<&str>) -> SiteFile {
        SiteFile {
            name: "Day Finder".into(),
            council: "Wyvern".into(),
            base_url: "https://dayfinder.example/".into(),
            time_zone: None,
            contact: Default::default(),
            changes_email: "listings@example.org".into(),
            changes_form: form.map(str::to_string),
        }
    }

    #[test]
    fn report_topics_name_the_listing_and_topic() {
        let t = report_topics(&site(None), "Art & craft", "activities/art/");
        assert_eq!(t.len(), 5);
        assert!(t[0].url.starts_with("mailto:listings@example.org?subject=Art%20%26%20craft%3A%20The%20times%20have%20changed&body="));
        let f = report_topics(
            &site(Some("https://forms.example/x?a=1")),
            "Art",
            "activities/art/",
        );
        assert_eq!(
            f[1].url,
            "https://forms.example/x?a=1&listing=Art&page=https%3A%2F%2Fdayfinder.example%2Factivities%2Fart%2F&topic=closed"
        );
    }

    #[test]
    fn calendar_links_only_where_there_is_a_file() {
        let c = calendar_links(&site(None), "when/monday/").unwrap();
        assert_eq!(
            c.download,
            "https://dayfinder.example/when/monday/calendar.ics"
        );
        assert_eq!(
            c.subscribe,
            "webcal://dayfinder.example/when/monday/calendar.ics"
        );
        assert!(calendar_links(&site(None), "when/").is_none());
        assert!(calendar_links(&site(None), "venues/hall/").is_none());
        assert!(calendar_links(&site(None), "").is_none());
    }
}
