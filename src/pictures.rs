//! Pictures: one emoji (drawn by Twemoji, CC-BY 4.0) or a picture drawn for Signpost in the
//! theme's `pictures/` folder. Every picture used is written once to `public/pictures/`.

use std::collections::BTreeMap;
use std::path::Path;
use twemoji_assets::svg::SvgTwemojiAsset;

/// Where a picture's SVG comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Twemoji(&'static str),
    Drawn(String),
}

/// A resolved picture: the file name it is published under, and its SVG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub file_name: String,
    pub source: Source,
}

/// Finds the picture `name` names, or says why it cannot.
pub fn resolve(name: &str, theme: &Path) -> Result<Picture, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the picture is empty: give one emoji or a drawn picture name".into());
    }
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        let path = theme.join("pictures").join(format!("{name}.svg"));
        return match std::fs::read_to_string(&path) {
            Ok(svg) => Ok(Picture {
                file_name: format!("{name}.svg"),
                source: Source::Drawn(svg),
            }),
            Err(_) => Err(format!(
                "there is no drawn picture called \"{name}\" (looked for themes/default/pictures/{name}.svg)"
            )),
        };
    }
    let without_vs: String = name.chars().filter(|&c| c != '\u{fe0f}').collect();
    let with_vs = format!("{without_vs}\u{fe0f}");
    for candidate in [name, without_vs.as_str(), with_vs.as_str()] {
        if let Some(asset) = SvgTwemojiAsset::from_emoji(candidate) {
            let code: Vec<String> = without_vs
                .chars()
                .map(|c| format!("{:x}", c as u32))
                .collect();
            return Ok(Picture {
                file_name: format!("e-{}.svg", code.join("-")),
                source: Source::Twemoji(asset),
            });
        }
    }
    Err(format!(
        "\"{name}\" is not an emoji Signpost has a picture for"
    ))
}

/// The pictures a build uses, by published file name, so each is written once. Pages are
/// derived in parallel, so the set takes its own lock.
#[derive(Debug, Default)]
pub struct PictureSet {
    used: std::sync::Mutex<BTreeMap<String, Picture>>,
}

impl PictureSet {
    /// Adds `picture` and returns its URL path below the site root.
    pub fn add(&self, picture: &Picture) -> String {
        if let Ok(mut used) = self.used.lock() {
            // Most adds are of pictures already in: look up before copying the name.
            if !used.contains_key(&picture.file_name) {
                used.insert(picture.file_name.clone(), picture.clone());
            }
        }
        RECORDING.with_borrow_mut(|names| {
            if let Some(names) = names {
                names.push(picture.file_name.clone());
            }
        });
        format!("pictures/{}", picture.file_name)
    }

    /// Every picture added, by file name.
    pub fn used(&self) -> Vec<Picture> {
        self.used
            .lock()
            .map(|u| u.values().cloned().collect())
            .unwrap_or_default()
    }
}

thread_local! {
    /// Pictures added on this thread while `recording` runs.
    static RECORDING: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `make` and returns what it made with the file names of the pictures it added to any
/// `PictureSet`, in order, repeats included: a rebuild that keeps a page must still publish
/// its pictures (see `incremental`). `make` must not hand work to other threads. A
/// recording inside another one adds what it recorded to the outer one too.
pub fn recording<T>(make: impl FnOnce() -> T) -> (T, Vec<String>) {
    let outer = RECORDING.replace(Some(Vec::new()));
    let made = make();
    let names = RECORDING.replace(outer).unwrap_or_default();
    RECORDING.with_borrow_mut(|outer| {
        if let Some(outer) = outer {
            outer.extend(names.iter().cloned());
        }
    });
    (made, names)
}

impl Picture {
    pub fn svg(&self) -> &str {
        match &self.source {
            Source::Twemoji(s) => s,
            Source::Drawn(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_emoji_with_and_without_variation_selector() {
        let theme = Path::new("themes/default");
        let p = resolve("🅿️", theme).unwrap();
        assert_eq!(p.file_name, "e-1f17f.svg");
        assert!(p.svg().starts_with("<svg"));
        assert!(resolve("🎨", theme).is_ok());
        assert!(resolve("no-such-picture", theme)
            .unwrap_err()
            .contains("no drawn picture"));
        assert!(resolve("x y", theme).is_err());
    }

    #[test]
    fn a_recording_inside_another_adds_to_both() {
        let theme = Path::new("themes/default");
        let set = PictureSet::default();
        let (art, music) = (resolve("🎨", theme).unwrap(), resolve("🎵", theme).unwrap());
        let ((_, inner), outer) = recording(|| {
            set.add(&art);
            recording(|| set.add(&music))
        });
        assert_eq!(inner, vec![music.file_name.clone()]);
        assert_eq!(outer, vec![art.file_name.clone(), music.file_name.clone()]);
        // Outside any recording nothing is noted, and the set holds each picture once.
        set.add(&art);
        assert_eq!(set.used().len(), 2);
    }

    #[test]
    fn every_picture_signpost_writes_itself_exists() {
        let theme = Path::new("themes/default");
        let src = ["src/easy_read.rs", "src/site.rs"]
            .map(|f| std::fs::read_to_string(f).unwrap())
            .join("\n");
        // Every quoted emoji or drawn-picture name passed to line(...) or pic(...).
        let mut names = Vec::new();
        for part in src.split('"').skip(1).step_by(2) {
            let emoji = !part.is_empty()
                && part.chars().all(|c| !c.is_ascii())
                && part.chars().count() <= 8;
            if emoji {
                names.push(part.to_string());
            }
        }
        for drawn in [
            "closed",
            "cancelled",
            "moved",
            "changing-places",
            "hoist",
            "adjustable-bench",
        ] {
            names.push(drawn.to_string());
        }
        assert!(names.len() > 20, "found {} picture names", names.len());
        for n in names {
            assert!(resolve(&n, theme).is_ok(), "{n} has no picture");
        }
    }
}
