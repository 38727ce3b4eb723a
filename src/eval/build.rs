//! Terse constructors for policies built in code (tests, benchmarks, generated
//! policies), without source positions.
//!
//! ```
//! use iamscope::eval::build::{policy, StatementBuilder};
//! let p = policy(&[StatementBuilder::allow(&["s3:GetObject"], &["arn:aws:s3:::b/*"])
//!     .condition("StringEquals", "aws:PrincipalTag/team", &["data"])
//!     .build()]);
//! assert_eq!(p.statements.len(), 1);
//! ```

use crate::policy::model::{
    Condition, ConditionOp, Effect, Item, ItemList, Located, Operator, Policy, Pos, Statement,
};

/// A `2012-10-17` policy holding `statements`.
pub fn policy(statements: &[Statement]) -> Policy {
    policy_with_version(Some("2012-10-17"), statements)
}

/// A policy with the given `Version` (or none).
pub fn policy_with_version(version: Option<&str>, statements: &[Statement]) -> Policy {
    let statements = statements
        .iter()
        .enumerate()
        .map(|(i, s)| Statement {
            index: Some(i),
            ..s.clone()
        })
        .collect();
    Policy {
        version: version.map(|v| Located::unlocated(v.to_string())),
        id: None,
        statements,
        statement_is_array: true,
        pos: Pos::NONE,
    }
}

fn list(negated: bool, values: &[&str]) -> ItemList {
    ItemList {
        negated,
        ..ItemList::of(values)
    }
}

/// Builds one statement.
#[derive(Debug, Clone)]
pub struct StatementBuilder {
    statement: Statement,
}

impl StatementBuilder {
    fn new(effect: Effect, actions: &[&str], resources: &[&str]) -> Self {
        StatementBuilder {
            statement: Statement {
                index: None,
                pos: Pos::NONE,
                sid: None,
                effect: Located::unlocated(effect),
                principal: None,
                action: list(false, actions),
                resource: Some(list(false, resources)),
                conditions: Vec::new(),
            },
        }
    }

    /// An `Allow` statement.
    pub fn allow(actions: &[&str], resources: &[&str]) -> Self {
        StatementBuilder::new(Effect::Allow, actions, resources)
    }

    /// A `Deny` statement.
    pub fn deny(actions: &[&str], resources: &[&str]) -> Self {
        StatementBuilder::new(Effect::Deny, actions, resources)
    }

    /// Sets the `Sid`.
    pub fn sid(mut self, sid: &str) -> Self {
        self.statement.sid = Some(Located::unlocated(sid.to_string()));
        self
    }

    /// Turns `Action` into `NotAction`.
    pub fn not_action(mut self) -> Self {
        self.statement.action.negated = true;
        self
    }

    /// Turns `Resource` into `NotResource`.
    pub fn not_resource(mut self) -> Self {
        if let Some(r) = &mut self.statement.resource {
            r.negated = true;
        }
        self
    }

    /// Adds a condition; an `operator` that does not parse is written as `StringEquals`
    /// so that a typo in a test shows up as a failing assertion, never a panic.
    pub fn condition(mut self, operator: &str, key: &str, values: &[&str]) -> Self {
        let operator = Operator::parse(operator).unwrap_or(Operator {
            set: None,
            op: ConditionOp::StringEquals,
            if_exists: false,
        });
        self.statement.conditions.push(Condition {
            operator: Located::unlocated(operator),
            key: Located::unlocated(key.to_string()),
            values: values.iter().map(|v| Item::unlocated(*v)).collect(),
        });
        self
    }

    /// The statement.
    pub fn build(self) -> Statement {
        self.statement
    }
}
