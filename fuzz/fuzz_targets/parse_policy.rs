//! Fuzzes the strict policy parser: any input must yield a policy or
//! well-formed errors, never a panic.
//!
//! Run with `RUSTC_BOOTSTRAP=1 cargo fuzz run parse_policy` from the repository root
//! (see `fuzz/README.md`).

#![no_main]

use iamscope::policy::{decode_document, parse_json, parse_policy, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = decode_document(text);
    let json = parse_json(&text);
    match parse_policy(&text) {
        Ok(policy) => {
            assert!(json.is_ok(), "a policy parsed from invalid JSON");
            assert!(!policy.statements.is_empty());
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            let source = SourceFile::new("fuzz", text.as_ref());
            for error in &errors {
                assert!(error.pos.offset as usize <= text.len());
                assert!(source.line_text(error.pos.line).is_some());
            }
        }
    }
});
