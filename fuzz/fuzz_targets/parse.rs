//! The parser on any text: an AST or a `ParseError`, never a panic; the
//! error's rendering with a span anywhere in the text must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data) {
        if mla_parser::parse(src).is_err() {
            let mut mla = mla::Interpreter::new();
            if let Err(e) = mla.run(src) {
                let _ = mla::render_plain(&e);
            }
        }
    }
});
