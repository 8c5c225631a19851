//! An Atom feed (RFC 4287) of changes and listings: `changes/feed.xml`.
//!
//! Entries are every cancelled or moved session from today to the end of next week, every
//! activity that is closed for now, and every activity listing (updated when staff last
//! checked it). Times come from the content and the build's "today", never the clock.

use super::ical::base;
use crate::content::model::Status;
use crate::content::Directory;
use crate::render::OutFile;
use crate::schedule::ChangeKind;
use jiff::civil::Date;
use jiff::Span;

pub const PATH: &str = "changes/feed.xml";

/// A change is news from this many days before its date (when its banner first shows).
const NEWS_DAYS: i64 = 14;

struct Entry {
    id: String,
    title: String,
    link: String,
    updated: Date,
    summary: String,
}

fn stamp(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn end_of_next_week(today: Date) -> Date {
    let to_sunday = 6 - today.weekday().to_monday_zero_offset() as i64;
    today
        .checked_add(Span::new().days(to_sunday + 7))
        .unwrap_or(today)
}

fn entries(dir: &Directory) -> Vec<Entry> {
    let base = base(dir);
    let today = dir.today;
    let end = end_of_next_week(today);
    let mut out = Vec::new();
    for a in &dir.activities {
        let provider = &dir.providers[a.provider];
        let link = format!("{base}activities/{}/", a.id);
        if a.data.status == Status::Running {
            for (n, s) in a.sessions.iter().enumerate() {
                for o in s.occurrences(today, end) {
                    let Some(change) = &o.change else { continue };
                    let reason = change
                        .reason
                        .as_deref()
                        .map(|r| format!(" {}", r.trim()))
                        .unwrap_or_default();
                    let when = o.date.strftime("%A %-d %B");
                    let (title, summary) = match &change.kind {
                        ChangeKind::Cancelled => (
                            format!("Cancelled: {} on {when}", a.data.name),
                            format!("{} is cancelled on {when}.{reason}", a.data.name),
                        ),
                        ChangeKind::Moved { start, end, venue } => {
                            let place = venue
                                .as_deref()
                                .and_then(|v| dir.venue(v))
                                .map(|v| format!(" at {}", v.data.name))
                                .unwrap_or_default();
                            (
                                format!("Changed: {} on {when}", a.data.name),
                                format!(
                                    "{} on {when} is {} to {}{place}, not {} to {}.{reason}",
                                    a.data.name,
                                    start.easy(),
                                    end.easy(),
                                    s.start.easy(),
                                    s.end.easy()
                                ),
                            )
                        }
                    };
                    let news = o
                        .date
                        .checked_sub(Span::new().days(NEWS_DAYS))
                        .unwrap_or(o.date)
                        .max(provider.reviewed);
                    out.push(Entry {
                        id: format!("{link}#change-{}-{}", n + 1, o.date),
                        title,
                        link: link.clone(),
                        updated: news,
                        summary,
                    });
                }
            }
        }
        if a.data.status == Status::TemporarilyClosed {
            out.push(Entry {
                id: format!("{link}#closed"),
                title: format!("Closed for now: {}", a.data.name),
                link: link.clone(),
                updated: provider.reviewed,
                summary: a
                    .data
                    .status_message
                    .clone()
                    .unwrap_or_else(|| format!("{} is closed for now.", a.data.name)),
            });
        }
        out.push(Entry {
            id: link.clone(),
            title: format!("Listing: {}", a.data.name),
            link,
            updated: provider.reviewed,
            summary: format!(
                "{} Run by {}. Checked with them on {}.",
                a.data.summary.trim(),
                provider.data.name,
                provider.reviewed.strftime("%-d %B %Y")
            ),
        });
    }
    out.sort_by(|x, y| y.updated.cmp(&x.updated).then(x.id.cmp(&y.id)));
    out
}

pub fn outputs(dir: &Directory) -> Vec<OutFile> {
    let base = base(dir);
    let entries = entries(dir);
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or(dir.today);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en-GB\">\n");
    x.push_str(&format!(
        "  <title>{} – changes and listings</title>\n",
        xml(&dir.site.name)
    ));
    x.push_str(&format!(
        "  <subtitle>Cancelled and moved sessions, groups closed for now, and new or updated listings from {}.</subtitle>\n",
        xml(&dir.site.council)
    ));
    x.push_str(&format!("  <id>{}</id>\n", xml(&format!("{base}{PATH}"))));
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml(&format!("{base}{PATH}"))
    ));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&format!("{base}changes/"))
    ));
    x.push_str(&format!("  <updated>{}</updated>\n", stamp(updated)));
    x.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml(&dir.site.council)
    ));
    for e in &entries {
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <id>{}</id>\n", xml(&e.id)));
        x.push_str(&format!("    <title>{}</title>\n", xml(&e.title)));
        x.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&e.link)
        ));
        x.push_str(&format!("    <updated>{}</updated>\n", stamp(e.updated)));
        x.push_str(&format!("    <summary>{}</summary>\n", xml(&e.summary)));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    vec![OutFile {
        path: PATH.into(),
        bytes: x.into_bytes(),
    }]
}
