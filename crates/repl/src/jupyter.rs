//! `mla kernel FILE` (Jupyter starts it) and `mla jupyter install`.

use mla_kernel::InstallTarget;
use std::path::PathBuf;
use std::process::ExitCode;

/// Serves a Jupyter kernel on the connection file Jupyter wrote.
pub(crate) fn kernel(connection_file: &str) -> ExitCode {
    match mla_kernel::run(connection_file.as_ref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mla kernel: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `mla jupyter install [--user | --sys-prefix | --prefix DIR]`: writes
/// the kernelspec that starts this very program.
pub(crate) fn jupyter(args: &[String]) -> ExitCode {
    let target = match args {
        [install] if install == "install" => InstallTarget::User,
        [install, flag] if install == "install" && flag == "--user" => InstallTarget::User,
        [install, flag] if install == "install" && flag == "--sys-prefix" => {
            InstallTarget::SysPrefix
        }
        [install, flag, dir] if install == "install" && flag == "--prefix" => {
            InstallTarget::Prefix(PathBuf::from(dir))
        }
        _ => {
            eprintln!(
                "mla jupyter: expected `install`, optionally with --user (the default), \
                 --sys-prefix or --prefix DIR"
            );
            return ExitCode::from(2);
        }
    };
    let program = match std::env::current_exe() {
        Ok(path) => path.to_string_lossy().into_owned(),
        Err(e) => {
            eprintln!("mla jupyter: cannot tell where this program is: {e}");
            return ExitCode::FAILURE;
        }
    };
    match mla_kernel::install(&target, &[program, "kernel".into()]) {
        Ok(dir) => {
            println!("Installed the MLA kernel in {}", dir.display());
            println!("Pick \"MLA\" in JupyterLab, or run `jupyter console --kernel mla`.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mla jupyter: {e}");
            ExitCode::FAILURE
        }
    }
}
