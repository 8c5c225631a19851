//! Machine-readable outputs built from the same directory as the pages: each is one module
//! that turns the `Directory` into files. None parses content again; none knows another.

pub mod csv;
pub mod feed;
pub mod ical;
pub mod json_ld;
pub mod open_referral;
pub mod shortlist;

use crate::content::Directory;
use crate::incremental::Plan;
use crate::output::Sink;

/// Where export files go, each exporter's as soon as they are made: each listing's own
/// files (an activity's or provider's calendar, and their Open Referral detail files) to
/// `listings`, and the whole site's (list calendars, the feed, the shortlist, CSV, Open
/// Referral lists and taxonomies) to `lists`. Files for a target left out are not made:
/// after an edit, `serve` publishes the listings' files with the pages, and the whole
/// site's after.
pub struct Targets<'a> {
    pub listings: Option<&'a dyn Sink>,
    pub lists: Option<&'a dyn Sink>,
}

/// Writes the export files `to` asks for. The own files of listings the `plan` reuses are
/// kept as published instead.
pub fn write(dir: &Directory, plan: &Plan, to: &Targets) -> std::io::Result<()> {
    ical::write(dir, plan, to)?;
    if let Some(sink) = to.lists {
        // Three single files, each made by one thread: made side by side.
        let (feed, (shortlist, csv)) = rayon::join(
            || feed::outputs(dir),
            || rayon::join(|| shortlist::outputs(dir), || csv::outputs(dir)),
        );
        for f in feed.into_iter().chain(shortlist).chain(csv) {
            sink.put(f)?;
        }
    }
    open_referral::write(dir, plan, to)
}
