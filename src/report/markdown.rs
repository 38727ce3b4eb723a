//! Markdown output: a summary fit for a pull-request comment, with a table of
//! findings and each finding's details collapsed under `<details>`.

use super::finding::Finding;
use super::report::Report;
use super::review::{has_status, status_label};
use super::snippet::locate;
use super::table::location_label;

/// Renders the report as GitHub-flavoured Markdown.
pub fn render(report: &Report) -> String {
    let summary = report.summary();
    let mut out = format!(
        "### iamscope {}\n\n**{}**\n\n",
        report.command,
        summary.sentence()
    );
    for line in &report.headline {
        out.push_str(&format!("    {line}\n"));
    }
    if !report.headline.is_empty() {
        out.push('\n');
    }
    if !report.findings().is_empty() {
        let status = has_status(report.findings());
        if status {
            out.push_str("| Status | Severity | Rule | Location | Message |\n");
            out.push_str("| --- | --- | --- | --- | --- |\n");
        } else {
            out.push_str("| Severity | Rule | Location | Message |\n");
            out.push_str("| --- | --- | --- | --- |\n");
        }
        for finding in report.findings() {
            if status {
                out.push_str(&format!("| {} ", status_label(finding).unwrap_or_default()));
            }
            out.push_str(&format!(
                "| {} | `{}` | `{}` | {} |\n",
                finding.severity,
                finding.rule,
                cell(&location_label(&finding.location)),
                cell(&finding.message)
            ));
        }
        out.push('\n');
        for finding in report.findings() {
            out.push_str(&details_block(report, finding));
        }
    }
    if let Some(resolved) = report.resolved.as_ref().filter(|r| !r.is_empty()) {
        out.push_str(&format!(
            "**Resolved since the previous report ({}):**\n\n",
            resolved.len()
        ));
        for gone in resolved {
            out.push_str(&format!(
                "- {} `{}` at `{}`: {}\n",
                inline(&gone.severity),
                inline(&gone.rule),
                inline(&location_label(&gone.location)),
                inline(&gone.message)
            ));
        }
        out.push('\n');
    }
    for note in &report.notes {
        out.push_str(&format!("> **Note:** {}\n\n", inline(note)));
    }
    let mut footer = format!("<sub>iamscope {}", report.tool_version);
    if let Some(catalog) = &report.catalog {
        footer.push_str(&format!(" · catalog {}", catalog.describe()));
    }
    footer.push_str("</sub>\n");
    out.push_str(&footer);
    out
}

/// Text safe inside a table cell: pipes escaped, line breaks as `<br>`.
fn cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}

/// Text safe on one Markdown line: raw HTML neutralized, line breaks as `<br>`.
fn inline(text: &str) -> String {
    text.replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>")
}

fn details_block(report: &Report, finding: &Finding) -> String {
    let location = &finding.location;
    let mut out = format!(
        "<details>\n<summary>{} <code>{}</code> at <code>{}</code></summary>\n\n{}\n\n",
        finding.severity,
        finding.rule,
        inline(&location_label(location)),
        inline(&finding.message)
    );
    let mut facts: Vec<(String, String)> = Vec::new();
    if let Some(statement) = &finding.statement {
        facts.push(("statement".into(), statement.clone()));
    }
    if let Some(subject) = &finding.subject {
        facts.push(("subject".into(), subject.clone()));
    }
    if !location.pointer.is_empty() {
        facts.push(("pointer".into(), location.pointer.clone()));
    }
    facts.extend(finding.details.iter().cloned());
    for (key, value) in &facts {
        out.push_str(&format!("- **{}:** {}\n", inline(key), inline(value)));
    }
    if !facts.is_empty() {
        out.push('\n');
    }
    let point = location
        .file
        .as_ref()
        .and_then(|file| report.sources.get(file))
        .and_then(|source| locate(source, location));
    if let Some(point) = point {
        // A fence longer than any backtick run in the line keeps the block closed.
        let fence = "`".repeat(longest_backtick_run(point.line_text).max(2) + 1);
        out.push_str(&format!(
            "{fence}text\n{:>4} | {}\n     | {}^\n{fence}\n\n",
            point.line,
            point.line_text,
            " ".repeat(point.chars_before())
        ));
    }
    out.push_str("</details>\n\n");
    out
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Location, Severity};

    #[test]
    fn escapes_pipes_in_table_cells() {
        assert_eq!(cell("a|b\nc<d>"), "a\\|b<br>c&lt;d&gt;");
    }

    #[test]
    fn renders_a_table_row_and_collapsed_details() {
        let mut report = Report::new("lint");
        report.add_source("p.json", "{\n  \"A\": x\n}\n");
        report.extend_findings([Finding::new("r", Severity::Low, "bad `x`").at(Location {
            file: Some("p.json".into()),
            line: Some(2),
            column: Some(8),
            pointer: String::new(),
        })]);
        let text = render(&report);
        assert!(
            text.starts_with("### iamscope lint\n\n**1 finding: 1 low**\n"),
            "{text}"
        );
        assert!(
            text.contains("| low | `r` | `p.json:2:8` | bad `x` |\n"),
            "{text}"
        );
        assert!(
            text.contains("```text\n   2 |   \"A\": x\n     |        ^\n```"),
            "{text}"
        );
    }

    #[test]
    fn counts_backtick_runs() {
        assert_eq!(longest_backtick_run("a ``` b `"), 3);
        assert_eq!(longest_backtick_run("none"), 0);
    }
}
