//! What a check after an edit reuses from the check before it.
//!
//! A provider listing's own checks (its fields, activities and sessions) and the Easy Read
//! lines Signpost writes for its activities read its own file and, besides it, only what
//! is not a provider listing: the vocabulary, venues and Changing Places, photos, which
//! files could not be read, the theme's pictures and today. `serve` keeps each provider's
//! results here, in its [`LoadCache`](super::load::LoadCache), and the next check reuses
//! those of files whose bytes are the same, as long as nothing besides provider listings
//! changed. The checks across files (duplicate ids and the like) are always made again, so
//! the directory and every message are those of a full check (`tests/incremental.rs`).

use super::load::RawContent;
use super::validate::ProviderChecked;
use super::{Directory, Provider};
use crate::diagnostics::Diagnostic;
use crate::incremental::Inputs;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Each provider listing's own checks, by file below the content folder. Keeps nothing
/// until `begin` is given the inputs of a check (a one-off check has none).
#[derive(Default)]
pub struct CheckMemo {
    /// A hash of everything a provider's own checks read besides its file, when kept.
    context: Option<u64>,
    /// Each provider listing's hash, for the check under way.
    stamps: HashMap<String, u64>,
    kept: HashMap<String, Kept>,
}

/// One provider listing's results, from the file with hash `stamp`.
struct Kept {
    stamp: u64,
    checked: Arc<ProviderChecked>,
    /// The errors in the Easy Read lines Signpost writes for its activities, once made
    /// (only a check without errors makes them).
    generated_lines: Option<Arc<Vec<Diagnostic>>>,
}

impl CheckMemo {
    /// Starts a check of `raw`, read with `inputs` (None keeps nothing): forgets every
    /// result that no longer applies.
    pub fn begin(&mut self, inputs: Option<&Inputs>, raw: &RawContent) {
        let Some(inputs) = inputs else {
            *self = CheckMemo::default();
            return;
        };
        // The inputs hash what is not a provider listing by the bytes of the files read;
        // photos and unreadable files count by name too (they are not all read).
        let mut context = std::hash::DefaultHasher::new();
        inputs.context().hash(&mut context);
        raw.images.hash(&mut context);
        raw.unreadable.hash(&mut context);
        let context = Some(context.finish());
        if context != self.context {
            self.kept.clear();
        }
        self.context = context;
        self.stamps = raw
            .providers
            .iter()
            .filter_map(|p| Some((p.file.clone(), inputs.provider(&p.file)?)))
            .collect();
        let stamps = &self.stamps;
        self.kept
            .retain(|file, kept| stamps.get(file) == Some(&kept.stamp));
    }

    /// The kept checks of the provider listing `file`, when they apply to this check.
    pub(crate) fn provider(&self, file: &str) -> Option<Arc<ProviderChecked>> {
        self.kept.get(file).map(|k| k.checked.clone())
    }

    /// Keeps the checks of the provider listing `file` just made, for the next check.
    pub(crate) fn keep_provider(&mut self, file: &str, checked: &Arc<ProviderChecked>) {
        if self.context.is_none() {
            return;
        }
        if let Some(&stamp) = self.stamps.get(file) {
            let kept = Kept {
                stamp,
                checked: checked.clone(),
                generated_lines: None,
            };
            self.kept.insert(file.to_string(), kept);
        }
    }

    /// `easy_read_lint::generated_lines`, taking each provider's from the last check when
    /// kept, and keeping the others'.
    pub fn generated_lines(&mut self, dir: &Directory) -> Vec<Diagnostic> {
        let memo = &*self;
        let per_provider: Vec<(Arc<Vec<Diagnostic>>, bool)> = dir
            .providers
            .par_iter()
            .map(|p| match memo.kept_lines(p) {
                Some(lines) => (lines, true),
                None => (
                    Arc::new(crate::easy_read_lint::provider_lines(dir, p)),
                    false,
                ),
            })
            .collect();
        let mut out = Vec::new();
        for (p, (lines, was_kept)) in dir.providers.iter().zip(per_provider) {
            out.extend(lines.iter().cloned());
            if !was_kept {
                if let Some(kept) = self.kept.get_mut(&p.file) {
                    kept.generated_lines = Some(lines);
                }
            }
        }
        out
    }

    fn kept_lines(&self, p: &Provider) -> Option<Arc<Vec<Diagnostic>>> {
        self.kept.get(&p.file)?.generated_lines.clone()
    }
}
