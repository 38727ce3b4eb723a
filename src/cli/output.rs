//! What the subcommands share: reading inputs, stamping reports, writing output.

use std::io::{self, IsTerminal, Read, Write};

use super::{Cli, ColorArg};
use crate::catalog::Catalog;
use crate::exit::Error;
use crate::policy::SourceFile;
use crate::registry::RULES;
use crate::report::{self, CatalogStamp, Format, Report};

/// A report stamped with the embedded catalog's source and date.
pub fn new_report(command: &str) -> Report {
    let mut report = Report::new(command);
    let info = Catalog::get().info();
    report.catalog = Some(CatalogStamp {
        source: info.package.to_string(),
        version: info.version.to_string(),
        date: info.date.get(..10).unwrap_or(info.date).to_string(),
    });
    report
}

/// Reads every named file, and stdin for `-` (once, however often `-` is given).
pub fn read_sources(files: &[String]) -> Result<Vec<SourceFile>, Error> {
    let mut sources: Vec<SourceFile> = Vec::with_capacity(files.len());
    // A file named twice is read once; a set, since a shell glob can name thousands.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for name in files {
        if !seen.insert(name.as_str()) {
            continue;
        }
        let text = if name == "-" {
            let mut text = String::new();
            io::stdin().read_to_string(&mut text).map(|_| text)
        } else {
            std::fs::read_to_string(name)
        }
        .map_err(|source| Error::Read {
            path: name.clone(),
            source,
        })?;
        sources.push(SourceFile::new(name.clone(), text));
    }
    Ok(sources)
}

/// Colors only for the terminal: `--color always`, or `auto` with stdout a terminal,
/// no `--output` file, and `NO_COLOR` unset or empty (<https://no-color.org>).
pub fn use_color(cli: &Cli) -> bool {
    match cli.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            cli.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Writes the rendered output to `--output` or stdout.
pub fn emit(cli: &Cli, text: &str) -> Result<(), Error> {
    match &cli.output {
        Some(path) => std::fs::write(path, text).map_err(|source| Error::Write {
            path: path.display().to_string(),
            source,
        }),
        None => {
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|source| Error::Write {
                    path: "-".to_owned(),
                    source,
                })
        }
    }
}

/// Applies the review layer (configuration, waivers, `--previous`; see
/// [`super::gate`]) to `report`, renders it in the format the user chose and writes it
/// out. Call it once, then decide the exit status from `report.max_severity()`,
/// which by then leaves out waived findings and, under `--fail-on-new`, old ones.
pub fn render(cli: &Cli, report: &mut Report) -> Result<(), Error> {
    super::gate::apply(cli, report)?;
    let format = Format::from(cli.format);
    emit(cli, &report::render(report, format, &RULES, use_color(cli)))
}
