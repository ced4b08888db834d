//! The MLA Jupyter kernel: MLA in notebooks (JupyterLab, Notebook,
//! VS Code, nbclient). It speaks the Jupyter messaging protocol 5.3 over
//! ZeroMQ (pure Rust, HMAC-SHA256 signed) around one embedded
//! [`mla::Interpreter`]; all evaluation is the embedding API's.
//!
//! - [`run`] serves the kernel for a connection file (`mla kernel FILE`).
//! - [`install`] writes the kernelspec (`mla jupyter install`).
//!
//! Inside: `server` owns the sockets and the channels' tasks; `worker` is
//! the thread that owns the interpreter; `execute` runs a cell and turns
//! its results into messages (`outputs` gathers them); `requests` answers
//! completion, inspection and `is_complete`; `info` is `kernel_info`.

mod execute;
mod info;
mod install;
mod outputs;
mod requests;
mod server;
mod worker;

pub use install::{install, InstallTarget};

use std::path::Path;

/// Serves the kernel described by the connection file at `path` until a
/// `shutdown_request` (or the end of the process). An error says what
/// kept it from starting (an unreadable file, a port already taken).
pub fn run(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the connection file `{}`: {e}", path.display()))?;
    let info: jupyter_protocol::ConnectionInfo = serde_json::from_str(&text)
        .map_err(|e| format!("`{}` is not a Jupyter connection file: {e}", path.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the kernel's runtime: {e}"))?;
    runtime.block_on(server::serve(info))
}
