//! The file-system policy at work: which path a program's `load`, `save`,
//! `savefig` or `run` reaches, if any. A jail is checked twice: on the path
//! as written with `..` folded (so nothing outside is even looked at), then
//! on the real path with symbolic links resolved (so a link inside cannot
//! lead out). Another process changing the directory between the check and
//! the access is not guarded against.

use crate::limits::FilePolicy;
use mla_runtime::RuntimeError;
use std::path::{Component, Path, PathBuf};

type Result<T> = std::result::Result<T, RuntimeError>;

/// Whether the program wants to read or write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
}

fn denied(path: &str, reason: impl Into<String>) -> RuntimeError {
    RuntimeError::Denied {
        path: path.into(),
        reason: reason.into(),
    }
}

fn io(path: &str, e: &std::io::Error) -> RuntimeError {
    RuntimeError::Io {
        path: path.into(),
        reason: e.to_string(),
    }
}

impl FilePolicy {
    /// The path to open for `path` as the program wrote it, or why not.
    pub(crate) fn resolve(&self, path: &str, access: Access) -> Result<PathBuf> {
        match (self, access) {
            (FilePolicy::Allow, _) => Ok(PathBuf::from(path)),
            (FilePolicy::Deny, _) => Err(denied(path, "this program may not use files")),
            (FilePolicy::ReadOnly(_), Access::Write) => Err(denied(
                path,
                "this program may read files but not write them",
            )),
            (FilePolicy::ReadOnly(root) | FilePolicy::Root(root), _) => inside(root, path, access),
        }
    }

    /// Reads the file at `path` if the policy allows it.
    pub(crate) fn read(&self, path: &str) -> Result<Vec<u8>> {
        let real = self.resolve(path, Access::Read)?;
        mla_runtime::files::read(&real).map_err(|e| io(path, &e))?
    }

    /// Writes the file at `path` if the policy allows it: all of it or,
    /// on an error, nothing (the old file stays as it was).
    pub(crate) fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let real = self.resolve(path, Access::Write)?;
        mla_runtime::atomic_file::write(&real, bytes).map_err(|e| io(path, &e))
    }
}

/// `path` (relative to `root`, or absolute) if it stays inside `root`.
fn inside(root: &Path, path: &str, access: Access) -> Result<PathBuf> {
    let root = root.canonicalize().map_err(|e| {
        denied(
            path,
            format!(
                "the directory for files, `{}`, cannot be used: {e}",
                root.display()
            ),
        )
    })?;
    let outside = || denied(path, "it is outside the directory this program may use");
    let written = fold_dots(&root.join(path)).ok_or_else(outside)?;
    if !written.starts_with(&root) {
        return Err(outside());
    }
    // A file to be written need not exist yet: its directory must, and the
    // file itself, if it is there, may be a link to follow.
    let real = match (written.canonicalize(), access) {
        (Ok(real), _) => real,
        (Err(_), Access::Write) => {
            let (Some(dir), Some(name)) = (written.parent(), written.file_name()) else {
                return Err(outside());
            };
            if written.symlink_metadata().is_ok() {
                // A dangling link: where it points is not known to be inside.
                return Err(denied(path, "it is a link to a file that does not exist"));
            }
            dir.canonicalize().map_err(|e| io(path, &e))?.join(name)
        }
        (Err(e), Access::Read) => return Err(io(path, &e)),
    };
    if !real.starts_with(&root) {
        return Err(denied(
            path,
            "it leads (through a link) outside the directory this program may use",
        ));
    }
    Ok(real)
}

/// `path` with `.` dropped and each `..` removing the component before it;
/// `None` when a `..` would climb above the start.
fn fold_dots(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of its own for each test (they run at once), removed by
    /// the test at its end.
    fn jail(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mla-jail-{}-{name}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/a.csv"), "1,2\n").unwrap();
        dir
    }

    #[test]
    fn dots_fold_and_cannot_climb_out() {
        assert_eq!(
            fold_dots(Path::new("/a/b/../c/./d")),
            Some(PathBuf::from("/a/c/d"))
        );
        assert_eq!(fold_dots(Path::new("/a/../..")), None);
    }

    #[test]
    fn a_jail_keeps_paths_inside() {
        let dir = jail("inside");
        let policy = FilePolicy::Root(dir.clone());
        let real = dir.canonicalize().unwrap();
        assert_eq!(
            policy.resolve("sub/a.csv", Access::Read).unwrap(),
            real.join("sub/a.csv")
        );
        assert_eq!(
            policy.resolve("sub/../new.csv", Access::Write).unwrap(),
            real.join("new.csv")
        );
        for bad in ["../../etc/passwd", "/etc/passwd", "sub/../../x.csv"] {
            let e = policy.resolve(bad, Access::Read).unwrap_err();
            assert!(matches!(e, RuntimeError::Denied { .. }), "{bad}: {e}");
        }
        let e = FilePolicy::ReadOnly(dir.clone())
            .resolve("new.csv", Access::Write)
            .unwrap_err();
        assert!(e.to_string().contains("not write"), "{e}");
        assert!(FilePolicy::Deny.resolve("sub/a.csv", Access::Read).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_jail_is_refused() {
        let dir = jail("link");
        let link = dir.join("escape.csv");
        let _ = std::fs::remove_file(&link);
        let outside = std::env::temp_dir().join(format!("mla-outside-{}.csv", std::process::id()));
        std::fs::write(&outside, "1\n").unwrap();
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let policy = FilePolicy::Root(dir.clone());
        for access in [Access::Read, Access::Write] {
            let e = policy.resolve("escape.csv", access).unwrap_err();
            assert!(e.to_string().contains("through a link"), "{e}");
        }
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_file(&outside);
    }
}
