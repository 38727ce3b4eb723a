//! The `invalid-policy` rule: the document cannot be read as a policy at all.

use crate::declare_rule;
use crate::report::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Reports a policy document that is not valid JSON, or whose structure IAM would
    /// reject: a missing `Effect`, an unknown top-level element, a `Statement` that is
    /// neither an object nor an array, a value of the wrong type.
    ///
    /// ## Why it matters
    /// IAM refuses to attach a malformed policy, so a change that contains one fails at
    /// deploy time, often after other parts of the change were already applied. Worse,
    /// a document that only some tools accept (a trailing comma, a duplicated key) may
    /// be read differently by the reviewer's tool and by AWS: what was reviewed is not
    /// what runs. No other rule can check a document that cannot be parsed.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "Version": "2012-10-17",
    ///   "Statement": [
    ///     { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", }
    ///   ]
    /// }
    /// ```
    /// The trailing comma after `"*"` makes this invalid JSON.
    ///
    /// ## Remediation
    /// Fix the reported position: remove trailing commas and comments, quote every
    /// string, give each statement an `Effect` of `Allow` or `Deny`, and use only the
    /// elements IAM defines (`Version`, `Id`, `Statement`, `Sid`, `Effect`, `Principal`,
    /// `NotPrincipal`, `Action`, `NotAction`, `Resource`, `NotResource`, `Condition`).
    ///
    /// ## References
    /// - [IAM JSON policy element reference](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html)
    /// - [Grammar of the IAM JSON policy language](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
    /// - [RFC 8259: The JSON data interchange format](https://www.rfc-editor.org/rfc/rfc8259)
    pub struct InvalidPolicy {
        id: "invalid-policy",
        severity: Critical,
        summary: "the policy is not valid JSON or has a structure IAM rejects",
    }
}

impl InvalidPolicy {
    /// The finding for a document that serde_json could not read as JSON, located at
    /// the position serde_json reports.
    pub fn from_json_error(file: &str, error: &serde_json::Error) -> Finding {
        let (line, column) = (error.line(), error.column());
        let text = error.to_string();
        // serde_json appends the position to its message; the location carries it.
        let reason = text
            .strip_suffix(&format!(" at line {line} column {column}"))
            .unwrap_or(&text);
        let known = line > 0;
        Finding::new(
            Self::META.id,
            Self::META.severity,
            format!("the policy is not valid JSON: {reason}"),
        )
        .at(Location {
            file: Some(file.to_owned()),
            line: known.then(|| u32::try_from(line).unwrap_or(u32::MAX)),
            column: known.then(|| u32::try_from(column.max(1)).unwrap_or(u32::MAX)),
            pointer: String::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_a_trailing_comma() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n}";
        let error = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        let finding = InvalidPolicy::from_json_error("p.json", &error);
        assert_eq!(finding.rule, "invalid-policy");
        assert_eq!(finding.location.line, Some(3));
        assert_eq!(finding.location.column, Some(1));
        assert_eq!(
            finding.message,
            "the policy is not valid JSON: trailing comma"
        );
    }
}
