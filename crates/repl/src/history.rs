//! The REPL's history: kept in a file between sessions, and browsed with
//! Up and Down as in IPython and Julia. On an empty line Up recalls the
//! previous entry; with text typed, only entries starting with that text.
//! Repeated presses keep the prefix of the first one, and inside a
//! multi-line entry Up and Down move between its lines.

use rustyline::history::{FileHistory, History, SearchDirection, SearchResult};
use rustyline::{
    Cmd, ConditionalEventHandler, Event, EventContext, EventHandler, KeyCode, KeyEvent, Modifiers,
    RepeatCount,
};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// What the last Up or Down recalled, shared by the key handlers (which see
/// the line) and the history (which does the search).
#[derive(Default)]
struct Browse {
    /// The entry last put on the line and the prefix it was found with.
    recalled: Option<(String, String)>,
    /// The prefix the next search continues with, set by a key handler
    /// when the line is still the entry last recalled.
    continue_with: Option<String>,
}

fn lock(state: &Mutex<Browse>) -> MutexGuard<'_, Browse> {
    // The state is a cache of the last key press: a poisoned one is still usable.
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// rustyline's file history with IPython's prefix search: an empty prefix
/// matches every entry, the cursor goes to the end of what is recalled, and
/// going Down past the newest entry gives back what was typed.
pub struct PrefixHistory {
    inner: FileHistory,
    state: Arc<Mutex<Browse>>,
}

impl PrefixHistory {
    /// An empty history with the editor's settings (`ignore_dups`, size).
    pub fn new(config: rustyline::Config) -> Self {
        PrefixHistory {
            inner: FileHistory::with_config(config),
            state: Arc::default(),
        }
    }

    /// Binds Up and Down of `editor` to browse this history.
    pub fn bind_keys<H: rustyline::Helper>(editor: &mut rustyline::Editor<H, PrefixHistory>) {
        let state = editor.history().state.clone();
        for (key, dir) in [
            (KeyCode::Up, SearchDirection::Reverse),
            (KeyCode::Down, SearchDirection::Forward),
        ] {
            editor.bind_sequence(
                KeyEvent(key, Modifiers::NONE),
                EventHandler::Conditional(Box::new(ArrowKey {
                    dir,
                    state: state.clone(),
                })),
            );
        }
    }

    /// The entries, oldest first.
    #[cfg(test)]
    pub fn entries(&self) -> Vec<String> {
        self.inner.iter().cloned().collect()
    }
}

impl History for PrefixHistory {
    fn get(
        &self,
        index: usize,
        dir: SearchDirection,
    ) -> rustyline::Result<Option<SearchResult<'_>>> {
        self.inner.get(index, dir)
    }

    fn add(&mut self, line: &str) -> rustyline::Result<bool> {
        self.inner.add(line)
    }

    fn add_owned(&mut self, line: String) -> rustyline::Result<bool> {
        self.inner.add_owned(line)
    }

    fn len(&self) -> usize {
        self.inner.len()
    }

    fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    fn set_max_len(&mut self, len: usize) -> rustyline::Result<()> {
        self.inner.set_max_len(len)
    }

    fn ignore_dups(&mut self, yes: bool) -> rustyline::Result<()> {
        self.inner.ignore_dups(yes)
    }

    fn ignore_space(&mut self, yes: bool) {
        self.inner.ignore_space(yes)
    }

    fn save(&mut self, path: &Path) -> rustyline::Result<()> {
        self.inner.save(path)
    }

    fn append(&mut self, path: &Path) -> rustyline::Result<()> {
        self.inner.append(path)
    }

    fn load(&mut self, path: &Path) -> rustyline::Result<()> {
        self.inner.load(path)
    }

    fn clear(&mut self) -> rustyline::Result<()> {
        self.inner.clear()
    }

    fn search(
        &self,
        term: &str,
        start: usize,
        dir: SearchDirection,
    ) -> rustyline::Result<Option<SearchResult<'_>>> {
        self.inner.search(term, start, dir)
    }

    /// The search behind Up and Down (rustyline's `HistorySearchBackward`
    /// and `HistorySearchForward`); `start` is already one step from the
    /// entry shown.
    fn starts_with(
        &self,
        term: &str,
        start: usize,
        dir: SearchDirection,
    ) -> rustyline::Result<Option<SearchResult<'_>>> {
        let mut state = lock(&self.state);
        let prefix = state
            .continue_with
            .take()
            .unwrap_or_else(|| term.to_string());
        let len = self.inner.len();
        let matches = |i: &usize| self.inner[*i].starts_with(prefix.as_str());
        let found = match dir {
            SearchDirection::Reverse => (0..=start.min(len.saturating_sub(1))).rev().find(matches),
            SearchDirection::Forward => (start..len).find(matches),
        };
        let (idx, entry) = match (found, dir) {
            (Some(i), _) => (i, self.inner[i].clone()),
            // Down past the newest match: back to what was typed.
            (None, SearchDirection::Forward) => (len, prefix.clone()),
            (None, SearchDirection::Reverse) => {
                state.recalled = None;
                return Ok(None);
            }
        };
        let pos = entry.len();
        state.recalled = Some((entry.clone(), prefix));
        Ok(Some(SearchResult {
            entry: entry.into(),
            idx,
            pos,
        }))
    }
}

/// Up or Down: moves between the lines of a multi-line entry, else
/// searches the history, continuing the last search while the line is
/// what it recalled.
struct ArrowKey {
    dir: SearchDirection,
    state: Arc<Mutex<Browse>>,
}

impl ConditionalEventHandler for ArrowKey {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        let (line, pos) = (ctx.line(), ctx.pos());
        let up = self.dir == SearchDirection::Reverse;
        let mut state = lock(&self.state);
        let unchanged = match &state.recalled {
            Some((entry, prefix)) if entry == line => Some(prefix.clone()),
            _ => None,
        };
        if up && line[..pos].contains('\n') {
            return Some(Cmd::LineUpOrPreviousHistory(1));
        }
        if !up && line[pos..].contains('\n') {
            return Some(Cmd::LineDownOrNextHistory(1));
        }
        state.continue_with = unchanged;
        Some(if up {
            Cmd::HistorySearchBackward
        } else {
            Cmd::HistorySearchForward
        })
    }
}

/// Where the history lives: `MLA_HISTORY`, else `$XDG_DATA_HOME/mla/history`,
/// else `~/.local/share/mla/history` (empty variables count as unset; a
/// relative `XDG_DATA_HOME` is ignored, as the XDG specification says).
pub fn history_path(
    mla_history: Option<std::ffi::OsString>,
    xdg_data_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    let set = |v: Option<std::ffi::OsString>| v.filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(p) = set(mla_history) {
        return Some(p);
    }
    if let Some(p) = set(xdg_data_home).filter(|p| p.is_absolute()) {
        return Some(p.join("mla").join("history"));
    }
    set(home).map(|h| h.join(".local").join("share").join("mla").join("history"))
}

/// The history file: read at start, appended to after each entry. A
/// failure is reported once and never ends the session.
pub struct HistoryFile {
    path: Option<PathBuf>,
    warned: bool,
}

impl HistoryFile {
    /// The file at `path`, or none (then nothing is kept).
    pub fn new(path: Option<PathBuf>) -> Self {
        HistoryFile {
            path,
            warned: false,
        }
    }

    /// Reads the file into `history`, when it exists.
    pub fn load(&mut self, history: &mut impl History) {
        let Some(path) = self.path.clone() else {
            self.warn("no history file: set MLA_HISTORY or HOME");
            return;
        };
        if !path.exists() {
            return;
        }
        if let Err(e) = history.load(&path) {
            self.warn(&format!("cannot read the history {}: {e}", path.display()));
        }
    }

    /// Appends the entries added since the last save.
    pub fn save(&mut self, history: &mut impl History) {
        let Some(path) = self.path.clone() else {
            return;
        };
        if let Err(e) = create_parent(&path) {
            self.warn(&format!("cannot save the history {}: {e}", path.display()));
            return;
        }
        if let Err(e) = history.append(&path) {
            self.warn(&format!("cannot save the history {}: {e}", path.display()));
        }
    }

    fn warn(&mut self, message: &str) {
        if !self.warned {
            self.warned = true;
            eprintln!("mla: {message} (the session goes on without it)");
        }
    }
}

fn create_parent(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn os(s: &str) -> Option<OsString> {
        Some(OsString::from(s))
    }

    fn config() -> rustyline::Config {
        rustyline::Config::builder()
            .history_ignore_dups(true)
            .unwrap()
            .auto_add_history(false)
            .build()
    }

    #[test]
    fn history_path_order() {
        assert_eq!(
            history_path(os("/tmp/h"), os("/x"), os("/home/u")),
            Some(PathBuf::from("/tmp/h"))
        );
        assert_eq!(
            history_path(None, os("/x"), os("/home/u")),
            Some(PathBuf::from("/x/mla/history"))
        );
        assert_eq!(
            history_path(os(""), os("relative"), os("/home/u")),
            Some(PathBuf::from("/home/u/.local/share/mla/history"))
        );
        assert_eq!(history_path(None, None, None), None);
    }

    #[test]
    fn history_is_saved_appended_and_deduplicated() {
        let dir = std::env::temp_dir().join(format!("mla-history-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("sub").join("history");
        let mut history = PrefixHistory::new(config());
        let mut file = HistoryFile::new(Some(path.clone()));
        file.load(&mut history);
        for entry in ["x = 1", "x = 1", "function f()\n  2\nend"] {
            history.add(entry).unwrap();
            file.save(&mut history);
        }
        assert!(!file.warned);
        let mut again = PrefixHistory::new(config());
        HistoryFile::new(Some(path)).load(&mut again);
        assert_eq!(again.entries(), ["x = 1", "function f()\n  2\nend"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unwritable_history_warns_once() {
        let mut history = PrefixHistory::new(config());
        let mut file = HistoryFile::new(Some(PathBuf::from("/proc/no/such/history")));
        history.add("x").unwrap();
        file.save(&mut history);
        file.save(&mut history);
        assert!(file.warned);
    }

    fn search(h: &PrefixHistory, term: &str, start: usize, dir: SearchDirection) -> Option<String> {
        h.starts_with(term, start, dir)
            .unwrap()
            .map(|r| r.entry.into_owned())
    }

    #[test]
    fn an_empty_prefix_matches_every_entry() {
        let mut h = PrefixHistory::new(config());
        for e in ["a = 1", "b = 2", "a = 3"] {
            h.add(e).unwrap();
        }
        use SearchDirection::{Forward, Reverse};
        assert_eq!(search(&h, "", 2, Reverse).as_deref(), Some("a = 3"));
        assert_eq!(search(&h, "", 1, Reverse).as_deref(), Some("b = 2"));
        assert_eq!(search(&h, "a", 1, Reverse).as_deref(), Some("a = 1"));
        assert_eq!(search(&h, "c", 2, Reverse), None);
        // Down past the newest gives back the typed prefix.
        assert_eq!(search(&h, "a", 3, Forward).as_deref(), Some("a"));
        let r = h.starts_with("b", 1, Reverse).unwrap().unwrap();
        assert_eq!((r.idx, r.pos), (1, 5), "the cursor goes to the end");
    }

    #[test]
    fn a_search_continues_with_its_first_prefix() {
        let mut h = PrefixHistory::new(config());
        for e in ["x = 1", "y = 2", "x = 3"] {
            h.add(e).unwrap();
        }
        use SearchDirection::Reverse;
        assert_eq!(search(&h, "x", 2, Reverse).as_deref(), Some("x = 3"));
        // The line is now `x = 3`, cursor at its end: the key handler asks
        // to continue with `x`, not with the whole line.
        lock(&h.state).continue_with = Some("x".into());
        assert_eq!(search(&h, "x = 3", 1, Reverse).as_deref(), Some("x = 1"));
        // Without that, the whole line is the prefix.
        assert_eq!(search(&h, "x = 3", 1, Reverse), None);
    }
}
