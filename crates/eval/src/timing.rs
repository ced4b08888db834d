//! `@time s` and `%time s`: run a statement and report, as Julia's `@time`
//! does, how long it took and what it allocated. Counting allocations
//! needs the program's global allocator, which only a binary can choose:
//! the host hands the interpreter a meter ([`Interpreter::set_allocation_meter`]),
//! and without one the report gives the time alone.

use crate::error::EvalError;
use crate::exec::{Flow, Last};
use crate::interp::Ctx;
use crate::resolved::RStmt;
use crate::Interpreter;
use std::time::{Duration, Instant};

/// What the process has allocated since it started, as counted by its
/// global allocator: requests (reallocations included) and bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Allocations {
    /// Allocation and reallocation requests.
    pub count: u64,
    /// Bytes requested by them.
    pub bytes: u64,
}

/// Reads the process-wide allocation counters.
pub type AllocationMeter = fn() -> Allocations;

impl Interpreter {
    /// Lets `@time` report allocations, read from `meter` before and after
    /// the statement. Allocations by other threads meanwhile count too.
    pub fn set_allocation_meter(&mut self, meter: AllocationMeter) {
        self.meter = Some(meter);
    }

    /// Runs `stmt` and writes the report after what it printed; a failing
    /// statement reports nothing.
    pub(crate) fn exec_timed(
        &mut self,
        cx: &Ctx,
        stmt: &RStmt,
        last: &mut Last,
    ) -> Result<Flow, EvalError> {
        let before = self.meter.map(|m| m());
        let start = Instant::now();
        let flow = self.exec_stmt(cx, stmt, last)?;
        let elapsed = start.elapsed();
        let allocated = self.meter.zip(before).map(|(m, b)| {
            let a = m();
            Allocations {
                count: a.count.saturating_sub(b.count),
                bytes: a.bytes.saturating_sub(b.bytes),
            }
        });
        let line = report(elapsed, allocated);
        if let Err(e) = std::io::Write::write_all(&mut self.out, line.as_bytes()) {
            return Err(cx.runtime_err(mla_runtime::RuntimeError::output(&e), stmt.span));
        }
        Ok(flow)
    }
}

/// `  0.532018 seconds (12 allocations: 68.665 MiB)`, as Julia writes it.
pub fn report(elapsed: Duration, allocated: Option<Allocations>) -> String {
    let secs = format!("{:>10.6} seconds", elapsed.as_secs_f64());
    match allocated {
        None => format!("{secs}\n"),
        Some(Allocations { count: 0, .. }) => format!("{secs}\n"),
        Some(a) => format!(
            "{secs} ({} allocation{}: {})\n",
            a.count,
            if a.count == 1 { "" } else { "s" },
            bytes(a.bytes)
        ),
    }
}

/// `16 bytes`, `1.250 KiB`, `68.665 MiB`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.3} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_read_as_julias() {
        let t = Duration::from_micros(532_018);
        assert_eq!(report(t, None), "  0.532018 seconds\n");
        let one = Allocations {
            count: 1,
            bytes: 16,
        };
        assert_eq!(
            report(t, Some(one)),
            "  0.532018 seconds (1 allocation: 16 bytes)\n"
        );
        let many = Allocations {
            count: 12,
            bytes: 72_000_000,
        };
        assert_eq!(
            report(t, Some(many)),
            "  0.532018 seconds (12 allocations: 68.665 MiB)\n"
        );
        assert_eq!(
            report(t, Some(Allocations::default())),
            "  0.532018 seconds\n"
        );
        assert_eq!(bytes(1280), "1.250 KiB");
    }
}
