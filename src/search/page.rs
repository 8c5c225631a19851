//! The search page: reading a request from a URL, and what the template shows for it (the
//! form with its filters ticked, results, active filters with "remove" links, pages).

use super::query::{FilterValues, Request, Results, DAYS, MAX_PAGE};
use super::text::MAX_QUERY_CHARS;
use serde::Serialize;

/// Longest query string the server reads, in bytes; anything longer is cut.
pub const MAX_URL_QUERY: usize = 4096;

/// Reads `q=…&day=…&when=…` (as the search form sends it) into a request. Never fails:
/// bad escapes are kept as text, unknown names are ignored, values are bounded.
pub fn request_from_query(query: &str) -> Request {
    let mut r = Request {
        page: 1,
        ..Request::default()
    };
    let cut: String = query.chars().take(MAX_URL_QUERY).collect();
    for pair in cut.split('&').filter(|p| !p.is_empty()).take(64) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        let value: String = value.chars().take(MAX_QUERY_CHARS * 2).collect();
        match decode(name).as_str() {
            "q" => r.text = value,
            "day" => r.days.push(value),
            "when" => match value.as_str() {
                "morning" => r.morning = true,
                "afternoon" => r.afternoon = true,
                "evening" => r.evening = true,
                "weekend" => r.weekend = true,
                _ => {}
            },
            "facility" => r.facilities.push(value),
            "for" => r.who_for.push(value),
            "area" => r.areas.push(value),
            "support" => r.support.push(value),
            "pay" => r.pay.push(value),
            "cost" if !value.is_empty() && value != "any" => r.cost = Some(value),
            "page" => r.page = value.parse::<usize>().unwrap_or(1).clamp(1, MAX_PAGE),
            _ => {}
        }
    }
    r
}

/// Percent-decoding with `+` as space; invalid escapes and invalid UTF-8 are kept readable.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn encode(s: &str) -> String {
    crate::site::percent(s)
}

/// The request as a URL query string, in a fixed order (for links).
pub fn query_string(r: &Request) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !r.text.is_empty() {
        parts.push(format!("q={}", encode(&r.text)));
    }
    for d in &r.days {
        parts.push(format!("day={}", encode(d)));
    }
    for (on, w) in [
        (r.morning, "morning"),
        (r.afternoon, "afternoon"),
        (r.evening, "evening"),
        (r.weekend, "weekend"),
    ] {
        if on {
            parts.push(format!("when={w}"));
        }
    }
    for (name, list) in [
        ("facility", &r.facilities),
        ("for", &r.who_for),
        ("area", &r.areas),
        ("support", &r.support),
        ("pay", &r.pay),
    ] {
        for v in list {
            parts.push(format!("{name}={}", encode(v)));
        }
    }
    if let Some(c) = &r.cost {
        parts.push(format!("cost={}", encode(c)));
    }
    if r.page > 1 {
        parts.push(format!("page={}", r.page));
    }
    parts.join("&")
}

#[derive(Debug, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// The form, with the request's choices ticked.
#[derive(Debug, Serialize)]
pub struct FormView {
    pub q: String,
    pub days: Vec<Choice>,
    pub when: Vec<Choice>,
    pub facilities: Vec<Choice>,
    pub who_for: Vec<Choice>,
    pub areas: Vec<Choice>,
    pub support: Vec<Choice>,
    pub costs: Vec<Choice>,
    /// True when any filter is ticked (the filters open by default then).
    pub filtered: bool,
}

pub fn form(values: &FilterValues, r: &Request) -> FormView {
    let choices = |kind: &str, ids: &[String], chosen: &[String]| -> Vec<Choice> {
        ids.iter()
            .map(|id| Choice {
                value: id.clone(),
                label: values.label(kind, id),
                checked: chosen.contains(id),
            })
            .collect()
    };
    let days = DAYS
        .iter()
        .map(|d| Choice {
            value: d.to_string(),
            label: format!("{}{}", d[..1].to_uppercase(), &d[1..]),
            checked: r.days.iter().any(|x| x == d),
        })
        .collect();
    let when = [
        ("morning", "Morning", r.morning),
        ("afternoon", "Afternoon", r.afternoon),
        ("evening", "Evening (ends after 6pm)", r.evening),
        ("weekend", "Weekend", r.weekend),
    ]
    .into_iter()
    .map(|(v, l, c)| Choice {
        value: v.into(),
        label: l.into(),
        checked: c,
    })
    .collect();
    let cost = r.cost.clone().unwrap_or_else(|| "any".into());
    let costs = [
        ("any", "Any cost"),
        ("free", "Free"),
        ("upto5", "Up to £5"),
        ("upto10", "Up to £10"),
    ]
    .into_iter()
    .map(|(v, l)| Choice {
        value: v.into(),
        label: l.into(),
        checked: cost == v,
    })
    .collect();
    let filtered = !(r.days.is_empty()
        && !r.morning
        && !r.afternoon
        && !r.evening
        && !r.weekend
        && r.facilities.is_empty()
        && r.who_for.is_empty()
        && r.areas.is_empty()
        && r.support.is_empty()
        && r.cost.is_none());
    FormView {
        q: r.text.clone(),
        days,
        when,
        facilities: choices("access", &values.access, &r.facilities),
        who_for: choices("for", &values.who_for, &r.who_for),
        areas: choices("area", &values.area, &r.areas),
        support: choices("support", &values.support, &r.support),
        costs,
        filtered,
    }
}

#[derive(Debug, Serialize)]
pub struct HitView {
    pub name: String,
    pub url: String,
    pub kind: String,
    pub provider: String,
    pub summary: String,
    pub when: Vec<String>,
    pub place: String,
    pub cost: String,
    pub status: String,
}

#[derive(Debug, Serialize)]
pub struct LinkView {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// Results as the template shows them.
#[derive(Debug, Serialize)]
pub struct ResultsView {
    pub total: usize,
    /// "1 result", "12 results".
    pub count: String,
    pub hits: Vec<HitView>,
    pub notes: Vec<String>,
    pub suggestion: Option<LinkView>,
    /// Each active filter with a link that removes it.
    pub active: Vec<LinkView>,
    pub pages: Vec<PageLink>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

pub fn results_view(root: &str, values: &FilterValues, r: &Request, res: &Results) -> ResultsView {
    let link = |req: &Request| {
        let q = query_string(req);
        if q.is_empty() {
            format!("{root}search/")
        } else {
            format!("{root}search/?{q}")
        }
    };
    let mut base = r.clone();
    base.page = 1;
    let mut active = Vec::new();
    if !r.text.is_empty() {
        let mut x = base.clone();
        x.text.clear();
        active.push(LinkView {
            label: format!("Words: {}", r.text.chars().take(60).collect::<String>()),
            url: link(&x),
        });
    }
    for d in &r.days {
        let mut x = base.clone();
        x.days.retain(|y| y != d);
        active.push(LinkView {
            label: format!("Day: {d}"),
            url: link(&x),
        });
    }
    for (on, name) in [
        (r.morning, "morning"),
        (r.afternoon, "afternoon"),
        (r.evening, "evening"),
        (r.weekend, "weekend"),
    ] {
        if on {
            let mut x = base.clone();
            match name {
                "morning" => x.morning = false,
                "afternoon" => x.afternoon = false,
                "evening" => x.evening = false,
                _ => x.weekend = false,
            }
            active.push(LinkView {
                label: format!("When: {name}"),
                url: link(&x),
            });
        }
    }
    let lists: [(&str, &str, &Vec<String>); 5] = [
        ("access", "Access", &r.facilities),
        ("for", "For", &r.who_for),
        ("area", "Area", &r.areas),
        ("support", "Support", &r.support),
        ("pay", "Pay with", &r.pay),
    ];
    for (kind, title, list) in lists {
        for v in list {
            let mut x = base.clone();
            match kind {
                "access" => x.facilities.retain(|y| y != v),
                "for" => x.who_for.retain(|y| y != v),
                "area" => x.areas.retain(|y| y != v),
                "support" => x.support.retain(|y| y != v),
                _ => x.pay.retain(|y| y != v),
            }
            active.push(LinkView {
                label: format!("{title}: {}", values.label(kind, v)),
                url: link(&x),
            });
        }
    }
    if let Some(c) = &r.cost {
        let mut x = base.clone();
        x.cost = None;
        active.push(LinkView {
            label: format!("Cost: {c}"),
            url: link(&x),
        });
    }
    let pages: Vec<PageLink> = if res.pages > 1 {
        (1..=res.pages)
            .map(|n| {
                let mut x = base.clone();
                x.page = n;
                PageLink {
                    number: n,
                    url: link(&x),
                    current: n == res.page,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let at = |n: usize| pages.iter().find(|p| p.number == n).map(|p| p.url.clone());
    let suggestion = res.suggestion.as_ref().map(|s| {
        let mut x = base.clone();
        x.text = replace_unmatched(&r.text, &res.understood.words, s);
        LinkView {
            label: s.clone(),
            url: link(&x),
        }
    });
    ResultsView {
        total: res.total,
        count: if res.total == 1 {
            "1 result".into()
        } else {
            format!("{} results", res.total)
        },
        hits: res
            .hits
            .iter()
            .map(|h| HitView {
                name: h.name.clone(),
                url: format!("{root}{}", h.path),
                kind: h.kind.clone(),
                provider: h.provider.clone(),
                summary: h.summary.clone(),
                when: h.when.clone(),
                place: h.place.clone(),
                cost: h.cost.clone(),
                status: h.status.clone(),
            })
            .collect(),
        notes: res.notes.clone(),
        suggestion,
        active,
        previous: if res.page > 1 { at(res.page - 1) } else { None },
        next: at(res.page + 1),
        pages,
    }
}

/// The query with its last word that matched nothing replaced by the suggestion.
fn replace_unmatched(text: &str, words: &[String], suggestion: &str) -> String {
    let lower = text.to_lowercase();
    for w in words.iter().rev() {
        if let Some(i) = lower.find(w.as_str()) {
            if lower.is_char_boundary(i)
                && text.is_char_boundary(i)
                && text.is_char_boundary(i + w.len())
            {
                return format!("{}{}{}", &text[..i], suggestion, &text[i + w.len()..]);
            }
        }
    }
    suggestion.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_query_strings() {
        let r = request_from_query("q=swim%20club+now&day=saturday&when=evening&facility=changing-places&cost=free&page=2&zzz=1");
        assert_eq!(r.text, "swim club now");
        assert_eq!(r.days, vec!["saturday"]);
        assert!(r.evening && !r.weekend);
        assert_eq!(r.page, 2);
        assert_eq!(query_string(&r), "q=swim%20club%20now&day=saturday&when=evening&facility=changing-places&cost=free&page=2");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%ff%fe"), "\u{fffd}\u{fffd}");
        assert_eq!(request_from_query("page=999999999999999999999").page, 1);
    }
}
