//! Where tall plans run: a DataFusion `SessionContext` on this machine
//! (streaming files with bounded memory on all cores), or one connected to
//! a Ballista scheduler. One engine per process, chosen by `tall_engine`
//! or the `MLA_TALL_ENGINE` environment variable.

use datafusion::error::DataFusionError;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::future::Either;
use mla_runtime::interrupt;
use mla_runtime::{Result, RuntimeError};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// The environment variable that picks the engine when a script does not:
/// `local` or `ballista://host:port`.
pub const ENGINE_VAR: &str = "MLA_TALL_ENGINE";

/// The memory DataFusion's operators may hold on the local engine, unless
/// `MLA_TALL_MEMORY` (in MiB) says otherwise. Aggregates without groups
/// (every reduction here) hold a few numbers per partition, so this bounds
/// buffering, not results.
const DEFAULT_MEMORY_MIB: usize = 1024;

/// A running engine: its context and the async runtime that drives it.
pub struct Engine {
    /// What `tall_engine()` reports: `local` or the scheduler's address.
    pub name: String,
    ctx: SessionContext,
    /// The context every in-memory tall runs on: a Ballista cluster cannot
    /// read this process's memory.
    local: SessionContext,
    /// One partition on this machine: rows come back in file order
    /// (`head`, `gather(T)`); a multi-partition plan would interleave them.
    ordered: SessionContext,
    runtime: tokio::runtime::Runtime,
}

static CURRENT: Mutex<Option<Arc<Engine>>> = Mutex::new(None);

/// The engine in use, started on first use (from [`ENGINE_VAR`], local if
/// unset).
pub fn current() -> Result<Arc<Engine>> {
    let mut slot = CURRENT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(e) = &*slot {
        return Ok(e.clone());
    }
    let spec = std::env::var(ENGINE_VAR).unwrap_or_else(|_| "local".into());
    let engine = Arc::new(Engine::start(&spec)?);
    *slot = Some(engine.clone());
    Ok(engine)
}

/// Switches to the engine `spec` names (`local` or `ballista://host:port`).
pub fn select(spec: &str) -> Result<Arc<Engine>> {
    let engine = Arc::new(Engine::start(spec)?);
    *CURRENT.lock().unwrap_or_else(|p| p.into_inner()) = Some(engine.clone());
    Ok(engine)
}

fn local_context(partitions: Option<usize>) -> Result<SessionContext> {
    let cores =
        partitions.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let mut config = SessionConfig::new()
        .with_target_partitions(cores)
        .with_batch_size(8192);
    // Row order matters when rows come back (`head`, `gather(T)`): scans
    // split files into ordered byte ranges, and no round-robin shuffle
    // reorders them. Aggregates still run one partition per core.
    config
        .options_mut()
        .optimizer
        .enable_round_robin_repartition = false;
    let bytes = memory_limit(std::env::var("MLA_TALL_MEMORY").ok().as_deref())?;
    let runtime = RuntimeEnvBuilder::new()
        .with_memory_limit(bytes, 1.0)
        .build_arc()
        .map_err(engine_err)?;
    Ok(SessionContext::new_with_config_rt(config, runtime))
}

/// The bytes `MLA_TALL_MEMORY` (MiB, when set) allows DataFusion's
/// operators: a value that is not a size is an error, not the default.
fn memory_limit(setting: Option<&str>) -> Result<usize> {
    let Some(text) = setting else {
        return Ok(DEFAULT_MEMORY_MIB << 20);
    };
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|&mib| mib > 0)
        .and_then(|mib| mib.checked_mul(1 << 20))
        .ok_or_else(|| {
            RuntimeError::Domain(format!(
                "MLA_TALL_MEMORY is {text:?}: give the memory tall passes may use in MiB, a whole number above 0"
            ))
        })
}

impl Engine {
    fn start(spec: &str) -> Result<Engine> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("mla-tall")
            .build()
            .map_err(|e| RuntimeError::Domain(format!("cannot start the tall engine: {e}")))?;
        let local = local_context(None)?;
        let ordered = local_context(Some(1))?;
        let (name, ctx) = match spec.trim() {
            "" | "local" => ("local".to_string(), local.clone()),
            s if s.starts_with("ballista://") => {
                let ctx = remote(&runtime, &s["ballista://".len()..])?;
                (s.to_string(), ctx)
            }
            other => {
                return Err(RuntimeError::Domain(format!(
                    "unknown tall engine {other:?}: use \"local\" or \"ballista://host:port\""
                )))
            }
        };
        Ok(Engine {
            name,
            ctx,
            local,
            ordered,
            runtime,
        })
    }

    /// The context a plan over files runs on.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// The context of in-memory talls (always this machine).
    pub fn local_context(&self) -> &SessionContext {
        &self.local
    }

    /// The one-partition local context that keeps rows in order.
    pub fn ordered_context(&self) -> &SessionContext {
        &self.ordered
    }

    /// Runs a future to completion, on a thread of its own so that a host
    /// already inside an async runtime (the Jupyter kernel) can call it.
    /// This thread watches MLA's interrupt flag meanwhile: Ctrl-C drops the
    /// future, which stops a local pass (and a Ballista job's client; the
    /// cluster may finish the job), so a pass that waits forever (a
    /// scheduler without executors) can always be stopped.
    pub fn block_on<T: Send>(
        &self,
        fut: impl Future<Output = std::result::Result<T, DataFusionError>> + Send,
    ) -> Result<T> {
        let cancel = AtomicBool::new(false);
        let (done, finished) = mpsc::channel::<()>();
        let outcome = std::thread::scope(|s| {
            let worker = s.spawn(|| {
                let result = self.runtime.block_on(async {
                    let stop = async {
                        while !cancel.load(Ordering::Relaxed) {
                            tokio::time::sleep(POLL).await;
                        }
                    };
                    futures::pin_mut!(fut);
                    futures::pin_mut!(stop);
                    match futures::future::select(fut, stop).await {
                        Either::Left((r, _)) => Some(r),
                        Either::Right(_) => None,
                    }
                });
                let _ = done.send(());
                result
            });
            loop {
                match finished.recv_timeout(POLL) {
                    Err(mpsc::RecvTimeoutError::Timeout) if interrupt::requested() => {
                        cancel.store(true, Ordering::Relaxed);
                        break;
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    // Sent, or the worker panicked before sending.
                    _ => break,
                }
            }
            worker.join()
        });
        match outcome {
            Ok(Some(r)) => r.map_err(engine_err),
            Ok(None) => Err(RuntimeError::Interrupted {
                abandoned: Some("tall pass"),
            }),
            Err(panic) => Err(RuntimeError::Domain(format!(
                "the tall engine's thread panicked: {}",
                panic_text(&*panic)
            ))),
        }
    }
}

/// How often a waiting pass looks at the interrupt flag.
const POLL: Duration = Duration::from_millis(20);

/// What a panic said, when it said it as text.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// How long connecting to a scheduler may take before it is an error.
#[cfg(feature = "ballista")]
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A context whose plans run on the Ballista cluster at `address`
/// (`host:port` of its scheduler): planning stays here, the physical plan
/// goes to the scheduler, and its executors read the files, so paths must
/// mean the same files on them (`tall` makes them absolute). Ballista's
/// `remote` only builds a session, so the scheduler's port is tried first:
/// a wrong address is an error here, not at the first pass.
#[cfg(feature = "ballista")]
fn remote(runtime: &tokio::runtime::Runtime, address: &str) -> Result<SessionContext> {
    use ballista::prelude::SessionContextExt;
    use std::net::{TcpStream, ToSocketAddrs};
    let unreachable = |why: String| {
        RuntimeError::Domain(format!(
            "cannot reach a Ballista scheduler at {address}: {why}"
        ))
    };
    let addrs: Vec<_> = address
        .to_socket_addrs()
        .map_err(|e| unreachable(e.to_string()))?
        .collect();
    let listening = addrs
        .iter()
        .any(|a| TcpStream::connect_timeout(a, CONNECT_TIMEOUT).is_ok());
    if !listening {
        return Err(unreachable(format!(
            "nothing accepted a connection within {} s",
            CONNECT_TIMEOUT.as_secs()
        )));
    }
    let url = format!("df://{address}");
    std::thread::scope(|s| {
        s.spawn(|| runtime.block_on(SessionContext::remote(&url)))
            .join()
            .unwrap_or_else(|panic| {
                Err(DataFusionError::Execution(format!(
                    "the Ballista client's thread panicked: {}",
                    panic_text(&*panic)
                )))
            })
    })
    .map_err(|e| unreachable(e.to_string()))
}

/// Without the `ballista` feature there is no client: the address is
/// refused with a message that says how to get one.
#[cfg(not(feature = "ballista"))]
fn remote(_: &tokio::runtime::Runtime, address: &str) -> Result<SessionContext> {
    Err(RuntimeError::Domain(format!(
        "this build of MLA has no Ballista client, so it cannot reach {address}: build with the `ballista` feature (docs/tall.md)"
    )))
}

/// A DataFusion error as an MLA one.
pub fn engine_err(e: DataFusionError) -> RuntimeError {
    RuntimeError::Domain(format!("tall engine: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_setting_is_mib_and_refuses_what_is_not_a_size() {
        assert_eq!(memory_limit(None).unwrap(), 1024 << 20);
        assert_eq!(memory_limit(Some("256")).unwrap(), 256 << 20);
        for bad in ["", "1.5", "-3", "0", "lots", "18446744073709551615"] {
            let e = memory_limit(Some(bad)).unwrap_err().to_string();
            assert!(e.contains("MLA_TALL_MEMORY"), "{bad}: {e}");
        }
    }
}
