//! The rules whose findings `iamscope audit` produces.

use crate::declare_rule;
use crate::report::RuleMeta;

declare_rule! {
    /// ## What it does
    /// For each role recognised as Chalk's, compares the role's effective
    /// permissions (inline policies, attached managed policies, permissions
    /// boundary) with the documented policy of its kind, rendered with the
    /// deployment's region and account id, using the exact comparison of
    /// `iamscope diff`. Reports one finding per distinct request class the role
    /// allows beyond the documentation, with a witness request and the statements
    /// that allow it, located in the snapshot file.
    ///
    /// Identical effective policy sets are compared once: the comparison is
    /// cached by the canonical JSON of the set.
    ///
    /// ## Why it matters
    /// The scoped execution role is the customer's only guarantee that Chalk
    /// touches nothing but the resources it manages. One `IfExists` on the tag
    /// condition or one extra `iam:PassRole` gives Chalk (or whoever holds its
    /// credentials) access the customer never agreed to.
    ///
    /// ## Example
    /// The `ChalkManagedResources` statement written with
    /// `StringEqualsIfExists` instead of `StringEquals`: witness
    /// `eks:DescribeCluster` on an untagged cluster with no `aws:ResourceTag`.
    ///
    /// ## Remediation
    /// Restore the documented policy, or record the extra access as an agreed
    /// exception with Chalk's support team.
    ///
    /// ## References
    /// - https://docs.chalk.ai/docs/aws-customer-cloud
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    pub struct GrantBeyondBaseline {
        id: "grant-beyond-baseline",
        severity: High,
        summary: "a Chalk role allows a request its documented policy does not",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a request class the documented policy of a Chalk role allows and
    /// the role in the account does not, with a witness request.
    ///
    /// ## Why it matters
    /// Missing access is not a security risk, but it can break Chalk's
    /// maintenance of the deployment (scaling, certificate renewal, upgrades).
    ///
    /// ## Example
    /// A scoped execution role without `logs:*`: witness `logs:CreateLogStream`
    /// on a tagged log group.
    ///
    /// ## Remediation
    /// Restore the documented statement if Chalk needs it, or confirm with
    /// Chalk's support team that the reduction is intended.
    ///
    /// ## References
    /// - https://docs.chalk.ai/docs/aws-customer-cloud
    pub struct BaselineGrantMissing {
        id: "baseline-grant-missing",
        severity: Low,
        summary: "a Chalk role lacks access its documented policy grants",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a managed policy attached to a Chalk role that is not part of the
    /// documented role: every AWS managed policy (the documentation never
    /// attaches one), and every customer managed policy that on its own allows
    /// something the documented policy does not (exact comparison). It is
    /// reported whether or not the policy's document is in the snapshot; when
    /// it is not, the role cannot be compared exactly and the audit is
    /// incomplete (see `policy-document-missing`).
    ///
    /// ## Why it matters
    /// An attached `AdministratorAccess` silently voids the scoped role, and it
    /// is easy to miss because the role's own inline policy still looks right.
    ///
    /// ## Example
    /// `arn:aws:iam::aws:policy/AdministratorAccess` attached to
    /// `chalk-scoped-execution`.
    ///
    /// ## Remediation
    /// Detach the policy; grant any agreed extra access as a separate, reviewed
    /// inline statement.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html
    pub struct ExtraManagedPolicy {
        id: "extra-managed-policy",
        severity: High,
        summary: "a managed policy outside the documented role is attached to a Chalk role",
    }
}

declare_rule! {
    /// ## What it does
    /// Compares who can assume a Chalk role with the documented trust policy.
    /// The check is semantic: for each principal an `Allow` statement lets call
    /// `sts:AssumeRole` (AWS account or ARN, service, federated provider, `*`,
    /// or a `NotPrincipal`), the statements that apply to it are evaluated with
    /// the IAM evaluator on `sts:AssumeRole` requests carrying no external id, a
    /// probe external id, and (when `--external-id` is given) the documented
    /// one. It reports:
    /// - a principal other than Chalk's `chalk-api-server` role that can assume the role;
    /// - Chalk's principal able to assume without an external id, or with any
    ///   external id (no positive `sts:ExternalId` condition);
    /// - with `--external-id`, Chalk's principal unable to assume with the
    ///   documented id, or able to with another one;
    /// - a role recognised by name whose trust does not name Chalk's principal.
    ///
    /// Account ids and `arn:aws:iam::<id>:root` name the same principal.
    ///
    /// `iamscope diff` of a repository or Terraform plan with
    /// `--documented PATTERN=chalk:trust --external-id ID` reports the first two kinds
    /// for a changed trust policy whose base did not already have them.
    ///
    /// ## Why it matters
    /// The trust policy decides who holds Chalk's permissions. Without the
    /// external id, any Chalk customer could make Chalk act on this account (the
    /// confused deputy); an extra principal holds Chalk's access without being
    /// Chalk.
    ///
    /// ## Example
    /// A trust statement for `arn:aws:iam::754784422779:role/chalk-api-server`
    /// with no `Condition`.
    ///
    /// ## Remediation
    /// Restore the documented trust policy: Chalk's principal only, with
    /// `StringEquals` on `sts:ExternalId` set to the id Chalk gave you.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
    /// - https://docs.chalk.ai/docs/aws-customer-cloud
    pub struct TrustDrift {
        id: "trust-drift",
        severity: Critical,
        summary: "who can assume a Chalk role differs from the documented trust policy",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a documented role kind the profile marks as expected (the scoped
    /// execution role) when no role of the account was recognised as that kind,
    /// by name, by trust, or by `--role NAME=KIND`.
    ///
    /// ## Why it matters
    /// Without the scoped role, Chalk maintains the deployment with a broader
    /// one (typically the provisioning role), or the audit looked at the wrong
    /// snapshot.
    ///
    /// ## Example
    /// An account whose only Chalk role is `chalk-provisioning`.
    ///
    /// ## Remediation
    /// Create the scoped execution role from the documentation, or name the
    /// existing role with `--role NAME=scoped-execution`.
    ///
    /// ## References
    /// - https://docs.chalk.ai/docs/aws-customer-cloud
    pub struct ChalkRoleNotFound {
        id: "chalk-role-not-found",
        severity: Medium,
        summary: "no role of the account matches an expected documented Chalk role",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a policy attached to an audited principal whose document the
    /// snapshot does not hold (typically an AWS managed policy the export left
    /// out). The principal's permissions are then unknown: a Chalk role is not
    /// reported as in line with the documentation, and the audit is marked
    /// incomplete (exit status 3 unless `--allow-partial`).
    ///
    /// ## Why it matters
    /// A clean result over half the policies proves nothing.
    ///
    /// ## Example
    /// `arn:aws:iam::aws:policy/PowerUserAccess` in `AttachedManagedPolicies`
    /// with no entry in `Policies`.
    ///
    /// ## Remediation
    /// Export with `aws iam get-account-authorization-details` without a
    /// `--filter`, so that attached AWS managed policies are included.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-authorization-details.html
    pub struct PolicyDocumentMissing {
        id: "policy-document-missing",
        severity: Medium,
        summary: "an attached policy's document is not in the snapshot, so the principal cannot be audited exactly",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a resource of the tagging snapshot that carries the managed tag
    /// (`chalk.ai/managed-by=chalk`) while its ARN fits none of the name
    /// patterns of the resources Chalk manages (the profile's
    /// `resource_patterns`, taken from the scoped execution policy).
    ///
    /// ## Why it matters
    /// The scoped execution role acts on whatever carries the tag: a tagged
    /// production table or bucket outside Chalk's naming is within Chalk's reach.
    ///
    /// ## Example
    /// `arn:aws:dynamodb:us-east-1:111122223333:table/payments` tagged
    /// `chalk.ai/managed-by=chalk` (Chalk's tables are `table/chalk*`).
    ///
    /// ## Remediation
    /// Remove the tag, or confirm the resource really is Chalk's.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html
    pub struct TaggedNonChalkResource {
        id: "tagged-non-chalk-resource",
        severity: High,
        summary: "a resource outside Chalk's naming carries the Chalk managed tag",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a resource whose name fits one of Chalk's specific name patterns
    /// (a pattern other than a bare `*`) for a resource type where the scoped
    /// role also requires the managed tag, while the resource does not carry
    /// `chalk.ai/managed-by=chalk`.
    ///
    /// ## Why it matters
    /// The scoped execution role cannot manage it: upgrades, scaling or
    /// clean-up by Chalk fail on that resource.
    ///
    /// ## Example
    /// `arn:aws:sqs:us-east-1:111122223333:chalk-events` without tags.
    ///
    /// ## Remediation
    /// Add the tag if Chalk manages the resource; otherwise rename it.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
    pub struct UntaggedChalkResource {
        id: "untagged-chalk-resource",
        severity: Medium,
        summary: "a Chalk-named resource lacks the managed tag the scoped role relies on",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a principal other than Chalk's roles (a role, or a user with its
    /// groups' policies) that can add, change or remove the
    /// `chalk.ai/managed-by` tag on some resource of the account.
    ///
    /// Method: the tagging actions are `tag:TagResources`,
    /// `tag:UntagResources` and every catalog action with access level
    /// `Tagging` of the services present in the tagging snapshot (which
    /// includes `ec2:CreateTags`, `ec2:DeleteTags`, `s3:PutBucketTagging`).
    /// Only statements that can match a tagging action are kept (so the cost
    /// is linear in principals times tagging-relevant statements). Conditions on
    /// keys other than the tag keys (`aws:TagKeys`, `aws:RequestTag/*`,
    /// `aws:ResourceTag/*`, service `*Tag*` keys) are relaxed: dropped from
    /// `Allow` statements, and a `Deny` carrying one is ignored. The relaxed
    /// policies are evaluated with the IAM evaluator on each tagging action,
    /// against each resource of that service in the snapshot (`*` for the
    /// `tag:` actions), with the context a change of the Chalk tag carries
    /// (`aws:TagKeys`, `aws:RequestTag/chalk.ai/managed-by`, the resource's
    /// current `aws:ResourceTag/*`), each key only when the catalog says the
    /// action supports it.
    ///
    /// ## Limits
    /// The relaxation over-approximates: a principal that can tamper only from
    /// one network or with MFA is reported, with the relaxed conditions listed
    /// (that is intended), but so is one whose `Deny` on another key would
    /// always apply. Resource policies, SCPs and session policies are not in the
    /// snapshot and are not considered. Resources absent from the tagging
    /// snapshot are not tried.
    ///
    /// ## Why it matters
    /// The scoped role's boundary is the tag. Whoever can put the tag on a
    /// resource hands it to Chalk; whoever can remove it takes it away.
    ///
    /// ## Example
    /// A user with `tag:TagResources` on `*`.
    ///
    /// ## Remediation
    /// Deny changes to the key with a `Deny` on tagging actions conditioned on
    /// `ForAnyValue:StringEquals` `aws:TagKeys` = `chalk.ai/managed-by`,
    /// ideally in an SCP, excepting Chalk's roles.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html#access_tags_control-tag-keys
    /// - https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_tagging.html
    pub struct TagTamperPrincipal {
        id: "tag-tamper-principal",
        severity: High,
        summary: "a principal other than Chalk can change the Chalk managed tag",
    }
}

/// The audit rules, in the order they are listed.
pub const RULES: &[RuleMeta] = &[
    GrantBeyondBaseline::META,
    BaselineGrantMissing::META,
    ExtraManagedPolicy::META,
    TrustDrift::META,
    ChalkRoleNotFound::META,
    PolicyDocumentMissing::META,
    TaggedNonChalkResource::META,
    UntaggedChalkResource::META,
    TagTamperPrincipal::META,
];
