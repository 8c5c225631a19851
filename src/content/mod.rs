//! Content: reading listing files and checking them into one validated [`Directory`].

pub mod check_memo;
pub mod load;
pub mod model;
pub mod positions;
pub mod schema_check;
pub mod validate;

use crate::pictures::Picture;
use crate::schedule::{Session, Time};
use jiff::civil::Date;
use model::{
    ActivityFile, ChangingPlaceFile, PageFile, ProviderFile, SiteFile, Term, VenueFile, Weekday,
};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

/// The whole validated directory: every listing, with cross-file references resolved.
#[derive(Debug)]
pub struct Directory {
    pub root: PathBuf,
    pub site: SiteFile,
    pub vocabulary: Vocabulary,
    pub providers: Vec<Provider>,
    /// Every activity, in provider file order; `Provider::activities` indexes into this.
    pub activities: Vec<Activity>,
    pub venues: Vec<Venue>,
    pub changing_places: Vec<ChangingPlace>,
    pub pages: Vec<Page>,
    /// Photos under `images/` that listings use.
    pub images: BTreeSet<String>,
    /// Every picture name used, resolved.
    pub pictures: HashMap<String, Picture>,
    /// The date the build treats as today.
    pub today: Date,
    /// Venue id → index into `venues`.
    pub venue_index: foldhash::HashMap<String, usize>,
}

/// The five vocabularies a council defines, plus words Easy Read should avoid.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    pub categories: Vec<Term>,
    pub who_for: Vec<Term>,
    pub access: Vec<Term>,
    pub areas: Vec<Term>,
    pub support_types: Vec<Term>,
    pub jargon: Vec<model::Jargon>,
    /// Acronyms Easy Read lines may write in capitals.
    pub acronyms: Vec<String>,
}

/// The vocabularies by name, for messages and lookups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VocabKind {
    Category,
    WhoFor,
    Access,
    Area,
    SupportType,
}

impl VocabKind {
    pub fn section(self) -> &'static str {
        match self {
            VocabKind::Category => "categories",
            VocabKind::WhoFor => "who_for",
            VocabKind::Access => "access",
            VocabKind::Area => "areas",
            VocabKind::SupportType => "support_types",
        }
    }

    /// "a category", used in "\"x\" is not a category".
    pub fn noun(self) -> &'static str {
        match self {
            VocabKind::Category => "a category",
            VocabKind::WhoFor => "a group the session is for",
            VocabKind::Access => "an access facility",
            VocabKind::Area => "an area",
            VocabKind::SupportType => "a type of support",
        }
    }
}

impl Vocabulary {
    pub fn terms(&self, kind: VocabKind) -> &[Term] {
        match kind {
            VocabKind::Category => &self.categories,
            VocabKind::WhoFor => &self.who_for,
            VocabKind::Access => &self.access,
            VocabKind::Area => &self.areas,
            VocabKind::SupportType => &self.support_types,
        }
    }

    pub fn get(&self, kind: VocabKind, id: &str) -> Option<&Term> {
        self.terms(kind).iter().find(|t| t.id == id)
    }

    /// The term for an id already validated; a placeholder keeps rendering total.
    pub fn term(&self, kind: VocabKind, id: &str) -> Term {
        self.get(kind, id).cloned().unwrap_or_else(|| Term {
            id: id.to_string(),
            label: id.to_string(),
            easy_read: id.to_string(),
            picture: String::new(),
            synonyms: Vec::new(),
        })
    }
}

#[derive(Debug)]
pub struct Provider {
    pub id: String,
    pub file: String,
    pub data: std::sync::Arc<ProviderFile>,
    pub description_md: String,
    pub reviewed: Date,
    /// Indexes into `Directory::activities`.
    pub activities: Vec<usize>,
}

#[derive(Debug)]
pub struct Activity {
    pub id: String,
    /// Index into `Directory::providers`.
    pub provider: usize,
    pub data: std::sync::Arc<ActivityFile>,
    pub sessions: std::sync::Arc<[Session]>,
    /// Where the activity starts in its provider's file, for messages about it.
    pub field: String,
    /// Its provider file's field positions, read only if a message needs them.
    pub positions: positions::Positions,
}

impl Activity {
    /// Where the activity starts in its provider's file.
    pub fn position(&self) -> positions::Position {
        self.positions.key(&self.field)
    }
}

#[derive(Debug)]
pub struct Venue {
    pub id: String,
    pub file: String,
    pub data: std::sync::Arc<VenueFile>,
    /// Access facility ids, including `changing-places` when the venue has one.
    pub access: Vec<String>,
    /// Index into `Directory::changing_places`.
    pub changing_place: Option<usize>,
}

#[derive(Debug)]
pub struct ChangingPlace {
    pub id: String,
    pub file: String,
    pub data: ChangingPlaceFile,
    /// The area id, from the listing or its venue.
    pub area: String,
    /// Index into `Directory::venues`.
    pub venue: Option<usize>,
    pub hours: Vec<(Weekday, Time, Time)>,
}

#[derive(Debug)]
pub struct Page {
    pub id: String,
    pub file: String,
    pub data: PageFile,
    pub body_md: String,
}

impl Directory {
    pub fn venue(&self, id: &str) -> Option<&Venue> {
        self.venue_index.get(id).map(|&i| &self.venues[i])
    }
}
