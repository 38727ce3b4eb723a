//! Policy variables (`${aws:username}`) and the wildcard tokens of IAM strings.
//!
//! A policy string is read into [`Tok`]ens: literal text, `*`, `?` and variables.
//! Variables are only recognised in `"Version": "2012-10-17"` documents; in
//! `2008-10-17` documents (or with no version) `${...}` is literal text.
//! The escapes `${*}`, `${?}` and `${$}` stand for a literal `*`, `?` and `$`.
//! `${key, 'default'}` gives a default used when `key` has no single value.
//!
//! A variable resolves only when its key is present in the request context with
//! exactly one value (AWS substitutes single-valued keys only). Otherwise, and
//! without a default, the policy value that holds it cannot be resolved and
//! matches nothing (AWS: "the policy won't match"). Substituted values are
//! literal text: a `*` inside a tag value is not a wildcard.

use super::request::Context;

/// One token of a policy string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// Literal text.
    Lit(String),
    /// `*`: any run of characters (only when wildcards are enabled).
    Star,
    /// `?`: any one character (only when wildcards are enabled).
    One,
    /// `${key}` or `${key, 'default'}`; `key` is stored lowercased.
    Var {
        /// The context key, lowercased.
        key: String,
        /// The default after the comma, without quotes.
        default: Option<String>,
    },
}

/// Resolves policy variables against one request.
#[derive(Debug, Clone, Copy)]
pub struct VarResolver<'a> {
    /// The request context whose keys variables name.
    pub context: &'a Context,
    /// The calling principal, used for `${aws:PrincipalArn}` when the context lacks it.
    pub principal: Option<&'a str>,
    /// Whether variables are substituted (the policy's Version is `2012-10-17`).
    pub enabled: bool,
}

impl<'a> VarResolver<'a> {
    /// A resolver over `context` with variables enabled.
    pub fn new(context: &'a Context) -> Self {
        VarResolver {
            context,
            principal: None,
            enabled: true,
        }
    }

    /// The single value of `key` (lowercased), or `None` when absent or multi-valued.
    pub fn resolve(&self, key: &str) -> Option<&'a str> {
        match self.context.get(key) {
            Some([one]) => Some(one.as_str()),
            Some(_) => None,
            None if key == "aws:principalarn" => self.principal,
            None => None,
        }
    }
}

/// Reads `text` into tokens. `wildcards` makes `*` and `?` special;
/// `variables` makes `${...}` special.
pub fn parse(text: &str, wildcards: bool, variables: bool) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if variables && rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                let inner = &rest[2..end];
                rest = &rest[end + 1..];
                match inner {
                    "*" | "?" | "$" => lit.push_str(inner),
                    _ => {
                        flush(&mut out, &mut lit);
                        out.push(parse_var(inner));
                    }
                }
                continue;
            }
        }
        rest = &rest[c.len_utf8()..];
        match c {
            '*' if wildcards => {
                flush(&mut out, &mut lit);
                out.push(Tok::Star);
            }
            '?' if wildcards => {
                flush(&mut out, &mut lit);
                out.push(Tok::One);
            }
            _ => lit.push(c),
        }
    }
    flush(&mut out, &mut lit);
    out
}

fn flush(out: &mut Vec<Tok>, lit: &mut String) {
    if !lit.is_empty() {
        out.push(Tok::Lit(std::mem::take(lit)));
    }
}

fn parse_var(inner: &str) -> Tok {
    let (key, default) = match inner.split_once(',') {
        Some((key, rest)) => {
            let rest = rest.trim();
            let default = rest
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .map(str::to_string);
            (key, default)
        }
        None => (inner, None),
    };
    Tok::Var {
        key: key.trim().to_ascii_lowercase(),
        default,
    }
}

/// Whether any token is a variable.
pub fn has_vars(toks: &[Tok]) -> bool {
    toks.iter().any(|t| matches!(t, Tok::Var { .. }))
}

/// Substitutes every variable with its literal value; `None` when one cannot be resolved.
pub fn resolve(toks: &[Tok], resolver: &VarResolver<'_>) -> Option<Vec<Tok>> {
    toks.iter()
        .map(|t| match t {
            Tok::Var { key, default } => resolver
                .resolve(key)
                .map(str::to_string)
                .or_else(|| default.clone())
                .map(Tok::Lit),
            other => Some(other.clone()),
        })
        .collect()
}

/// Concatenates tokens without variables back into text (`*`/`?` as written).
pub fn to_text(toks: &[Tok]) -> String {
    let mut s = String::new();
    for t in toks {
        match t {
            Tok::Lit(l) => s.push_str(l),
            Tok::Star => s.push('*'),
            Tok::One => s.push('?'),
            Tok::Var { key, .. } => {
                s.push_str("${");
                s.push_str(key);
                s.push('}');
            }
        }
    }
    s
}

/// Resolves `text` to a plain string (no wildcards): `None` when a variable is unresolved.
pub fn resolve_literal(text: &str, resolver: &VarResolver<'_>) -> Option<String> {
    let toks = parse(text, false, resolver.enabled);
    resolve(&toks, resolver).map(|t| to_text(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(pairs: &[(&str, &str)]) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            c.insert(k, *v);
        }
        c
    }

    #[test]
    fn substitutes_username_and_tags() {
        let c = ctx(&[("aws:username", "alice"), ("aws:PrincipalTag/team", "x")]);
        let r = VarResolver::new(&c);
        assert_eq!(
            resolve_literal("home/${aws:username}/${aws:PrincipalTag/team}", &r).as_deref(),
            Some("home/alice/x")
        );
    }

    #[test]
    fn escapes_are_literal() {
        let c = Context::new();
        let r = VarResolver::new(&c);
        let toks = parse("a${*}b${?}${$}*", true, true);
        assert_eq!(
            toks,
            vec![Tok::Lit("a*b?$".into()), Tok::Star],
            "escapes stay literal, bare star is a wildcard"
        );
        assert_eq!(resolve_literal("${*}", &r).as_deref(), Some("*"));
    }

    #[test]
    fn missing_key_is_unresolved_unless_default() {
        let c = Context::new();
        let r = VarResolver::new(&c);
        assert_eq!(resolve_literal("x/${aws:username}", &r), None);
        assert_eq!(
            resolve_literal("x/${aws:username, 'nobody'}", &r).as_deref(),
            Some("x/nobody")
        );
    }

    #[test]
    fn multivalued_key_does_not_substitute() {
        let mut c = Context::new();
        c.set("aws:TagKeys", vec!["a".into(), "b".into()]);
        let r = VarResolver::new(&c);
        assert_eq!(resolve_literal("${aws:TagKeys}", &r), None);
    }

    #[test]
    fn variables_are_literal_when_disabled() {
        let c = ctx(&[("aws:username", "alice")]);
        let r = VarResolver {
            enabled: false,
            ..VarResolver::new(&c)
        };
        assert_eq!(
            resolve_literal("${aws:username}", &r).as_deref(),
            Some("${aws:username}")
        );
    }
}
