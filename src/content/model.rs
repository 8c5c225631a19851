//! The listing files as staff write them: one struct per file kind, deserialised by serde.
//!
//! Every struct denies unknown fields so typos are caught, and derives `JsonSchema` so
//! `signpost schema` can give editors the same rules. Values that need parsing with good
//! messages (times, dates, vocabulary ids) stay strings here and are checked in `validate`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// 24-hour HH:MM. In the schema so editors flag bad times and every one is reported at once.
pub const TIME_PATTERN: &str = r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$";
/// YYYY-MM-DD.
pub const DATE_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// `site.yaml`: who runs the site and how to reach them.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    /// The site's name, shown in the header and page titles.
    pub name: String,
    /// The council that runs the site.
    pub council: String,
    /// The address the site is published at, such as `https://dayfinder.example.gov.uk/`.
    pub base_url: String,
    /// Time zone for session times. Only `Europe/London` is supported.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// How residents reach the council about this site.
    pub contact: Contact,
    /// Where "Tell us something is wrong" messages go.
    pub changes_email: String,
    /// A web form for changes, used instead of email when set.
    #[serde(default)]
    pub changes_form: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// `vocabulary.yaml`: every list the site filters by.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VocabularyFile {
    /// What happens at an activity.
    pub categories: Vec<Term>,
    /// Who an activity is for.
    pub who_for: Vec<Term>,
    /// Access facilities at venues.
    pub access: Vec<Term>,
    /// Towns or wards.
    pub areas: Vec<Term>,
    /// Types of support.
    pub support_types: Vec<Term>,
    /// Words Easy Read text should avoid, with plain alternatives.
    #[serde(default)]
    pub jargon: Vec<Jargon>,
    /// Acronyms Easy Read lines may write in capitals, such as BSL or NHS.
    #[serde(default)]
    pub acronyms: Vec<String>,
}

/// One vocabulary term.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// Used in listings and web addresses: lower-case letters, digits and hyphens.
    pub id: String,
    /// Plain label for lists and filters.
    pub label: String,
    /// Easy Read words shown beside the picture.
    pub easy_read: String,
    /// One emoji, or the name of a picture in `themes/default/pictures/`.
    pub picture: String,
    /// Other words people search with.
    #[serde(default)]
    pub synonyms: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Jargon {
    pub word: String,
    pub instead: String,
}

/// The YAML front matter of `providers/<id>.md`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    /// The organisation's name.
    pub name: String,
    /// One plain sentence about the organisation.
    pub summary: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// CQC number or other registration.
    #[serde(default)]
    pub registration: Option<String>,
    #[serde(default)]
    pub quality_marks: Vec<String>,
    /// When staff last checked this listing with the provider (YYYY-MM-DD).
    #[schemars(pattern(DATE_PATTERN))]
    pub reviewed: String,
    /// What the provider runs.
    pub activities: Vec<std::sync::Arc<ActivityFile>>,
}

/// One activity a provider runs.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityFile {
    /// Unique across the site; made from the name when left out.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    /// One plain sentence.
    pub summary: String,
    /// `categories` ids from the vocabulary.
    pub categories: Vec<String>,
    /// `who_for` ids from the vocabulary.
    pub who_for: Vec<String>,
    /// A `support_types` id from the vocabulary.
    pub support: String,
    /// Staff to people, such as "1:5".
    #[serde(default)]
    pub ratio: Option<String>,
    pub cost: Cost,
    #[serde(default)]
    pub pay_with: Vec<PayWith>,
    /// How to start going.
    pub join: Vec<Join>,
    #[serde(default)]
    pub transport: Option<Transport>,
    #[serde(default)]
    pub carers_welcome: bool,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub status: Status,
    /// Required when temporarily closed: say when it reopens.
    #[serde(default)]
    pub status_message: Option<String>,
    /// The provider's own Easy Read lines.
    #[serde(default)]
    pub easy_read: Vec<EasyReadLine>,
    #[serde(default)]
    pub photos: Vec<Photo>,
    #[serde(default)]
    pub sessions: Vec<SessionFile>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cost {
    #[serde(default)]
    pub free: bool,
    /// In pounds.
    #[serde(default)]
    pub amount: Option<f64>,
    #[serde(default)]
    pub per: Option<CostPer>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CostPer {
    Session,
    Day,
    Hour,
    Week,
    Month,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum PayWith {
    DirectPayment,
    PersonalBudget,
    SelfFunding,
    CouncilFunded,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Join {
    TurnUp,
    SelfReferral,
    SocialWorker,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transport {
    pub provided: bool,
    /// Pounds each way; leave out when free.
    #[serde(default)]
    pub cost: Option<f64>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub bus_routes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    Running,
    TemporarilyClosed,
    Closed,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EasyReadLine {
    /// One short sentence.
    pub text: String,
    /// One emoji, or a drawn picture name.
    pub picture: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Photo {
    /// Path inside the content folder, such as `images/art.jpg`.
    pub file: String,
    /// What the photo shows, for people who cannot see it.
    pub alt: String,
}

/// When and where an activity happens.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionFile {
    /// A venue id; leave out for online sessions.
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub online: bool,
    /// How people join an online session.
    #[serde(default)]
    pub online_how: Option<String>,
    pub day: Weekday,
    /// HH:MM, 24-hour.
    #[schemars(pattern(TIME_PATTERN))]
    pub start: String,
    /// HH:MM, 24-hour.
    #[schemars(pattern(TIME_PATTERN))]
    pub end: String,
    #[serde(default)]
    pub every: Every,
    /// First date (YYYY-MM-DD); required for `every: fortnight`.
    #[serde(default)]
    #[schemars(pattern(DATE_PATTERN))]
    pub from: Option<String>,
    /// Last date (YYYY-MM-DD).
    #[serde(default)]
    #[schemars(pattern(DATE_PATTERN))]
    pub until: Option<String>,
    /// Which week of the month, for `every: month`.
    #[serde(default)]
    pub week: Option<WeekOfMonth>,
    #[serde(default)]
    pub changes: Vec<ChangeFile>,
}

/// A change on one date: cancelled, or moved to other times or another venue.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeFile {
    #[schemars(pattern(DATE_PATTERN))]
    pub date: String,
    #[serde(default)]
    pub cancelled: bool,
    #[serde(default)]
    #[schemars(pattern(TIME_PATTERN))]
    pub start: Option<String>,
    #[serde(default)]
    #[schemars(pattern(TIME_PATTERN))]
    pub end: Option<String>,
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Every {
    #[default]
    Week,
    Fortnight,
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WeekOfMonth {
    First,
    Second,
    Third,
    Fourth,
    Last,
}

/// `venues/<id>.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VenueFile {
    pub name: String,
    pub address: String,
    pub postcode: String,
    /// An `areas` id from the vocabulary.
    pub area: String,
    #[serde(default)]
    pub coordinates: Option<Coordinates>,
    /// `access` ids from the vocabulary.
    #[serde(default)]
    pub access: Vec<String>,
    /// The id of a Changing Places toilet in this venue.
    #[serde(default)]
    pub changing_places: Option<String>,
    #[serde(default)]
    pub getting_there: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

/// `changing-places/<id>.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangingPlaceFile {
    pub name: String,
    /// The venue it is in, if it is in a listed venue.
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub postcode: Option<String>,
    /// An `areas` id; taken from the venue when left out.
    #[serde(default)]
    pub area: Option<String>,
    /// Where it is inside the building.
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub opening_hours: OpeningHours,
    #[serde(default)]
    pub hoist: Option<HoistType>,
    #[serde(default)]
    pub adjustable_bench: bool,
    #[serde(default)]
    pub peninsular_toilet: bool,
    #[serde(default)]
    pub room_size: Option<String>,
    #[serde(default)]
    pub shower: bool,
    /// A RADAR key is needed to get in.
    #[serde(default)]
    pub radar_key: bool,
    /// "free" or what it costs.
    #[serde(default)]
    pub charge: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// "HH:MM-HH:MM" for each day it is open; days left out are closed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    #[serde(default)]
    pub monday: Option<String>,
    #[serde(default)]
    pub tuesday: Option<String>,
    #[serde(default)]
    pub wednesday: Option<String>,
    #[serde(default)]
    pub thursday: Option<String>,
    #[serde(default)]
    pub friday: Option<String>,
    #[serde(default)]
    pub saturday: Option<String>,
    #[serde(default)]
    pub sunday: Option<String>,
}

impl OpeningHours {
    pub fn by_day(&self) -> [(Weekday, &Option<String>); 7] {
        [
            (Weekday::Monday, &self.monday),
            (Weekday::Tuesday, &self.tuesday),
            (Weekday::Wednesday, &self.wednesday),
            (Weekday::Thursday, &self.thursday),
            (Weekday::Friday, &self.friday),
            (Weekday::Saturday, &self.saturday),
            (Weekday::Sunday, &self.sunday),
        ]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HoistType {
    Ceiling,
    Mobile,
}

/// The YAML front matter of `pages/<id>.md`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageFile {
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub easy_read: Vec<EasyReadLine>,
    /// Place in the footer menu.
    #[serde(default)]
    pub order: Option<u32>,
}
