//! The CSV reader on any bytes: a matrix or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = mla_runtime::files::parse_csv(text, "fuzz.csv");
    }
});
