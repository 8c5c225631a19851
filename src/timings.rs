//! Stage timings for `signpost build --timings` and the build benchmark: a list of
//! (stage, time) in the order the stages ran.

use std::time::{Duration, Instant};

/// The stages a build ran, in order, with how long each took.
#[derive(Debug, Default, Clone)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    /// Runs `f`, recording its time as `stage` (added to a stage already recorded).
    pub fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.add(stage, start.elapsed());
        out
    }

    /// Adds `took` to `stage`, recording it if it is new.
    pub fn add(&mut self, stage: &'static str, took: Duration) {
        match self.0.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, t)) => *t += took,
            None => self.0.push((stage, took)),
        }
    }

    /// The time recorded for `stage`, if any.
    pub fn get(&self, stage: &str) -> Option<Duration> {
        self.0.iter().find(|(s, _)| *s == stage).map(|(_, t)| *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_stages_add_up_in_first_seen_order() {
        let mut t = Timings::default();
        t.add("load", Duration::from_millis(5));
        t.add("render", Duration::from_millis(2));
        t.add("load", Duration::from_millis(3));
        let v = t.time("write", || 7);
        assert_eq!(v, 7);
        let names: Vec<_> = t.0.iter().map(|(s, _)| *s).collect();
        assert_eq!(names, ["load", "render", "write"]);
        assert_eq!(t.get("load"), Some(Duration::from_millis(8)));
        assert_eq!(t.get("css"), None);
    }
}
