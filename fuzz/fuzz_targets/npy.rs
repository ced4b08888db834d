//! The `.npy` reader on any bytes: a matrix or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = mla_runtime::files::parse_npy(data, "fuzz.npy");
});
