//! Rule documentation text, generated from [`RuleMeta`] for `iamscope rule <id>`,
//! `docs/rules/<id>.md` and SARIF `rules[].help`.

use super::rule::RuleMeta;

/// The five headings every rule's documentation has, in order.
pub const DOC_HEADINGS: [&str; 5] = [
    "What it does",
    "Why it matters",
    "Example",
    "Remediation",
    "References",
];

/// The rule's doc comment as Markdown: the one space that `///` leaves before each
/// line is removed, and surrounding blank lines are trimmed.
pub fn rule_markdown(meta: &RuleMeta) -> String {
    let lines: Vec<&str> = meta
        .docs
        .lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect();
    let mut text = lines.join("\n").trim().to_owned();
    text.push('\n');
    text
}

/// The full documentation page of a rule: title, severity, summary, then its docs.
pub fn rule_page(meta: &RuleMeta) -> String {
    format!(
        "# {}\n\n**Default severity:** {}\n\n{}\n\n{}",
        meta.id,
        meta.severity,
        meta.summary,
        rule_markdown(meta)
    )
}

/// The first paragraph under *What it does*, as one line of plain text.
pub fn what_it_does(meta: &RuleMeta) -> Option<String> {
    let markdown = rule_markdown(meta);
    let (_, after) = markdown.split_once("## What it does")?;
    let paragraph: Vec<&str> = after
        .trim_start()
        .lines()
        .take_while(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(str::trim)
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

/// The headings from [`DOC_HEADINGS`] that the rule's docs lack (as `## Heading`).
pub fn missing_headings(meta: &RuleMeta) -> Vec<&'static str> {
    let markdown = rule_markdown(meta);
    DOC_HEADINGS
        .into_iter()
        .filter(|heading| {
            !markdown
                .lines()
                .any(|line| line.trim_end() == format!("## {heading}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;

    const META: RuleMeta = RuleMeta {
        id: "demo-rule",
        severity: Severity::Low,
        summary: "a demo",
        docs: " ## What it does\n Flags demos\n across lines.\n\n ## Why it matters\n x\n",
    };

    #[test]
    fn strips_the_doc_comment_space() {
        assert!(rule_markdown(&META).starts_with("## What it does\nFlags demos\n"));
    }

    #[test]
    fn takes_the_first_paragraph_of_what_it_does() {
        assert_eq!(
            what_it_does(&META).as_deref(),
            Some("Flags demos across lines.")
        );
    }

    #[test]
    fn reports_missing_headings() {
        assert_eq!(
            missing_headings(&META),
            ["Example", "Remediation", "References"]
        );
    }

    #[test]
    fn page_starts_with_the_id_and_severity() {
        assert!(rule_page(&META)
            .starts_with("# demo-rule\n\n**Default severity:** low\n\na demo\n\n## What"));
    }
}
