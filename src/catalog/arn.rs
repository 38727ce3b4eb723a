//! ARN parsing and matching of Service Authorization Reference ARN formats.
//!
//! # How `arn_format_may_match` decides
//!
//! Both sides are regular languages over characters, so the question "is there an ARN that
//! fits the format *and* the policy pattern" is answered exactly by searching the product of
//! the two automata:
//!
//! - The format `arn:${Partition}:s3:::${BucketName}/${ObjectName}` becomes literals and
//!   variables. A variable stands for one or more characters: in the partition, service,
//!   region and account fields it cannot contain `:`; in the resource part it may contain
//!   anything (log group names, object keys, role paths and qualifiers contain `/` and `:`),
//!   except that a resource part made of a single `${...Name}` variable (S3 bucket, SQS queue,
//!   SNS topic, ...) cannot contain `/` or `:`, which is what makes `arn:aws:s3:::bucket/*` a
//!   mismatch for bucket actions.
//! - Like IAM, a six-field policy pattern is compared field by field, so its wildcards never
//!   span the colons between partition, service, region, account and resource.
//! - The policy pattern has `*` (any run), `?` (one character) and leftover `${...}` policy
//!   variables, which are treated as `*` because their value is unknown.
//!
//! Matching is ASCII case-insensitive, which can only say "may match" more often: the
//! function stays conservative where ARN case rules vary between services.

/// The six parts of an ARN, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: &'a str,
    /// Service namespace, e.g. `s3`.
    pub service: &'a str,
    /// Region; empty for global services.
    pub region: &'a str,
    /// Account id; empty for S3 buckets and a few others.
    pub account: &'a str,
    /// Everything after the fifth colon; may itself contain `:` and `/`.
    pub resource: &'a str,
}

/// Splits `arn:partition:service:region:account:resource`; `None` when it is not an ARN.
pub fn split_arn(arn: &str) -> Option<Arn<'_>> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    Some(Arn {
        partition: parts.next()?,
        service: parts.next()?,
        region: parts.next()?,
        account: parts.next()?,
        resource: parts.next()?,
    })
}

/// Which characters a format variable may not contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VarClass {
    NoColon,
    NoSlashOrColon,
    Any,
}

impl VarClass {
    fn allows(self, c: u8) -> bool {
        match self {
            VarClass::NoColon => c != b':',
            VarClass::NoSlashOrColon => c != b':' && c != b'/',
            VarClass::Any => true,
        }
    }

    fn regex(self) -> &'static str {
        match self {
            VarClass::NoColon => "[^:]+",
            VarClass::NoSlashOrColon => "[^:/]+",
            VarClass::Any => ".+",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormatTok {
    Lit(u8),
    Var(VarClass),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatTok {
    Lit(u8),
    One,
    Star,
}

/// Where the first `${` of `text` starts (a byte scan: cheaper than a substring search for
/// the short fields this runs on).
fn find_var(text: &str) -> Option<usize> {
    text.as_bytes().windows(2).position(|w| w == b"${")
}

fn has_var(text: &str) -> bool {
    find_var(text).is_some()
}

/// Whether `field` is exactly one `${...}` variable.
fn is_single_var(field: &str) -> bool {
    field.starts_with("${") && field.find('}') == Some(field.len() - 1)
}

/// Splits `text` into literal bytes (`Some`) and `${...}` variables (`None`).
fn scan_vars(text: &str) -> Vec<Option<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_var(rest) {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.extend(rest[..start].bytes().map(Some));
        out.push(None);
        rest = &rest[start + len + 1..];
    }
    out.extend(rest.bytes().map(Some));
    out
}

fn field_tokens(field: &str, class: VarClass) -> Vec<FormatTok> {
    scan_vars(field)
        .into_iter()
        .map(|c| match c {
            Some(c) => FormatTok::Lit(c.to_ascii_lowercase()),
            None => FormatTok::Var(class),
        })
        .collect()
}

/// A resource part that is a single `${...Name}` variable (bucket, queue, topic names) holds
/// no `/` or `:`; other resource variables may hold anything.
fn resource_var_class(resource: &str) -> VarClass {
    let single_name = resource.starts_with("${")
        && resource.ends_with("Name}")
        && resource.find('}') == Some(resource.len() - 1);
    if single_name {
        VarClass::NoSlashOrColon
    } else {
        VarClass::Any
    }
}

fn format_tokens(format: &str) -> Vec<FormatTok> {
    let mut toks = Vec::with_capacity(format.len());
    let mut fields = format.splitn(6, ':');
    for (i, field) in fields.by_ref().take(5).enumerate() {
        if i > 0 {
            toks.push(FormatTok::Lit(b':'));
        }
        toks.extend(field_tokens(field, VarClass::NoColon));
    }
    if let Some(resource) = fields.next() {
        toks.push(FormatTok::Lit(b':'));
        toks.extend(field_tokens(resource, resource_var_class(resource)));
    }
    toks
}

fn pattern_tokens(pattern: &str, wildcards: bool) -> Vec<PatTok> {
    if !wildcards {
        return pattern
            .bytes()
            .map(|c| PatTok::Lit(c.to_ascii_lowercase()))
            .collect();
    }
    scan_vars(pattern)
        .into_iter()
        .map(|c| match c {
            Some(b'*') | None => PatTok::Star,
            Some(b'?') => PatTok::One,
            Some(c) => PatTok::Lit(c.to_ascii_lowercase()),
        })
        .collect()
}

/// Whether some string is accepted by both token lists (product-automaton search).
fn intersects(f: &[FormatTok], p: &[PatTok]) -> bool {
    let (fl, pl) = (f.len() + 1, p.len() + 1);
    // State: (format position, inside a variable that already consumed a char, pattern position).
    let idx = |fi: usize, in_var: bool, pj: usize| (fi * 2 + usize::from(in_var)) * pl + pj;
    let mut seen = vec![false; fl * 2 * pl];
    let mut stack = vec![(0usize, false, 0usize)];
    while let Some((fi, in_var, pj)) = stack.pop() {
        let k = idx(fi, in_var, pj);
        if seen[k] {
            continue;
        }
        seen[k] = true;
        if fi == f.len() && pj == p.len() && !in_var {
            return true;
        }
        let mut push = |s: (usize, bool, usize)| {
            if !seen[idx(s.0, s.1, s.2)] {
                stack.push(s);
            }
        };
        // Epsilon moves.
        if in_var {
            push((fi + 1, false, pj));
        }
        if p.get(pj) == Some(&PatTok::Star) {
            push((fi, in_var, pj + 1));
        }
        // Consume one character on both sides.
        let (Some(ft), Some(pt)) = (f.get(fi), p.get(pj)) else {
            continue;
        };
        let next_p = if *pt == PatTok::Star { pj } else { pj + 1 };
        match *ft {
            FormatTok::Lit(a) if !in_var => {
                let ok = match *pt {
                    PatTok::Lit(b) => a == b,
                    PatTok::One | PatTok::Star => true,
                };
                if ok {
                    push((fi + 1, false, next_p));
                }
            }
            FormatTok::Lit(_) => {}
            FormatTok::Var(class) => {
                let ok = match *pt {
                    PatTok::Lit(b) => class.allows(b),
                    PatTok::One | PatTok::Star => true,
                };
                if ok {
                    push((fi, true, next_p));
                }
            }
        }
    }
    false
}

/// Splits at the first five `:` that are not inside a `${...}` variable.
/// The fields of `text` split at the first five colons outside `${...}`, and how many
/// there are (at most six; the last holds the rest). On the stack: this runs twice for
/// every (resource type format, policy resource) pair a rule compares.
fn split_fields(text: &str) -> ([&str; 6], usize) {
    let mut fields = [""; 6];
    let mut count = 0;
    let (mut start, mut depth) = (0, 0usize);
    let bytes = text.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 && count < 5 => {
                fields[count] = &text[start..i];
                count += 1;
                start = i + 1;
            }
            _ => {}
        }
    }
    fields[count] = &text[start..];
    (fields, count + 1)
}

/// Can some ARN of the Service Authorization Reference `format` also match the policy's ARN
/// `policy_pattern` (with `*`/`?` wildcards and `${...}` variables treated as wildcards)?
///
/// Like IAM, a pattern with six fields is compared field by field, so a wildcard never spans
/// a field's `:`; other patterns (`*`, malformed ones) are compared as whole strings, which
/// can only answer `true` more often. Exact for the variable model in the module docs.
pub fn arn_format_may_match(format: &str, policy_pattern: &str) -> bool {
    let (format_fields, format_count) = split_fields(format);
    let (pattern_fields, pattern_count) = split_fields(policy_pattern);
    if format_count == 6 && pattern_count == 6 {
        let resource_class = resource_var_class(format_fields[5]);
        return format_fields
            .iter()
            .zip(&pattern_fields)
            .enumerate()
            .all(|(i, (f, p))| {
                let class = if i == 5 {
                    resource_class
                } else {
                    VarClass::NoColon
                };
                field_may_match(f, p, class)
            });
    }
    intersects(
        &format_tokens(format),
        &pattern_tokens(policy_pattern, true),
    )
}

/// One field of `arn_format_may_match`: the common shapes (a `*` pattern, fields without
/// variables) are answered without building token lists.
fn field_may_match(format: &str, pattern: &str, class: VarClass) -> bool {
    if !pattern.is_empty() && pattern.bytes().all(|c| c == b'*') {
        return true;
    }
    // A field that is one variable (`${Region}`, `${Account}`): any non-empty text without a
    // colon fits it, and a non-empty pattern without a colon matches some such text.
    if class == VarClass::NoColon && is_single_var(format) && !pattern.contains(':') {
        return !pattern.is_empty();
    }
    if !has_var(format) && !has_var(pattern) {
        return super::text::glob_match_ci(pattern, format);
    }
    intersects(&field_tokens(format, class), &pattern_tokens(pattern, true))
}

/// Whether the concrete ARN `arn` (no wildcards) fits `format`.
pub(crate) fn format_matches_arn(format: &str, arn: &str) -> bool {
    intersects(&format_tokens(format), &pattern_tokens(arn, false))
}

/// How many literal characters `format` has: a larger count is a more specific format.
pub(crate) fn format_specificity(format: &str) -> usize {
    format_tokens(format)
        .iter()
        .filter(|t| matches!(t, FormatTok::Lit(_)))
        .count()
}

/// An anchored, case-insensitive regex source equivalent to [`format_matches_arn`] for the
/// alternatives in `formats`.
pub(crate) fn formats_regex(formats: &[&str]) -> String {
    let alternatives: Vec<String> = formats
        .iter()
        .map(|format| {
            let mut out = String::new();
            for tok in format_tokens(format) {
                match tok {
                    FormatTok::Lit(c) => out.push_str(&regex::escape(&char::from(c).to_string())),
                    FormatTok::Var(class) => out.push_str(class.regex()),
                }
            }
            out
        })
        .collect();
    format!("(?i)^(?:{})$", alternatives.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_shortcuts_agree_with_the_automaton() {
        let formats = [
            "${Region}",
            "${Account}",
            "s3",
            "",
            "${Partition}",
            "us-${Region}",
            "${A}${B}",
        ];
        let patterns = [
            "",
            "*",
            "?",
            "us-east-1",
            "us-*",
            "${aws:region}",
            "a:b",
            "${x",
            ":",
            "**",
            "s3",
            "S3",
            "\u{e9}",
        ];
        for f in formats {
            for p in patterns {
                for class in [VarClass::NoColon, VarClass::Any, VarClass::NoSlashOrColon] {
                    let want = intersects(&field_tokens(f, class), &pattern_tokens(p, true));
                    assert_eq!(field_may_match(f, p, class), want, "{f:?} {p:?} {class:?}");
                }
            }
        }
    }

    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const TABLE: &str = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";

    #[test]
    fn splits_arn_into_six_parts() {
        let arn = split_arn("arn:aws:lambda:us-east-1:123456789012:function:f:1");
        assert_eq!(
            arn,
            Some(Arn {
                partition: "aws",
                service: "lambda",
                region: "us-east-1",
                account: "123456789012",
                resource: "function:f:1",
            })
        );
        assert_eq!(split_arn("arn:aws:s3"), None);
        assert_eq!(split_arn("urn:aws:s3:::b"), None);
    }

    #[test]
    fn object_format_matches_object_patterns_only() {
        assert!(arn_format_may_match(OBJECT, "arn:aws:s3:::my-bucket/*"));
        assert!(arn_format_may_match(OBJECT, "*"));
        assert!(arn_format_may_match(OBJECT, "arn:aws:s3:::*"));
        assert!(arn_format_may_match(
            OBJECT,
            "arn:aws:s3:::my-bucket/${aws:username}/*"
        ));
        assert!(!arn_format_may_match(OBJECT, "arn:aws:s3:::my-bucket"));
        assert!(!arn_format_may_match(
            OBJECT,
            "arn:aws:dynamodb:*:*:table/*"
        ));
    }

    #[test]
    fn bucket_format_rejects_object_patterns() {
        assert!(arn_format_may_match(BUCKET, "arn:aws:s3:::my-bucket"));
        assert!(arn_format_may_match(BUCKET, "arn:aws:s3:::my-*"));
        assert!(!arn_format_may_match(BUCKET, "arn:aws:s3:::my-bucket/*"));
        assert!(!arn_format_may_match(
            BUCKET,
            "arn:aws:s3:us-east-1::my-bucket"
        ));
    }

    #[test]
    fn variables_outside_resource_part_contain_no_colon() {
        assert!(arn_format_may_match(
            TABLE,
            "arn:aws:dynamodb:us-east-1:123456789012:table/t"
        ));
        assert!(arn_format_may_match(TABLE, "arn:aws:dynamodb:*:*:table/*"));
        assert!(arn_format_may_match(
            TABLE,
            "arn:aws:dynamodb:??-east-1:*:table/t"
        ));
        assert!(!arn_format_may_match(
            TABLE,
            "arn:aws:dynamodb:us-east-1:1:2:table/t"
        ));
        assert!(!arn_format_may_match(
            TABLE,
            "arn:aws:dynamodb:us-east-1::table/t"
        ));
        assert!(!arn_format_may_match(
            TABLE,
            "arn:aws:dynamodb:us-east-1:1:index/t"
        ));
    }

    #[test]
    fn resource_variables_may_hold_paths() {
        assert!(format_matches_arn(
            ROLE,
            "arn:aws:iam::123456789012:role/path/to/Admin"
        ));
        assert!(arn_format_may_match(ROLE, "arn:aws:iam::*:role/*"));
        assert!(!arn_format_may_match(ROLE, "arn:aws:iam::*:user/*"));
        assert!(arn_format_may_match(
            ROLE,
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x"
        ));
        assert!(!arn_format_may_match(ROLE, "arn:aws:s3:::*"));
    }

    #[test]
    fn concrete_arn_wildcards_are_literal() {
        assert!(!format_matches_arn(BUCKET, "arn:aws:s3:::b/*"));
        assert!(format_matches_arn(OBJECT, "arn:aws:s3:::b/*"));
        assert!(!format_matches_arn(TABLE, "*"));
    }

    #[test]
    fn regex_source_agrees_with_matcher() {
        let re = regex::Regex::new(&formats_regex(&[OBJECT])).ok();
        let re = re.as_ref();
        assert_eq!(re.map(|r| r.is_match("arn:aws:s3:::b/k/x")), Some(true));
        assert_eq!(re.map(|r| r.is_match("arn:aws:s3:::b")), Some(false));
        assert!(format_specificity(OBJECT) > format_specificity(BUCKET));
    }
}
