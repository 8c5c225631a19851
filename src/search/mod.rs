//! Search: one tantivy index, one query module, several front doors (the `search` command,
//! the `serve` server, and the static export the page script reads).

pub mod documents;
pub mod index;
pub mod page;
pub mod query;
pub mod static_export;
pub mod text;

/// Whether a file of the built site belongs to the search index (`render::search_files`).
pub fn is_index_file(path: &str) -> bool {
    [index::INDEX_FOLDER, static_export::DATA_FOLDER]
        .iter()
        .any(|folder| {
            path.strip_prefix(folder)
                .is_some_and(|rest| rest.starts_with('/'))
        })
}
