//! Coverage for commissioners: regular sessions by area × time band × who they are for,
//! with the gaps named in words and a bar chart drawn as SVG at build time.
//!
//! Counted: the weekly pattern of every session of a running activity that has not ended
//! (a session's `until` before today). A session is "weekend" on Saturday or Sunday
//! (`Session::is_weekend`); otherwise "weekday evening" when `Session::is_evening`, else
//! "weekday daytime". An activity for several groups counts once for each group. Online
//! sessions have no area and are counted in their own row.

use crate::content::model::Status;
use crate::content::Directory;
use crate::schedule::Session;
use serde::Serialize;

/// The three time bands, in table order.
pub const BANDS: [(&str, &str); 3] = [
    ("weekday-daytime", "Weekday daytime"),
    ("weekday-evening", "Weekday evening"),
    ("weekend", "Weekend"),
];

/// Id of the row for online sessions, which have no area.
pub const ONLINE: &str = "online";

/// The band of a session: 0 weekday daytime, 1 weekday evening, 2 weekend.
pub fn band(s: &Session) -> usize {
    if s.is_weekend() {
        2
    } else if s.is_evening() {
        1
    } else {
        0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub who: String,
    pub who_label: String,
    /// Sessions in each band.
    pub counts: [usize; 3],
    pub total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaBlock {
    pub area: String,
    pub area_label: String,
    pub rows: Vec<Row>,
    /// Sessions in each band, each counted once however many groups it is for.
    pub sessions: [usize; 3],
    /// "No weekend sessions for people living with dementia in Northfield."
    pub gaps: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub bands: Vec<&'static str>,
    pub areas: Vec<AreaBlock>,
    pub total_sessions: usize,
    /// The chart, as inline SVG markup.
    pub svg: String,
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The area of a session: its venue's area, or `online`.
fn area_of(dir: &Directory, s: &Session) -> Option<String> {
    match &s.venue {
        Some(v) => dir.venue(v).map(|v| v.data.area.clone()),
        None if s.online => Some(ONLINE.to_string()),
        None => None,
    }
}

pub fn compute(dir: &Directory) -> Coverage {
    let vocab = &dir.vocabulary;
    let mut areas: Vec<(String, String)> = vocab
        .areas
        .iter()
        .map(|t| (t.id.clone(), t.label.clone()))
        .collect();
    areas.push((ONLINE.into(), "Online".into()));
    let mut blocks: Vec<AreaBlock> = areas
        .iter()
        .map(|(id, label)| AreaBlock {
            area: id.clone(),
            area_label: label.clone(),
            rows: vocab
                .who_for
                .iter()
                .map(|t| Row {
                    who: t.id.clone(),
                    who_label: t.label.clone(),
                    counts: [0; 3],
                    total: 0,
                })
                .collect(),
            sessions: [0; 3],
            gaps: Vec::new(),
        })
        .collect();
    let mut total = 0;
    for a in &dir.activities {
        if a.data.status != Status::Running {
            continue;
        }
        for s in a.sessions.iter() {
            if s.until.is_some_and(|u| u < dir.today) {
                continue;
            }
            let Some(area) = area_of(dir, s) else {
                continue;
            };
            let Some(block) = blocks.iter_mut().find(|b| b.area == area) else {
                continue;
            };
            let b = band(s);
            block.sessions[b] += 1;
            total += 1;
            for w in &a.data.who_for {
                if let Some(row) = block.rows.iter_mut().find(|r| &r.who == w) {
                    row.counts[b] += 1;
                    row.total += 1;
                }
            }
        }
    }
    for block in &mut blocks {
        let place = if block.area == ONLINE {
            "online".to_string()
        } else {
            format!("in {}", block.area_label)
        };
        for row in &block.rows {
            for (i, (_, band_label)) in BANDS.iter().enumerate() {
                if row.counts[i] == 0 {
                    block.gaps.push(format!(
                        "No {} sessions for {} {place}.",
                        lower_first(band_label),
                        lower_first(&row.who_label)
                    ));
                }
            }
        }
    }
    let svg = chart(&blocks);
    Coverage {
        bands: BANDS.iter().map(|(_, l)| *l).collect(),
        areas: blocks,
        total_sessions: total,
        svg,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Colours for the three bands: dark enough for 3:1 against white, told apart by pattern
/// of position and by the labels beside every bar (never by colour alone).
const COLOURS: [&str; 3] = ["#1d70b8", "#00703c", "#912b88"];

/// A horizontal bar chart: for each area, one bar per band, with its number written beside.
pub fn chart(blocks: &[AreaBlock]) -> String {
    let max = blocks
        .iter()
        .flat_map(|b| b.sessions)
        .max()
        .unwrap_or(0)
        .max(1);
    let label_w = 150;
    let bar_w = 380;
    let bar_h = 16;
    let group_h = bar_h * 3 + 22;
    let top = 30;
    let height = top + group_h * blocks.len() + 10;
    let width = label_w + bar_w + 60;
    let mut desc = Vec::new();
    let mut out = String::new();
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">\n"
    ));
    out.push_str("<title id=\"chart-title\">Sessions each week by area and time band</title>\n");
    for b in blocks {
        desc.push(format!(
            "{}: {} weekday daytime, {} weekday evening, {} weekend",
            b.area_label, b.sessions[0], b.sessions[1], b.sessions[2]
        ));
    }
    out.push_str(&format!(
        "<desc id=\"chart-desc\">{}.</desc>\n",
        escape(&desc.join("; "))
    ));
    // Key.
    for (i, (_, label)) in BANDS.iter().enumerate() {
        let x = label_w + i * 140;
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"6\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{}\" y=\"18\" font-size=\"13\" fill=\"#0b0c0c\">{label}</text>\n",
            COLOURS[i],
            x + 20
        ));
    }
    for (g, b) in blocks.iter().enumerate() {
        let y0 = top + g * group_h;
        out.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"14\" font-weight=\"bold\" fill=\"#0b0c0c\">{}</text>\n",
            y0 + bar_h + 12,
            escape(&b.area_label)
        ));
        for (i, count) in b.sessions.iter().enumerate() {
            let y = y0 + i * bar_h + 4;
            let w = count * bar_w / max;
            out.push_str(&format!(
                "<rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#0b0c0c\">{count}</text>\n",
                bar_h - 2,
                COLOURS[i],
                label_w + w + 6,
                y + bar_h - 4
            ));
        }
    }
    out.push_str("</svg>");
    out
}
