//! The tantivy index: one document per searchable listing, with a `words` field (for typo
//! matching against the dictionary), a `stems` field (so every form of a word matches),
//! one raw field per facet and the document number as a fast field.
//!
//! tantivy names segment files with random ids; `deterministic_files` renames them from
//! the content's hash so the same content always gives the same files.

use super::documents::{stems, SearchDoc, FACETS};
use super::query::FilterValues;
use super::text::stem;
use crate::render::css::fnv1a;
use crate::render::OutFile;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use tantivy::schema::{Field, Schema, FAST, STRING};
use tantivy::{Index, IndexReader, TantivyDocument};

/// Where the index lives inside the built site.
pub const INDEX_FOLDER: &str = "search-index";
/// The display data of every document, beside the index.
pub const DOCS_FILE: &str = "docs.json";
/// The valid filter values, beside the index.
pub const FILTERS_FILE: &str = "filters.json";

/// The fields of the index, looked up once.
pub struct Fields {
    pub words: Field,
    pub stems: Field,
    pub number: Field,
    pub facets: BTreeMap<&'static str, Field>,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = b.add_text_field("words", STRING);
    let stems = b.add_text_field("stems", STRING);
    let number = b.add_u64_field("n", FAST);
    let facets = FACETS
        .iter()
        .map(|f| (*f, b.add_text_field(f, STRING)))
        .collect();
    (
        b.build(),
        Fields {
            words,
            stems,
            number,
            facets,
        },
    )
}

pub fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    let get = |name: &str| schema.get_field(name);
    Ok(Fields {
        words: get("words")?,
        stems: get("stems")?,
        number: get("n")?,
        facets: FACETS
            .iter()
            .map(|f| Ok((*f, get(f)?)))
            .collect::<tantivy::Result<_>>()?,
    })
}

/// Builds the index for `docs` and returns its files (under `search-index/`).
pub fn build_files(docs: &[SearchDoc], values: &FilterValues) -> Result<Vec<OutFile>, String> {
    let tmp = tempfile::tempdir().map_err(|e| format!("search index: no temporary folder: {e}"))?;
    let (schema, fields) = schema();
    let index =
        Index::create_in_dir(tmp.path(), schema).map_err(|e| format!("search index: {e}"))?;
    write_docs(&index, &fields, docs).map_err(|e| format!("search index: {e}"))?;
    drop(index);
    let mut files = deterministic_files(tmp.path(), docs)?;
    let display = serde_json::to_vec(docs).map_err(|e| format!("search index: {e}"))?;
    files.push(OutFile {
        path: format!("{INDEX_FOLDER}/{DOCS_FILE}"),
        bytes: display,
    });
    files.push(OutFile {
        path: format!("{INDEX_FOLDER}/{FILTERS_FILE}"),
        bytes: serde_json::to_vec(values).map_err(|e| format!("search index: {e}"))?,
    });
    Ok(files)
}

/// Builds the index in memory, for the server and benchmarks.
pub fn build_in_ram(docs: &[SearchDoc]) -> tantivy::Result<Index> {
    let (schema, fields) = schema();
    let index = Index::create_in_ram(schema);
    write_docs(&index, &fields, docs)?;
    Ok(index)
}

fn write_docs(index: &Index, fields: &Fields, docs: &[SearchDoc]) -> tantivy::Result<()> {
    // One thread keeps documents in order and segments the same from build to build.
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 100_000_000)?;
    for d in docs {
        let mut doc = TantivyDocument::default();
        doc.add_u64(fields.number, u64::from(d.n));
        for w in &d.words {
            doc.add_text(fields.words, w);
        }
        for s in stems(d) {
            doc.add_text(fields.stems, &s);
        }
        for (facet, value) in &d.facets {
            doc.add_text(fields.facets[facet], value);
        }
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// Reads the index folder's files, renaming random segment ids to ids made from the
/// documents, so identical content gives byte-identical files.
fn deterministic_files(folder: &Path, docs: &[SearchDoc]) -> Result<Vec<OutFile>, String> {
    let err = |e: std::io::Error| format!("search index: {e}");
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map_err(err)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".lock"))
        .collect();
    names.sort();
    let meta = std::fs::read_to_string(folder.join("meta.json")).map_err(err)?;
    let meta_json: serde_json::Value =
        serde_json::from_str(&meta).map_err(|e| format!("search index: {e}"))?;
    let seed = fnv1a(&serde_json::to_vec(docs).unwrap_or_default());
    let mut renames: Vec<(String, String)> = Vec::new();
    if let Some(segments) = meta_json.get("segments").and_then(|s| s.as_array()) {
        for (i, s) in segments.iter().enumerate() {
            if let Some(id) = s.get("segment_id").and_then(|x| x.as_str()) {
                let new = format!(
                    "{:016x}{:016x}",
                    seed,
                    fnv1a(format!("{seed}-{i}").as_bytes())
                );
                // Meta files write ids with hyphens, file names without.
                renames.push((id.to_string(), uuid_hyphenated(&new)));
                renames.push((id.replace('-', ""), new));
            }
        }
    }
    let rename = |text: &str| {
        renames
            .iter()
            .fold(text.to_string(), |t, (a, b)| t.replace(a, b))
    };
    let mut files = Vec::new();
    for name in names {
        let bytes = std::fs::read(folder.join(&name)).map_err(err)?;
        let bytes = if name.ends_with(".json") {
            let text = rename(&String::from_utf8_lossy(&bytes));
            // tantivy lists its managed files from a hash set: sort them.
            match serde_json::from_str::<Vec<String>>(&text) {
                Ok(mut list) => {
                    list.sort();
                    serde_json::to_vec(&list).unwrap_or_default()
                }
                Err(_) => text.into_bytes(),
            }
        } else {
            bytes
        };
        files.push(OutFile {
            path: format!("{INDEX_FOLDER}/{}", rename(&name)),
            bytes,
        });
    }
    Ok(files)
}

fn uuid_hyphenated(hex32: &str) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        &hex32[0..8],
        &hex32[8..12],
        &hex32[12..16],
        &hex32[16..20],
        &hex32[20..32]
    )
}

/// An opened index with its display data.
pub struct SearchIndex {
    pub reader: IndexReader,
    pub fields: Fields,
    pub docs: Vec<SearchDoc>,
    pub values: FilterValues,
    /// Dictionary words by (first letter, length in letters), with their stems: a typed
    /// word is only compared with words it could be a typo of.
    pub words: HashMap<(char, usize), Vec<(String, String)>>,
    /// For each segment, document id → document number.
    pub numbers: std::sync::Arc<Vec<Vec<u32>>>,
}

impl SearchIndex {
    /// Opens the index that `signpost build` wrote into the site folder.
    pub fn open(site: &Path) -> Result<SearchIndex, String> {
        let folder = site.join(INDEX_FOLDER);
        let index = open_in_memory(&folder).map_err(|e| {
            format!(
                "cannot open the search index in {}: {e} (run `signpost build` first)",
                folder.display()
            )
        })?;
        let docs_text = std::fs::read(folder.join(DOCS_FILE))
            .map_err(|e| format!("{}: {e}", folder.join(DOCS_FILE).display()))?;
        let docs: Vec<SearchDoc> =
            serde_json::from_slice(&docs_text).map_err(|e| format!("{DOCS_FILE}: {e}"))?;
        let values_text = std::fs::read(folder.join(FILTERS_FILE))
            .map_err(|e| format!("{}: {e}", folder.join(FILTERS_FILE).display()))?;
        let values: FilterValues =
            serde_json::from_slice(&values_text).map_err(|e| format!("{FILTERS_FILE}: {e}"))?;
        SearchIndex::from_index(index, docs, values)
    }

    pub fn from_index(
        index: Index,
        docs: Vec<SearchDoc>,
        values: FilterValues,
    ) -> Result<SearchIndex, String> {
        let fields = fields_of(&index.schema()).map_err(|e| e.to_string())?;
        // The files are replaced whole by the next build (and `serve` opens that anew), so
        // the reader must not watch them and reload half-written segments.
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| e.to_string())?;
        let searcher = reader.searcher();
        let mut words: HashMap<(char, usize), Vec<(String, String)>> = HashMap::new();
        let mut numbers = Vec::new();
        for segment in searcher.segment_readers() {
            let inverted = segment
                .inverted_index(fields.words)
                .map_err(|e| e.to_string())?;
            let mut stream = inverted.terms().stream().map_err(|e| e.to_string())?;
            while stream.advance() {
                if let Ok(w) = std::str::from_utf8(stream.key()) {
                    if let Some(first) = w.chars().next() {
                        let list = words.entry((first, w.chars().count())).or_default();
                        if !list.iter().any(|(x, _)| x == w) {
                            list.push((w.to_string(), stem(w)));
                        }
                    }
                }
            }
            let column = segment.fast_fields().u64("n").map_err(|e| e.to_string())?;
            numbers.push(
                (0..segment.max_doc())
                    .map(|d| column.first(d).unwrap_or(0) as u32)
                    .collect(),
            );
        }
        Ok(SearchIndex {
            reader,
            fields,
            docs,
            values,
            words,
            numbers: std::sync::Arc::new(numbers),
        })
    }
}

/// Opens the index from a copy in memory: opening it in place would write a lock file into
/// the published site, and the next build replaces these files under a running server.
fn open_in_memory(folder: &Path) -> Result<Index, String> {
    use tantivy::directory::{Directory, RamDirectory};
    let ram = RamDirectory::create();
    let entries = std::fs::read_dir(folder).map_err(|e| e.to_string())?;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        if entry.path().is_file() && !name.to_string_lossy().ends_with(".lock") {
            let bytes = std::fs::read(entry.path()).map_err(|e| e.to_string())?;
            ram.atomic_write(Path::new(&name), &bytes)
                .map_err(|e| e.to_string())?;
        }
    }
    Index::open(ram).map_err(|e| e.to_string())
}
