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
use crate::render::OutFile;
use std::sync::Mutex;

/// Where export files go, each exporter's as soon as they are made: each listing's own
/// files (an activity's or provider's calendar, and their Open Referral detail files) to
/// `listings`, and the whole site's (list calendars, the feed, the shortlist, CSV, Open
/// Referral lists and taxonomies) to `lists`. Files for a target left out are not made:
/// after an edit, `serve` publishes the listings' files with the pages, and the whole
/// site's after.
pub struct Targets<'a> {
    pub listings: Option<&'a ListingFiles<'a>>,
    pub lists: Option<&'a dyn Sink>,
}

/// The listing an export file belongs to, by index into the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    Activity(usize),
    Provider(usize),
}

/// Where each listing's own export files go, noting (when asked) which listing made each,
/// so a rebuild after an edit can keep the files of listings it did not touch without
/// working out their names again (see `incremental`).
pub struct ListingFiles<'a> {
    sink: &'a dyn Sink,
    noted: Option<Mutex<Vec<(Owner, String)>>>,
}

impl<'a> ListingFiles<'a> {
    /// Files go to `sink`; with `note`, their paths are noted too.
    pub fn new(sink: &'a dyn Sink, note: bool) -> ListingFiles<'a> {
        ListingFiles {
            sink,
            noted: note.then(|| Mutex::new(Vec::new())),
        }
    }

    /// Puts one of `owner`'s files.
    pub fn put(&self, owner: Owner, file: OutFile) -> std::io::Result<()> {
        if let Some(noted) = &self.noted {
            noted
                .lock()
                .map_err(|_| std::io::Error::other("an export thread failed"))?
                .push((owner, file.path.clone()));
        }
        self.sink.put(file)
    }

    /// Each file put and its listing, in no particular order (none unless noted).
    pub fn noted(self) -> Vec<(Owner, String)> {
        self.noted
            .map(|n| n.into_inner().unwrap_or_else(|e| e.into_inner()))
            .unwrap_or_default()
    }
}

/// Writes the export files `to` asks for. The own files of listings the `plan` reuses are
/// not made: the caller keeps them as published.
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
