//! The text rules search uses, written so the static client (`themes/default/js/search.js`)
//! can follow them exactly: how text becomes words, which words are ignored, which words
//! are filters, and how close a typed word must be to a word in the directory.
//!
//! Keep the two in step: `tests/search.rs` runs both on the same queries.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// Words too common to help; dropped from queries (they are still in the index).
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "any", "are", "at", "be", "by", "can", "do", "for", "from", "i", "in", "is",
    "it", "me", "my", "near", "of", "on", "or", "some", "the", "there", "to", "want", "we", "what",
    "when", "where", "which", "who", "with", "you",
];

/// Longest query Signpost reads, in characters. Longer text is cut and the user told.
pub const MAX_QUERY_CHARS: usize = 200;
/// At most this many words of a query are used.
pub const MAX_QUERY_WORDS: usize = 12;

/// Lower-case words: runs of letters and digits. Everything else separates words.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The stem that groups a word with its other forms ("swimming", "swims" → "swim").
pub fn stem(word: &str) -> String {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER
        .get_or_init(|| Stemmer::create(Algorithm::English))
        .stem(word)
        .into_owned()
}

/// How many typing mistakes a query word may have: none for short words, 1 for 4 to 6
/// letters, 2 for longer ones.
pub fn allowed_typos(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

/// Whether a typed word matches a dictionary word: the same word, or within the allowed
/// typos with the same first letter (people who misspell usually get the first letter
/// right, and it keeps the page's word lists small).
pub fn word_matches(typed: &str, word: &str) -> bool {
    if typed == word {
        return true;
    }
    let limit = allowed_typos(typed);
    limit > 0
        && typed.chars().next() == word.chars().next()
        && typo_distance(typed, word, limit) <= limit
}

/// Edit distance where swapping two neighbouring letters counts as one mistake
/// (optimal string alignment). Stops early once it passes `limit`.
pub fn typo_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Words in a query that act as filters rather than text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterWord {
    Day(usize),
    Morning,
    Afternoon,
    Evening,
    Weekend,
    Free,
}

/// Day names and time words people type, with their plural and short forms.
pub fn filter_word(word: &str) -> Option<FilterWord> {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let singular = word.strip_suffix('s').unwrap_or(word);
    if let Some(i) = DAYS
        .iter()
        .position(|d| *d == word || *d == singular || d[..3] == *word)
    {
        return Some(FilterWord::Day(i));
    }
    match singular {
        "morning" => Some(FilterWord::Morning),
        "afternoon" => Some(FilterWord::Afternoon),
        "evening" | "night" | "tonight" => Some(FilterWord::Evening),
        "weekend" => Some(FilterWord::Weekend),
        "free" => Some(FilterWord::Free),
        _ => None,
    }
}

/// A query read into text words and filters, the same way on the server and in the page.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ParsedText {
    /// Words that must each match something in a listing.
    pub words: Vec<String>,
    pub filters: Vec<FilterWord>,
    /// True when "changing places" was written as two words in the query.
    pub changing_places: bool,
    /// True when the query was cut to `MAX_QUERY_CHARS` or `MAX_QUERY_WORDS`.
    pub truncated: bool,
}

pub fn parse(query: &str) -> ParsedText {
    let mut out = ParsedText::default();
    let cut: String = query.chars().take(MAX_QUERY_CHARS).collect();
    out.truncated = cut.len() < query.len();
    let all = words(&cut);
    let mut i = 0;
    while i < all.len() {
        let w = &all[i];
        if w == "changing"
            && all
                .get(i + 1)
                .is_some_and(|n| n == "places" || n == "place")
        {
            out.changing_places = true;
            i += 2;
            continue;
        }
        if let Some(f) = filter_word(w) {
            if !out.filters.contains(&f) {
                out.filters.push(f);
            }
        } else if !STOP_WORDS.contains(&w.as_str()) && !out.words.contains(w) {
            if out.words.len() == MAX_QUERY_WORDS {
                out.truncated = true;
            } else {
                out.words.push(w.clone());
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_words_filters_and_changing_places() {
        let p = parse("Swimming on a Saturday with a Changing Places toilet");
        assert_eq!(p.words, vec!["swimming", "toilet"]);
        assert_eq!(p.filters, vec![FilterWord::Day(5)]);
        assert!(p.changing_places);
        assert_eq!(
            parse("disco fridays evenings").filters,
            vec![FilterWord::Day(4), FilterWord::Evening]
        );
        assert!(parse(&"x ".repeat(500)).truncated);
    }

    #[test]
    fn typo_distance_counts_swaps_as_one() {
        assert_eq!(typo_distance("swiming", "swimming", 2), 1);
        assert_eq!(typo_distance("musik", "music", 2), 1);
        assert_eq!(typo_distance("gardning", "gardening", 2), 1);
        assert_eq!(typo_distance("fro", "for", 2), 1);
        assert_eq!(typo_distance("cat", "dog", 1), 2);
        assert_eq!(allowed_typos("art"), 0);
        assert_eq!(stem("swimming"), stem("swims"));
    }
}
