//! Fuzzes the whole lint pipeline: the parser, the size quota and every lint rule. Any
//! input must give findings (an `invalid-policy` one when IAM would reject it), never a panic.
//!
//! Run with `RUSTC_BOOTSTRAP=1 cargo fuzz run lint_sources` from the repository root; see
//! `fuzz/README.md`.

#![no_main]

use iamscope::lint::{lint_sources, PolicyType, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let findings = lint_sources(&[SourceFile::new("fuzz.json", text)], PolicyType::Managed);
    for finding in &findings {
        assert!(!finding.rule.is_empty());
        if let Some(line) = finding.location.line {
            assert!(line >= 1);
        }
    }
});
