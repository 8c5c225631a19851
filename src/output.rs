//! Writing the built site: every file goes to a fresh staging folder beside the output
//! folder as soon as it is made, and the staging folder is swapped in only when the whole
//! build succeeded. A failed build never touches the published site, and the site is
//! never held in memory whole.

use crate::render::OutFile;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
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

    /// Keeps each published file in `paths` (see `keep`), all at once.
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
/// `serve` keeps it between rebuilds to write only the files that changed (see [`Update`]).
/// Hashed with foldhash: a rebuild after an edit looks up and adds every kept file's path,
/// tens of thousands of them, and SipHash was most of that.
pub type Fingerprints = HashMap<String, Fingerprint, foldhash::fast::RandomState>;

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
    published: Fingerprints,
    changed: Mutex<Vec<OutFile>>,
    fingerprints: Mutex<Fingerprints>,
    pages: AtomicUsize,
    bytes: AtomicU64,
    kept: AtomicUsize,
}

impl Update {
    /// A rebuild over `output`, which holds the files `published` describes.
    pub fn new(output: &Path, published: Fingerprints) -> Update {
        let size = published.len();
        Update {
            output: output.to_path_buf(),
            published,
            changed: Mutex::new(Vec::new()),
            // Most of the site is usually kept: room for it all from the start.
            fingerprints: Mutex::new(Fingerprints::with_capacity_and_hasher(
                size,
                Default::default(),
            )),
            pages: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            kept: AtomicUsize::new(0),
        }
    }

    /// Writes the new and changed files and removes files the site no longer has.
    pub fn apply(self) -> io::Result<Written> {
        let changed = self.changed.into_inner().unwrap_or_else(|e| e.into_inner());
        let fingerprints = self
            .fingerprints
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
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
        for gone in self
            .published
            .keys()
            .filter(|p| !fingerprints.contains_key(*p))
        {
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
            pages: self.pages.into_inner(),
            bytes: self.bytes.into_inner(),
            changed: changed.len(),
            removed,
            kept: self.kept.into_inner(),
            fingerprints,
        })
    }
}

impl Sink for Update {
    fn put(&self, file: OutFile) -> io::Result<()> {
        let hash = fingerprint(&file.bytes);
        if file.path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.bytes
            .fetch_add(file.bytes.len() as u64, Ordering::Relaxed);
        self.fingerprints
            .lock()
            .map_err(|_| io::Error::other("a rendering thread failed"))?
            .insert(file.path.clone(), hash);
        if self.published.get(&file.path) != Some(&hash) {
            self.changed
                .lock()
                .map_err(|_| io::Error::other("a rendering thread failed"))?
                .push(file);
        }
        Ok(())
    }

    fn keep(&self, path: &str) -> io::Result<()> {
        self.leave(path)?;
        self.kept.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn keep_all(&self, paths: &mut dyn Iterator<Item = &str>) -> io::Result<()> {
        // Looked up first, then added under one lock.
        let mut kept = Vec::new();
        for path in paths {
            kept.push((path.to_string(), self.published_fingerprint(path)?));
        }
        self.kept.fetch_add(kept.len(), Ordering::Relaxed);
        self.fingerprints
            .lock()
            .map_err(|_| io::Error::other("a rendering thread failed"))?
            .extend(kept);
        Ok(())
    }

    fn keep_listed(&self, paths: &mut dyn Iterator<Item = &str>) -> io::Result<()> {
        // As `keep_where`: left in place, not counted as kept.
        let mut left = Vec::new();
        for path in paths.filter(|p| self.published.contains_key(*p)) {
            left.push((path.to_string(), self.published_fingerprint(path)?));
        }
        self.fingerprints
            .lock()
            .map_err(|_| io::Error::other("a rendering thread failed"))?
            .extend(left);
        Ok(())
    }

    fn keep_where(&self, which: &dyn Fn(&str) -> bool) -> io::Result<()> {
        // Left in place for another step to replace, not reused: not counted as kept.
        for path in self.published.keys().filter(|p| which(p)) {
            self.leave(path)?;
        }
        Ok(())
    }
}

impl Update {
    /// Leaves the published file at `path` in the site as it is.
    fn leave(&self, path: &str) -> io::Result<()> {
        let published = self.published_fingerprint(path)?;
        self.fingerprints
            .lock()
            .map_err(|_| io::Error::other("a rendering thread failed"))?
            .insert(path.to_string(), published);
        Ok(())
    }
}

impl Update {
    /// The fingerprint of the published file at `path`, which is to stay in the site as it
    /// is (counted as such).
    fn published_fingerprint(&self, path: &str) -> io::Result<Fingerprint> {
        let Some(&published) = self.published.get(path) else {
            return Err(io::Error::other(format!(
                "{path} was to be kept, but the published site does not have it"
            )));
        };
        if path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.bytes.fetch_add(published.len, Ordering::Relaxed);
        Ok(published)
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
