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

/// Writes every export file of the site into `sink`, each exporter's files as soon as
/// they are made. The files of a listing the `plan` reuses (an activity's or provider's
/// calendar, and their Open Referral detail files) are kept as published instead.
pub fn write(dir: &Directory, sink: &dyn Sink, plan: &Plan) -> std::io::Result<()> {
    ical::write(dir, sink, plan)?;
    // Three single files, each made by one thread: made side by side.
    let (feed, (shortlist, csv)) = rayon::join(
        || feed::outputs(dir),
        || rayon::join(|| shortlist::outputs(dir), || csv::outputs(dir)),
    );
    for f in feed.into_iter().chain(shortlist).chain(csv) {
        sink.put(f)?;
    }
    open_referral::write(dir, sink, plan)
}
