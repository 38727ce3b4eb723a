//! `missing-version`: a policy without `"Version": "2012-10-17"`.

use crate::declare_rule;
use crate::lint::context::LintContext;
use crate::policy::Policy;
use crate::report::Finding;

declare_rule! {
    /// ## What it does
    ///
    /// Flags a policy whose `Version` is missing or is the old `2008-10-17`.
    /// The finding points at the `Version` value, or at the start of the document when
    /// there is none.
    ///
    /// ## Why it matters
    ///
    /// Without `"Version": "2012-10-17"` IAM treats policy variables such as
    /// `${aws:username}` or `${aws:PrincipalTag/team}` as literal text, so a resource meant to
    /// be scoped per user matches nothing (or, with wildcards around it, something
    /// unintended). Some newer policy features also require the current version.
    ///
    /// ## Example
    ///
    /// ```json
    /// {
    ///   "Statement": [{
    ///     "Effect": "Allow",
    ///     "Action": "s3:GetObject",
    ///     "Resource": "arn:aws:s3:::home/${aws:username}/*"
    ///   }]
    /// }
    /// ```
    ///
    /// ## Remediation
    ///
    /// Add `"Version": "2012-10-17"` at the top of the document.
    ///
    /// ## References
    ///
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
    pub struct MissingVersion {
        id: "missing-version",
        severity: Low,
        summary: "the policy has no `Version` or uses `2008-10-17`, so policy variables do not work",
    }
}

/// Flags a missing or `2008-10-17` `Version`.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = MissingVersion::META;
    let finding = match &policy.version {
        None => Finding::new(
            meta.id,
            meta.severity,
            "the policy has no `Version`, so IAM reads it as `2008-10-17` and does not substitute policy variables",
        )
        .at(cx.location(policy.pos, String::new())),
        Some(version) if version.value == "2012-10-17" => return,
        Some(version) => Finding::new(
            meta.id,
            meta.severity,
            format!(
                "`Version` is `{}`, so IAM does not substitute policy variables",
                version.value
            ),
        )
        .at(cx.location(version.pos, "/Version".to_string()))
        .subject(version.value.clone()),
    };
    let finding = finding.detail("suggestion", "set `\"Version\": \"2012-10-17\"`");
    out.push(match variables_used(policy) {
        Some(example) => {
            finding.detail("policy variable left unsubstituted", format!("`{example}`"))
        }
        None => finding,
    });
}

/// The first `${...}` policy variable in a resource or condition value, if any.
fn variables_used(policy: &Policy) -> Option<&str> {
    policy.statements.iter().find_map(|s| {
        let resources = s.resource.iter().flat_map(|r| r.items.iter());
        let values = s.conditions.iter().flat_map(|c| c.values.iter());
        resources
            .chain(values)
            .find_map(|item| variable_in(&item.value))
    })
}

fn variable_in(value: &str) -> Option<&str> {
    let start = value.find("${")?;
    let len = value[start..].find('}')?;
    Some(&value[start..=start + len])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::context::PolicyKind;
    use crate::lint::rules::grants::{places, run_check};

    #[test]
    fn flags_old_version_at_its_value() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/missing-version/flagged.json"),
            PolicyKind::Identity,
            check,
        );
        assert_eq!(places(&findings), vec![(2, 14, "/Version".to_string())]);
        assert_eq!(findings[0].rule, "missing-version");
        assert_eq!(findings[0].subject.as_deref(), Some("2008-10-17"));
        assert!(findings[0].details.contains(&(
            "policy variable left unsubstituted".into(),
            "`${aws:username}`".into()
        )));
    }

    #[test]
    fn flags_missing_version_at_document_start() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/missing-version/flagged-2.json"),
            PolicyKind::Identity,
            check,
        );
        assert_eq!(places(&findings), vec![(1, 1, String::new())]);
        assert!(findings[0].message.contains("no `Version`"));
    }

    #[test]
    fn accepts_current_version() {
        let findings = run_check(
            include_str!("../../../fixtures/lint/missing-version/clean.json"),
            PolicyKind::Identity,
            check,
        );
        assert!(findings.is_empty());
    }
}
