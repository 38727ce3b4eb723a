//! Output of `iamscope rules` and `iamscope rule <id>`: the rule table itself.

use comfy_table::{presets, Table};
use serde_json::{json, Value};

use super::docs::{rule_markdown, rule_page};
use super::rule::RuleMeta;
use super::{json as json_output, report::Report, sarif, Format};

/// The list of rules: a table of id, severity and summary, JSON, Markdown, or a
/// SARIF log that describes the rules and has no results.
pub fn render_list(rules: &[RuleMeta], format: Format) -> String {
    match format {
        Format::Table => {
            let mut table = Table::new();
            table
                .load_preset(presets::UTF8_FULL_CONDENSED)
                .force_no_tty();
            table.set_header(["Rule", "Severity", "Summary"]);
            for rule in rules {
                table.add_row([rule.id, rule.severity.as_str(), rule.summary]);
            }
            format!("{table}\n")
        }
        Format::Json => pretty(&json!({
            "version": json_output::SCHEMA_VERSION,
            "rules": rules.iter().map(rule_value).collect::<Vec<_>>(),
        })),
        Format::Sarif => sarif::render(&Report::new("rules"), rules),
        Format::Markdown => {
            let mut out = String::from("| Rule | Severity | Summary |\n| --- | --- | --- |\n");
            for rule in rules {
                out.push_str(&format!(
                    "| `{}` | {} | {} |\n",
                    rule.id, rule.severity, rule.summary
                ));
            }
            out
        }
    }
}

/// One rule's documentation: the Markdown page, or a JSON object holding it.
pub fn render_one(rule: &RuleMeta, format: Format) -> String {
    match format {
        Format::Json | Format::Sarif => pretty(&json!({
            "version": json_output::SCHEMA_VERSION,
            "rule": rule_value(rule),
        })),
        Format::Table | Format::Markdown => rule_page(rule),
    }
}

fn rule_value(rule: &RuleMeta) -> Value {
    json!({
        "id": rule.id,
        "severity": rule.severity.as_str(),
        "summary": rule.summary,
        "docs": rule_markdown(rule),
    })
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;

    const META: RuleMeta = RuleMeta {
        id: "demo-rule",
        severity: Severity::Medium,
        summary: "a demo",
        docs: " ## What it does\n x\n",
    };

    #[test]
    fn lists_rules_as_json() {
        let value: Value = serde_json::from_str(&render_list(&[META], Format::Json)).unwrap();
        assert_eq!(value["rules"][0]["id"], "demo-rule");
        assert_eq!(value["rules"][0]["severity"], "medium");
    }

    #[test]
    fn lists_rules_as_markdown_rows() {
        assert!(
            render_list(&[META], Format::Markdown).contains("| `demo-rule` | medium | a demo |")
        );
    }
}
