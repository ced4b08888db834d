//! Tall plans on a Ballista cluster: a scheduler and two executors, each a
//! process of its own on loopback (`mla-ballista-node`), run the PCA example
//! over a generated 10⁶×20 Parquet data set in four files, and its answer
//! matches in-memory PCA of the same rows. Run with
//! `cargo test -p mla --features ballista --test ballista`.
#![cfg(feature = "ballista")]

use mla::Interpreter;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A node process, stopped when the test ends, however it ends.
struct Node {
    child: Child,
    name: &'static str,
    log: PathBuf,
}

impl Node {
    fn start(name: &'static str, args: &[String], dir: &Path) -> Node {
        let log = dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_mla-ballista-node"))
            .args(args)
            .stdout(out.try_clone().expect("log file"))
            .stderr(out)
            .stdin(Stdio::null())
            .spawn()
            .expect("mla-ballista-node starts");
        Node { child, name, log }
    }

    /// Panics with the node's log if it has exited.
    fn check_alive(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            panic!("{} exited ({status}):\n{log}", self.name);
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `n` distinct ports free on loopback now.
fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().expect("bound").port())
        .collect()
}

/// Waits until `node` accepts connections on `port`.
fn wait_for(node: &mut Node, port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        node.check_alive();
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{} did not listen on {port} within 60 s",
            node.name
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Files under `dir`, at any depth.
fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let p = e.path();
                if p.is_dir() {
                    files_under(&p)
                } else {
                    1
                }
            })
            .sum()
    })
}

#[test]
fn pca_example_on_a_scheduler_and_two_executors_matches_in_memory_pca() {
    let dir = std::env::temp_dir().join(format!("mla-ballista-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("temp dir");
    mla_tall::write::synthetic(data.to_str().unwrap(), 1_000_000, 4, 7, false)
        .expect("data written");

    let ports = free_ports(5);
    let mut scheduler = Node::start(
        "scheduler",
        &["scheduler".into(), ports[0].to_string()],
        &dir,
    );
    wait_for(&mut scheduler, ports[0]);
    let mut executors = Vec::new();
    for (k, name) in ["executor-1", "executor-2"].into_iter().enumerate() {
        let work = dir.join(name);
        std::fs::create_dir_all(&work).expect("work dir");
        let args = [
            "executor".to_string(),
            ports[0].to_string(),
            ports[1 + 2 * k].to_string(),
            ports[2 + 2 * k].to_string(),
            work.to_str().unwrap().to_string(),
        ];
        let mut node = Node::start(name, &args, &dir);
        wait_for(&mut node, ports[1 + 2 * k]);
        executors.push((node, work));
    }

    let example = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/tall/pca.mla"),
    )
    .unwrap();
    let script = example.replace(
        "/tmp/mla-tall/*.parquet",
        &format!("{}/*.parquet", data.display()),
    );
    assert_ne!(script, example, "the example names its data path");
    let mut mla = Interpreter::with_output(std::io::sink());
    // A job the cluster never finishes would hang the test run: stop it.
    let handle = mla.interrupt_handle();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(600));
        handle.interrupt();
    });
    mla.run(&format!(
        "engine = tall_engine(\"ballista://127.0.0.1:{}\");",
        ports[0]
    ))
    .unwrap_or_else(|e| panic!("tall_engine: {}", e.render()));
    let engine: String = mla.get("engine").unwrap();
    assert_eq!(engine, format!("ballista://127.0.0.1:{}", ports[0]));
    if let Err(e) = mla.run(&script) {
        for (node, _) in &mut executors {
            node.check_alive();
        }
        scheduler.check_alive();
        panic!("pca on Ballista: {}", e.render());
    }
    // The executors did the work: each stage's output is written under
    // the work directory of the executor that ran it.
    let written: Vec<usize> = executors.iter().map(|(_, w)| files_under(w)).collect();
    assert!(
        written.iter().sum::<usize>() > 0,
        "no executor wrote a stage's output: {written:?}"
    );
    let n: f64 = mla.get("n").unwrap();
    assert_eq!(n, 1e6);
    // Masks (FILTER clauses), comparisons and standard deviations cross
    // to the executors too.
    mla.run("(mm, sd) = gather(mean(X[X[:, 1] > 2, :]), std(X));")
        .unwrap_or_else(|e| panic!("masked mean on Ballista: {}", e.render()));

    // The same rows in memory, on this machine's engine.
    mla.run(
        "tall_engine(\"local\");
         Xm = gather(tall(data)[:, 1:20]); C2 = cov(Xm); e = norm(C - C2) / norm(C2);
         (v2, V2) = eig(C2); ev = norm(vals - v2) / norm(v2);
         Z2 = (Xm[1:3, :] - mean(Xm)) * vecs[:, 1:3]; ez = norm(z1 - Z2) / norm(Z2);
         mm2 = mean(Xm[Xm[:, 1] > 2, :]); em = norm(mm - mm2) / norm(mm2);
         es = norm(sd - std(Xm)) / norm(std(Xm));",
    )
    .unwrap_or_else(|e| panic!("in-memory check: {}", e.render()));
    for name in ["e", "ev", "ez", "em", "es"] {
        let err: f64 = mla.get(name).unwrap();
        assert!(err < 1e-10, "{name} = {err:e}");
    }
    drop(executors);
    drop(scheduler);
    // MLA_KEEP_TEST_FILES=1 keeps the data, the work directories and the
    // nodes' logs for a look.
    if std::env::var_os("MLA_KEEP_TEST_FILES").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        eprintln!(
            "kept {} (files written by the executors: {written:?})",
            dir.display()
        );
    }
}

#[test]
fn a_pass_waiting_on_a_scheduler_without_executors_stops_on_interrupt() {
    let dir = std::env::temp_dir().join(format!("mla-ballista-idle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    mla_tall::write::synthetic(dir.to_str().unwrap(), 1000, 1, 3, false).expect("data written");
    let port = free_ports(1)[0];
    let mut scheduler = Node::start("scheduler", &["scheduler".into(), port.to_string()], &dir);
    wait_for(&mut scheduler, port);
    let mut mla = Interpreter::with_output(std::io::sink());
    // A wrong address is an error at once, naming it.
    let closed = free_ports(1)[0];
    let err = mla
        .run(&format!("tall_engine(\"ballista://127.0.0.1:{closed}\")"))
        .expect_err("nothing listens there");
    assert!(
        err.render().contains(&format!(
            "cannot reach a Ballista scheduler at 127.0.0.1:{closed}"
        )),
        "{}",
        err.render()
    );
    mla.run(&format!("tall_engine(\"ballista://127.0.0.1:{port}\");"))
        .unwrap_or_else(|e| panic!("tall_engine: {}", e.render()));
    let handle = mla.interrupt_handle();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(2));
        handle.interrupt();
    });
    let started = Instant::now();
    let err = mla
        .run(&format!(
            "s = gather(sum(tall({:?})));",
            format!("{}/*.parquet", dir.display())
        ))
        .expect_err("no executor can run the pass");
    stopper.join().unwrap();
    assert_eq!(err.kind(), mla::ErrorKind::Interrupted, "{}", err.render());
    assert!(started.elapsed() < Duration::from_secs(30));
    drop(scheduler);
    let _ = std::fs::remove_dir_all(&dir);
}
