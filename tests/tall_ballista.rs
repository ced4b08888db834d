//! The PCA example on a Ballista cluster: a scheduler and two executors as
//! separate processes on loopback (`mla-ballista-node`, built from the
//! Ballista crates' libraries), a 10⁶×22 data set in four Parquet files,
//! and the answer compared with the in-memory one.
//!
//! ```sh
//! cargo build -p mla-tall --features ballista --bin mla-ballista-node
//! cargo test -p mla --features tall-ballista --test tall_ballista
//! ```
#![cfg(feature = "tall-ballista")]

use mla::Interpreter;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the cluster's processes however the test ends.
struct Cluster(Vec<Child>);

impl Drop for Cluster {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn wait_for(port: u16, what: &str) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{what} did not listen on port {port} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The node binary next to this test's directory (target/<profile>/).
fn node_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test path");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    let bin = dir.join(format!("mla-ballista-node{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: cargo build -p mla-tall --features ballista --bin mla-ballista-node",
        bin.display()
    );
    bin
}

fn spawn(bin: &PathBuf, args: &[String]) -> Child {
    Command::new(bin)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("node process starts")
}

#[test]
fn pca_example_runs_on_a_scheduler_and_two_executors() {
    let bin = node_binary();
    let dir = std::env::temp_dir().join(format!("mla-tall-ballista-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.join("data");
    mla_tall::write::synthetic(data.to_str().unwrap(), 1_000_000, 4, 7, false)
        .expect("data written");

    let scheduler = free_port();
    let mut cluster = Cluster(vec![spawn(
        &bin,
        &["scheduler".into(), scheduler.to_string()],
    )]);
    wait_for(scheduler, "the scheduler");
    for k in 0..2 {
        let (flight, grpc) = (free_port(), free_port());
        let work = dir.join(format!("executor-{k}"));
        std::fs::create_dir_all(&work).unwrap();
        cluster.0.push(spawn(
            &bin,
            &[
                "executor".into(),
                scheduler.to_string(),
                flight.to_string(),
                grpc.to_string(),
                work.to_string_lossy().into_owned(),
            ],
        ));
        wait_for(flight, "an executor");
    }

    let example = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/tall/pca.mla"),
    )
    .unwrap();
    let pattern = format!("{}/*.parquet", data.display());
    let script = example.replace("/tmp/mla-tall/*.parquet", &pattern);
    assert_ne!(script, example, "the example names its data path");
    let mut mla = Interpreter::with_output(std::io::sink());
    mla.run(&format!("tall_engine(\"ballista://127.0.0.1:{scheduler}\");"))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    mla.run(&script)
        .unwrap_or_else(|e| panic!("the example on Ballista: {}", e.render()));
    // The in-memory answer, from the same files read on this machine.
    mla.run(
        "tall_engine(\"local\"); Xm = gather(tall(data)[:, 1:20]);
         C2 = cov(Xm); e = norm(C - C2) / norm(C2);
         v2 = eig(C2); ev = norm(vals - v2) / norm(v2);",
    )
    .unwrap_or_else(|e| panic!("{}", e.render()));
    let n: f64 = mla.get("n").unwrap();
    assert_eq!(n, 1_000_000.0);
    for name in ["e", "ev"] {
        let err: f64 = mla.get(name).unwrap();
        assert!(err < 1e-10, "{name} = {err:e}");
    }
    drop(cluster);
    let _ = std::fs::remove_dir_all(&dir);
}
