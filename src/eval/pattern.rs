//! IAM wildcard matching: `*` (any run of characters, possibly empty) and `?`
//! (exactly one character), over whole strings and over ARNs.
//!
//! # Resource ARNs
//! AWS documents that wildcards work "within the individual segments of an ARN
//! (the parts separated by colons)", and that a `*` that is the last character
//! of a segment "can expand to match beyond the colon boundaries". iamscope
//! therefore matches an ARN pattern segment by segment: partition, service,
//! region and account are matched separately (a `?` or inner `*` never
//! crosses a colon there), and the sixth part, the resource, may contain colons.
//! When the pattern has fewer than six parts and its last part ends in `*`
//! (`arn:aws:ecr:*`), that last part matches the whole rest of the ARN.
//! Resource matching is case-sensitive. A pattern that does not start with
//! `arn:` is matched as a whole-string glob.

use super::variables::{self, Tok, VarResolver};

/// One element of a compiled glob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum P {
    Byte(u8),
    Star,
    One,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Any,
    Exact,
    Prefix,
    Suffix,
    General,
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    kind: Kind,
    /// The literal bytes for `Exact`/`Prefix`/`Suffix` (lowercased when case-insensitive).
    lit: Box<[u8]>,
    prog: Box<[P]>,
    ci: bool,
    /// Whether the pattern ends with `*` (for ARN segment expansion).
    trailing_star: bool,
}

impl Glob {
    /// Compiles `pattern` (`*` and `?` are wildcards).
    pub fn new(pattern: &str, case_insensitive: bool) -> Glob {
        Glob::from_tokens(&variables::parse(pattern, true, false), case_insensitive)
    }

    /// Compiles tokens; variables must have been resolved (any left are taken literally).
    pub fn from_tokens(toks: &[Tok], case_insensitive: bool) -> Glob {
        let mut prog = Vec::new();
        for t in toks {
            match t {
                Tok::Star => {
                    // Consecutive stars are one star.
                    if prog.last() != Some(&P::Star) {
                        prog.push(P::Star);
                    }
                }
                Tok::One => prog.push(P::One),
                Tok::Lit(_) | Tok::Var { .. } => {
                    let text = match t {
                        Tok::Lit(l) => l.clone(),
                        _ => variables::to_text(std::slice::from_ref(t)),
                    };
                    let text = if case_insensitive {
                        text.to_lowercase()
                    } else {
                        text
                    };
                    prog.extend(text.bytes().map(P::Byte));
                }
            }
        }
        let stars = prog.iter().filter(|p| **p == P::Star).count();
        let ones = prog.contains(&P::One);
        let bytes = |ps: &[P]| -> Box<[u8]> {
            ps.iter()
                .filter_map(|p| match p {
                    P::Byte(b) => Some(*b),
                    _ => None,
                })
                .collect()
        };
        let kind = if prog == [P::Star] {
            Kind::Any
        } else if ones || stars > 1 {
            Kind::General
        } else if stars == 0 {
            Kind::Exact
        } else if prog.last() == Some(&P::Star) {
            Kind::Prefix
        } else if prog.first() == Some(&P::Star) {
            Kind::Suffix
        } else {
            Kind::General
        };
        Glob {
            lit: bytes(&prog),
            trailing_star: prog.last() == Some(&P::Star),
            kind,
            prog: prog.into_boxed_slice(),
            ci: case_insensitive,
        }
    }

    /// Whether the pattern is exactly `*`.
    pub fn is_any(&self) -> bool {
        self.kind == Kind::Any
    }

    /// Whether `value` matches the whole pattern.
    pub fn is_match(&self, value: &str) -> bool {
        if self.ci && !value.is_ascii() {
            // Rare: fold non-ASCII text the Unicode way, then match exactly.
            let lower = value.to_lowercase();
            return glob_bytes(&self.prog, lower.as_bytes(), false);
        }
        let v = value.as_bytes();
        let eq = |a: &[u8], b: &[u8]| {
            if self.ci {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        match self.kind {
            Kind::Any => true,
            Kind::Exact => eq(&self.lit, v),
            Kind::Prefix => v.len() >= self.lit.len() && eq(&self.lit, &v[..self.lit.len()]),
            Kind::Suffix => {
                v.len() >= self.lit.len() && eq(&self.lit, &v[v.len() - self.lit.len()..])
            }
            Kind::General => glob_bytes(&self.prog, v, self.ci),
        }
    }
}

fn utf8_len(b: u8) -> usize {
    match b {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xff => 4,
        // A continuation byte: never at a boundary we step from; advance one.
        _ => 1,
    }
}

/// Backtracking glob over bytes; `?` and star-advances step over whole UTF-8 characters.
fn glob_bytes(prog: &[P], v: &[u8], ci: bool) -> bool {
    let (mut pi, mut vi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if let Some(p) = prog.get(pi) {
            match *p {
                P::Star => {
                    star = Some((pi + 1, vi));
                    pi += 1;
                    continue;
                }
                P::One => {
                    vi += utf8_len(v[vi]);
                    pi += 1;
                    continue;
                }
                P::Byte(b) => {
                    let c = if ci {
                        v[vi].to_ascii_lowercase()
                    } else {
                        v[vi]
                    };
                    if b == c {
                        pi += 1;
                        vi += 1;
                        continue;
                    }
                }
            }
        }
        match star {
            Some((sp, sv)) => {
                let nv = sv + utf8_len(v[sv]);
                star = Some((sp, nv));
                pi = sp;
                vi = nv;
            }
            None => return false,
        }
    }
    // `?` may have stepped past the end on malformed input; treat as mismatch.
    if vi > v.len() {
        return false;
    }
    prog[pi.min(prog.len())..].iter().all(|p| *p == P::Star)
}

/// Whether `value` matches the IAM glob `pattern` as a whole string.
pub fn matches(pattern: &str, value: &str, case_insensitive: bool) -> bool {
    Glob::new(pattern, case_insensitive).is_match(value)
}

/// An ARN split at its first five colons: up to six parts, the last keeping any further colons.
#[derive(Debug, Clone, Copy)]
pub struct ArnParts<'a> {
    text: &'a str,
    starts: [usize; 6],
    ends: [usize; 6],
    len: usize,
}

impl<'a> ArnParts<'a> {
    /// Splits `text`.
    pub fn split(text: &'a str) -> Self {
        let mut starts = [0usize; 6];
        let mut ends = [text.len(); 6];
        let mut len = 1;
        for (i, b) in text.bytes().enumerate() {
            if b == b':' && len < 6 {
                ends[len - 1] = i;
                starts[len] = i + 1;
                len += 1;
            }
        }
        ArnParts {
            text,
            starts,
            ends,
            len,
        }
    }

    /// The number of parts (1 to 6).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a split has at least one part.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Part `i`.
    pub fn part(&self, i: usize) -> &'a str {
        &self.text[self.starts[i]..self.ends[i]]
    }

    /// The text from the start of part `i` to the end.
    pub fn rest(&self, i: usize) -> &'a str {
        &self.text[self.starts[i]..]
    }
}

/// One segment of an ARN pattern: compiled, or holding variables to resolve per request.
#[derive(Debug, Clone)]
enum Segment {
    Glob(Glob),
    Template(Vec<Tok>),
}

impl Segment {
    fn new(toks: Vec<Tok>) -> Segment {
        if variables::has_vars(&toks) {
            Segment::Template(toks)
        } else {
            Segment::Glob(Glob::from_tokens(&toks, false))
        }
    }

    fn trailing_star(&self) -> bool {
        match self {
            Segment::Glob(g) => g.trailing_star,
            Segment::Template(t) => t.last() == Some(&Tok::Star),
        }
    }

    fn is_match(&self, value: &str, resolver: &VarResolver<'_>) -> bool {
        self.try_match(value, resolver).unwrap_or(false)
    }

    /// `None` when a policy variable of the segment has no value.
    fn try_match(&self, value: &str, resolver: &VarResolver<'_>) -> Option<bool> {
        match self {
            Segment::Glob(g) => Some(g.is_match(value)),
            Segment::Template(t) => variables::resolve(t, resolver)
                .map(|resolved| Glob::from_tokens(&resolved, false).is_match(value)),
        }
    }

    fn is_resolvable(&self, resolver: &VarResolver<'_>) -> bool {
        match self {
            Segment::Glob(_) => true,
            Segment::Template(t) => variables::resolve(t, resolver).is_some(),
        }
    }
}

/// A compiled resource pattern (`Resource`/`NotResource` entry, or an `Arn*` condition value).
#[derive(Debug, Clone)]
pub struct ArnPattern {
    any: bool,
    is_arn: bool,
    segments: Vec<Segment>,
}

impl ArnPattern {
    /// Compiles `pattern`; `variables` enables `${...}` substitution.
    pub fn new(pattern: &str, variables: bool) -> ArnPattern {
        let toks = variables::parse(pattern, true, variables);
        if toks == [Tok::Star] {
            return ArnPattern {
                any: true,
                is_arn: false,
                segments: Vec::new(),
            };
        }
        let is_arn = matches!(toks.first(), Some(Tok::Lit(l)) if l.starts_with("arn:"));
        if !is_arn {
            return ArnPattern {
                any: false,
                is_arn: false,
                segments: vec![Segment::new(toks)],
            };
        }
        // Split literal text at colons into at most six segments.
        let mut segments: Vec<Vec<Tok>> = vec![Vec::new()];
        for t in toks {
            match t {
                Tok::Lit(l) => {
                    let mut rest = l.as_str();
                    while segments.len() < 6 {
                        match rest.split_once(':') {
                            Some((head, tail)) => {
                                push_lit(segments.last_mut(), head);
                                segments.push(Vec::new());
                                rest = tail;
                            }
                            None => break,
                        }
                    }
                    push_lit(segments.last_mut(), rest);
                }
                other => {
                    if let Some(last) = segments.last_mut() {
                        last.push(other);
                    }
                }
            }
        }
        ArnPattern {
            any: false,
            is_arn: true,
            segments: segments.into_iter().map(Segment::new).collect(),
        }
    }

    /// Whether the pattern is `*`.
    pub fn is_any(&self) -> bool {
        self.any
    }

    /// Whether `value` (already split) matches, as a `Resource` entry.
    pub fn matches_resource(&self, value: &ArnParts<'_>, resolver: &VarResolver<'_>) -> bool {
        if self.any {
            return true;
        }
        if !self.is_arn {
            return self
                .segments
                .iter()
                .all(|s| s.is_match(value.text, resolver));
        }
        let k = self.segments.len();
        let m = value.len();
        if k == m {
            return self
                .segments
                .iter()
                .enumerate()
                .all(|(i, s)| s.is_match(value.part(i), resolver));
        }
        // A shorter pattern whose last segment ends in `*` expands over the rest.
        if k < m && self.segments[k - 1].trailing_star() {
            return self.segments[..k - 1]
                .iter()
                .enumerate()
                .all(|(i, s)| s.is_match(value.part(i), resolver))
                && self.segments[k - 1].is_match(value.rest(k - 1), resolver);
        }
        false
    }

    /// Whether every policy variable of the pattern has a value in the request.
    ///
    /// AWS: a variable whose key is "not present" means that "any attempt to match
    /// it fails and causes the statement to be invalid" (policy variables, principal
    /// key values), so a `NotResource` entry that cannot be resolved makes its
    /// statement not apply rather than match every resource.
    pub fn is_resolvable(&self, resolver: &VarResolver<'_>) -> bool {
        self.segments.iter().all(|s| s.is_resolvable(resolver))
    }

    /// Whether `value` matches as an `ArnLike`/`ArnEquals` condition value: both must
    /// be six-part ARNs, and each part is matched separately.
    pub fn matches_arn_condition(&self, value: &str, resolver: &VarResolver<'_>) -> bool {
        let parts = ArnParts::split(value);
        if !self.is_arn || self.segments.len() != 6 || parts.len() != 6 || parts.part(0) != "arn" {
            return false;
        }
        self.segments
            .iter()
            .enumerate()
            .all(|(i, s)| s.is_match(parts.part(i), resolver))
    }
}

fn push_lit(seg: Option<&mut Vec<Tok>>, text: &str) {
    if let (Some(seg), false) = (seg, text.is_empty()) {
        seg.push(Tok::Lit(text.to_string()));
    }
}

/// Whether `resource` matches the `Resource` pattern `pattern` (no variables).
pub fn matches_resource(pattern: &str, resource: &str) -> bool {
    let ctx = super::request::Context::new();
    ArnPattern::new(pattern, false)
        .matches_resource(&ArnParts::split(resource), &VarResolver::new(&ctx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn star_and_question_match_like_iam() {
        assert!(matches("s3:*", "s3:GetObject", false));
        assert!(matches("s3:Get*", "S3:getobject", true));
        assert!(!matches("s3:Get*", "S3:getobject", false));
        assert!(matches("a?c", "abc", false));
        assert!(!matches("a?c", "ac", false));
        assert!(matches("*a*b*", "xxaxxbxx", false));
        assert!(!matches("*a*b", "xxaxxbxx", false));
        assert!(matches("é?", "éé", false));
        assert!(matches("", "", false));
        assert!(!matches("", "x", false));
    }

    #[test]
    fn resource_segments_do_not_let_question_cross_colons() {
        assert!(matches_resource(
            "arn:aws:sqs:us-east-1:111122223333:chalk*",
            "arn:aws:sqs:us-east-1:111122223333:chalk-queue"
        ));
        assert!(!matches_resource(
            "arn:aws:sqs:us-east-?:111122223333:q",
            "arn:aws:sqs:us-east:1:111122223333:q"
        ));
        // Inner stars in the region segment stay within it.
        assert!(!matches_resource(
            "arn:aws:sqs:*1:111122223333:q",
            "arn:aws:sqs:us-east-1:9:111122223333:q"
        ));
    }

    #[test]
    fn trailing_star_expands_beyond_colons() {
        assert!(matches_resource(
            "arn:aws:ecr:*",
            "arn:aws:ecr:us-east-1:111122223333:repository/x"
        ));
        assert!(!matches_resource(
            "arn:aws:ecr:us-*",
            "arn:aws:ecs:us-east-1:111122223333:repository/x"
        ));
        assert!(matches_resource(
            "arn:aws:rds:us-east-1:111122223333:*:chalk*",
            "arn:aws:rds:us-east-1:111122223333:db:chalk-db"
        ));
        assert!(!matches_resource(
            "arn:aws:rds:us-east-1:111122223333:*:chalk*",
            "arn:aws:rds:us-east-1:111122223333:db:other"
        ));
    }

    #[test]
    fn resource_matching_is_case_sensitive() {
        assert!(!matches_resource(
            "arn:aws:iam::1:user/Bob",
            "arn:aws:iam::1:user/bob"
        ));
        assert!(matches_resource("*", "anything"));
    }

    // Pins the known disagreement `arn-resource-type-wildcard` of
    // tests/oracle_agreement.rs: AWS documents wildcards "within the individual
    // segments of an ARN (the parts separated by colons)"; the resource part,
    // resource type included, is matched as a whole.
    #[test]
    fn wildcards_match_in_the_resource_type_part() {
        assert!(matches_resource(
            "arn:aws:rds:eu-west-1:123456789012:*:data-1",
            "arn:aws:rds:eu-west-1:123456789012:db:data-1"
        ));
        assert!(matches_resource(
            "arn:aws:ec2:us-east-1:123456789012:instanc?/dev",
            "arn:aws:ec2:us-east-1:123456789012:instance/dev"
        ));
        assert!(matches_resource(
            "arn:aws:rds:eu-west-1:123456789012:c*:Prod",
            "arn:aws:rds:eu-west-1:123456789012:cluster:Prod"
        ));
        assert!(!matches_resource(
            "arn:aws:rds:eu-west-1:123456789012:*:data-1",
            "arn:aws:rds:eu-west-1:123456789012:db:data-2"
        ));
        // A variable holding a colon is not a separator: it is substituted first.
        let mut ctx = crate::eval::request::Context::new();
        ctx.insert("aws:username", "alice");
        let pattern = ArnPattern::new("arn:aws:sns:eu-west-1:123456789012:${aws:username}", true);
        let resolver = VarResolver::new(&ctx);
        assert!(pattern.matches_resource(
            &ArnParts::split("arn:aws:sns:eu-west-1:123456789012:alice"),
            &resolver
        ));
        assert!(pattern.is_resolvable(&resolver));
        let missing = ArnPattern::new("arn:aws:sns:eu-west-1:1:${aws:PrincipalTag/team}", true);
        assert!(!missing.is_resolvable(&resolver));
    }

    fn reference(pattern: &str, value: &str, ci: bool) -> bool {
        let mut re = String::from(if ci { "(?si)^" } else { "(?s)^" });
        for c in pattern.chars() {
            match c {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        regex::Regex::new(&re).is_ok_and(|r| r.is_match(value))
    }

    proptest! {
        #[test]
        fn agrees_with_regex_reference(
            pattern in "[aAbB:/*?éÉ]{0,8}",
            value in "[aAbB:/éÉ]{0,10}",
            ci in any::<bool>(),
        ) {
            prop_assert_eq!(matches(&pattern, &value, ci), reference(&pattern, &value, ci));
        }
    }
}
