//! Stable finding fingerprints, so that code-scanning services and `--previous` can
//! track a finding across runs even when the lines and statements around it move.
//!
//! A fingerprint hashes the rule, the file, an *anchor* and the subject. The anchor is
//! the finding's JSON pointer with every position replaced by a stable key where one
//! exists:
//!
//! - the statement index becomes the statement's `Sid` when it has one; without a
//!   `Sid`, it is dropped when the finding names a subject (the subject then says
//!   which element it is about), and kept otherwise;
//! - array indices below the statement are dropped when the finding names a subject.
//!
//! Line and column are never part of it. Two findings that still share a fingerprint
//! (the same subject in two statements without a `Sid`) are told apart by their order
//! of appearance, see [`fingerprints`].

use std::collections::HashMap;

use super::finding::Finding;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// FNV-1a (64-bit), written out here because std's hasher is not guaranteed stable
/// across Rust releases. A separator byte after each part keeps ("ab","c") and
/// ("a","bc") apart.
fn hash_parts<'a>(parts: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut hash = FNV_OFFSET;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(FNV_PRIME);
        }
    }
    hash
}

/// The statement's `Sid`, when the finding's statement label is one (labels of
/// statements without a `Sid` are `#<index>`).
fn sid(finding: &Finding) -> Option<&str> {
    finding
        .statement
        .as_deref()
        .filter(|label| !label.is_empty() && !label.starts_with('#'))
}

fn is_index(segment: &str) -> bool {
    !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit())
}

/// The finding's pointer with positions replaced by stable keys (module docs).
pub(crate) fn anchor(finding: &Finding) -> String {
    let pointer = &finding.location.pointer;
    if pointer.is_empty() {
        return String::new();
    }
    let has_subject = finding.subject.as_deref().is_some_and(|s| !s.is_empty());
    let segments: Vec<&str> = pointer.split('/').skip(1).collect();
    let mut out = String::new();
    let mut rest = segments.as_slice();
    if let ["Statement", index, tail @ ..] = segments.as_slice() {
        if is_index(index) {
            match sid(finding) {
                // `Sid` values may hold `/`: brackets keep the anchor unambiguous.
                Some(sid) => out.push_str(&format!("/Statement[{sid}]")),
                None if has_subject => out.push_str("/Statement[]"),
                None => out.push_str(&format!("/Statement/{index}")),
            }
            rest = tail;
        }
    }
    for segment in rest {
        out.push('/');
        out.push_str(if has_subject && is_index(segment) {
            "[]"
        } else {
            segment
        });
    }
    out
}

/// A 16-hex-digit fingerprint of the finding's rule, file, anchor and subject (see
/// the module docs). Use [`fingerprints`] for a whole report, which also tells apart
/// findings that share one.
pub fn fingerprint(finding: &Finding) -> String {
    format!("{:016x}", base_hash(finding))
}

fn base_hash(finding: &Finding) -> u64 {
    let file = finding.location.file.as_deref().unwrap_or("");
    let subject = finding.subject.as_deref().unwrap_or("");
    hash_parts([finding.rule, file, &anchor(finding), subject])
}

/// The fingerprints of a report's findings, in the same order. The first finding
/// with a given fingerprint keeps it; the n-th repeat (in report order) gets a hash
/// of that fingerprint and n, so every fingerprint in a report is unique.
pub fn fingerprints(findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<u64, u32> = HashMap::new();
    findings
        .iter()
        .map(|finding| {
            let base = base_hash(finding);
            let count = seen.entry(base).or_insert(0);
            let hash = match *count {
                0 => base,
                n => hash_parts([format!("{base:016x}").as_str(), &n.to_string()]),
            };
            *count += 1;
            format!("{hash:016x}")
        })
        .collect()
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
    fn keeps_the_statement_index_without_sid_or_subject() {
        assert_ne!(
            fingerprint(&finding(1, "/Statement/0")),
            fingerprint(&finding(1, "/Statement/1"))
        );
    }

    #[test]
    fn prefers_the_sid_over_the_statement_index() {
        let a = finding(1, "/Statement/0/Resource").in_statement("ReadLogs");
        let b = finding(7, "/Statement/3/Resource").in_statement("ReadLogs");
        let other = finding(7, "/Statement/3/Resource").in_statement("WriteLogs");
        assert_eq!(anchor(&a), "/Statement[ReadLogs]/Resource");
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&other));
    }

    #[test]
    fn drops_indices_when_the_subject_names_the_element() {
        let a = finding(1, "/Statement/0/Action/2")
            .in_statement("#0")
            .subject("sqs:*");
        let b = finding(5, "/Statement/4/Action/0")
            .in_statement("#4")
            .subject("sqs:*");
        assert_eq!(anchor(&a), "/Statement[]/Action/[]");
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&b.clone().subject("sns:*")));
    }

    #[test]
    fn numbers_repeated_fingerprints_in_report_order() {
        let a = finding(1, "/Statement/0/Action/0").subject("sqs:*");
        let b = finding(9, "/Statement/1/Action/0").subject("sqs:*");
        let prints = fingerprints(&[a.clone(), b]);
        assert_eq!(prints[0], fingerprint(&a));
        assert_ne!(prints[0], prints[1]);
        assert_eq!(prints[1].len(), 16);
    }

    #[test]
    fn is_stable_across_builds() {
        // A change here breaks alert tracking for every user: only on purpose.
        assert_eq!(fingerprint(&finding(1, "/Statement/0")), "cb93abb6a97fdf2f");
    }
}
