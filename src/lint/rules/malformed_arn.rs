//! `malformed-arn`: a resource or ARN condition value that cannot be an ARN.

use crate::catalog::text::has_wildcard;
use std::borrow::Cow;

use crate::declare_rule;
use crate::lint::context::LintContext;
use crate::policy::{ConditionOp, Item, Policy, Statement};
use crate::report::Finding;

declare_rule! {
    /// ## What it does
    /// Flags `Resource`/`NotResource` items and ARN condition values (`ArnEquals`, `ArnLike`,
    /// ..., and keys of type ARN) that cannot be ARNs: not `*` and not starting with `arn:`,
    /// fewer than six colon-separated parts, an empty service, an unknown partition, a region
    /// that is not shaped like a region, or an account that is neither 12 digits, empty, `aws`
    /// nor a wildcard.
    ///
    /// `${...}` placeholders (policy variables, CloudFormation and Terraform interpolation) are
    /// read as wildcards. A pattern with fewer than six parts whose last part is `*`
    /// (`arn:aws:codepipeline:*`, used by AWS managed policies) is accepted.
    ///
    /// ## Why it matters
    /// A malformed ARN matches no resource, so an `Allow` grants nothing and a `Deny` or a
    /// `NotResource` exclusion protects nothing. Typical causes are copy-paste slips
    /// (`arn:aws:s3::bucket`), placeholders left unfilled (`<your account id>`) and account
    /// ids that lost a digit.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3::prod-data/*" }
    /// ```
    /// The ARN has five parts, so the deny never applies.
    ///
    /// ## Remediation
    /// Write the ARN as `arn:partition:service:region:account:resource`, with an empty region
    /// or account where the service has none (S3 buckets: `arn:aws:s3:::bucket`).
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    pub struct MalformedArn {
        id: "malformed-arn",
        severity: High,
        summary: "a resource or ARN condition value that cannot be an ARN",
    }
}

const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// Replaces every `${...}` placeholder with `*`.
fn placeholders_as_wildcards(value: &str) -> Cow<'_, str> {
    if !value.contains("${") {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push('*');
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `us-east-1`, `us-gov-west-1`, `eu-isoe-west-1`...
fn is_region_shape(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return false;
    };
    parts.len() >= 3
        && first.len() == 2
        && first.bytes().all(|c| c.is_ascii_lowercase())
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_lowercase()))
        && !last.is_empty()
        && last.bytes().all(|c| c.is_ascii_digit())
}

/// What is wrong with `value` as an ARN (pattern), if anything.
fn problem(value: &str) -> Option<String> {
    let text = placeholders_as_wildcards(value);
    if text.starts_with(['*', '?']) {
        // `*`, or a pattern whose leading wildcard may stand for `arn:...`.
        return None;
    }
    if !text.starts_with("arn:") {
        return Some(format!("`{value}` does not start with `arn:`"));
    }
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if parts.len() < 6 {
        if parts.last().is_some_and(|p| p.bytes().all(|c| c == b'*')) {
            return None;
        }
        return Some(format!(
            "`{value}` has {} of the 6 colon-separated ARN parts",
            parts.len()
        ));
    }
    let (partition, service, region, account) = (parts[1], parts[2], parts[3], parts[4]);
    if !has_wildcard(partition) && !PARTITIONS.contains(&partition) {
        return Some(format!("`{value}` has the unknown partition `{partition}`"));
    }
    if service.is_empty() {
        return Some(format!("`{value}` has an empty service"));
    }
    if !region.is_empty() && !has_wildcard(region) && !is_region_shape(region) {
        return Some(format!(
            "`{value}` has the region `{region}`, which is not a region name"
        ));
    }
    // `aws` owns AWS managed policies; `partner` owns partner-managed ones
    // (`arn:aws:iam::partner:policy/...`, used by AWS's own `AccountManagementFromVercel`).
    let account_ok = account.is_empty()
        || account == "aws"
        || (account == "partner" && service == "iam")
        || has_wildcard(account)
        || (account.len() == 12 && account.bytes().all(|c| c.is_ascii_digit()));
    if !account_ok {
        return Some(format!(
            "`{value}` has the account `{account}`, which is not a 12-digit account id"
        ));
    }
    None
}

/// Reports resources and ARN condition values that cannot be ARNs.
pub fn check(policy: &Policy, cx: &LintContext<'_>, out: &mut Vec<Finding>) {
    let meta = MalformedArn::META;
    // The pointer and label are built only for a finding: most items are fine.
    let report =
        |out: &mut Vec<Finding>, item: &Item, stmt: &Statement, pointer: &dyn Fn() -> String| {
            if let Some(message) = problem(&item.value) {
                out.push(
                    Finding::new(meta.id, meta.severity, message)
                        .at(cx.location(item.pos, pointer()))
                        .in_statement(stmt.label())
                        .subject(item.value.clone()),
                );
            }
        };
    for stmt in &policy.statements {
        if let Some(resources) = &stmt.resource {
            for item in &resources.items {
                report(out, item, stmt, &|| stmt.resource_pointer(item));
            }
        }
        for cond in &stmt.conditions {
            let arn_op = matches!(
                cond.operator.value.op,
                ConditionOp::ArnEquals
                    | ConditionOp::ArnLike
                    | ConditionOp::ArnNotEquals
                    | ConditionOp::ArnNotLike
            );
            let arn_key = cx.catalog.key_type(&cond.key.value).is_some_and(|t| {
                t.eq_ignore_ascii_case("ARN") || t.eq_ignore_ascii_case("ArrayOfARN")
            });
            let arn_values = arn_op || (arn_key && cond.operator.value.op != ConditionOp::Null);
            if !arn_values {
                continue;
            }
            for item in &cond.values {
                let pointer = || {
                    let base = stmt.condition_pointer(cond);
                    match item.index {
                        Some(i) => format!("{base}/{i}"),
                        None => base,
                    }
                };
                report(out, item, stmt, &pointer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::context::{located, run_check};

    #[test]
    fn flags_each_kind_of_malformed_arn() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/malformed-arn/flagged.json"),
        );
        let got = located(&found);
        assert_eq!(
            got,
            [
                ("malformed-arn", Some(8), Some(9), "/Statement/0/Resource/0"),
                ("malformed-arn", Some(9), Some(9), "/Statement/0/Resource/1"),
                (
                    "malformed-arn",
                    Some(10),
                    Some(9),
                    "/Statement/0/Resource/2"
                ),
                (
                    "malformed-arn",
                    Some(11),
                    Some(9),
                    "/Statement/0/Resource/3"
                ),
                (
                    "malformed-arn",
                    Some(12),
                    Some(9),
                    "/Statement/0/Resource/4"
                ),
                (
                    "malformed-arn",
                    Some(13),
                    Some(9),
                    "/Statement/0/Resource/5"
                ),
                (
                    "malformed-arn",
                    Some(14),
                    Some(9),
                    "/Statement/0/Resource/6"
                ),
                (
                    "malformed-arn",
                    Some(17),
                    Some(38),
                    "/Statement/0/Condition/ArnLike/aws:SourceArn"
                ),
            ]
        );
        assert_eq!(
            found[1].message,
            "`arn:aws:s3::reports/*` has 5 of the 6 colon-separated ARN parts"
        );
        assert_eq!(
            found[6].message,
            "`arn:aws:logs:us-east-1:<your account id>:log-group:x` has the account `<your account id>`, which is not a 12-digit account id"
        );
    }

    #[test]
    fn accepts_s3_iam_placeholders_and_managed_policy_arns() {
        let found = run_check(
            check,
            include_str!("../../../fixtures/lint/malformed-arn/clean.json"),
        );
        assert_eq!(found, []);
    }

    #[test]
    fn accepts_partner_managed_policy_arns() {
        let arn = "arn:aws:iam::partner:policy/permissions-boundary/vercel.com/Boundary";
        assert_eq!(problem(arn), None);
        assert!(problem("arn:aws:s3:eu-west-1:partner:thing").is_some());
    }

    #[test]
    fn reads_region_shapes() {
        assert!(is_region_shape("us-gov-west-1"));
        assert!(is_region_shape("eu-isoe-west-1"));
        assert!(!is_region_shape("useast1"));
        assert!(!is_region_shape("us-east"));
    }
}
