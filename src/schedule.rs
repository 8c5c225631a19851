//! Times, dates and repeating sessions: when a session happens, what changed on a date, and
//! whether it counts as morning, afternoon, evening or weekend.
//!
//! The rules for parts of the day are defined here once, and shown to users from here.

use crate::content::model::{WeekOfMonth, Weekday};
use jiff::civil::Date;
use serde::Serialize;
use std::fmt;

/// A time of day, in minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Time(pub u16);

impl Time {
    pub const fn hm(hours: u16, minutes: u16) -> Time {
        Time(hours * 60 + minutes)
    }

    pub fn hours(self) -> u16 {
        self.0 / 60
    }

    pub fn minutes(self) -> u16 {
        self.0 % 60
    }

    /// "10am", "1:30pm", "12 noon": the way Easy Read writes times.
    pub fn easy(self) -> String {
        let (h, m) = (self.hours(), self.minutes());
        if h == 12 && m == 0 {
            return "12 noon".into();
        }
        if h == 0 && m == 0 {
            return "midnight".into();
        }
        let suffix = if h < 12 { "am" } else { "pm" };
        let h12 = match h % 12 {
            0 => 12,
            x => x,
        };
        if m == 0 {
            format!("{h12}{suffix}")
        } else {
            format!("{h12}:{m:02}{suffix}")
        }
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hours(), self.minutes())
    }
}

/// Parses "HH:MM" (24-hour). The error says what is wrong in plain words.
pub fn parse_time(text: &str) -> Result<Time, String> {
    let bad_shape =
        || format!("\"{text}\" is not a time: write it as HH:MM, such as 09:30 or 18:15");
    let (h, m) = text.trim().split_once(':').ok_or_else(bad_shape)?;
    if h.is_empty()
        || h.len() > 2
        || m.len() != 2
        || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(bad_shape());
    }
    let (h, m): (u16, u16) = (
        h.parse().map_err(|_| bad_shape())?,
        m.parse().map_err(|_| bad_shape())?,
    );
    if h > 23 {
        return Err(format!("\"{text}\" is not a time: hours go from 00 to 23"));
    }
    if m > 59 {
        return Err(format!(
            "\"{text}\" is not a time: minutes go from 00 to 59"
        ));
    }
    Ok(Time::hm(h, m))
}

/// Parses "YYYY-MM-DD". The error says what is wrong in plain words.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let shape_ok = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(format!(
            "\"{text}\" is not a date: write it as YYYY-MM-DD, such as 2026-12-01"
        ));
    }
    t.parse::<Date>()
        .map_err(|_| format!("\"{text}\" is not a real date: check the month and the day"))
}

pub fn jiff_weekday(day: Weekday) -> jiff::civil::Weekday {
    use jiff::civil::Weekday as J;
    match day {
        Weekday::Monday => J::Monday,
        Weekday::Tuesday => J::Tuesday,
        Weekday::Wednesday => J::Wednesday,
        Weekday::Thursday => J::Thursday,
        Weekday::Friday => J::Friday,
        Weekday::Saturday => J::Saturday,
        Weekday::Sunday => J::Sunday,
    }
}

pub fn weekday_of(date: Date) -> Weekday {
    ALL_DAYS[date.weekday().to_monday_zero_offset() as usize]
}

pub const ALL_DAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

impl Weekday {
    pub fn id(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        }
    }

    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }
}

impl WeekOfMonth {
    pub fn name(self) -> &'static str {
        match self {
            WeekOfMonth::First => "first",
            WeekOfMonth::Second => "second",
            WeekOfMonth::Third => "third",
            WeekOfMonth::Fourth => "fourth",
            WeekOfMonth::Last => "last",
        }
    }
}

/// The parts of the day, defined once. `RULES` says them in words for users.
pub const MORNING_STARTS_BEFORE: Time = Time::hm(12, 0);
pub const AFTERNOON_STARTS_BEFORE: Time = Time::hm(17, 0);
pub const AFTERNOON_ENDS_AFTER: Time = Time::hm(13, 0);
pub const EVENING_ENDS_AFTER: Time = Time::hm(18, 0);

/// The rules above in plain words, shown on the "When" pages.
pub const RULES: [(&str, &str); 4] = [
    ("mornings", "A morning session starts before 12 noon."),
    (
        "afternoons",
        "An afternoon session starts before 5pm and ends after 1pm.",
    ),
    ("evenings", "An evening session ends after 6pm."),
    (
        "weekends",
        "A weekend session is on a Saturday or a Sunday.",
    ),
];

/// How often a session repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    Weekly,
    /// Every other week, counting from this date (which falls on the session's day).
    Fortnightly(Date),
    /// The nth (or last) of the session's weekday in each month.
    Monthly(WeekOfMonth),
}

/// What happens to one date of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ChangeKind {
    Cancelled,
    Moved {
        start: Time,
        end: Time,
        venue: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub date: Date,
    pub kind: ChangeKind,
    pub reason: Option<String>,
}

/// A validated session: when and where an activity happens.
#[derive(Debug, Clone)]
pub struct Session {
    pub venue: Option<String>,
    pub online: bool,
    pub online_how: Option<String>,
    pub day: Weekday,
    pub start: Time,
    pub end: Time,
    pub recurrence: Recurrence,
    pub from: Option<Date>,
    pub until: Option<Date>,
    pub changes: Vec<Change>,
}

/// One dated occurrence of a session, with any change applied.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub date: Date,
    pub start: Time,
    pub end: Time,
    pub venue: Option<String>,
    pub change: Option<Change>,
}

impl Occurrence {
    pub fn cancelled(&self) -> bool {
        matches!(
            self.change,
            Some(Change {
                kind: ChangeKind::Cancelled,
                ..
            })
        )
    }
}

impl Session {
    pub fn is_morning(&self) -> bool {
        self.start < MORNING_STARTS_BEFORE
    }

    pub fn is_afternoon(&self) -> bool {
        self.start < AFTERNOON_STARTS_BEFORE && self.end > AFTERNOON_ENDS_AFTER
    }

    pub fn is_evening(&self) -> bool {
        self.end > EVENING_ENDS_AFTER
    }

    pub fn is_weekend(&self) -> bool {
        self.day.is_weekend()
    }

    /// Whether the regular pattern (ignoring changes) has a session on `date`.
    pub fn runs_on(&self, date: Date) -> bool {
        if weekday_of(date) != self.day {
            return false;
        }
        if self.from.is_some_and(|f| date < f) || self.until.is_some_and(|u| date > u) {
            return false;
        }
        match self.recurrence {
            Recurrence::Weekly => true,
            Recurrence::Fortnightly(anchor) => {
                let days = (date - anchor).get_days();
                days.rem_euclid(14) == 0
            }
            Recurrence::Monthly(week) => {
                let d = date.day();
                match week {
                    WeekOfMonth::Last => d + 7 > date.days_in_month(),
                    nth => (d as i32 - 1) / 7 == nth_index(nth),
                }
            }
        }
    }

    /// Every date from `from` to `to` (inclusive) the session runs on, with changes applied.
    pub fn occurrences(&self, from: Date, to: Date) -> Vec<Occurrence> {
        let mut out = Vec::new();
        let offset = (jiff_weekday(self.day).to_monday_zero_offset() as i32
            - from.weekday().to_monday_zero_offset() as i32)
            .rem_euclid(7);
        let mut date = match from.checked_add(jiff::Span::new().days(offset)) {
            Ok(d) => d,
            Err(_) => return out,
        };
        while date <= to {
            if self.runs_on(date) {
                let change = self.changes.iter().find(|c| c.date == date).cloned();
                let (start, end, venue) = match &change {
                    Some(Change {
                        kind: ChangeKind::Moved { start, end, venue },
                        ..
                    }) => (*start, *end, venue.clone().or_else(|| self.venue.clone())),
                    _ => (self.start, self.end, self.venue.clone()),
                };
                out.push(Occurrence {
                    date,
                    start,
                    end,
                    venue,
                    change,
                });
            }
            date = match date.checked_add(jiff::Span::new().days(7)) {
                Ok(d) => d,
                Err(_) => break,
            };
        }
        out
    }

    /// "Mondays", "Mondays, every 2 weeks", "the first Monday of each month".
    pub fn pattern_words(&self) -> String {
        match self.recurrence {
            Recurrence::Weekly => format!("{}s", self.day.name()),
            Recurrence::Fortnightly(_) => format!("{}s, every 2 weeks", self.day.name()),
            Recurrence::Monthly(w) => format!("the {} {} of each month", w.name(), self.day.name()),
        }
    }
}

fn nth_index(week: WeekOfMonth) -> i32 {
    match week {
        WeekOfMonth::First => 0,
        WeekOfMonth::Second => 1,
        WeekOfMonth::Third => 2,
        WeekOfMonth::Fourth => 3,
        WeekOfMonth::Last => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn session(day: Weekday, start: Time, end: Time, recurrence: Recurrence) -> Session {
        Session {
            venue: Some("hall".into()),
            online: false,
            online_how: None,
            day,
            start,
            end,
            recurrence,
            from: None,
            until: None,
            changes: Vec::new(),
        }
    }

    #[test]
    fn parses_times_and_explains_bad_ones() {
        assert_eq!(parse_time("09:30"), Ok(Time::hm(9, 30)));
        assert_eq!(parse_time("9:05"), Ok(Time::hm(9, 5)));
        assert!(parse_time("25:00")
            .unwrap_err()
            .contains("hours go from 00 to 23"));
        assert!(parse_time("10:75").unwrap_err().contains("minutes"));
        assert!(parse_time("9.30").unwrap_err().contains("HH:MM"));
        assert!(parse_date("2026-02-30")
            .unwrap_err()
            .contains("not a real date"));
        assert!(parse_date("1/12/2026").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn easy_read_times() {
        assert_eq!(Time::hm(10, 0).easy(), "10am");
        assert_eq!(Time::hm(13, 30).easy(), "1:30pm");
        assert_eq!(Time::hm(12, 0).easy(), "12 noon");
    }

    #[test]
    fn parts_of_the_day() {
        let all_day = session(
            Weekday::Monday,
            Time::hm(10, 0),
            Time::hm(15, 0),
            Recurrence::Weekly,
        );
        assert!(all_day.is_morning() && all_day.is_afternoon() && !all_day.is_evening());
        let late = session(
            Weekday::Friday,
            Time::hm(17, 0),
            Time::hm(18, 0),
            Recurrence::Weekly,
        );
        assert!(!late.is_evening(), "ending at exactly 6pm is not evening");
        let disco = session(
            Weekday::Saturday,
            Time::hm(19, 0),
            Time::hm(21, 0),
            Recurrence::Weekly,
        );
        assert!(disco.is_evening() && disco.is_weekend() && !disco.is_afternoon());
    }

    #[test]
    fn fortnightly_monthly_and_changes() {
        let mut s = session(
            Weekday::Monday,
            Time::hm(10, 0),
            Time::hm(12, 0),
            Recurrence::Fortnightly(date(2026, 11, 30)),
        );
        s.changes.push(Change {
            date: date(2026, 12, 14),
            kind: ChangeKind::Cancelled,
            reason: None,
        });
        let dates: Vec<_> = s
            .occurrences(date(2026, 11, 27), date(2026, 12, 31))
            .iter()
            .map(|o| (o.date, o.cancelled()))
            .collect();
        assert_eq!(
            dates,
            vec![
                (date(2026, 11, 30), false),
                (date(2026, 12, 14), true),
                (date(2026, 12, 28), false)
            ]
        );

        let last_fri = session(
            Weekday::Friday,
            Time::hm(10, 0),
            Time::hm(12, 0),
            Recurrence::Monthly(WeekOfMonth::Last),
        );
        let dates: Vec<_> = last_fri
            .occurrences(date(2026, 11, 1), date(2027, 1, 31))
            .iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(
            dates,
            vec![date(2026, 11, 27), date(2026, 12, 25), date(2027, 1, 29)]
        );

        let first_tue = session(
            Weekday::Tuesday,
            Time::hm(10, 0),
            Time::hm(12, 0),
            Recurrence::Monthly(WeekOfMonth::First),
        );
        let dates: Vec<_> = first_tue
            .occurrences(date(2026, 12, 1), date(2027, 1, 31))
            .iter()
            .map(|o| o.date)
            .collect();
        assert_eq!(dates, vec![date(2026, 12, 1), date(2027, 1, 5)]);
    }
}
