//! `iamscope baseline`: the documented vendor policies, listed or rendered.

use clap::Args;
use comfy_table::{presets, Table};
use serde_json::{json, Value};

use super::policy_input::ParamArgs;
use super::{emit, new_report, render, Cli, FormatArg};
use crate::baseline::{self, DocumentedPolicy, PolicyKind};
use crate::exit::{Error, Status};

/// Arguments of `iamscope baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// A documented policy id (`chalk:scoped-execution`) to print, rendered with the
    /// parameter flags; without it, every documented policy is listed.
    #[arg(value_name = "POLICY-ID")]
    pub policy: Option<String>,
    /// Parameters of documented policies.
    #[command(flatten)]
    pub params: ParamArgs,
}

/// Lists the documented policies, or prints one rendered.
pub fn run(cli: &Cli, args: &BaselineArgs) -> Result<Status, Error> {
    if let Some(id) = &args.policy {
        let mut text = baseline::render(id, &args.params.params())?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        emit(cli, &text)?;
        return Ok(Status::Clean);
    }
    let policies = baseline::documented_policies();
    match cli.format {
        FormatArg::Table => emit(cli, &table(&policies)),
        FormatArg::Markdown => emit(cli, &markdown(&policies)),
        FormatArg::Json | FormatArg::Sarif => {
            let mut report = new_report("baseline");
            report.extra.insert(
                "policies".into(),
                policies.iter().map(policy_value).collect::<Vec<_>>().into(),
            );
            render(cli, &mut report)
        }
    }?;
    Ok(Status::Clean)
}

fn kind_name(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::Trust => "trust",
        PolicyKind::Permissions => "permissions",
    }
}

/// The flags a policy needs, in order of first use (`--region --account-id`).
fn flags(policy: &DocumentedPolicy) -> Vec<String> {
    let profiles = baseline::builtin_profiles();
    policy
        .parameters
        .iter()
        .map(|name| {
            profiles
                .iter()
                .find_map(|p| p.parameter(name))
                .map_or_else(|| name.clone(), |p| p.flag.clone())
        })
        .collect()
}

fn policy_value(policy: &DocumentedPolicy) -> Value {
    json!({
        "id": policy.id,
        "kind": kind_name(policy.kind),
        "description": policy.description,
        "parameters": flags(policy),
    })
}

fn table(policies: &[DocumentedPolicy]) -> String {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .force_no_tty();
    table.set_header(["Policy", "Kind", "Flags", "Description"]);
    for policy in policies {
        table.add_row([
            policy.id.clone(),
            kind_name(policy.kind).to_owned(),
            flags(policy).join(" "),
            policy.description.clone(),
        ]);
    }
    format!("{table}\n\nprint one with `iamscope baseline <POLICY-ID>` and the flags it needs\n")
}

fn markdown(policies: &[DocumentedPolicy]) -> String {
    let mut out =
        String::from("| Policy | Kind | Flags | Description |\n| --- | --- | --- | --- |\n");
    for policy in policies {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            policy.id,
            kind_name(policy.kind),
            flags(policy).join(" "),
            policy.description.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_flags_each_policy_needs() {
        let policies = baseline::documented_policies();
        let scoped = policies
            .iter()
            .find(|p| p.id == "chalk:scoped-execution")
            .unwrap();
        let flags = flags(scoped);
        assert!(flags.contains(&"--region".to_owned()), "{flags:?}");
        assert!(flags.contains(&"--account-id".to_owned()), "{flags:?}");
        assert!(table(&policies).contains("chalk:trust"));
    }
}
