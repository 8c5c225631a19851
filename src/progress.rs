//! A one-line progress display for long builds: "Rendering pages 4,200 of 10,000 (42%)",
//! redrawn in place on standard error. It shows only when standard error is a terminal and
//! the build has already taken half a second, so small builds, pipes, CI logs and tests
//! see nothing.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a build runs before the line appears.
const DELAY: Duration = Duration::from_millis(500);

pub struct Progress {
    enabled: bool,
    started: Instant,
    stage: Mutex<(&'static str, usize)>,
    done: AtomicUsize,
    /// The last percentage drawn, so the line is redrawn at most 100 times per stage.
    drawn: AtomicUsize,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    /// A display that draws when standard error is a terminal.
    pub fn for_terminal() -> Progress {
        Progress::new(std::io::stderr().is_terminal())
    }

    /// A display that never draws.
    pub fn hidden() -> Progress {
        Progress::new(false)
    }

    fn new(enabled: bool) -> Progress {
        Progress {
            enabled,
            started: Instant::now(),
            stage: Mutex::new(("", 0)),
            done: AtomicUsize::new(0),
            drawn: AtomicUsize::new(usize::MAX),
            shown: false.into(),
        }
    }

    /// Starts counting `total` steps of `stage` ("Rendering pages").
    pub fn stage(&self, stage: &'static str, total: usize) {
        if let Ok(mut s) = self.stage.lock() {
            *s = (stage, total);
        }
        self.done.store(0, Ordering::Relaxed);
        self.drawn.store(usize::MAX, Ordering::Relaxed);
    }

    /// One more step done (safe to call from many threads).
    pub fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if !self.enabled || self.started.elapsed() < DELAY {
            return;
        }
        let Ok(stage) = self.stage.lock() else {
            return;
        };
        let (name, total) = *stage;
        let percent = done * 100 / total.max(1);
        if self.drawn.swap(percent, Ordering::Relaxed) == percent {
            return;
        }
        self.shown.store(true, Ordering::Relaxed);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[K{}",
            line(name, done.min(total), total, percent)
        );
        let _ = err.flush();
    }

    /// Clears the line, if it was drawn.
    pub fn finish(&self) {
        if self.shown.swap(false, Ordering::Relaxed) {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// "Rendering pages 4,200 of 10,000 (42%)".
pub fn line(stage: &str, done: usize, total: usize, percent: usize) -> String {
    format!(
        "{stage} {} of {} ({}%)",
        thousands(done),
        thousands(total),
        percent.min(100)
    )
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_reads_as_a_sentence_with_grouped_numbers() {
        assert_eq!(
            line("Rendering pages", 4200, 10000, 42),
            "Rendering pages 4,200 of 10,000 (42%)"
        );
        assert_eq!(
            line("Writing files", 7, 999, 0),
            "Writing files 7 of 999 (0%)"
        );
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn a_hidden_display_counts_but_never_shows() {
        let p = Progress::hidden();
        p.stage("Rendering pages", 3);
        for _ in 0..3 {
            p.tick();
        }
        assert_eq!(p.done.load(Ordering::Relaxed), 3);
        assert!(!p.shown.load(Ordering::Relaxed));
    }
}
