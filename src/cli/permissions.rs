//! `iamscope permissions`: the least-privilege IAM policy iamscope needs to
//! read an account (the same text as `docs/iam-policy-for-iamscope.json`).

use clap::Args;

use super::{emit, Cli};
use crate::account::live::{assume_role_policy, read_policy};
use crate::exit::{Error, Status};

/// Arguments of `iamscope permissions`.
#[derive(Debug, Args)]
pub struct PermissionsArgs {
    /// Print instead the policy the caller needs to assume this audit role.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
}

/// Prints the policy.
pub fn run(cli: &Cli, args: &PermissionsArgs) -> Result<Status, Error> {
    let policy = match &args.role_arn {
        Some(arn) => assume_role_policy(arn),
        None => read_policy(),
    };
    // A `Value` always serializes.
    let text = serde_json::to_string_pretty(&policy).unwrap_or_default();
    emit(cli, &(text + "\n"))?;
    Ok(Status::Clean)
}
