//! Machine-readable outputs built from the same directory as the pages: each is one module
//! that turns the `Directory` into files. None parses content again; none knows another.

pub mod csv;
pub mod feed;
pub mod ical;
pub mod json_ld;
pub mod open_referral;
pub mod shortlist;

use crate::content::Directory;
use crate::render::OutFile;

/// Every export file of the site. Each exporter adds its files here.
pub fn outputs(dir: &Directory) -> Vec<OutFile> {
    let mut files = Vec::new();
    files.extend(ical::outputs(dir));
    files.extend(feed::outputs(dir));
    files.extend(shortlist::outputs(dir));
    files.extend(open_referral::outputs(dir));
    files.extend(csv::outputs(dir));
    files
}
