//! The rules whose findings the comparison produces.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a request that the new policy set allows and the old one does not,
    /// with a concrete witness request (action, resource ARN, condition context) and
    /// the statements that allow it.
    ///
    /// ## Why it matters
    /// A policy change that widens access is the change a reviewer must see. The
    /// comparison is semantic: reordering, splitting or renaming statements is not a
    /// difference, but `StringEquals` becoming `StringEqualsIfExists` is.
    ///
    /// ## Example
    /// Old: `"Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/chalk*"`.
    /// New: `"Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/*"`.
    /// Witness: `dynamodb:GetItem` on `arn:aws:dynamodb:us-east-1:111122223333:table/x`.
    ///
    /// ## Remediation
    /// Narrow the new statement back, or approve the new access explicitly.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    /// - https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoNewAccess.html
    pub struct NewAccess {
        id: "new-access",
        severity: High,
        summary: "the new policy allows a request the old one does not",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a request that the old policy set allows and the new one does not,
    /// with a witness request and the statements that allowed it before.
    ///
    /// ## Why it matters
    /// Removed access is safe from a security point of view, but it can break the
    /// workload that relied on it.
    ///
    /// ## Example
    /// Old: `"Action": "kms:*"`. New: `"Action": "kms:Decrypt"`. Witness:
    /// `kms:Encrypt` on a key ARN.
    ///
    /// ## Remediation
    /// Check that nothing needs the removed access, or restore it.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    pub struct RemovedAccess {
        id: "removed-access",
        severity: Low,
        summary: "the new policy denies a request the old one allowed",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a part of the request space that iamscope could not compare exactly:
    /// policy variables whose values depend on other keys, one key compared by
    /// operators of different kinds, or more classes of requests than are enumerated.
    ///
    /// ## Why it matters
    /// iamscope never guesses: where it cannot prove two policies agree, it says so.
    /// A CI gate treats an unproven part as possible new access.
    ///
    /// ## Example
    /// A statement with `"Resource": "arn:aws:s3:::home/${aws:username}/*"` on one
    /// side only.
    ///
    /// ## Remediation
    /// Review the named statements by hand, or rewrite them without the construct.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
    pub struct ComparisonUnproven {
        id: "comparison-unproven",
        severity: Medium,
        summary: "part of the comparison cannot be proved exactly",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports, for a changed role trust policy (`iamscope diff OLD NEW` of two trust
    /// policies, a file in a repository diff, or an `aws_iam_role`'s `assume_role_policy`
    /// in a Terraform plan), each principal that can
    /// assume the role after the change and could not before, and each one that could only
    /// under conditions (such as a specific `sts:ExternalId`) and now can without them. A
    /// new role counts every principal it trusts as new. The evaluator decides it on
    /// `sts:AssumeRole` requests without an external id and with an arbitrary one.
    ///
    /// ## Why it matters
    /// Who can assume a role is the role's first boundary: a new trusted principal, or a
    /// dropped `sts:ExternalId` check (the confused-deputy guard of cross-account roles),
    /// hands every permission of the role to someone new, whatever its identity policies
    /// say.
    ///
    /// ## Example
    /// Old: `"Principal": {"AWS": "arn:aws:iam::754784422779:role/chalk-api-server"}` with
    /// `"Condition": {"StringEquals": {"sts:ExternalId": "..."}}`. New: the same without the
    /// condition: `arn:aws:iam::754784422779:role/chalk-api-server` can now assume the role
    /// with no `sts:ExternalId` check.
    ///
    /// ## Remediation
    /// Restore the condition or remove the principal, or approve the new trust explicitly.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
    pub struct TrustWidened {
        id: "trust-widened",
        severity: Critical,
        summary: "a changed trust policy lets a principal assume the role that could not before, or without its conditions",
    }
}
