//! Parse and evaluate any text under tight limits (operations, time,
//! memory, no files): a value or an error, never a panic or an abort.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::Duration;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let mut mla = mla::Interpreter::with_output(std::io::sink());
    mla.set_limits(mla::Limits {
        max_operations: Some(10_000),
        max_duration: Some(Duration::from_millis(200)),
        max_allocation_bytes: 8 << 20,
        max_workspace_bytes: Some(32 << 20),
        files: mla::FilePolicy::Deny,
        ..mla::Limits::default()
    });
    if let Err(e) = mla.run(src) {
        let _ = mla::render_plain(&e);
    }
});
