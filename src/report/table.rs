//! The default, human-readable output: a table of findings, then each finding with a
//! source snippet and its details, then a summary.

use annotate_snippets::{Level, Renderer, Snippet};
use comfy_table::{presets, Cell, Color, ColumnConstraint, ContentArrangement, Table};

use super::finding::{Finding, Location, Severity};
use super::report::Report;
use super::review::{has_status, status_label};
use super::snippet::locate;

/// `file:line:column`, `file /pointer` or `/pointer`, whichever is known.
pub fn location_label(location: &Location) -> String {
    match (&location.file, location.line) {
        (Some(file), Some(line)) => match location.column {
            Some(column) => format!("{file}:{line}:{column}"),
            None => format!("{file}:{line}"),
        },
        (Some(file), None) if location.pointer.is_empty() => file.clone(),
        (Some(file), None) => format!("{file} {}", location.pointer),
        (None, _) if location.pointer.is_empty() => "-".to_owned(),
        (None, _) => location.pointer.clone(),
    }
}

/// Renders the report; `color` adds terminal colors and fits the table to the terminal.
pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    if !report.headline.is_empty() {
        out.push_str(&report.headline.join("\n"));
        out.push_str("\n\n");
    }
    if !report.findings().is_empty() {
        out.push_str(&findings_table(report.findings(), color).to_string());
        out.push_str("\n\n");
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        for finding in report.findings() {
            out.push_str(&finding_block(report, finding, &renderer));
            out.push_str("\n\n");
        }
    }
    if let Some(resolved) = report.resolved.as_ref().filter(|r| !r.is_empty()) {
        out.push_str(&format!(
            "resolved since the previous report ({}):\n",
            resolved.len()
        ));
        for gone in resolved {
            out.push_str(&format!(
                "  {} {} at {}: {}\n",
                gone.severity,
                gone.rule,
                location_label(&gone.location),
                gone.message
            ));
        }
        out.push('\n');
    }
    for note in &report.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out.push_str(&report.summary().sentence());
    out.push('\n');
    if let Some(catalog) = &report.catalog {
        out.push_str(&format!("catalog: {}\n", catalog.describe()));
    }
    out
}

fn severity_color(severity: Severity) -> Color {
    match severity {
        Severity::Critical => Color::Magenta,
        Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
        Severity::Info => Color::Grey,
    }
}

/// The width of the findings table when the output is not a terminal.
const TABLE_WIDTH: u16 = 180;

fn findings_table(findings: &[Finding], color: bool) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    if color {
        table
            .enforce_styling()
            .set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        // Not a terminal: a fixed width, so the output is the same everywhere and long
        // messages wrap inside their column instead of making lines hundreds wide.
        table
            .force_no_tty()
            .set_width(TABLE_WIDTH)
            .set_content_arrangement(ContentArrangement::Dynamic);
    }
    let status = has_status(findings);
    let mut header = vec!["Severity", "Rule", "Location", "Message"];
    if status {
        header.insert(0, "Status");
    }
    table.set_header(header);
    // Severity, rule and location never wrap; the message takes the remaining width.
    let message_column = table.column_count().saturating_sub(1);
    for column in table.column_iter_mut().filter(|c| c.index < message_column) {
        column.set_constraint(ColumnConstraint::ContentWidth);
    }
    for finding in findings {
        let mut severity = Cell::new(finding.severity.as_str());
        if color {
            severity = severity.fg(severity_color(finding.severity));
        }
        let mut row = vec![
            severity,
            Cell::new(finding.rule),
            Cell::new(location_label(&finding.location)),
            Cell::new(&finding.message),
        ];
        if status {
            row.insert(0, Cell::new(status_label(finding).unwrap_or_default()));
        }
        table.add_row(row);
    }
    table
}

fn level(severity: Severity) -> Level {
    match severity {
        Severity::Critical | Severity::High => Level::Error,
        Severity::Medium => Level::Warning,
        Severity::Low => Level::Note,
        Severity::Info => Level::Info,
    }
}

/// One finding as a diagnostic: title, the source line with a caret when the position
/// and text are known, then statement, subject, pointer and details as footer notes.
fn finding_block(report: &Report, finding: &Finding, renderer: &Renderer) -> String {
    let location = &finding.location;
    let point = location
        .file
        .as_ref()
        .and_then(|file| report.sources.get(file))
        .and_then(|source| locate(source, location));

    let mut notes: Vec<String> = Vec::new();
    if point.is_none() {
        notes.push(format!("at: {}", location_label(location)));
    }
    if let Some(statement) = &finding.statement {
        notes.push(format!("statement: {statement}"));
    }
    if let Some(subject) = &finding.subject {
        notes.push(format!("subject: {subject}"));
    }
    if point.is_some() && !location.pointer.is_empty() {
        notes.push(format!("pointer: {}", location.pointer));
    }
    notes.extend(
        finding
            .details
            .iter()
            .map(|(k, v)| format!("{k}: {}", shorten(v))),
    );

    let mut message = level(finding.severity)
        .title(&finding.message)
        .id(finding.rule);
    if let (Some(point), Some(file)) = (point, location.file.as_deref()) {
        let start = point.offset - point.line_start;
        let width = point.line_text[start..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        message = message.snippet(
            Snippet::source(point.line_text)
                .line_start(point.line as usize)
                .origin(file)
                .annotation(level(finding.severity).span(start..start + width)),
        );
    }
    message = message.footers(notes.iter().map(|note| Level::Note.title(note)));
    let text = renderer.render(message).to_string();
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn located(line: Option<u32>, pointer: &str) -> Location {
        Location {
            file: Some("p.json".into()),
            line,
            column: line.map(|_| 4),
            pointer: pointer.into(),
        }
    }

    #[test]
    fn labels_locations_by_what_is_known() {
        assert_eq!(location_label(&located(Some(2), "/a")), "p.json:2:4");
        assert_eq!(location_label(&located(None, "/a")), "p.json /a");
        assert_eq!(location_label(&Location::default()), "-");
    }

    #[test]
    fn shows_a_caret_under_the_position() {
        let mut report = Report::new("lint");
        report.add_source("p.json", "{\n  \"Effect\": Allow\n}\n");
        report.extend_findings([Finding::new("r", Severity::High, "bad")
            .at(Location {
                file: Some("p.json".into()),
                line: Some(2),
                column: Some(13),
                pointer: "/Statement/0".into(),
            })
            .detail("hint", "quote it")]);
        let text = render(&report, false);
        assert!(
            text.contains("2 |   \"Effect\": Allow\n  |             ^"),
            "{text}"
        );
        assert!(text.contains("= note: hint: quote it"), "{text}");
        assert!(text.ends_with("1 finding: 1 high\n"), "{text}");
    }

    #[test]
    fn prints_no_table_without_findings() {
        let text = render(&Report::new("lint"), false);
        assert_eq!(text, "no findings\n");
    }
}

/// Details longer than this are cut in the table (JSON and SARIF keep them whole).
const MAX_DETAIL_CHARS: usize = 400;

/// Cuts a long detail at a list boundary and says how much was left out, so one
/// finding listing a thousand actions stays readable in a terminal.
fn shorten(value: &str) -> String {
    if value.chars().count() <= MAX_DETAIL_CHARS {
        return value.to_string();
    }
    let cut: String = value.chars().take(MAX_DETAIL_CHARS).collect();
    let kept = match cut.rfind(", ") {
        Some(i) => &cut[..i],
        None => cut.as_str(),
    };
    let left = value[kept.len()..]
        .split(", ")
        .filter(|s| !s.is_empty())
        .count();
    if value.contains(", ") {
        format!("{kept}, … ({left} more; the JSON output has them all)")
    } else {
        format!("{kept}… (cut; the JSON output has it whole)")
    }
}

#[cfg(test)]
mod shorten_tests {
    use super::shorten;

    #[test]
    fn long_lists_are_cut_at_an_item_with_a_count() {
        let items: Vec<String> = (0..500).map(|i| format!("svc:Action{i}")).collect();
        let short = shorten(&items.join(", "));
        assert!(short.len() < 500, "{short}");
        assert!(
            short.ends_with("more; the JSON output has them all)"),
            "{short}"
        );
        assert!(short.starts_with("svc:Action0, svc:Action1"));
    }

    #[test]
    fn short_values_are_kept() {
        assert_eq!(shorten("a, b"), "a, b");
    }
}
