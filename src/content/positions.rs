//! Where each field of a YAML document is, so every diagnostic can name a line and column.
//!
//! serde gives us typed values but forgets positions; this second, event-level read of the
//! same text records, for every field path (`activities[0].sessions[1].day`), where its key
//! and its value start.
//!
//! Most files never produce a diagnostic, so [`Positions`] keeps the text and reads it
//! for positions only the first time a message asks.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Positions of every field path in one YAML document.
#[derive(Debug, Default, Clone)]
pub struct PositionMap {
    /// Where the value of each path starts.
    values: HashMap<String, Position>,
    /// Where the key of each mapping entry starts.
    keys: HashMap<String, Position>,
    /// Keys written twice in one mapping, at their second place.
    duplicates: Vec<(String, Position)>,
}

impl PositionMap {
    /// Reads `text`, whose first line is line `first_line` of its file.
    pub fn new(text: &str, first_line: usize) -> PositionMap {
        let mut builder = Builder {
            map: PositionMap::default(),
            stack: Vec::new(),
            offset: first_line.saturating_sub(1),
        };
        // Syntax errors are reported by serde_yaml; here we keep what we could read.
        let _ = Parser::new_from_str(text).load(&mut builder, false);
        builder.map
    }

    /// Keys written twice in the same mapping, at the second occurrence.
    pub fn duplicate_keys(&self) -> &[(String, Position)] {
        &self.duplicates
    }

    /// Where the value at `path` starts, or the nearest enclosing field that exists.
    pub fn value(&self, path: &str) -> Position {
        self.lookup(&self.values, path)
    }

    /// Where the key of `path` starts (for unknown fields), else its value.
    pub fn key(&self, path: &str) -> Position {
        match self.keys.get(path) {
            Some(p) => *p,
            None => self.value(path),
        }
    }

    fn lookup(&self, table: &HashMap<String, Position>, path: &str) -> Position {
        let mut path = path;
        loop {
            if let Some(p) = table.get(path) {
                return *p;
            }
            match parent_path(path) {
                Some(parent) => path = parent,
                None => return self.values.get("").copied().unwrap_or_default(),
            }
        }
    }
}

/// One document's text, read for positions on first use. Cheap to clone (copies share the
/// text and the map) and usable from several threads.
#[derive(Clone)]
pub struct Positions(Arc<LazyMap>);

struct LazyMap {
    text: String,
    first_line: usize,
    map: OnceLock<PositionMap>,
}

impl Positions {
    /// Keeps `text`, whose first line is line `first_line` of its file.
    pub fn new(text: String, first_line: usize) -> Positions {
        Positions(Arc::new(LazyMap {
            text,
            first_line,
            map: OnceLock::new(),
        }))
    }

    /// The map of every field, read now if no one asked before.
    pub fn map(&self) -> &PositionMap {
        let lazy = &*self.0;
        lazy.map
            .get_or_init(|| PositionMap::new(&lazy.text, lazy.first_line))
    }

    /// Where the value at `path` starts (see [`PositionMap::value`]).
    pub fn value(&self, path: &str) -> Position {
        self.map().value(path)
    }

    /// Where the key of `path` starts (see [`PositionMap::key`]).
    pub fn key(&self, path: &str) -> Position {
        self.map().key(path)
    }
}

impl std::fmt::Debug for Positions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Positions")
            .field("first_line", &self.0.first_line)
            .field("read", &self.0.map.get().is_some())
            .finish()
    }
}

/// `a.b[2]` → `a.b`, `a.b` → `a`, `a` → ``.
pub fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

/// `parent` + mapping key.
pub fn child_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent` + sequence index.
pub fn child_index(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

enum Frame {
    Mapping {
        path: String,
        /// The key just read, waiting for its value.
        pending_key: Option<(String, Position)>,
        /// No key read yet: the first key's position is a better place for the mapping
        /// than the parser's mapping-start mark, which can point at the first colon.
        first: bool,
    },
    Sequence {
        path: String,
        next: usize,
    },
}

struct Builder {
    map: PositionMap,
    stack: Vec<Frame>,
    offset: usize,
}

impl Builder {
    fn position(&self, mark: Marker) -> Position {
        Position {
            line: mark.line() + self.offset,
            column: mark.col() + 1,
        }
    }

    /// Records a node starting at `pos` and returns its path, or None when it is a key.
    fn node(&mut self, pos: Position, scalar: Option<&str>) -> Option<String> {
        match self.stack.last_mut() {
            None => {
                self.map.values.insert(String::new(), pos);
                Some(String::new())
            }
            Some(Frame::Sequence { path, next }) => {
                let p = child_index(path, *next);
                *next += 1;
                self.map.values.insert(p.clone(), pos);
                Some(p)
            }
            Some(Frame::Mapping {
                path,
                pending_key,
                first,
            }) => match pending_key.take() {
                None => {
                    if std::mem::take(first) {
                        self.map.values.insert(path.clone(), pos);
                    }
                    // A key. Complex (non-scalar) keys are not used by listings.
                    *pending_key = Some((scalar.unwrap_or("?").to_string(), pos));
                    None
                }
                Some((key, key_pos)) => {
                    let p = child_key(path, &key);
                    if self.map.keys.insert(p.clone(), key_pos).is_some() {
                        self.map.duplicates.push((p.clone(), key_pos));
                    }
                    // An empty value is marked at the next token; the key's line is clearer.
                    let pos = if scalar == Some("") && pos.line != key_pos.line {
                        Position {
                            line: key_pos.line,
                            column: key_pos.column + key.chars().count() + 1,
                        }
                    } else {
                        pos
                    };
                    self.map.values.insert(p.clone(), pos);
                    Some(p)
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let pos = self.position(mark);
        match event {
            Event::Scalar(value, ..) => {
                self.node(pos, Some(&value));
            }
            Event::Alias(_) => {
                self.node(pos, Some("*"));
            }
            Event::MappingStart(..) => {
                let path = self.node(pos, None).unwrap_or_else(|| "?".into());
                self.stack.push(Frame::Mapping {
                    path,
                    pending_key: None,
                    first: true,
                });
            }
            Event::SequenceStart(..) => {
                let path = self.node(pos, None).unwrap_or_else(|| "?".into());
                self.stack.push(Frame::Sequence { path, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name: A\nactivities:\n  - name: B\n    sessions:\n      - day: monday\n        start: \"10:00\"\n      - {day: satruday}\n";

    #[test]
    fn finds_nested_fields() {
        let map = PositionMap::new(DOC, 1);
        assert_eq!(map.value("name"), Position { line: 1, column: 7 });
        assert_eq!(
            map.key("activities[0].sessions[0].start"),
            Position { line: 6, column: 9 }
        );
        assert_eq!(
            map.value("activities[0].sessions[1].day"),
            Position {
                line: 7,
                column: 15
            }
        );
    }

    #[test]
    fn falls_back_to_the_nearest_parent_and_offsets_lines() {
        let map = PositionMap::new(DOC, 2);
        assert_eq!(
            map.value("activities[0].sessions[0].end"),
            Position { line: 6, column: 9 }
        );
    }

    #[test]
    fn lazy_positions_read_on_first_use_and_share_the_map() {
        let lazy = Positions::new(DOC.to_string(), 1);
        let copy = lazy.clone();
        assert!(copy.0.map.get().is_none());
        assert_eq!(lazy.value("name"), Position { line: 1, column: 7 });
        assert!(copy.0.map.get().is_some());
        assert_eq!(copy.key("activities"), Position { line: 2, column: 1 });
    }
}
