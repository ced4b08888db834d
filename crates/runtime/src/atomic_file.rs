//! Writing a file all at once or not at all (`save`, `savefig`). The bytes
//! go to a temporary file in the same directory, which is flushed to disk
//! and then renamed over the target: a full disk, a killed process or a
//! failed write leaves the old file as it was, and the temporary file is
//! removed on every path that returns.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replaces the file at `path` with `bytes`, atomically.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |f| f.write_all(bytes))
}

/// Replaces the file at `path` with what `fill` writes into the temporary
/// file. An error from `fill` (or from syncing or renaming) leaves `path`
/// untouched. Tests inject write errors through `fill`.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let target = follow_link(path);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".mla-save-").suffix(".tmp");
    if let Some(p) = kept_permissions(&target) {
        builder.permissions(p);
    }
    // Dropped on an error, the temporary file deletes itself.
    let mut tmp = builder.tempfile_in(&dir)?;
    fill(tmp.as_file_mut())?;
    tmp.as_file_mut().flush()?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    sync_dir(&dir);
    Ok(())
}

/// Writing through a link writes the file it points to (as `fs::write`
/// does), rather than replacing the link with a file.
fn follow_link(path: &Path) -> PathBuf {
    match path.symlink_metadata() {
        Ok(m) if m.file_type().is_symlink() => path.canonicalize().unwrap_or(path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

/// The permissions the file should end with: those of the file replaced,
/// or, for a new file, read-write for all less the umask (as `fs::write`
/// gives; the temporary file alone would be owner-only).
#[cfg(unix)]
fn kept_permissions(target: &Path) -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(match std::fs::metadata(target) {
        Ok(m) => m.permissions(),
        Err(_) => std::fs::Permissions::from_mode(0o666),
    })
}

#[cfg(not(unix))]
fn kept_permissions(target: &Path) -> Option<std::fs::Permissions> {
    std::fs::metadata(target).ok().map(|m| m.permissions())
}

/// Makes the rename itself durable. Some systems cannot open a directory
/// for this; the file's own data is already on disk, so that is not an
/// error.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mla-atomic-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_byte_identical_and_no_temporary() {
        let dir = scratch("fail");
        let file = dir.join("data.csv");
        let old = b"1,2\n3,4\n".repeat(1000);
        std::fs::write(&file, &old).unwrap();
        // The disk fills after half the new bytes.
        let e = write_with(&file, |f| {
            f.write_all(&[b'9'; 4096])?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"))
        })
        .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        assert_eq!(std::fs::read(&file).unwrap(), old);
        assert_eq!(entries(&dir), ["data.csv"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_write_replaces_the_file_and_keeps_its_permissions() {
        let dir = scratch("ok");
        let file = dir.join("x.npy");
        std::fs::write(&file, b"old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write(&file, b"new bytes").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"new bytes");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        write(&dir.join("fresh.csv"), b"1\n").unwrap();
        assert_eq!(entries(&dir), ["fresh.csv", "x.npy"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_write_through_a_link_writes_the_linked_file() {
        let dir = scratch("link");
        std::fs::write(dir.join("real.csv"), b"old").unwrap();
        std::os::unix::fs::symlink(dir.join("real.csv"), dir.join("link.csv")).unwrap();
        write(&dir.join("link.csv"), b"new").unwrap();
        assert_eq!(std::fs::read(dir.join("real.csv")).unwrap(), b"new");
        assert!(dir
            .join("link.csv")
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_symlink());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_missing_directory_is_an_error_and_nothing_is_created() {
        let dir = scratch("missing");
        assert!(write(&dir.join("no/such/dir.csv"), b"1").is_err());
        assert!(entries(&dir).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
