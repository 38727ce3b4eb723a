//! The rules whose findings the configuration itself produces.

use crate::declare_rule;
use crate::report::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Reports a `[[waivers]]` entry of `iamscope.toml` whose `expires` date has
    /// passed. The waiver no longer suppresses anything: the findings it covered are
    /// reported again, and count for the exit status.
    ///
    /// ## Why it matters
    /// A waiver is a decision to accept a risk for a while. When the date passes,
    /// the decision must be taken again rather than silently kept forever.
    ///
    /// ## Example
    /// ```toml
    /// [[waivers]]
    /// rule = "service-wildcard"
    /// file = "policies/legacy.json"
    /// reason = "legacy role, replaced in Q3"
    /// expires = 2025-09-30
    /// ```
    /// run on 2025-10-01 reports `waiver-expired` at the `[[waivers]]` line.
    ///
    /// ## Remediation
    /// Fix the findings the waiver covered and delete it, or, after a new review,
    /// move `expires` to a later date.
    ///
    /// ## References
    /// - docs/configuration.md
    pub struct WaiverExpired {
        id: "waiver-expired",
        severity: Medium,
        summary: "a waiver in the configuration has expired and no longer suppresses findings",
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a `[[waivers]]` entry of `iamscope.toml` that matches no finding of
    /// the run.
    ///
    /// ## Why it matters
    /// A waiver that matches nothing is either obsolete (the finding was fixed) or
    /// mistyped (a wrong file glob or rule id), in which case the finding it was
    /// meant for is reported anyway. Either way the configuration says something
    /// that is not true.
    ///
    /// ## Example
    /// ```toml
    /// [[waivers]]
    /// rule = "service-wildcard"
    /// subject = "sqs:*"
    /// reason = "queue fan-out"
    /// expires = 2030-01-01
    /// ```
    /// when no policy grants `sqs:*` any more.
    ///
    /// ## Remediation
    /// Delete the waiver, or correct its matchers.
    ///
    /// ## References
    /// - docs/configuration.md
    pub struct WaiverStale {
        id: "waiver-stale",
        severity: Low,
        summary: "a waiver in the configuration matches no finding",
    }
}

/// The configuration's rules, in the order they are listed.
pub static RULES: [RuleMeta; 2] = [WaiverExpired::META, WaiverStale::META];
