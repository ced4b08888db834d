//! The kernelspec: `kernels/mla/kernel.json` (how Jupyter starts the
//! kernel) and the logos, in a Jupyter data directory, where
//! `jupyter kernelspec list` and JupyterLab's launcher find them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The logos Jupyter shows in its launcher (made for this kernel).
const LOGO_64: &[u8] = include_bytes!("../assets/logo-64x64.png");
const LOGO_32: &[u8] = include_bytes!("../assets/logo-32x32.png");

/// Where the kernelspec goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstallTarget {
    /// The user's Jupyter data directory (`JUPYTER_DATA_DIR`, else
    /// `~/.local/share/jupyter` on Linux, `~/Library/Jupyter` on macOS,
    /// `%APPDATA%\jupyter` on Windows).
    User,
    /// The active Python environment (`VIRTUAL_ENV`, `CONDA_PREFIX`, or
    /// `sys.prefix` of `python3`): `PREFIX/share/jupyter`.
    SysPrefix,
    /// `PREFIX/share/jupyter` for a given prefix.
    Prefix(PathBuf),
}

impl InstallTarget {
    /// The Jupyter data directory this target stands for.
    fn data_dir(&self) -> Result<PathBuf, String> {
        match self {
            InstallTarget::User => {
                if let Some(dir) = std::env::var_os("JUPYTER_DATA_DIR") {
                    return Ok(PathBuf::from(dir));
                }
                jupyter_zmq_client::user_data_dir()
                    .map_err(|e| format!("cannot find the user's Jupyter directory: {e}"))
            }
            InstallTarget::SysPrefix => Ok(python_prefix()?.join("share").join("jupyter")),
            InstallTarget::Prefix(prefix) => Ok(prefix.join("share").join("jupyter")),
        }
    }
}

/// The prefix of the Python environment in use.
fn python_prefix() -> Result<PathBuf, String> {
    for var in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
        if let Some(dir) = std::env::var_os(var).filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir));
        }
    }
    for python in ["python3", "python"] {
        let asked = Command::new(python)
            .args(["-c", "import sys; print(sys.prefix)"])
            .output();
        if let Ok(out) = asked {
            let prefix = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if out.status.success() && !prefix.is_empty() {
                return Ok(PathBuf::from(prefix));
            }
        }
    }
    Err(
        "--sys-prefix: no Python environment is active and no `python3` answers; \
         activate the environment Jupyter runs in, or use --user"
            .into(),
    )
}

/// The contents of `kernel.json` for a kernel started as `command` plus
/// the connection file.
fn kernel_json(command: &[String]) -> String {
    let mut argv: Vec<String> = command.to_vec();
    argv.push("{connection_file}".into());
    let spec = serde_json::json!({
        "argv": argv,
        "display_name": "MLA",
        "language": "mla",
        // The control channel's interrupt_request works on every platform;
        // SIGINT interrupts as well.
        "interrupt_mode": "message",
        "metadata": { "debugger": false },
    });
    serde_json::to_string_pretty(&spec).unwrap_or_default()
}

/// Writes the kernelspec for a kernel started as `command` (the program
/// and its arguments before the connection file, e.g. `[mla, "kernel"]`)
/// into `target`; returns the kernelspec's directory.
pub fn install(target: &InstallTarget, command: &[String]) -> Result<PathBuf, String> {
    let dir = target.data_dir()?.join("kernels").join("mla");
    write_spec(&dir, command)?;
    Ok(dir)
}

fn write_spec(dir: &Path, command: &[String]) -> Result<(), String> {
    let fail =
        |what: &str, e: std::io::Error| format!("cannot write {what} in `{}`: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(|e| fail("the kernelspec", e))?;
    std::fs::write(dir.join("kernel.json"), kernel_json(command))
        .map_err(|e| fail("kernel.json", e))?;
    std::fs::write(dir.join("logo-64x64.png"), LOGO_64).map_err(|e| fail("the logo", e))?;
    std::fs::write(dir.join("logo-32x32.png"), LOGO_32).map_err(|e| fail("the logo", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_gets_the_spec_and_the_logos() {
        let root = std::env::temp_dir().join(format!("mla-kernelspec-{}", std::process::id()));
        let command = vec!["/opt/bin/mla".to_string(), "kernel".to_string()];
        let dir = install(&InstallTarget::Prefix(root.clone()), &command).unwrap();
        assert_eq!(dir, root.join("share/jupyter/kernels/mla"));
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("kernel.json")).unwrap())
                .unwrap();
        assert_eq!(
            spec["argv"],
            serde_json::json!(["/opt/bin/mla", "kernel", "{connection_file}"])
        );
        assert_eq!(spec["language"], "mla");
        let logo = std::fs::read(dir.join("logo-64x64.png")).unwrap();
        assert_eq!(&logo[1..4], b"PNG");
        // 64 wide and high (the IHDR chunk).
        assert_eq!(&logo[16..24], &[0, 0, 0, 64, 0, 0, 0, 64]);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn an_unwritable_place_is_an_error_not_a_panic() {
        let file = std::env::temp_dir().join(format!("mla-not-a-dir-{}", std::process::id()));
        std::fs::write(&file, "x").unwrap();
        let e = install(&InstallTarget::Prefix(file.clone()), &["mla".into()]).unwrap_err();
        assert!(e.contains("cannot write"), "{e}");
        let _ = std::fs::remove_file(&file);
    }
}
