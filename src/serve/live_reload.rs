//! Live reload for `signpost serve`: every HTML response gets a small script (never the
//! files `build` writes) that long-polls `__signpost/changes?since=GEN` and reloads the page
//! when the build generation moves on. A held poll waits on its connection's own thread
//! (every connection has one, see [`super::http`]), and at most [`MAX_WAITING`] are held at
//! once.

use super::{with_headers, Live, Reply, Shared};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// The script pages load; `src/serve/live-reload.js`.
pub const SCRIPT: &str = include_str!("live-reload.js");
/// Where the script and the long-poll live, under the site root.
pub const SCRIPT_PATH: &str = "__signpost/live-reload.js";
pub const CHANGES_PATH: &str = "__signpost/changes";
/// How long a poll is held when nothing changes; the script then asks again.
pub const HOLD: Duration = Duration::from_secs(25);
/// Polls held at once; more are refused with 503 (the script tries again later).
pub const MAX_WAITING: usize = 64;

/// The build generation and the polls waiting for it to change. One per server, carried
/// from each [`Live`] to the next.
#[derive(Default)]
pub struct Changes {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    generation: u64,
    waiting: usize,
}

impl Changes {
    /// Starts from the time in milliseconds, so pages left open while the server restarts
    /// see a generation the old server never gave out, and reload.
    pub fn starting_now() -> Changes {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let changes = Changes::default();
        changes.lock().generation = now;
        changes
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// What is served has changed: wakes every held poll. Returns the new generation.
    pub fn bump(&self) -> u64 {
        let mut state = self.lock();
        state.generation += 1;
        self.changed.notify_all();
        state.generation
    }

    /// Takes one of the [`MAX_WAITING`] places, or None when they are all taken.
    fn enter(self: &Arc<Self>) -> Option<Waiter> {
        let mut state = self.lock();
        if state.waiting >= MAX_WAITING {
            return None;
        }
        state.waiting += 1;
        Some(Waiter(self.clone()))
    }
}

/// A held poll's place; given back when dropped, however the poll ends.
struct Waiter(Arc<Changes>);

impl Waiter {
    /// Waits until the generation is not `since` or `timeout` passes; returns the generation.
    fn wait(&self, since: u64, timeout: Duration) -> u64 {
        let state = self.0.lock();
        let (state, _) = self
            .0
            .changed
            .wait_timeout_while(state, timeout, |s| s.generation == since)
            .unwrap_or_else(|e| e.into_inner());
        state.generation
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.waiting = state.waiting.saturating_sub(1);
    }
}

/// The `since` of a changes request (`rel` is the path under the site root), or None when
/// `rel` is not the changes path. `Some(None)`: the changes path without a valid `since`.
fn changes_since(rel: &str, query: &str) -> Option<Option<u64>> {
    (rel == CHANGES_PATH).then(|| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("since="))
            .and_then(|n| n.parse().ok())
    })
}

/// The path under the site root, as `respond` finds it.
fn relative<'a>(live: &Live, path: &'a str) -> Option<&'a str> {
    path.strip_prefix(live.root.as_str())
        .or_else(|| path.strip_prefix('/'))
}

/// Holds a changes request whose `since` is the current generation until the generation
/// moves on or [`HOLD`] passes, and answers it (on the calling thread: the connection's
/// own). None for every other request, for `respond` to answer at once.
pub fn hold(shared: &Shared, method: &str, url: &str) -> Option<Reply> {
    if method != "GET" {
        return None;
    }
    let held = {
        let guard = shared.read().ok()?;
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        guard.as_ref().and_then(|live| {
            let since = changes_since(relative(live, path)?, query)??;
            let changes = live.reload.as_ref()?;
            (changes.generation() == since).then(|| (changes.clone(), since))
        })
    };
    let (changes, since) = held?;
    let Some(waiter) = changes.enter() else {
        return Some(busy());
    };
    let generation = waiter.wait(since, HOLD);
    drop(waiter);
    Some(generation_reply(generation))
}

/// Answers the script and changes requests that need no waiting (`rel` is the path under
/// the site root); None for any other path, or when live reload is off.
pub fn answer(live: &Live, rel: &str, query: &str) -> Option<Reply> {
    let changes = live.reload.as_ref()?;
    if rel == SCRIPT_PATH {
        return Some(no_store(with_headers(
            Reply::new(200, SCRIPT),
            "text/javascript; charset=utf-8",
        )));
    }
    match changes_since(rel, query)? {
        Some(_) => Some(generation_reply(changes.generation())),
        None => Some(with_headers(
            Reply::new(400, "Ask with ?since=GENERATION, a whole number."),
            "text/plain; charset=utf-8",
        )),
    }
}

/// Adds the live-reload script before `</body>` of a served page (at the end when there
/// is none). Pages are unchanged when live reload is off.
pub fn with_script(live: &Live, body: Vec<u8>) -> Vec<u8> {
    let Some(changes) = &live.reload else {
        return body;
    };
    let root = live
        .root
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let tag = format!(
        "<script src=\"{root}{SCRIPT_PATH}\" data-generation=\"{}\" defer></script>\n",
        changes.generation()
    );
    let at = body
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(body.len());
    let mut out = Vec::with_capacity(body.len() + tag.len());
    out.extend_from_slice(&body[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&body[at..]);
    out
}

fn no_store(reply: Reply) -> Reply {
    reply.with_header("Cache-Control", "no-store")
}

fn generation_reply(generation: u64) -> Reply {
    no_store(with_headers(
        Reply::new(200, format!("{{\"generation\":{generation}}}")),
        "application/json",
    ))
}

fn busy() -> Reply {
    no_store(
        with_headers(
            Reply::new(
                503,
                "Too many pages are waiting for changes; try again soon.",
            ),
            "text/plain; charset=utf-8",
        )
        .with_header("Retry-After", "5"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_read_only_from_the_changes_path() {
        assert_eq!(changes_since(CHANGES_PATH, "since=7"), Some(Some(7)));
        assert_eq!(changes_since(CHANGES_PATH, "x=1&since=12"), Some(Some(12)));
        assert_eq!(changes_since(CHANGES_PATH, "since=-1"), Some(None));
        assert_eq!(
            changes_since(CHANGES_PATH, "since=99999999999999999999999"),
            Some(None)
        );
        assert_eq!(changes_since(CHANGES_PATH, ""), Some(None));
        assert_eq!(changes_since("__signpost/changesx", "since=1"), None);
        assert_eq!(changes_since("changes", "since=1"), None);
    }

    #[test]
    fn a_wait_ends_when_the_generation_moves_on_and_places_are_bounded() {
        let changes = Arc::new(Changes::default());
        let waiters: Vec<_> = (0..MAX_WAITING).map(|_| changes.enter()).collect();
        assert!(waiters.iter().all(Option::is_some));
        assert!(changes.enter().is_none(), "no place above the bound");
        drop(waiters);
        let waiter = changes.enter().expect("places are given back");

        let bumper = {
            let changes = changes.clone();
            std::thread::spawn(move || changes.bump())
        };
        // Generous: the wait ends as soon as the bump happens, long before this.
        let generation = waiter.wait(0, Duration::from_secs(120));
        assert_eq!(generation, 1);
        assert_eq!(bumper.join().unwrap(), 1);
        // An old generation does not wait at all.
        assert_eq!(waiter.wait(0, Duration::from_secs(120)), 1);
    }

    #[test]
    fn the_script_is_small() {
        assert!(SCRIPT.len() < 1024, "{} bytes", SCRIPT.len());
    }
}
