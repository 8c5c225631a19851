//! Pages keyed before they are made. Lists of cards and the week timetables are the pages
//! every build derives that cost the most to make. Their key is a hash of what they are made
//! from (the cards they list, in order, and their own few values), so a rebuild after an
//! edit can compare it with the last build's key and keep the page as published without
//! making its values at all (see `incremental`). Everything else a page depends on (site
//! settings, vocabulary, theme, date) is the same whenever the last build's keys are given.

use super::{Deriver, PageSpec};
use crate::pictures::{self, Picture};

/// What a page keyed before it was made is, for the memo of this build.
#[derive(Debug)]
pub struct Known {
    pub key: u64,
    /// The page is as the last build published it: it has no values and is not rendered.
    pub kept: bool,
    /// The pictures the page shows, by file name, once each: a later build that keeps the
    /// page must still publish them.
    pub pictures: Vec<String>,
}

/// The last build's pictures of the page at a path, if that page was made from `key` then.
pub type LastPage<'a> = dyn Fn(&str, u64) -> Option<Vec<Picture>> + Sync + 'a;

/// What a deriver needs to key pages before making them.
pub struct PageKeys<'a> {
    /// Each activity's card key (a hash of its HTML), by index.
    pub cards: Vec<u64>,
    /// The last build's pages; None when its keys are not comparable with this build's.
    pub last: Option<Box<LastPage<'a>>>,
}

impl<'a> Deriver<'a> {
    /// Keys the pages that can be keyed before they are made (see the module comment);
    /// without this (a one-off build), they are simply made.
    pub fn key_pages(&mut self, keys: PageKeys<'a>) {
        self.page_keys = Some(keys);
    }

    /// The key of each activity's card, when pages are keyed.
    pub fn card_keys(&self) -> Option<&[u64]> {
        self.page_keys.as_ref().map(|k| k.cards.as_slice())
    }

    /// The page at `file`, kept as published when the last build made it from the same key
    /// (which `key` adds to a hash), made by `make` otherwise.
    pub(super) fn keyed_page(
        &self,
        file: String,
        key: impl FnOnce(&mut xxhash_rust::xxh3::Xxh3),
        make: impl FnOnce() -> PageSpec,
    ) -> PageSpec {
        let Some(keys) = &self.page_keys else {
            return make();
        };
        let mut hash = xxhash_rust::xxh3::Xxh3::new();
        hash.update(file.as_bytes());
        hash.update(&[0]);
        key(&mut hash);
        let key = hash.digest();
        if let Some(shown) = keys.last.as_ref().and_then(|last| last(&file, key)) {
            let pictures = shown
                .iter()
                .map(|p| {
                    self.pictures.add(p);
                    p.file_name.clone()
                })
                .collect();
            return PageSpec {
                path: file,
                template: "",
                context: tera::Context::new(),
                cards: Vec::new(),
                known: Some(Known {
                    key,
                    kept: true,
                    pictures,
                }),
            };
        }
        let (mut page, mut pictures) = pictures::recording(make);
        pictures.sort();
        pictures.dedup();
        page.known = Some(Known {
            key,
            kept: false,
            pictures,
        });
        page
    }
}

/// Adds a string to a key, ended so that "ab"+"c" and "a"+"bc" differ.
pub(super) fn add(hash: &mut xxhash_rust::xxh3::Xxh3, text: &str) {
    hash.update(text.as_bytes());
    hash.update(&[0]);
}
