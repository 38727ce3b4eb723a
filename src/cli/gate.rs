//! The review layer applied to every command's report before it is rendered:
//! the configuration file (severity overrides, rules switched off, waivers) and the
//! comparison with a previous report. Commands never call it themselves: `render`
//! does, and the exit decision reads the result through `Report::max_severity`.

use std::path::{Path, PathBuf};

use super::Cli;
use crate::config::{self, Config, RuleSetting, WaiverExpired, WaiverStale};
use crate::exit::Error;
use crate::history;
use crate::report::{Finding, Location, Report, Suppression};

/// Loads the configuration `cli` asks for: `--config FILE`, none with
/// `--no-config`, otherwise the nearest `iamscope.toml` upward from the working
/// directory.
pub fn load_config(cli: &Cli) -> Result<Option<Config>, Error> {
    if cli.no_config {
        return Ok(None);
    }
    let (path, shown) = match &cli.config {
        Some(path) => (path.clone(), path.display().to_string()),
        None => {
            let Ok(cwd) = std::env::current_dir() else {
                return Ok(None);
            };
            let Some(path) = config::discover(&cwd) else {
                return Ok(None);
            };
            let shown = shown_path(&path, &cwd);
            (path, shown)
        }
    };
    Ok(Some(config::load(&path, &shown)?))
}

/// A discovered path relative to the working directory when it is inside it.
fn shown_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .map_or_else(|_| path.to_path_buf(), PathBuf::from)
        .display()
        .to_string()
}

/// Applies the configuration and the previous report chosen on the command line.
pub fn apply(cli: &Cli, report: &mut Report) -> Result<(), Error> {
    if let Some(config) = load_config(cli)? {
        apply_config(&config, report, config::today()?);
    }
    if let Some(path) = &cli.previous {
        let previous = history::load(&path.display().to_string())?;
        let resolved = history::compare(report.findings_mut(), previous);
        report.resolved = Some(resolved);
    }
    report.fail_on_new = cli.fail_on_new;
    Ok(())
}

/// Applies rule settings and waivers to `report` as of `today`.
///
/// Rules switched off lose their findings and overrides replace severities; then each
/// finding is suppressed by the first unexpired waiver that matches it. Expired
/// waivers become `waiver-expired` findings and suppress nothing; unexpired waivers
/// that match nothing become `waiver-stale` findings. Rule settings apply to those
/// two rules as well.
pub fn apply_config(config: &Config, report: &mut Report, today: config::Date) {
    apply_rules(config, report);
    let mut extra = Vec::new();
    for (index, waiver) in config.waivers.iter().enumerate() {
        let location = Location {
            file: Some(config.file.clone()),
            line: Some(waiver.line),
            column: Some(waiver.column),
            pointer: format!("/waivers/{index}"),
        };
        let described = waiver.describe();
        if waiver.expires < today {
            extra.push(
                Finding::new(
                    WaiverExpired::META.id,
                    WaiverExpired::META.severity,
                    format!(
                        "the waiver for {described} expired on {}; the findings it covered are reported again",
                        waiver.expires
                    ),
                )
                .at(location)
                .subject(described)
                .detail("reason", waiver.reason.clone()),
            );
            continue;
        }
        let mut matched = false;
        for finding in report.findings_mut() {
            if waiver.matches(finding) {
                matched = true;
                if finding.suppression.is_none() {
                    finding.suppression = Some(Suppression {
                        reason: waiver.reason.clone(),
                        expires: waiver.expires.to_string(),
                        source: format!("{}:{}:{}", config.file, waiver.line, waiver.column),
                    });
                }
            }
        }
        if !matched {
            extra.push(
                Finding::new(
                    WaiverStale::META.id,
                    WaiverStale::META.severity,
                    format!("the waiver for {described} matches no finding"),
                )
                .at(location)
                .subject(described)
                .detail("reason", waiver.reason.clone()),
            );
        }
    }
    let mut waiver_report = Report::new("");
    waiver_report.extend_findings(extra);
    apply_rules(config, &mut waiver_report);
    report.extend_findings(waiver_report.findings().iter().cloned());
}

fn apply_rules(config: &Config, report: &mut Report) {
    report.retain_findings(|f| config.rules.get(f.rule) != Some(&RuleSetting::Off));
    for finding in report.findings_mut() {
        if let Some(RuleSetting::Severity(severity)) = config.rules.get(finding.rule) {
            finding.severity = *severity;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse, Date};
    use crate::report::Severity;

    fn report() -> Report {
        let mut report = Report::new("lint");
        report.extend_findings([
            Finding::new("service-wildcard", Severity::Medium, "sqs")
                .at(Location {
                    file: Some("p.json".into()),
                    line: Some(2),
                    column: Some(1),
                    pointer: "/Statement/0/Action/0".into(),
                })
                .subject("sqs:*"),
            Finding::new("missing-version", Severity::Low, "v").at(Location {
                file: Some("p.json".into()),
                line: Some(1),
                column: Some(1),
                pointer: String::new(),
            }),
        ]);
        report
    }

    fn today() -> Date {
        Date::parse("2026-06-01").unwrap()
    }

    #[test]
    fn overrides_severities_and_drops_rules_switched_off() {
        let config = parse(
            "c.toml",
            "[rules]\nservice-wildcard = \"critical\"\nmissing-version = \"off\"\n",
        )
        .unwrap();
        let mut report = report();
        apply_config(&config, &mut report, today());
        assert_eq!(report.findings().len(), 1);
        assert_eq!(report.max_severity(), Some(Severity::Critical));
    }

    #[test]
    fn waived_findings_stay_listed_but_do_not_count() {
        let config = parse(
            "c.toml",
            "[[waivers]]\nsubject = \"sqs:*\"\nreason = \"fan-out\"\nexpires = 2026-06-01\n",
        )
        .unwrap();
        let mut report = report();
        apply_config(&config, &mut report, today());
        assert_eq!(report.findings().len(), 2);
        let waived = report
            .findings()
            .iter()
            .find(|f| f.rule == "service-wildcard")
            .unwrap();
        assert_eq!(waived.suppression.as_ref().unwrap().source, "c.toml:1:1");
        assert_eq!(report.max_severity(), Some(Severity::Low));
        assert_eq!(report.summary().suppressed, 1);
    }

    #[test]
    fn expired_waivers_become_findings_and_suppress_nothing() {
        let config = parse(
            "c.toml",
            "[[waivers]]\nsubject = \"sqs:*\"\nreason = \"fan-out\"\nexpires = 2026-05-31\n",
        )
        .unwrap();
        let mut report = report();
        apply_config(&config, &mut report, today());
        let rules: Vec<_> = report.findings().iter().map(|f| f.rule).collect();
        assert!(rules.contains(&"waiver-expired"), "{rules:?}");
        assert!(report.findings().iter().all(|f| f.suppression.is_none()));
        assert_eq!(report.max_severity(), Some(Severity::Medium));
    }

    #[test]
    fn waivers_matching_nothing_are_stale() {
        let config = parse(
            "c.toml",
            "[[waivers]]\nsubject = \"kms:*\"\nreason = \"keys\"\nexpires = 2030-01-01\n",
        )
        .unwrap();
        let mut report = report();
        apply_config(&config, &mut report, today());
        let stale = report
            .findings()
            .iter()
            .find(|f| f.rule == "waiver-stale")
            .unwrap();
        assert_eq!(stale.location.line, Some(1));
        assert_eq!(stale.severity, Severity::Low);
        assert_eq!(
            stale.message,
            "the waiver for subject `kms:*` matches no finding"
        );
    }
}
