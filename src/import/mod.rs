//! Importing an existing directory: Open Referral UK JSON or Signpost's own sessions CSV
//! become listing files (`providers/*.md`, `venues/*.yaml`) in a content folder.
//!
//! Each importer fills a [`Draft`]; this module maps words onto the folder's vocabulary and
//! writes the files, refusing to overwrite unless asked. Everything the importer had to
//! guess or could not keep is listed in `Draft::notes`, one plain sentence each.

pub mod csv;
pub mod open_referral;

use crate::content::model::{ProviderFile, VenueFile, VocabularyFile};
use crate::content::validate::slugify;
use crate::content::VocabKind;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What an import will write.
#[derive(Debug, Default)]
pub struct Draft {
    /// Provider id → (front matter, Markdown description).
    pub providers: BTreeMap<String, (ProviderFile, String)>,
    pub venues: BTreeMap<String, VenueFile>,
    /// What had to be guessed or was left out.
    pub notes: Vec<String>,
}

/// Common ways directories describe access, and the usual Signpost id for each (used only
/// when the folder's vocabulary has that id).
const ACCESS_PHRASES: [(&str, &str); 9] = [
    ("induction loop", "hearing-loop"),
    ("hearing loop", "hearing-loop"),
    ("wheelchair access", "step-free"),
    ("step free", "step-free"),
    ("level access", "step-free"),
    ("accessible toilet", "accessible-toilet"),
    ("disabled toilet", "accessible-toilet"),
    ("sign language", "bsl"),
    ("disabled parking", "blue-badge-parking"),
];

/// The folder's vocabulary, for turning labels and words into term ids.
pub struct Mapper {
    pub vocab: VocabularyFile,
    /// Changing Places id by the venue it is in.
    pub changing_places: BTreeMap<String, String>,
}

impl Mapper {
    /// Reads `vocabulary.yaml` (required) and `changing-places/*.yaml` from `content`.
    pub fn load(content: &Path) -> Result<Mapper, String> {
        let path = content.join("vocabulary.yaml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "{} cannot be read ({e}): import into a content folder that has its vocabulary.yaml",
                path.display()
            )
        })?;
        let vocab: VocabularyFile = serde_yaml::from_str(&text).map_err(|e| {
            format!(
                "{}: {e}; run `signpost check` and fix it first",
                path.display()
            )
        })?;
        let mut changing_places = BTreeMap::new();
        if let Ok(entries) = std::fs::read_dir(content.join("changing-places")) {
            for e in entries.flatten() {
                let p = e.path();
                let Some(id) = p
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .filter(|_| p.extension().is_some_and(|x| x == "yaml"))
                else {
                    continue;
                };
                let venue = std::fs::read_to_string(&p)
                    .ok()
                    .and_then(|t| serde_yaml::from_str::<Value>(&t).ok())
                    .and_then(|v| v["venue"].as_str().map(str::to_string));
                if let Some(v) = venue {
                    changing_places.insert(v, id.to_string());
                }
            }
        }
        Ok(Mapper {
            vocab,
            changing_places,
        })
    }

    fn terms(&self, kind: VocabKind) -> &[crate::content::model::Term] {
        match kind {
            VocabKind::Category => &self.vocab.categories,
            VocabKind::WhoFor => &self.vocab.who_for,
            VocabKind::Access => &self.vocab.access,
            VocabKind::Area => &self.vocab.areas,
            VocabKind::SupportType => &self.vocab.support_types,
        }
    }

    /// The Changing Places listing of a venue the source says has one. When the content has
    /// none yet, a note asks staff to add its details (`what` names the venue for them).
    pub fn changing_place(
        &self,
        venue: &str,
        what: &str,
        notes: &mut Vec<String>,
    ) -> Option<String> {
        let cp = self.changing_places.get(venue).cloned();
        if cp.is_none() {
            notes.push(format!("{what} has a Changing Places toilet: add its details in changing-places/ with `venue: {venue}`"));
        }
        cp
    }

    /// The term id for a word: its id, label, a synonym, or the id made from it.
    pub fn map(&self, kind: VocabKind, word: &str) -> Option<String> {
        let w = word.trim().to_lowercase();
        let slug = slugify(word);
        self.terms(kind)
            .iter()
            .find(|t| {
                t.id == w
                    || t.id == slug
                    || t.label.to_lowercase() == w
                    || t.synonyms.iter().any(|s| s.to_lowercase() == w)
            })
            .map(|t| t.id.clone())
    }

    /// Terms whose label or a synonym appears as a word in `text` (for services that came
    /// without Signpost's terms).
    pub fn guess(&self, kind: VocabKind, text: &str) -> Vec<String> {
        // Words, each also without a plural "s", so "induction loops" finds "loop".
        let words: Vec<String> = slugify(text)
            .split('-')
            .map(|w| match w.strip_suffix('s') {
                Some(one) if w.len() > 3 && !w.ends_with("ss") => one.to_string(),
                _ => w.to_string(),
            })
            .collect();
        let text = format!(" {} ", words.join(" "));
        let has = |phrase: &str| {
            let p: Vec<String> = slugify(phrase)
                .split('-')
                .map(|w| match w.strip_suffix('s') {
                    Some(one) if w.len() > 3 && !w.ends_with("ss") => one.to_string(),
                    _ => w.to_string(),
                })
                .collect();
            let p = p.join(" ");
            !p.trim().is_empty() && text.contains(&format!(" {p} "))
        };
        let mut out: Vec<String> = self
            .terms(kind)
            .iter()
            .filter(|t| {
                std::iter::once(&t.label)
                    .chain(t.synonyms.iter())
                    .any(|w| has(w))
            })
            .map(|t| t.id.clone())
            .collect();
        if kind == VocabKind::Access {
            for (phrase, id) in ACCESS_PHRASES {
                if has(phrase)
                    && !out.iter().any(|o| o == id)
                    && self.terms(kind).iter().any(|t| t.id == *id)
                {
                    out.push(id.to_string());
                }
            }
        }
        out
    }

    pub fn first(&self, kind: VocabKind) -> String {
        self.terms(kind)
            .first()
            .map(|t| t.id.clone())
            .unwrap_or_default()
    }

    /// Maps `words`; when none map, guesses from `text`, then takes the first term. Every
    /// word dropped and every guess is noted.
    pub fn map_all(
        &self,
        kind: VocabKind,
        words: &[String],
        text: &str,
        what: &str,
        notes: &mut Vec<String>,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for w in words {
            match self.map(kind, w) {
                Some(id) if !out.contains(&id) => out.push(id),
                Some(_) => {}
                None => notes.push(format!(
                    "{what}: \"{w}\" is not {} in vocabulary.yaml, so it was left out (add it to the vocabulary and the listing if it is needed)",
                    kind.noun()
                )),
            }
        }
        if out.is_empty() {
            out = self.guess(kind, text);
            let first = self.first(kind);
            if out.is_empty() && !first.is_empty() {
                out.push(first);
            }
            notes.push(format!(
                "{what}: no {} was given, so \"{}\" was chosen; check it",
                kind.section(),
                out.join(", ")
            ));
        }
        out
    }
}

/// Removes nulls and empty lists, so the files hold only what was given.
fn prune(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !(x.is_null() || x.as_array().is_some_and(Vec::is_empty)));
            m.values_mut().for_each(prune);
        }
        Value::Array(a) => a.iter_mut().for_each(prune),
        _ => {}
    }
}

fn to_yaml<T: serde::Serialize>(value: &T) -> Result<String, String> {
    let mut v = serde_json::to_value(value).map_err(|e| e.to_string())?;
    prune(&mut v);
    serde_yaml::to_string(&v).map_err(|e| e.to_string())
}

/// Writes the draft into `content`. Refuses (writing nothing) when a file exists, unless
/// `force`. Returns the files written.
/// A venue file that exists already is kept (the imported sessions meet there) unless
/// `force`, and the note says so: venues are shared by many providers.
pub fn write(draft: &mut Draft, content: &Path, force: bool) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for (id, (p, description)) in &draft.providers {
        let yaml = to_yaml(p)?;
        let body = if description.trim().is_empty() {
            p.summary.clone()
        } else {
            description.trim().to_string()
        };
        files.push((
            content.join("providers").join(format!("{id}.md")),
            format!("---\n{yaml}---\n\n{body}\n"),
        ));
    }
    for (id, v) in &draft.venues {
        let path = content.join("venues").join(format!("{id}.yaml"));
        if path.exists() && !force {
            draft.notes.push(format!(
                "{} already exists, so it was kept and the imported sessions meet there; check it is the same place (--force replaces it)",
                path.display()
            ));
            continue;
        }
        files.push((
            content.join("venues").join(format!("{id}.yaml")),
            to_yaml(v)?,
        ));
    }
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(format!(
                "these files already exist, so nothing was written: {}; use --force to replace them",
                existing.join(", ")
            ));
        }
    }
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("{}: cannot be created: {e}", parent.display()))?;
        }
        std::fs::write(path, text)
            .map_err(|e| format!("{}: cannot be written: {e}", path.display()))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// An id from a web address `…/<folder>/<id>/` on a Signpost site, else from the name.
pub fn id_from(url: Option<&str>, folder: &str, name: &str) -> String {
    let from_url = url.and_then(|u| {
        let parts: Vec<&str> = u.trim_end_matches('/').rsplitn(2, '/').collect();
        match parts.as_slice() {
            [id, rest] if rest.ends_with(&format!("/{folder}")) => Some(id.to_string()),
            _ => None,
        }
    });
    from_url
        .filter(|id| crate::content::validate::is_slug(id))
        .unwrap_or_else(|| {
            let s = slugify(name);
            if s.is_empty() {
                "imported".into()
            } else {
                s
            }
        })
}

/// What an import did.
#[derive(Debug)]
pub struct Report {
    pub services: usize,
    pub written: Vec<PathBuf>,
    pub notes: Vec<String>,
}

/// `signpost import FORMAT FILE…`: reads every file, then writes the listings into
/// `content`. Nothing is written when any file cannot be read.
pub fn run(
    format: &str,
    files: &[PathBuf],
    content: &Path,
    force: bool,
    today: jiff::civil::Date,
) -> Result<Report, String> {
    let mapper = Mapper::load(content)?;
    let mut draft = Draft::default();
    let mut services = 0;
    if files.is_empty() {
        return Err("name at least one file to import".into());
    }
    for file in files {
        let source = file.display().to_string();
        let text =
            std::fs::read_to_string(file).map_err(|e| format!("{source}: cannot be read: {e}"))?;
        services += match format {
            "openreferral" | "open-referral" => {
                let value: Value = serde_json::from_str(&text).map_err(|e| {
                    format!(
                        "{source}: is not JSON: {e} (line {}, column {})",
                        e.line(),
                        e.column()
                    )
                })?;
                open_referral::import(&value, &source, &mapper, today, &mut draft)?
            }
            "csv" => csv::import(&text, &source, &mapper, today, &mut draft)?,
            other => {
                return Err(format!(
                    "\"{other}\" is not a format Signpost imports; use openreferral or csv"
                ))
            }
        };
    }
    if draft.providers.is_empty() {
        return Err(format!(
            "nothing to import: no services were found{}",
            if draft.notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", draft.notes.join("; "))
            }
        ));
    }
    let written = write(&mut draft, content, force)?;
    Ok(Report {
        services,
        written,
        notes: draft.notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_signpost_addresses_or_names() {
        assert_eq!(
            id_from(
                Some("https://x.example/activities/art-club/"),
                "activities",
                "Art"
            ),
            "art-club"
        );
        assert_eq!(
            id_from(
                Some("https://provider.example/art"),
                "activities",
                "Art & Craft Club!"
            ),
            "art-craft-club"
        );
        assert_eq!(id_from(None, "venues", "???"), "imported");
    }

    #[test]
    fn words_map_onto_the_vocabulary() {
        let vocab: VocabularyFile = serde_yaml::from_str(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/content/vocabulary.yaml"
            ))
            .unwrap(),
        )
        .unwrap();
        let m = Mapper {
            vocab,
            changing_places: BTreeMap::new(),
        };
        assert_eq!(
            m.map(VocabKind::Access, "Hearing loop").as_deref(),
            Some("hearing-loop")
        );
        assert_eq!(
            m.map(VocabKind::Access, "hearing-loop").as_deref(),
            Some("hearing-loop")
        );
        assert_eq!(
            m.map(VocabKind::Access, "loo").as_deref(),
            Some("accessible-toilet")
        );
        assert_eq!(m.map(VocabKind::Area, "Atlantis"), None);
        assert_eq!(
            m.guess(
                VocabKind::Access,
                "Induction loops for hearing aids. Wheelchair access."
            ),
            vec!["hearing-loop".to_string(), "step-free".to_string()]
        );
        let mut notes = Vec::new();
        let got = m.map_all(
            VocabKind::WhoFor,
            &["Martians".into()],
            "",
            "svc",
            &mut notes,
        );
        assert_eq!(got.len(), 1, "falls back to a term so the listing checks");
        assert!(notes[0].contains("\"Martians\" is not"), "{notes:?}");
        assert!(notes[1].contains("check it"));
    }
}
