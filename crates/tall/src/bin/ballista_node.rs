//! A Ballista scheduler or executor as a process, from the Ballista
//! crates' libraries: for the cluster test and for trying MLA's tall
//! matrices on a cluster without installing Ballista's own binaries.
//!
//! ```text
//! mla-ballista-node scheduler PORT
//! mla-ballista-node executor SCHEDULER_PORT FLIGHT_PORT GRPC_PORT WORK_DIR
//! ```
//! Both listen on 127.0.0.1 only.

use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use std::sync::Arc;

const HOST: &str = "127.0.0.1";

fn port(args: &[String], i: usize, what: &str) -> Result<u16, String> {
    args.get(i)
        .ok_or_else(|| format!("missing {what}"))?
        .parse()
        .map_err(|e| format!("{what}: {e}"))
}

async fn scheduler(args: &[String]) -> Result<(), String> {
    let p = port(args, 1, "the scheduler's port")?;
    let config = SchedulerConfig::default()
        .with_hostname(HOST)
        .with_port(p);
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| e.to_string())?;
    let addr = format!("{HOST}:{p}").parse().map_err(|e| format!("{e}"))?;
    start_server(cluster, addr, Arc::new(config))
        .await
        .map_err(|e| e.to_string())
}

async fn executor(args: &[String]) -> Result<(), String> {
    let config = ExecutorProcessConfig {
        bind_host: HOST.into(),
        external_host: Some(HOST.into()),
        scheduler_host: HOST.into(),
        scheduler_port: port(args, 1, "the scheduler's port")?,
        port: port(args, 2, "the flight port")?,
        grpc_port: port(args, 3, "the gRPC port")?,
        work_dir: args.get(4).cloned(),
        vcores: 1,
        scheduler_connect_timeout_seconds: 30,
        ..Default::default()
    };
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| e.to_string())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mla-ballista-node: {e}");
            std::process::exit(1);
        }
    };
    let result = runtime.block_on(async {
        match args.first().map(String::as_str) {
            Some("scheduler") => scheduler(&args).await,
            Some("executor") => executor(&args).await,
            _ => Err("usage: mla-ballista-node scheduler PORT | executor SCHEDULER_PORT FLIGHT_PORT GRPC_PORT [WORK_DIR]".into()),
        }
    });
    if let Err(e) = result {
        eprintln!("mla-ballista-node: {e}");
        std::process::exit(1);
    }
}
