//! Long lists split into pages, so no list grows past what a cheap phone on a slow
//! connection loads quickly: lists of activity cards (browse pages and "All activities",
//! [`CARDS_PER_PAGE`] a page) and plain lists (providers, places, Changing Places toilets,
//! [`ITEMS_PER_PAGE`] a page). The cards themselves are rendered once per activity by
//! `render` and joined by index (`PageSpec::cards`), instead of once for every list an
//! activity is on.

use super::{Deriver, Pic};
use crate::site::PageSpec;
use serde::Serialize;

/// Cards on one page of a list.
pub const CARDS_PER_PAGE: usize = 50;
/// Entries on one page of a plain list (a name, a line and a detail each).
pub const ITEMS_PER_PAGE: usize = 100;
/// Numbered links shown either side of the current page.
const NEARBY_PAGES: usize = 2;

/// Where a page sits in its list, for the "Page 2 of 5" line and the page links.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    /// Activities in the whole list, and the first and last shown on this page (from 1).
    pub count: usize,
    pub first: usize,
    pub last: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub previous_picture: Pic,
    pub next_picture: Pic,
    /// The first, the last and nearby pages; `None` marks a gap ("…").
    pub links: Vec<Option<PageLink>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// What a card list page says above its cards.
pub struct CardList<'a> {
    pub heading: &'a str,
    pub easy_read: String,
    pub picture: Pic,
    /// What a time word means ("Evening means it ends after 6pm").
    pub rule: Option<String>,
    pub see_also: Option<String>,
    /// The first page's path, such as `what/art/`.
    pub path: String,
    pub crumbs: Vec<(&'a str, &'a str)>,
}

/// The path of page `number` of a list whose first page is at `path`.
pub fn page_path(path: &str, number: usize) -> String {
    if number <= 1 {
        path.to_string()
    } else {
        format!("{path}page-{number}/")
    }
}

/// Page 1 keeps the list's title and breadcrumbs; later pages say which page they are
/// and lead back to page 1.
fn title_and_crumbs<'a>(
    heading: &'a str,
    path: &'a str,
    number: usize,
    total: usize,
    crumbs: &[(&'a str, &'a str)],
) -> (String, Vec<(&'a str, &'a str)>) {
    let mut crumbs = crumbs.to_vec();
    if number == 1 {
        return (heading.to_string(), crumbs);
    }
    crumbs.push((heading, path));
    (format!("{heading}, page {number} of {total}"), crumbs)
}

/// True for ids that page paths use (`page-2`): listings cannot have them.
pub fn is_page_id(id: &str) -> bool {
    id.strip_prefix("page-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

impl Deriver<'_> {
    /// The pages of a card list: activities `indexes`, in name order, `CARDS_PER_PAGE` a page.
    pub(super) fn card_list_pages(&self, list: CardList, mut indexes: Vec<usize>) -> Vec<PageSpec> {
        indexes.sort_by_key(|&i| self.name_rank[i]);
        indexes.dedup();
        let count = indexes.len();
        let total = count.div_ceil(CARDS_PER_PAGE).max(1);
        let calendar = crate::carers::calendar_links(&self.dir.site, &list.path);
        // What every page of the list is made from besides its number and its cards: its
        // own values and how many it lists (see `known`).
        let list_key = self.card_keys().map(|card_keys| {
            let mut hash = xxhash_rust::xxh3::Xxh3::new();
            for text in [list.heading, &list.easy_read, &list.picture.url, &list.path] {
                super::known::add(&mut hash, text);
            }
            for text in [&list.rule, &list.see_also] {
                super::known::add(&mut hash, text.as_deref().unwrap_or("\u{0}none"));
            }
            for (label, path) in &list.crumbs {
                super::known::add(&mut hash, label);
                super::known::add(&mut hash, path);
            }
            hash.update(&(count as u64).to_le_bytes());
            (hash.digest(), card_keys)
        });
        let mut pages = Vec::with_capacity(total);
        for number in 1..=total {
            let start = (number - 1) * CARDS_PER_PAGE;
            let make = || {
                let cards: Vec<usize> = indexes
                    .iter()
                    .skip(start)
                    .take(CARDS_PER_PAGE)
                    .copied()
                    .collect();
                let pagination =
                    self.pagination(&list.path, number, total, count, start, cards.len());
                let mut ctx = tera::Context::new();
                ctx.insert("heading", list.heading);
                ctx.insert("easy_read", &list.easy_read);
                ctx.insert("picture", &list.picture);
                ctx.insert("rule", &list.rule);
                ctx.insert("see_also", &list.see_also);
                ctx.insert("pagination", &pagination);
                let (title, crumbs) =
                    title_and_crumbs(list.heading, &list.path, number, total, &list.crumbs);
                let meta = self.meta(
                    &title,
                    &format!("{count} activities: {}.", list.heading),
                    &page_path(&list.path, number),
                    "browse",
                    crumbs,
                );
                let mut spec = self.page(meta, "browse.html", ctx);
                // Every page of the list offers the whole list's calendar.
                spec.context.insert("calendar", &calendar);
                spec.cards = cards;
                spec
            };
            let page = match list_key {
                // A page is made again only when its own cards changed, not another page's.
                Some((list_key, card_keys)) => self.keyed_page(
                    super::file_of(&page_path(&list.path, number)),
                    |hash| {
                        hash.update(b"browse.html\0");
                        hash.update(&list_key.to_le_bytes());
                        hash.update(&(number as u64).to_le_bytes());
                        for &i in indexes.iter().skip(start).take(CARDS_PER_PAGE) {
                            hash.update(&card_keys[i].to_le_bytes());
                        }
                    },
                    make,
                ),
                None => make(),
            };
            pages.push(page);
        }
        pages
    }

    /// Where page `number` of `total` sits in the list at `path`: `count` entries in all,
    /// `shown` of them on this page from `start` (counting from 0).
    fn pagination(
        &self,
        path: &str,
        number: usize,
        total: usize,
        count: usize,
        start: usize,
        shown: usize,
    ) -> Pagination {
        let url_of = |n: usize| self.url(&page_path(path, n));
        let links = (1..=total)
            .filter(|&n| n == 1 || n == total || n.abs_diff(number) <= NEARBY_PAGES)
            .fold(Vec::new(), |mut links: Vec<Option<PageLink>>, n| {
                if let Some(Some(last)) = links.last() {
                    if n > last.number + 1 {
                        links.push(None);
                    }
                }
                links.push(Some(PageLink {
                    number: n,
                    url: url_of(n),
                    current: n == number,
                }));
                links
            });
        Pagination {
            current: number,
            total,
            count,
            first: start + 1,
            last: start + shown,
            previous: (number > 1).then(|| url_of(number - 1)),
            next: (number < total).then(|| url_of(number + 1)),
            previous_picture: self.pic("⬅️"),
            next_picture: self.pic("➡️"),
            links,
        }
    }

    /// The pages of a plain list (providers, places, Changing Places toilets), in the order
    /// given, `ITEMS_PER_PAGE` a page.
    pub(super) fn item_list_pages(
        &self,
        title: &str,
        intro: &str,
        path: &str,
        picture: &str,
        items: Vec<super::ListItem>,
    ) -> Vec<PageSpec> {
        let pic = self.pic(picture);
        let count = items.len();
        let total = count.div_ceil(ITEMS_PER_PAGE).max(1);
        let mut pages = Vec::with_capacity(total);
        for number in 1..=total {
            let start = (number - 1) * ITEMS_PER_PAGE;
            let chunk: Vec<&super::ListItem> =
                items.iter().skip(start).take(ITEMS_PER_PAGE).collect();
            let make = || {
                let mut ctx = tera::Context::new();
                ctx.insert("heading", title);
                ctx.insert("intro", intro);
                ctx.insert("picture", &pic);
                ctx.insert("items", &chunk);
                ctx.insert(
                    "pagination",
                    &self.pagination(path, number, total, count, start, chunk.len()),
                );
                let (page_title, crumbs) =
                    title_and_crumbs(title, path, number, total, &[("Home", "")]);
                let meta = self.meta(&page_title, intro, &page_path(path, number), "list", crumbs);
                self.page(meta, "list.html", ctx)
            };
            // Its own values, where it is in the list, and its items (see `known`).
            let key = |hash: &mut xxhash_rust::xxh3::Xxh3| {
                hash.update(b"list.html\0");
                for text in [title, intro, &pic.url] {
                    super::known::add(hash, text);
                }
                for n in [number, total, count] {
                    hash.update(&(n as u64).to_le_bytes());
                }
                std::hash::Hash::hash(&chunk, hash);
            };
            pages.push(self.keyed_page(super::file_of(&page_path(path, number)), key, make));
        }
        pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ids_are_recognised() {
        assert!(is_page_id("page-2"));
        assert!(is_page_id("page-10"));
        assert!(!is_page_id("page-"));
        assert!(!is_page_id("page-two"));
        assert!(!is_page_id("pages-2"));
        assert_eq!(page_path("what/art/", 1), "what/art/");
        assert_eq!(page_path("what/art/", 3), "what/art/page-3/");
    }
}
