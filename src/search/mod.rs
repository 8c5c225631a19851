//! Search: one tantivy index, one query module, several front doors (the `search` command,
//! the `serve` server, and the static export the page script reads).

pub mod documents;
pub mod index;
pub mod page;
pub mod query;
pub mod static_export;
pub mod text;
