//! `iamscope catalog`: where the embedded IAM action catalog comes from, and what it holds.

use clap::Args;
use serde_json::json;

use super::{emit, new_report, render, Cli, FormatArg};
use crate::catalog::{global_condition_keys, Catalog};
use crate::exit::{Error, Status};

/// Arguments of `iamscope catalog`.
#[derive(Debug, Args)]
pub struct CatalogArgs {}

/// Prints the catalog's source, version, date and counts.
pub fn run(cli: &Cli, _args: &CatalogArgs) -> Result<Status, Error> {
    let info = Catalog::get().info();
    let globals = global_condition_keys().len();
    match cli.format {
        FormatArg::Json | FormatArg::Sarif => {
            let mut report = new_report("catalog");
            report.extra.insert(
                "counts".into(),
                json!({
                    "services": info.services,
                    "actions": info.actions,
                    "resource_types": info.resource_types,
                    "condition_keys": info.condition_keys,
                    "global_condition_keys": globals,
                }),
            );
            render(cli, &mut report)?;
        }
        FormatArg::Table | FormatArg::Markdown => emit(
            cli,
            &format!(
                "source: {} {} (MIT; the AWS Service Authorization Reference)\n\
                 date: {}\n\
                 services: {}\nactions: {}\nresource types: {}\ncondition keys: {} (+ {globals} global keys)\n\
                 notice: data/catalog/NOTICE\n",
                info.package,
                info.version,
                info.date,
                info.services,
                info.actions,
                info.resource_types,
                info.condition_keys,
            ),
        )?,
    }
    Ok(Status::Clean)
}
