//! Small string helpers shared by the catalog: IAM wildcard matching, condition-key templates
//! and edit distance. All comparisons are ASCII case-insensitive, like IAM action names.

use std::cmp::Ordering;

/// Compares two strings ASCII case-insensitively (the catalog's sort order).
pub(crate) fn cmp_ci(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        match x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    a.len().cmp(&b.len())
}

/// Whether `text` matches the IAM wildcard `pattern` (`*` = any run, `?` = one character),
/// ASCII case-insensitively.
pub(crate) fn glob_match_ci(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0, 0);
    // Classic linear backtracking: remember the last `*` and how much it has swallowed.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Whether `s` contains an IAM wildcard character (`*` or `?`). A byte scan: rules ask
/// this of every action item, and `str::contains` with a set of chars decodes each one.
pub fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

/// The next placeholder (`${...}` or `<...>`) in `rest`: its start and the index just past
/// its closing delimiter. `None` when there is no complete placeholder left.
fn next_placeholder(rest: &str) -> Option<(usize, usize)> {
    let bytes = rest.as_bytes();
    // The earliest opener wins; an unclosed earliest opener ends the template's placeholders.
    let start = bytes
        .iter()
        .enumerate()
        .find(|(i, &c)| c == b'<' || (c == b'$' && bytes.get(i + 1) == Some(&b'{')))
        .map(|(i, _)| i)?;
    let close = if bytes[start] == b'<' { b'>' } else { b'}' };
    let len = bytes[start..].iter().position(|&c| c == close)?;
    Some((start, start + len + 1))
}

/// Whether the concrete condition key `key` is an instance of `template`, where `${Var}` and
/// `<var>` placeholders stand for one or more characters. Case-insensitive. A key written as
/// the template itself (`aws:ResourceTag/${TagKey}`) also matches.
pub(crate) fn key_matches_template(template: &str, key: &str) -> bool {
    matches_placeholders(template, key) || matches_literal_tag_key(template, key)
}

/// A few services publish tag keys with a literal `tag-key` placeholder
/// (`secretsmanager:ResourceTag/tag-key`), which stands for any tag key too.
fn matches_literal_tag_key(template: &str, key: &str) -> bool {
    let Some(base) = template
        .strip_suffix("tag-key")
        .filter(|b| b.ends_with('/'))
    else {
        return false;
    };
    key.len() > base.len()
        && key
            .get(..base.len())
            .is_some_and(|k| k.eq_ignore_ascii_case(base))
}

/// `${TagKey}`/`<key>` placeholders in `template` match any non-empty text.
fn matches_placeholders(template: &str, key: &str) -> bool {
    if template.eq_ignore_ascii_case(key) {
        return true;
    }
    // Cheap rejection on the literal text before the first possible placeholder: most
    // (template, key) pairs a rule tries differ there, and finding placeholders costs a scan.
    let (t, k) = (template.as_bytes(), key.as_bytes());
    let literal = t.iter().position(|&c| c == b'<' || c == b'$');
    match literal {
        None => return false,
        Some(n) if k.len() < n || !t[..n].eq_ignore_ascii_case(&k[..n]) => return false,
        Some(_) => {}
    }
    // Matches the rest of the template against the rest of the key, without allocating: this
    // runs for every (action, condition key) pair a rule looks at.
    fn go(template: &str, key: &str) -> bool {
        let Some((start, end)) = next_placeholder(template) else {
            return template.eq_ignore_ascii_case(key);
        };
        let lit = &template[..start];
        if !(key.len() >= lit.len()
            && key.is_char_boundary(lit.len())
            && key[..lit.len()].eq_ignore_ascii_case(lit))
        {
            return false;
        }
        let key = &key[lit.len()..];
        let rest = &template[end..];
        key.char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain(std::iter::once(key.len()))
            .filter(|&i| i > 0)
            .any(|i| go(rest, &key[i..]))
    }
    go(template, key)
}

/// Levenshtein distance over ASCII-lowercased bytes, [`edit_distance_ci`], when it is at most `limit`, else `None`; cheaper on far-apart
/// names: the length difference bounds the distance from below, and the table stops as
/// soon as a whole row exceeds the limit (rows never decrease from there).
pub(crate) fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        let mut row_min = row[0];
        for (j, cb) in b.iter().enumerate() {
            let subst = diag + usize::from(!ca.eq_ignore_ascii_case(cb));
            diag = row[j + 1];
            row[j + 1] = subst.min(row[j + 1] + 1).min(row[j] + 1);
            row_min = row_min.min(row[j + 1]);
        }
        if row_min > limit {
            return None;
        }
    }
    Some(row[b.len()]).filter(|d| *d <= limit)
}

/// Case-insensitive Levenshtein distance over the whole table: the reference that
/// [`edit_distance_within`] is tested against.
#[cfg(test)]
pub(crate) fn edit_distance_ci(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // One row of the table, updated in place; `diag` holds the previous row's `j` entry.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let subst = diag + usize::from(!ca.eq_ignore_ascii_case(cb));
            diag = row[j + 1];
            row[j + 1] = subst.min(row[j + 1] + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
}

/// Calls `f` with `s` ASCII-lowercased, without a copy when it already is.
pub(crate) fn with_lowercase<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    // Policies mostly write `s3:GetObject`; names written in lowercase skip the copy.
    if !s.bytes().any(|c| c.is_ascii_uppercase()) {
        return f(s);
    }
    f(&s.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_case_insensitively() {
        assert!(glob_match_ci("ec2:describe*", "ec2:DescribeInstances"));
        assert!(glob_match_ci("s3:*Object", "s3:GetObject"));
        assert!(!glob_match_ci("s3:*Object", "s3:GetObjectAcl"));
        assert!(glob_match_ci("s3:Get?bject", "s3:GetObject"));
        assert!(glob_match_ci("*", ""));
        assert!(!glob_match_ci("s3:?", "s3:"));
    }

    #[test]
    fn key_templates_match_tag_keys() {
        assert!(key_matches_template(
            "aws:ResourceTag/${TagKey}",
            "aws:resourcetag/Env"
        ));
        assert!(key_matches_template(
            "s3:ExistingObjectTag/<key>",
            "S3:ExistingObjectTag/team"
        ));
        assert!(!key_matches_template(
            "aws:ResourceTag/${TagKey}",
            "aws:ResourceTag/"
        ));
        assert!(!key_matches_template("aws:TagKeys", "aws:TagKeysX"));
        assert!(key_matches_template(
            "codebuild:environment.environmentVariables/${name}.value",
            "codebuild:environment.environmentVariables/FOO.value"
        ));
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance_ci("GetObjects", "getobject"), 1);
        assert_eq!(edit_distance_ci("s4", "s3"), 1);
        assert_eq!(edit_distance_ci("", "abc"), 3);
    }

    #[test]
    fn bounded_edit_distance_agrees_with_the_full_one_within_the_limit() {
        let words = [
            "",
            "s3",
            "s4",
            "GetObject",
            "getobjects",
            "PutObject",
            "ListBuckets",
            "abc",
        ];
        for a in words {
            for b in words {
                for limit in 0..5 {
                    let full = edit_distance_ci(a, b);
                    let want = (full <= limit).then_some(full);
                    assert_eq!(edit_distance_within(a, b, limit), want, "{a} {b} {limit}");
                }
            }
        }
    }
}

/// FNV-1a, a fast hash for short, trusted keys (action and service names, patterns): the
/// catalog lookups and the lint caches hash such keys on every statement, where SipHash's
/// flood resistance buys nothing.
#[derive(Debug, Clone, Copy)]
pub struct FnvHasher(u64);

impl Default for FnvHasher {
    fn default() -> Self {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A `HashMap` hashed with [`FnvHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FnvHasher>>;

/// A `HashSet` hashed with [`FnvHasher`].
pub type FastSet<T> = std::collections::HashSet<T, std::hash::BuildHasherDefault<FnvHasher>>;
