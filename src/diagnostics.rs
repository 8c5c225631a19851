//! One type for every problem Signpost finds in content, and how it is printed.
//!
//! Staff read these in a terminal or in CI logs, so each names the file, line, column and
//! field, says what is wrong in plain words and, where it can, how to fix it.

use std::fmt;
use std::path::Path;

/// How serious a problem is. Errors stop the build; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in the content, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the content folder, with `/` separators.
    pub file: String,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
    /// Field path inside the file, such as `activities[0].sessions[1].day`. Empty for the file.
    pub field: String,
    pub message: String,
    /// How to fix it, when that is not already said by the message.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            field: String::new(),
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        if !self.field.is_empty() {
            write!(f, " {}", self.field)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  fix: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found in one run, kept in a stable order for printing and tests.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, others: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(others);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Sorted by file, then position, so output does not depend on thread timing.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.field, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.field, &b.message))
        });
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    /// In the order they were found.
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The content-relative name of a file, with `/` separators on every platform.
pub fn relative_name(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // A clean relative path's text already is its parts joined by `/` (on Unix): a check
    // after an edit names every content file, so most take this way.
    if let Some(text) = rel
        .to_str()
        .filter(|t| std::path::MAIN_SEPARATOR == '/' && is_clean(t))
    {
        return text.to_string();
    }
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `path` is relative with no empty or `.` parts after the first: what `components`
/// would give back unchanged.
fn is_clean(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.ends_with('/')
        && !path.contains("//")
        && !path.contains("/./")
        && !path.ends_with("/.")
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_names_are_the_parts_joined_by_slashes() {
        let root = Path::new("/site/content");
        for (path, name) in [
            ("/site/content/providers/a.md", "providers/a.md"),
            ("/site/content/venues//b.yaml", "venues/b.yaml"),
            ("/site/content/pages/./c.md", "pages/c.md"),
            ("/site/content/images/", "images"),
            ("/elsewhere/d.md", "//elsewhere/d.md"),
            ("e.md", "e.md"),
            ("", ""),
        ] {
            assert_eq!(relative_name(root, Path::new(path)), name, "{path}");
        }
    }

    #[test]
    fn suggests_the_closest_day() {
        let days = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        assert_eq!(did_you_mean("satruday", days), Some("saturday"));
        assert_eq!(did_you_mean("Wendesday", days), Some("wednesday"));
        assert_eq!(did_you_mean("banana", days), None);
    }

    #[test]
    fn prints_file_line_field_and_fix() {
        let d = Diagnostic::error("providers/a.md", "\"x\" is not a day")
            .at(14, 9)
            .field("activities[0].sessions[1].day")
            .help("use monday to sunday");
        assert_eq!(
            d.to_string(),
            "error: providers/a.md:14:9 activities[0].sessions[1].day: \"x\" is not a day\n  fix: use monday to sunday"
        );
    }
}
