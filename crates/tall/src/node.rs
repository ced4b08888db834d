//! A Ballista scheduler or executor in this process (`mla-ballista-node`),
//! built from the same DataFusion as the client so that a cluster for the
//! tests and for a first try needs no second build: `scheduler [PORT]`, or
//! `executor [SCHEDULER_HOST:]SCHEDULER_PORT FLIGHT_PORT GRPC_PORT
//! [WORK_DIR]`, on loopback unless `MLA_BALLISTA_HOST` names the address to
//! bind and advertise (an executor's scheduler is there too unless given).
//! A production cluster runs Ballista's own `ballista-scheduler` and
//! `ballista-executor` of the same version: the plans MLA sends are made of
//! DataFusion's built-in expressions, so stock executors run them.

use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use std::net::SocketAddr;
use std::sync::Arc;

/// How to call the node, for errors.
pub const USAGE: &str = "usage: mla-ballista-node scheduler [PORT]\n       mla-ballista-node executor [SCHEDULER_HOST:]SCHEDULER_PORT FLIGHT_PORT GRPC_PORT [WORK_DIR]";

/// What the node was asked to be.
#[derive(Debug, PartialEq)]
pub enum Role {
    /// A scheduler listening on this port.
    Scheduler { port: u16 },
    /// An executor serving Flight on `flight_port` and gRPC on `grpc_port`,
    /// registered with the scheduler at `scheduler_host` (the node's own
    /// address when `None`) and `scheduler_port`.
    Executor {
        scheduler_host: Option<String>,
        scheduler_port: u16,
        flight_port: u16,
        grpc_port: u16,
        work_dir: Option<String>,
    },
}

/// Reads the command line (without the program name).
pub fn parse(args: &[String]) -> Result<Role, String> {
    let port = |s: &String| {
        s.parse::<u16>()
            .map_err(|_| format!("{s:?} is not a port number\n{USAGE}"))
    };
    match args {
        [role] if role == "scheduler" => Ok(Role::Scheduler { port: 50050 }),
        [role, p] if role == "scheduler" => Ok(Role::Scheduler { port: port(p)? }),
        [role, s, f, g, rest @ ..] if role == "executor" && rest.len() <= 1 => {
            let (scheduler_host, scheduler_port) = match s.rsplit_once(':') {
                Some((host, p)) => (Some(host.to_string()), port(&p.to_string())?),
                None => (None, port(s)?),
            };
            Ok(Role::Executor {
                scheduler_host,
                scheduler_port,
                flight_port: port(f)?,
                grpc_port: port(g)?,
                work_dir: rest.first().cloned(),
            })
        }
        _ => Err(USAGE.to_string()),
    }
}

/// Runs the node until it is stopped (or fails to start).
pub fn run(role: Role) -> Result<(), String> {
    let host = std::env::var("MLA_BALLISTA_HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    match role {
        Role::Scheduler { port } => runtime.block_on(async {
            let address: SocketAddr = format!("{host}:{port}")
                .parse()
                .map_err(|e| format!("bad scheduler address {host}:{port}: {e}"))?;
            let mut config = SchedulerConfig::default().with_port(port);
            config.bind_host = host.clone();
            config.external_host = host.clone();
            let cluster = BallistaCluster::new_from_config(&config)
                .await
                .map_err(|e| format!("scheduler: {e}"))?;
            start_server(cluster, address, Arc::new(config))
                .await
                .map_err(|e| format!("scheduler: {e}"))
        }),
        Role::Executor {
            scheduler_host,
            scheduler_port,
            flight_port,
            grpc_port,
            work_dir,
        } => runtime.block_on(async {
            let config = ExecutorProcessConfig {
                bind_host: host.clone(),
                external_host: Some(host.clone()),
                port: flight_port,
                grpc_port,
                scheduler_host: scheduler_host.unwrap_or_else(|| host.clone()),
                scheduler_port,
                work_dir,
                ..Default::default()
            };
            start_executor_process(Arc::new(config))
                .await
                .map_err(|e| format!("executor: {e}"))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn the_command_line_names_a_role_and_its_ports() {
        assert_eq!(
            parse(&args("scheduler")),
            Ok(Role::Scheduler { port: 50050 })
        );
        assert_eq!(
            parse(&args("scheduler 6000")),
            Ok(Role::Scheduler { port: 6000 })
        );
        assert_eq!(
            parse(&args("executor 6000 6001 6002 /tmp/w")),
            Ok(Role::Executor {
                scheduler_host: None,
                scheduler_port: 6000,
                flight_port: 6001,
                grpc_port: 6002,
                work_dir: Some("/tmp/w".into())
            })
        );
        assert_eq!(
            parse(&args("executor head-node:6000 6001 6002")),
            Ok(Role::Executor {
                scheduler_host: Some("head-node".into()),
                scheduler_port: 6000,
                flight_port: 6001,
                grpc_port: 6002,
                work_dir: None
            })
        );
        assert!(parse(&args("executor 6000")).unwrap_err().contains("usage"));
        assert!(parse(&args("scheduler port"))
            .unwrap_err()
            .contains("not a port"));
        assert!(parse(&args("")).is_err());
    }
}
