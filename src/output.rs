//! Writing the built site: every file goes to a fresh staging folder beside the output
//! folder as soon as it is made, and the staging folder is swapped in only when the whole
//! build succeeded. A failed build never touches the published site, and the site is
//! never held in memory whole.

use crate::render::OutFile;
use foldhash::HashMap;
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Where built files go. Rendering and the exports put files here in parallel.
pub trait Sink: Sync {
    fn put(&self, file: OutFile) -> io::Result<()>;

    /// Keeps the published file at `path` as it is: a rebuild after an edit knows the
    /// file would come out the same (see `incremental`). Only an update can keep files.
    fn keep(&self, path: &str) -> io::Result<()> {
        Err(io::Error::other(format!(
            "{path} cannot be kept: this build makes a new site"
        )))
    }

    /// Keeps each published file in `paths` (see `keep`).
    fn keep_all(&self, paths: &mut dyn Iterator<Item = &str>) -> io::Result<()> {
        for path in paths {
            self.keep(path)?;
        }
        Ok(())
    }

    /// Keeps those of `paths` the published site has, as `keep_where` does: for a list
    /// known beforehand, far shorter than the site.
    fn keep_listed(&self, paths: &mut dyn Iterator<Item = &str>) -> io::Result<()> {
        let _ = paths;
        Err(io::Error::other(
            "published files cannot be kept: this build makes a new site",
        ))
    }

    /// Keeps every published file whose path `which` accepts.
    fn keep_where(&self, which: &dyn Fn(&str) -> bool) -> io::Result<()> {
        let _ = which;
        Err(io::Error::other(
            "published files cannot be kept: this build makes a new site",
        ))
    }
}

/// A sink that notes the path of every file put through it, for `incremental`'s memo.
pub struct Noting<'a> {
    inner: &'a dyn Sink,
    paths: Mutex<Vec<String>>,
}

impl<'a> Noting<'a> {
    pub fn new(inner: &'a dyn Sink) -> Noting<'a> {
        Noting {
            inner,
            paths: Mutex::new(Vec::new()),
        }
    }

    /// The paths put, in no particular order.
    pub fn paths(self) -> Vec<String> {
        self.paths.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Noting<'_> {
    fn put(&self, file: OutFile) -> io::Result<()> {
        if let Ok(mut paths) = self.paths.lock() {
            paths.push(file.path.clone());
        }
        self.inner.put(file)
    }
}

/// A staging folder filling up with the new site; dropped without `commit`, it is removed.
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    folders: Mutex<HashSet<PathBuf>>,
    files: AtomicUsize,
    pages: AtomicUsize,
    bytes: AtomicU64,
    fingerprints: Mutex<Fingerprints>,
    committed: bool,
}

/// What the published site holds: each file's path, a hash of its bytes and its length.
/// `serve` keeps it between rebuilds to write only the files that changed (see [`Update`]),
/// which marks in it the files a rebuild keeps: the next rebuild takes it over as it is,
/// with no copy. The paths are the site's own, so a fast hash that does not resist chosen
/// keys is safe.
#[derive(Debug, Default, Clone)]
pub struct Fingerprints(HashMap<String, Published>);

impl Fingerprints {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The fingerprint of the file at `path`, if the site has it.
    pub fn get(&self, path: &str) -> Option<Fingerprint> {
        self.0.get(path).map(|p| p.fingerprint)
    }

    /// Every file's path, in no order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    fn insert(&mut self, path: String, fingerprint: Fingerprint) {
        self.0.insert(path, Published::new(fingerprint));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    pub hash: u64,
    pub len: u64,
}

fn fingerprint(bytes: &[u8]) -> Fingerprint {
    Fingerprint {
        hash: xxhash_rust::xxh3::xxh3_64(bytes),
        len: bytes.len() as u64,
    }
}

/// What a build wrote.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// Files and pages in the site, and their size.
    pub files: usize,
    pub pages: usize,
    pub bytes: u64,
    /// Files written (new or changed) and removed by this build.
    pub changed: usize,
    pub removed: usize,
    /// Files kept as they were without being made again (see `Sink::keep`).
    pub kept: usize,
    pub fingerprints: Fingerprints,
}

impl Staging {
    /// Starts an empty staging folder for `output` (removing any left by a crashed build).
    pub fn new(output: &Path) -> io::Result<Staging> {
        let staging = sibling(output, "staging");
        for leftover in [&staging, &sibling(output, "old")] {
            if leftover.exists() {
                std::fs::remove_dir_all(leftover)?;
            }
        }
        std::fs::create_dir_all(&staging)?;
        Ok(Staging {
            output: output.to_path_buf(),
            staging,
            folders: Mutex::new(HashSet::new()),
            files: AtomicUsize::new(0),
            pages: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            fingerprints: Mutex::new(Fingerprints::default()),
            committed: false,
        })
    }

    /// Swaps the staging folder in place of the output folder.
    pub fn commit(mut self) -> io::Result<Written> {
        let files = self.files.load(Ordering::Relaxed);
        let written = Written {
            files,
            pages: self.pages.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            changed: files,
            removed: 0,
            kept: 0,
            fingerprints: std::mem::take(
                self.fingerprints
                    .get_mut()
                    .unwrap_or_else(|e| e.into_inner()),
            ),
        };
        let old = sibling(&self.output, "old");
        if self.output.exists() {
            std::fs::rename(&self.output, &old)?;
            if let Err(e) = std::fs::rename(&self.staging, &self.output) {
                // Put the previous site back before reporting.
                let _ = std::fs::rename(&old, &self.output);
                return Err(e);
            }
            self.committed = true;
            remove_in_parallel(&old)?;
        } else {
            std::fs::rename(&self.staging, &self.output)?;
            self.committed = true;
        }
        Ok(written)
    }
}

impl Sink for Staging {
    fn put(&self, file: OutFile) -> io::Result<()> {
        let path = self.staging.join(&file.path);
        if let Some(folder) = path.parent() {
            // Each folder is made once, under the lock: another thread must not write into
            // it before it exists.
            let mut made = self
                .folders
                .lock()
                .map_err(|_| io::Error::other("a writing thread failed"))?;
            if !made.contains(folder) {
                std::fs::create_dir_all(folder)?;
                made.insert(folder.to_path_buf());
            }
        }
        std::fs::write(&path, &file.bytes)?;
        if let Ok(mut f) = self.fingerprints.lock() {
            f.insert(file.path.clone(), fingerprint(&file.bytes));
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        if file.path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.bytes
            .fetch_add(file.bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// A rebuild over a published site (for `serve`): files the same as the published ones are
/// skipped, new and changed ones are kept in memory, and nothing touches the site until
/// `apply`, which is called only when the whole build succeeded. The result is the same
/// site a full build makes, but only what changed is written: a staff member's edit
/// rewrites a few files, not the whole site.
pub struct Update {
    output: PathBuf,
    /// The published files, each marked when this build keeps it: tens of thousands are
    /// kept after an edit, so keeping one is a lookup and a flag, with no lock.
    published: Fingerprints,
    made: Mutex<Made>,
}

/// A published file, and whether the update under way keeps it.
#[derive(Debug)]
pub struct Published {
    fingerprint: Fingerprint,
    /// `GONE` unless kept (`KEPT`) or left for a later step (`LEFT`, see `keep_where`);
    /// always `GONE` between updates.
    stays: AtomicU8,
}

impl Published {
    fn new(fingerprint: Fingerprint) -> Published {
        Published {
            fingerprint,
            stays: AtomicU8::new(GONE),
        }
    }
}

impl Clone for Published {
    fn clone(&self) -> Published {
        Published::new(self.fingerprint)
    }
}

const GONE: u8 = 0;
const LEFT: u8 = 1;
const KEPT: u8 = 2;

/// The files put: every one's fingerprint, and the bytes of those new or changed.
#[derive(Default)]
struct Made {
    fingerprints: HashMap<String, Fingerprint>,
    changed: Vec<OutFile>,
}

impl Update {
    /// A rebuild over `output`, which holds the files `published` describes.
    pub fn new(output: &Path, published: Fingerprints) -> Update {
        Update {
            output: output.to_path_buf(),
            published,
            made: Mutex::new(Made::default()),
        }
    }

    /// Writes the new and changed files and removes files the site no longer has.
    pub fn apply(self) -> io::Result<Written> {
        let Made {
            fingerprints: put,
            changed,
        } = self.made.into_inner().unwrap_or_else(|e| e.into_inner());
        // The site is the published files kept or left, and what was put (which wins over
        // a file both kept and put). The marks are cleared for the next update.
        let (mut kept, mut gone) = (0, Vec::new());
        let mut fingerprints = self.published;
        fingerprints.0.retain(|path, published| {
            match std::mem::replace(published.stays.get_mut(), GONE) {
                GONE if !put.contains_key(path) => {
                    gone.push(path.clone());
                    return false;
                }
                KEPT => kept += 1,
                _ => {}
            }
            true
        });
        for (path, fingerprint) in put {
            fingerprints.insert(path, fingerprint);
        }
        for f in &changed {
            let path = self.output.join(&f.path);
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder)?;
            }
            // Written beside, then renamed: a reader never sees half a file.
            let temporary = path.with_extension("signpost-new");
            std::fs::write(&temporary, &f.bytes)?;
            std::fs::rename(&temporary, &path)?;
        }
        let mut removed = 0;
        for gone in gone {
            let path = self.output.join(gone);
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            // Folders left empty go too (a removed activity's folder).
            let mut folder = path.parent();
            while let Some(f) = folder.filter(|f| *f != self.output) {
                if std::fs::remove_dir(f).is_err() {
                    break;
                }
                folder = f.parent();
            }
        }
        Ok(Written {
            files: fingerprints.len(),
            pages: fingerprints
                .paths()
                .filter(|p| p.ends_with(".html"))
                .count(),
            bytes: fingerprints.0.values().map(|p| p.fingerprint.len).sum(),
            changed: changed.len(),
            removed,
            kept,
            fingerprints,
        })
    }
}

impl Sink for Update {
    fn put(&self, file: OutFile) -> io::Result<()> {
        let fingerprint = fingerprint(&file.bytes);
        let same = self
            .published
            .0
            .get(&file.path)
            .is_some_and(|p| p.fingerprint == fingerprint);
        let mut made = self
            .made
            .lock()
            .map_err(|_| io::Error::other("a rendering thread failed"))?;
        made.fingerprints.insert(file.path.clone(), fingerprint);
        if !same {
            made.changed.push(file);
        }
        Ok(())
    }

    fn keep(&self, path: &str) -> io::Result<()> {
        let Some(published) = self.published.0.get(path) else {
            return Err(io::Error::other(format!(
                "{path} was to be kept, but the published site does not have it"
            )));
        };
        published.stays.store(KEPT, Ordering::Relaxed);
        Ok(())
    }

    fn keep_listed(&self, paths: &mut dyn Iterator<Item = &str>) -> io::Result<()> {
        for published in paths.filter_map(|path| self.published.0.get(path)) {
            published.leave();
        }
        Ok(())
    }

    fn keep_where(&self, which: &dyn Fn(&str) -> bool) -> io::Result<()> {
        for (_, published) in self.published.0.iter().filter(|(path, _)| which(path)) {
            published.leave();
        }
        Ok(())
    }
}

impl Published {
    /// Left in place for another step to replace, not reused: not counted as kept (and a
    /// file kept meanwhile stays counted as kept).
    fn leave(&self) {
        let _ = self
            .stays
            .compare_exchange(GONE, LEFT, Ordering::Relaxed, Ordering::Relaxed);
    }
}

/// Removes a folder, its top-level entries in parallel (a large site is tens of thousands
/// of files, and unlinking them is most of a rebuild's swap).
fn remove_in_parallel(folder: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<PathBuf> = std::fs::read_dir(folder)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.par_iter().try_for_each(|p| {
        if p.is_dir() && !p.is_symlink() {
            std::fs::remove_dir_all(p)
        } else {
            std::fs::remove_file(p)
        }
    })?;
    std::fs::remove_dir(folder)
}

/// `public` → `.public.staging` in the same folder, so the final rename stays on one disk.
fn sibling(output: &Path, what: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.{what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &str) -> OutFile {
        OutFile {
            path: path.to_string(),
            bytes: bytes.as_bytes().to_vec(),
        }
    }

    /// A full build of `files` into `output`, returning what it published.
    fn build(output: &Path, files: &[(&str, &str)]) -> Written {
        let staging = Staging::new(output).unwrap();
        for (path, bytes) in files {
            staging.put(file(path, bytes)).unwrap();
        }
        staging.commit().unwrap()
    }

    #[test]
    fn a_full_build_counts_and_fingerprints_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let written = build(
            &output,
            &[
                ("index.html", "home"),
                ("a/index.html", "a"),
                ("style.css", "css!"),
            ],
        );
        assert_eq!(
            (written.files, written.pages, written.bytes),
            (3, 2, 4 + 1 + 4)
        );
        assert_eq!((written.changed, written.removed, written.kept), (3, 0, 0));
        assert_eq!(written.fingerprints.len(), 3);
        assert_eq!(
            written.fingerprints.get("a/index.html").unwrap(),
            fingerprint(b"a")
        );
        assert_eq!(std::fs::read(output.join("a/index.html")).unwrap(), b"a");
        assert!(Staging::new(&output).unwrap().keep("a/index.html").is_err());
        assert!(Staging::new(&output)
            .unwrap()
            .keep_where(&|_| true)
            .is_err());
    }

    #[test]
    fn an_update_writes_what_changed_keeps_what_it_is_told_and_removes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let published = build(
            &output,
            &[
                ("kept/index.html", "kept page"),
                ("same/index.html", "same page"),
                ("changed/index.html", "old page"),
                ("left.json", "left"),
                ("listed.ics", "listed"),
                ("gone/index.html", "gone page"),
                ("gone.csv", "gone"),
            ],
        )
        .fingerprints;
        let update = Update::new(&output, published);
        update.keep("kept/index.html").unwrap();
        update.keep_where(&|path| path.ends_with(".json")).unwrap();
        // Listed paths the site does not have are passed over.
        let mut listed = ["listed.ics", "never-published.ics"].into_iter();
        update.keep_listed(&mut listed).unwrap();
        update.put(file("same/index.html", "same page")).unwrap();
        update.put(file("changed/index.html", "new page!")).unwrap();
        update.put(file("new/index.html", "new")).unwrap();
        update.put(file("new.txt", "txt")).unwrap();
        let written = update.apply().unwrap();

        // Kept and left files count as in the site, and only kept ones as kept.
        assert_eq!((written.files, written.pages), (7, 4));
        assert_eq!(written.bytes, 9 + 9 + 9 + 4 + 6 + 3 + 3);
        assert_eq!((written.changed, written.removed, written.kept), (3, 2, 1));
        let mut paths: Vec<&str> = written.fingerprints.paths().collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "changed/index.html",
                "kept/index.html",
                "left.json",
                "listed.ics",
                "new.txt",
                "new/index.html",
                "same/index.html"
            ]
        );
        assert_eq!(
            written.fingerprints.get("changed/index.html").unwrap(),
            fingerprint(b"new page!")
        );
        assert_eq!(
            written.fingerprints.get("kept/index.html").unwrap(),
            fingerprint(b"kept page")
        );
        let read = |p: &str| std::fs::read_to_string(output.join(p)).ok();
        assert_eq!(read("changed/index.html").as_deref(), Some("new page!"));
        assert_eq!(read("new/index.html").as_deref(), Some("new"));
        assert_eq!(read("kept/index.html").as_deref(), Some("kept page"));
        assert_eq!(read("left.json").as_deref(), Some("left"));
        assert_eq!(read("listed.ics").as_deref(), Some("listed"));
        // Neither put nor kept: removed, with the folder it leaves empty.
        assert_eq!(read("gone/index.html"), None);
        assert_eq!(read("gone.csv"), None);
        assert!(!output.join("gone").exists());

        // The next update starts from what this one published, with nothing marked kept:
        // what it does not keep or put goes.
        let update = Update::new(&output, written.fingerprints);
        update.keep("kept/index.html").unwrap();
        let written = update.apply().unwrap();
        assert_eq!((written.files, written.kept, written.removed), (1, 1, 6));
        assert_eq!(
            written.fingerprints.paths().collect::<Vec<_>>(),
            ["kept/index.html"]
        );
        assert_eq!(read("kept/index.html").as_deref(), Some("kept page"));
        assert_eq!(read("new/index.html"), None);
    }

    #[test]
    fn an_update_cannot_keep_what_was_never_published() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let published = build(&output, &[("index.html", "home")]).fingerprints;
        let update = Update::new(&output, published);
        let error = update.keep("nowhere/index.html").unwrap_err();
        assert_eq!(
            error.to_string(),
            "nowhere/index.html was to be kept, but the published site does not have it"
        );
        // Nothing put or kept: the site is emptied, as a build of nothing would leave it.
        let written = update.apply().unwrap();
        assert_eq!((written.files, written.pages, written.bytes), (0, 0, 0));
        assert_eq!((written.changed, written.removed, written.kept), (0, 1, 0));
        assert!(!output.join("index.html").exists());
    }
}
