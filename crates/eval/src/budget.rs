//! The operation and time budget of one evaluation. Every loop iteration
//! and call ticks; a tick costs a decrement and a test, and only when a
//! countdown runs out does the slow check look at the interrupt flag, the
//! operation count and the clock. The countdown's length adapts so the
//! slow check runs about once a millisecond whatever an operation costs
//! (ruffle's two-tier limit, with the op limit refreshed by the time), so
//! an interrupt or a time limit is noticed within about a millisecond.

use std::time::{Duration, Instant};

/// The clock is read about this often.
const CHECK_EVERY: Duration = Duration::from_millis(1);
/// Ticks between clock readings, at most (fast loops) and at first.
const MAX_STRIDE: i64 = 1 << 16;
const FIRST_STRIDE: i64 = 1;

/// What a slow check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exceeded {
    Operations(u64),
    Duration(Duration),
}

/// The counters of one evaluation.
#[derive(Debug)]
pub(crate) struct Budget {
    /// Ticks left before the next slow check; the hot path's only field.
    pub countdown: i64,
    /// What the countdown started at.
    window: i64,
    /// Ticks counted by finished windows.
    done: u64,
    max_operations: Option<u64>,
    max_duration: Option<Duration>,
    started: Instant,
    last_check: Instant,
    stride: i64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::start(None, None)
    }
}

impl Budget {
    /// A budget starting now.
    pub fn start(max_operations: Option<u64>, max_duration: Option<Duration>) -> Self {
        let now = Instant::now();
        let mut b = Budget {
            countdown: 0,
            window: 0,
            done: 0,
            max_operations,
            max_duration,
            started: now,
            last_check: now,
            stride: FIRST_STRIDE,
        };
        b.open_window();
        b
    }

    /// Ticks so far.
    pub fn operations(&self) -> u64 {
        self.done + (self.window - self.countdown) as u64
    }

    fn open_window(&mut self) {
        self.window = match self.max_operations {
            None => self.stride,
            Some(max) => self
                .stride
                .min(max.saturating_sub(self.done).min(i64::MAX as u64) as i64),
        };
        self.countdown = self.window;
    }

    /// The slow check, when the countdown ran out: an exceeded limit, or a
    /// new window.
    pub fn check(&mut self) -> Result<(), Exceeded> {
        self.done += (self.window - self.countdown) as u64;
        self.window = 0;
        self.countdown = 0;
        if let Some(max) = self.max_operations {
            if self.done > max {
                return Err(Exceeded::Operations(max));
            }
        }
        let now = Instant::now();
        if let Some(max) = self.max_duration {
            if now.duration_since(self.started) > max {
                return Err(Exceeded::Duration(max));
            }
        }
        let since = now.duration_since(self.last_check);
        self.last_check = now;
        self.stride = if since < CHECK_EVERY / 2 {
            (self.stride * 2).min(MAX_STRIDE)
        } else if since > CHECK_EVERY * 2 {
            (self.stride / 2).max(1)
        } else {
            self.stride
        };
        self.open_window();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(b: &mut Budget, ticks: u64) -> Result<(), Exceeded> {
        for _ in 0..ticks {
            b.countdown -= 1;
            if b.countdown < 0 {
                b.check()?;
            }
        }
        Ok(())
    }

    #[test]
    fn the_operation_limit_is_exact() {
        let mut b = Budget::start(Some(1000), None);
        assert_eq!(run(&mut b, 1000), Ok(()));
        assert_eq!(b.operations(), 1000);
        assert_eq!(run(&mut b, 1), Err(Exceeded::Operations(1000)));
        let mut b = Budget::start(Some(1000), Some(Duration::from_secs(3600)));
        assert_eq!(run(&mut b, 1000), Ok(()));
        assert_eq!(run(&mut b, 1), Err(Exceeded::Operations(1000)));
    }

    #[test]
    fn without_limits_nothing_is_exceeded() {
        let mut b = Budget::start(None, None);
        assert_eq!(run(&mut b, 100_000), Ok(()));
        assert_eq!(b.operations(), 100_000);
    }

    #[test]
    fn the_time_limit_stops_slow_and_fast_steps() {
        let mut b = Budget::start(None, Some(Duration::from_millis(30)));
        let t = Instant::now();
        let mut slow = || {
            std::thread::sleep(Duration::from_millis(5));
            b.countdown -= 1;
            if b.countdown < 0 {
                b.check()
            } else {
                Ok(())
            }
        };
        let stopped = loop {
            if let Err(e) = slow() {
                break e;
            }
        };
        assert_eq!(stopped, Exceeded::Duration(Duration::from_millis(30)));
        // A slow step shrinks the stride to a few steps, not thousands.
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());

        let mut b = Budget::start(None, Some(Duration::from_millis(30)));
        let t = Instant::now();
        let e = run(&mut b, u64::MAX).unwrap_err();
        assert_eq!(e, Exceeded::Duration(Duration::from_millis(30)));
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    }
}
