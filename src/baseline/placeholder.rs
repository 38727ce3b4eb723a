//! `${NAME}` parameter placeholders in policy templates.
//!
//! A placeholder is `${` + an upper-case name (`A-Z`, `0-9`, `_`, starting with
//! a letter) + `}`. IAM policy variables (`${aws:username}`, `${*}`, `${?}`,
//! `${$}`) never have that shape, so they are never mistaken for parameters.

use std::collections::BTreeMap;

/// One placeholder found in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The parameter name, without `${` and `}`.
    pub name: String,
    /// Byte offset of the `$` in the template.
    pub offset: usize,
}

/// Every placeholder in `text`, in order of appearance.
pub fn placeholders(text: &str) -> Vec<Placeholder> {
    let mut found = Vec::new();
    let mut rest = text;
    let mut base = 0;
    while let Some(at) = rest.find("${") {
        let after = &rest[at + 2..];
        if let Some(end) = after.find('}') {
            let name = &after[..end];
            if is_parameter_name(name) {
                found.push(Placeholder {
                    name: name.to_string(),
                    offset: base + at,
                });
            }
        }
        base += at + 2;
        rest = &rest[at + 2..];
    }
    found
}

/// Whether `name` has the shape of a profile parameter name.
pub fn is_parameter_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Replaces each `${NAME}` whose name is a key of `values` with its value.
/// Other placeholders and IAM policy variables are copied unchanged.
pub fn substitute(text: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for placeholder in placeholders(text) {
        if let Some(value) = values.get(&placeholder.name) {
            out.push_str(&text[copied..placeholder.offset]);
            out.push_str(value);
            copied = placeholder.offset + placeholder.name.len() + 3;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_upper_case_placeholders_only() {
        let text = r#""arn:aws:s3:::${BUCKET}/${aws:username}/${*}/${AWS_REGION}""#;
        let names: Vec<_> = placeholders(text).into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["BUCKET", "AWS_REGION"]);
    }

    #[test]
    fn substitution_leaves_policy_variables_and_unknown_names() {
        let values = BTreeMap::from([("AWS_REGION".to_string(), "eu-west-1".to_string())]);
        let text = "${AWS_REGION}:${aws:username}:${OTHER}:${AWS_REGION}";
        assert_eq!(
            substitute(text, &values),
            "eu-west-1:${aws:username}:${OTHER}:eu-west-1"
        );
    }

    #[test]
    fn unterminated_placeholder_is_left_alone() {
        let values = BTreeMap::from([("A".to_string(), "x".to_string())]);
        assert_eq!(substitute("${A", &values), "${A");
        assert!(placeholders("${A").is_empty());
    }
}
