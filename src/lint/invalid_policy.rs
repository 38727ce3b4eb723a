//! The `invalid-policy` rule: the document cannot be read as a policy at all.

use crate::declare_rule;
use crate::policy::PolicyError;
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
    /// The finding for one syntax or structure error of the strict parser, at its position.
    pub fn from_policy_error(file: &str, error: &PolicyError) -> Finding {
        Finding::new(Self::META.id, Self::META.severity, error.message.clone()).at(Location {
            file: Some(file.to_owned()),
            line: error.pos.is_known().then_some(error.pos.line),
            column: error.pos.is_known().then_some(error.pos.column),
            pointer: error.pointer.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse_policy;

    #[test]
    fn locates_a_trailing_comma() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n}";
        let errors = parse_policy(text).unwrap_err();
        let finding = InvalidPolicy::from_policy_error("p.json", &errors[0]);
        assert_eq!(finding.rule, "invalid-policy");
        assert_eq!(finding.location.line, Some(2));
        assert_eq!(finding.location.column, Some(26));
        assert!(
            finding.message.contains("trailing comma"),
            "{}",
            finding.message
        );
    }
}
