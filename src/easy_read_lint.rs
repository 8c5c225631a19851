//! The Easy Read rules every line must keep, checked by `signpost check` and `build`.
//!
//! Each line: at most 15 words; one sentence; a picture; numbers as digits; no words in
//! capitals (except acronyms the council lists); no italics; no jargon from the council's
//! list in `vocabulary.yaml`. Lines Signpost writes itself break a rule only through our
//! own mistake, so they are errors; lines providers and pages write are warnings.

use crate::content::model::Jargon;
use crate::content::{Directory, Provider};
use crate::diagnostics::Diagnostic;
use rayon::prelude::*;

/// Longest Easy Read line, in words.
pub const MAX_WORDS: usize = 15;

/// One rule, named the same way in every message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    MaxWords,
    OneSentence,
    Picture,
    Digits,
    Capitals,
    Italics,
    Jargon,
}

impl Rule {
    /// The rule as staff read it in a message.
    pub fn name(self) -> &'static str {
        match self {
            Rule::MaxWords => "at most 15 words",
            Rule::OneSentence => "one sentence",
            Rule::Picture => "a picture on every line",
            Rule::Digits => "numbers as digits",
            Rule::Capitals => "no words in capitals",
            Rule::Italics => "no italics",
            Rule::Jargon => "no jargon",
        }
    }
}

/// One broken rule: which, what exactly, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub message: String,
    pub help: String,
}

impl Finding {
    fn new(rule: Rule, message: impl Into<String>, help: impl Into<String>) -> Finding {
        Finding {
            rule,
            message: message.into(),
            help: help.into(),
        }
    }

    /// "… (Easy Read rule: one sentence)".
    pub fn text(&self) -> String {
        format!("{} (Easy Read rule: {})", self.message, self.rule.name())
    }
}

/// What the council allows and forbids, from `vocabulary.yaml`.
#[derive(Debug, Clone, Copy)]
pub struct Lists<'a> {
    pub jargon: &'a [Jargon],
    pub acronyms: &'a [String],
}

/// Every rule the line breaks, in the order the rules are listed above.
pub fn lint(text: &str, picture: &str, lists: Lists) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(max_words(text));
    out.extend(one_sentence(text));
    out.extend(has_picture(picture));
    out.extend(digits(text));
    out.extend(capitals(text, lists.acronyms));
    out.extend(italics(text));
    out.extend(jargon(text, lists.jargon));
    out
}

/// Words, without the punctuation around them.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '+'))
        .filter(|w| !w.is_empty())
}

pub fn max_words(text: &str) -> Option<Finding> {
    let n = text.split_whitespace().count();
    (n > MAX_WORDS).then(|| {
        Finding::new(
            Rule::MaxWords,
            format!("this Easy Read line has {n} words; the most is {MAX_WORDS}"),
            "split it into two short sentences, one idea each",
        )
    })
}

/// Titles whose full stop does not end a sentence.
const TITLES: [&str; 5] = ["mr.", "mrs.", "ms.", "dr.", "st."];

pub fn one_sentence(text: &str) -> Option<Finding> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    // A sentence ends at a word ending in . ! or ? (after closing quotes or brackets)
    // that has more words after it.
    let ends = tokens[..tokens.len().saturating_sub(1)]
        .iter()
        .filter(|t| {
            let bare = t.trim_end_matches(['"', '\'', ')', '’', '”']);
            bare.ends_with(['.', '!', '?']) && !TITLES.contains(&bare.to_lowercase().as_str())
        })
        .count();
    (ends > 0).then(|| {
        Finding::new(
            Rule::OneSentence,
            format!("this Easy Read line has {} sentences", ends + 1),
            "give each sentence its own line and picture",
        )
    })
}

pub fn has_picture(picture: &str) -> Option<Finding> {
    picture.trim().is_empty().then(|| {
        Finding::new(
            Rule::Picture,
            "this Easy Read line has no picture",
            "add `picture:` with an emoji or the name of a drawn picture",
        )
    })
}

/// Number words and their digits.
const NUMBER_WORDS: [(&str, &str); 28] = [
    ("zero", "0"),
    ("one", "1"),
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("thirteen", "13"),
    ("fourteen", "14"),
    ("fifteen", "15"),
    ("sixteen", "16"),
    ("seventeen", "17"),
    ("eighteen", "18"),
    ("nineteen", "19"),
    ("twenty", "20"),
    ("thirty", "30"),
    ("forty", "40"),
    ("fifty", "50"),
    ("sixty", "60"),
    ("hundred", "100"),
    ("thousand", "1000"),
    ("dozen", "12"),
];

/// Words before "one" that make it a pronoun, not a number ("no one", "the one").
const ONE_AS_PRONOUN: [&str; 9] = [
    "no", "any", "every", "each", "the", "this", "that", "which", "someone",
];

pub fn digits(text: &str) -> Option<Finding> {
    let ws: Vec<String> = words(text).map(str::to_lowercase).collect();
    for (i, w) in ws.iter().enumerate() {
        let Some((word, digit)) = NUMBER_WORDS.iter().find(|(n, _)| n == w) else {
            continue;
        };
        let prev = i.checked_sub(1).map(|p| ws[p].as_str());
        let next = ws.get(i + 1).map(String::as_str);
        if *word == "one"
            && (prev.is_some_and(|p| ONE_AS_PRONOUN.contains(&p))
                || matches!(next, Some("of" | "another")))
        {
            continue;
        }
        return Some(Finding::new(
            Rule::Digits,
            format!("\"{word}\" is a number written as a word"),
            format!("write {digit} instead"),
        ));
    }
    None
}

pub fn capitals(text: &str, acronyms: &[String]) -> Option<Finding> {
    let shouted = words(text).find(|w| {
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 2
            && letters.iter().all(|c| c.is_uppercase())
            && !acronyms
                .iter()
                .any(|a| a.trim_end_matches('+') == w.trim_end_matches('+'))
    })?;
    let lower: String = shouted.to_lowercase();
    Some(Finding::new(
        Rule::Capitals,
        format!("\"{shouted}\" is written in capitals"),
        format!(
            "write \"{lower}\" in small letters; if it is an acronym people know, add it to `acronyms:` in vocabulary.yaml"
        ),
    ))
}

pub fn italics(text: &str) -> Option<Finding> {
    let lower = text.to_lowercase();
    let tag = ["<i>", "<em>", "<cite>"].iter().any(|t| lower.contains(t));
    // *word* or _word_ (Markdown emphasis), opened before a letter and closed after one.
    let chars: Vec<char> = text.chars().collect();
    let markdown = chars.iter().enumerate().any(|(i, &c)| {
        (c == '*' || c == '_')
            && (i == 0 || !chars[i - 1].is_alphanumeric())
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
            && chars[i + 1..].iter().enumerate().any(|(j, &d)| {
                let k = i + 1 + j;
                d == c
                    && chars[k - 1].is_alphanumeric()
                    && chars.get(k + 1).is_none_or(|n| !n.is_alphanumeric())
            })
    });
    // Letters pasted from "fancy text" tools: 𝘵𝘩𝘪𝘴 (Mathematical Alphanumeric Symbols).
    let styled = text
        .chars()
        .any(|c| ('\u{1D400}'..='\u{1D7FF}').contains(&c));
    (tag || markdown || styled).then(|| {
        Finding::new(
            Rule::Italics,
            "this Easy Read line uses italics or styled letters",
            "write it in plain letters; italics are hard to read",
        )
    })
}

pub fn jargon(text: &str, list: &[Jargon]) -> Option<Finding> {
    let ws: Vec<String> = words(text).map(str::to_lowercase).collect();
    list.iter().find_map(|j| {
        let phrase: Vec<String> = j.word.split_whitespace().map(str::to_lowercase).collect();
        let found = !phrase.is_empty() && ws.windows(phrase.len()).any(|w| w == phrase.as_slice());
        found.then(|| {
            Finding::new(
                Rule::Jargon,
                format!("\"{}\" is jargon", j.word),
                format!("say \"{}\" instead", j.instead),
            )
        })
    })
}

/// Errors for the lines Signpost writes for each activity of `provider`, in order, at the
/// activity in the provider's file: a broken rule there is a mistake in Signpost or in the
/// vocabulary, venue or provider data it writes from. (`check_memo` runs this for every
/// provider, or takes what it kept.)
pub fn provider_lines(dir: &Directory, provider: &Provider) -> Vec<Diagnostic> {
    let lists = Lists {
        jargon: &dir.vocabulary.jargon,
        acronyms: &dir.vocabulary.acronyms,
    };
    let per_activity: Vec<Vec<Diagnostic>> = provider
        .activities
        .par_iter()
        .map(|&i| {
            let a = &dir.activities[i];
            let mut out = Vec::new();
            for line in crate::easy_read::activity_lines(dir, a) {
                if line.own {
                    continue;
                }
                for f in lint(&line.text, &line.picture, lists) {
                    let at = a.position();
                    out.push(
                        Diagnostic::error(
                            &provider.file,
                            format!("Signpost's Easy Read line \"{}\": {}", line.text, f.text()),
                        )
                        .at(at.line, at.column)
                        .field(&a.field)
                        .help(format!(
                            "{}; the line is written from this activity's data, the vocabulary and its venues",
                            f.help
                        )),
                    );
                }
            }
            out
        })
        .collect();
    per_activity.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(word: &str, instead: &str) -> Jargon {
        Jargon {
            word: word.into(),
            instead: instead.into(),
        }
    }

    #[test]
    fn max_words_allows_15_and_flags_16() {
        let fifteen = "a ".repeat(15);
        assert_eq!(max_words(&fifteen), None);
        let f = max_words(&"a ".repeat(16)).unwrap();
        assert_eq!(f.rule, Rule::MaxWords);
        assert_eq!(
            f.text(),
            "this Easy Read line has 16 words; the most is 15 (Easy Read rule: at most 15 words)"
        );
    }

    #[test]
    fn one_sentence_flags_two_but_not_prices_titles_or_a_final_stop() {
        assert_eq!(one_sentence("It costs £3.50 each time."), None);
        assert_eq!(one_sentence("It is at St. Mary's Hall."), None);
        assert_eq!(one_sentence("Come and see us!"), None);
        assert_eq!(one_sentence("Email hello@brookside.example to join."), None);
        let f = one_sentence("They can pick you up. It costs £2 each way.").unwrap();
        assert_eq!(f.message, "this Easy Read line has 2 sentences");
        assert!(one_sentence("Is it free? Yes it is.").is_some());
        assert!(one_sentence("We sing (\"loudly\"!) and dance.").is_some());
    }

    #[test]
    fn has_picture_needs_a_picture_name() {
        assert_eq!(has_picture("🎨"), None);
        assert_eq!(has_picture("hoist"), None);
        assert_eq!(has_picture("  ").unwrap().rule, Rule::Picture);
    }

    #[test]
    fn digits_flags_number_words_but_not_one_as_a_pronoun() {
        assert_eq!(digits("There is 1 worker for every 4 people."), None);
        assert_eq!(digits("No one has to pay."), None);
        assert_eq!(digits("Pick the one you like."), None);
        assert_eq!(digits("It is one of our groups."), None);
        assert_eq!(digits("Someone will meet you."), None);
        let f = digits("It lasts two hours.").unwrap();
        assert_eq!(f.message, "\"two\" is a number written as a word");
        assert_eq!(f.help, "write 2 instead");
        assert_eq!(digits("Bring One friend.").unwrap().help, "write 1 instead");
    }

    #[test]
    fn capitals_flags_shouting_but_not_listed_acronyms_or_single_letters() {
        let acronyms = vec!["BSL".to_string(), "LGBTQ+".to_string()];
        assert_eq!(
            capitals("Staff can use sign language (BSL).", &acronyms),
            None
        );
        assert_eq!(capitals("A group for LGBTQ+ people.", &acronyms), None);
        assert_eq!(capitals("I like it. A cup of tea.", &acronyms), None);
        let f = capitals("It is FREE to come.", &acronyms).unwrap();
        assert_eq!(f.message, "\"FREE\" is written in capitals");
        assert!(capitals("We help with your CV.", &acronyms).is_some());
    }

    #[test]
    fn italics_flags_markdown_tags_and_styled_letters() {
        assert_eq!(italics("We paint and draw."), None);
        assert_eq!(italics("Email a_b@c.example or use 2*3."), None);
        assert_eq!(italics("snake_case_name"), None);
        assert!(italics("We *really* like art.").is_some());
        assert!(italics("We _really_ like art.").is_some());
        assert!(italics("We <em>really</em> like art.").is_some());
        assert!(italics("We 𝘳𝘦𝘢𝘭𝘭𝘺 like art.").is_some());
    }

    #[test]
    fn jargon_matches_whole_words_and_phrases_and_suggests_the_plain_word() {
        let list = vec![
            j("day opportunities", "things to do in the day"),
            j("respite", "a break for carers"),
        ];
        assert_eq!(jargon("Things to do in the day.", &list), None);
        assert_eq!(jargon("A day for opportunities.", &list), None);
        let f = jargon("We offer Day Opportunities.", &list).unwrap();
        assert_eq!(f.message, "\"day opportunities\" is jargon");
        assert_eq!(f.help, "say \"things to do in the day\" instead");
        assert_eq!(jargon("It is respite.", &list).unwrap().rule, Rule::Jargon);
        assert_eq!(jargon("It is respiteful.", &list), None);
    }

    #[test]
    fn lint_reports_every_broken_rule_in_order() {
        let list = vec![j("respite", "a break for carers")];
        let lists = Lists {
            jargon: &list,
            acronyms: &[],
        };
        let rules: Vec<Rule> = lint("We give TWO hours of *respite*. Come.", "", lists)
            .iter()
            .map(|f| f.rule)
            .collect();
        assert_eq!(
            rules,
            [
                Rule::OneSentence,
                Rule::Picture,
                Rule::Digits,
                Rule::Capitals,
                Rule::Italics,
                Rule::Jargon
            ]
        );
        assert!(lint("We paint and draw.", "🎨", lists).is_empty());
    }
}
