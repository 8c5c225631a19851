//! "Changes this week and next": every dated change from today to the end of next week,
//! and every activity that is closed for now, in Easy Read with pictures.

use super::{date_words, long_date, Alert, Card, Deriver, EasyLine, PageSpec};
use jiff::civil::Date;
use jiff::Span;
use serde::Serialize;
use std::collections::BTreeMap;

/// Where the page lives, and its feed.
pub const PATH: &str = "changes/";

#[derive(Debug, Clone, Serialize)]
struct ChangeDay {
    name: String,
    date_iso: String,
    alerts: Vec<Alert>,
}

/// The last day the page covers: the Sunday of next week.
pub fn end_of_next_week(today: Date) -> Date {
    let to_sunday = 6 - today.weekday().to_monday_zero_offset() as i64;
    today
        .checked_add(Span::new().days(to_sunday + 7))
        .unwrap_or(today)
}

impl Deriver<'_> {
    pub(super) fn changes_page(&self) -> PageSpec {
        let today = self.today();
        let end = end_of_next_week(today);
        let end_iso = end.to_string();
        let mut days: BTreeMap<String, ChangeDay> = BTreeMap::new();
        for card in &self.cards {
            for alert in card.alerts.iter().filter(|a| a.date_iso <= end_iso) {
                days.entry(alert.date_iso.clone())
                    .or_insert_with(|| ChangeDay {
                        name: alert.date.clone(),
                        date_iso: alert.date_iso.clone(),
                        alerts: Vec::new(),
                    })
                    .alerts
                    .push(alert.clone());
            }
        }
        let mut days: Vec<ChangeDay> = days.into_values().collect();
        for d in &mut days {
            d.alerts.sort_by(|a, b| {
                (a.activity_name.to_lowercase(), &a.activity_url)
                    .cmp(&(b.activity_name.to_lowercase(), &b.activity_url))
            });
        }
        let mut closed: Vec<Card> = self
            .cards
            .iter()
            .filter(|c| c.status == "temporarily-closed")
            .map(|c| Card::clone(c))
            .collect();
        closed.sort_by_key(|c| (c.name.to_lowercase(), c.id.clone()));
        let count: usize = days.iter().map(|d| d.alerts.len()).sum();
        let easy_read = vec![
            EasyLine {
                text: format!("This page shows changes from today to {}.", date_words(end)),
                picture: self.pic("📅"),
                own: false,
            },
            EasyLine {
                text: "A session may be cancelled. Nobody meets that day.".into(),
                picture: self.pic("cancelled"),
                own: false,
            },
            EasyLine {
                text: "A session may move to a new time or place.".into(),
                picture: self.pic("moved"),
                own: false,
            },
            EasyLine {
                text: "Some groups are closed for now.".into(),
                picture: self.pic("closed"),
                own: false,
            },
        ];
        let closed_picture = self.pic("closed");
        let mut ctx = tera::Context::new();
        ctx.insert("easy_read", &easy_read);
        ctx.insert("days", &days);
        ctx.insert("count", &count);
        ctx.insert("closed", &closed);
        ctx.insert("closed_picture", &closed_picture);
        ctx.insert(
            "period",
            &format!("{} to {}", long_date(today), long_date(end)),
        );
        ctx.insert("feed_url", &self.url("changes/feed.xml"));
        let meta = self.meta(
            "Changes this week and next",
            "Cancelled sessions, new times and places, and groups that are closed for now.",
            PATH,
            "changes",
            vec![("Home", "")],
        );
        self.page(meta, "changes.html", ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_week_ends_on_the_sunday_after_this_one() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(end_of_next_week(d("2026-11-27")), d("2026-12-06"));
        assert_eq!(end_of_next_week(d("2026-11-23")), d("2026-12-06"));
        assert_eq!(end_of_next_week(d("2026-11-29")), d("2026-12-06"));
    }
}
