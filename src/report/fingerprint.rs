//! Stable finding fingerprints, so that code-scanning services can track a finding
//! across runs even when the lines around it move.

use super::finding::Finding;

/// A 16-hex-digit fingerprint of the finding's rule, file, JSON pointer and subject.
///
/// Line and column are left out on purpose: editing an unrelated statement above a
/// finding must not make it look new. The hash is FNV-1a (64-bit), written out here
/// because std's hasher is not guaranteed stable across Rust releases.
pub fn fingerprint(finding: &Finding) -> String {
    let file = finding.location.file.as_deref().unwrap_or("");
    let subject = finding.subject.as_deref().unwrap_or("");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [finding.rule, file, &finding.location.pointer, subject] {
        // The separator byte keeps ("ab","c") and ("a","bc") apart.
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Location, Severity};

    fn finding(line: u32, pointer: &str) -> Finding {
        Finding::new("r", Severity::Low, "m").at(Location {
            file: Some("a.json".into()),
            line: Some(line),
            column: Some(1),
            pointer: pointer.into(),
        })
    }

    #[test]
    fn ignores_line_moves() {
        assert_eq!(
            fingerprint(&finding(1, "/Statement/0")),
            fingerprint(&finding(9, "/Statement/0"))
        );
    }

    #[test]
    fn differs_by_pointer() {
        assert_ne!(
            fingerprint(&finding(1, "/Statement/0")),
            fingerprint(&finding(1, "/Statement/1"))
        );
    }

    #[test]
    fn is_stable_across_builds() {
        // A change here breaks alert tracking for every user: only on purpose.
        assert_eq!(fingerprint(&finding(1, "/Statement/0")), "cb93abb6a97fdf2f");
    }
}
