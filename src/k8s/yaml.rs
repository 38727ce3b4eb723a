//! YAML documents read into the crate's positioned JSON tree ([`JsonValue`]), so
//! YAML and JSON manifests go through one model parser and share JSON pointers.
//!
//! Built on `saphyr-parser`'s event stream, which carries a line and column for
//! every node. Plain scalars follow the YAML 1.2 core schema for `null`, booleans
//! and numbers; quoted scalars are always strings. Aliases are expanded, with a
//! cap on the number of nodes so that a "billion laughs" document cannot exhaust
//! memory.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span};

use crate::policy::span::Pos;
use crate::policy::{JsonKind, JsonValue, Member, PolicyError};

/// Deepest nesting accepted.
const MAX_DEPTH: usize = 256;
/// Most nodes one stream may expand to (aliases included).
const MAX_NODES: usize = 5_000_000;

/// Parses every document of a YAML stream (documents separated by `---`).
/// Empty documents are skipped.
pub fn parse_yaml_documents(text: &str) -> Result<Vec<JsonValue>, PolicyError> {
    let mut builder = Builder {
        lines: LineTable::new(text),
        anchors: HashMap::new(),
        nodes: 0,
    };
    let mut parser = Parser::new_from_str(text);
    let mut documents = Vec::new();
    loop {
        let (event, span) = next(&mut parser, &builder.lines)?;
        match event {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                let (event, span) = next(&mut parser, &builder.lines)?;
                if matches!(event, Event::DocumentEnd) {
                    continue;
                }
                let value = builder.node(&mut parser, event, span, 0)?;
                if value.kind != JsonKind::Null {
                    documents.push(value);
                }
            }
            other => {
                return Err(builder.error(span.start, format!("unexpected yaml event {other:?}")))
            }
        }
    }
    Ok(documents)
}

fn next<'a>(
    parser: &mut Parser<'a, saphyr_parser::StrInput<'a>>,
    lines: &LineTable,
) -> Result<(Event<'a>, Span), PolicyError> {
    match parser.next() {
        Some(Ok(item)) => Ok(item),
        Some(Err(error)) => Err(scan_error(&error, lines)),
        None => Err(PolicyError::new(
            Pos::NONE,
            "",
            "unexpected end of the yaml stream",
        )),
    }
}

fn scan_error(error: &ScanError, lines: &LineTable) -> PolicyError {
    PolicyError::new(lines.pos(error.marker()), "", error.info().to_owned())
}

struct Builder<'t> {
    lines: LineTable<'t>,
    anchors: HashMap<usize, JsonValue>,
    nodes: usize,
}

impl Builder<'_> {
    fn error(&self, marker: Marker, message: String) -> PolicyError {
        PolicyError::new(self.lines.pos(&marker), "", message)
    }

    fn count(&mut self, marker: Marker, add: usize) -> Result<(), PolicyError> {
        self.nodes = self.nodes.saturating_add(add);
        if self.nodes > MAX_NODES {
            return Err(self.error(
                marker,
                format!("the yaml stream expands to more than {MAX_NODES} nodes"),
            ));
        }
        Ok(())
    }

    fn node<'a>(
        &mut self,
        parser: &mut Parser<'a, saphyr_parser::StrInput<'a>>,
        event: Event<'a>,
        span: Span,
        depth: usize,
    ) -> Result<JsonValue, PolicyError> {
        if depth > MAX_DEPTH {
            return Err(self.error(
                span.start,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.count(span.start, 1)?;
        let pos = self.lines.pos(&span.start);
        let (value, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let is_str_tag = tag.as_ref().is_some_and(|t| t.suffix.ends_with("str"));
                let kind = if style == ScalarStyle::Plain && !is_str_tag {
                    plain_scalar(&text)
                } else {
                    JsonKind::String(text.into_owned())
                };
                (JsonValue { kind, pos }, anchor)
            }
            Event::Alias(id) => {
                let value =
                    self.anchors.get(&id).cloned().ok_or_else(|| {
                        self.error(span.start, format!("unknown yaml alias `{id}`"))
                    })?;
                self.count(span.start, size(&value))?;
                return Ok(value);
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (event, span) = next(parser, &self.lines)?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(parser, event, span, depth + 1)?);
                }
                (
                    JsonValue {
                        kind: JsonKind::Array(items),
                        pos,
                    },
                    anchor,
                )
            }
            Event::MappingStart(anchor, _) => {
                let mut members: Vec<Member> = Vec::new();
                loop {
                    let (event, key_span) = next(parser, &self.lines)?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    let key_value = self.node(parser, event, key_span, depth + 1)?;
                    let key = match key_value.kind {
                        JsonKind::String(s) | JsonKind::Number(s) => s,
                        JsonKind::Bool(b) => b.to_string(),
                        JsonKind::Null => "null".to_owned(),
                        other => {
                            return Err(self.error(
                                key_span.start,
                                format!("expected a scalar mapping key, found {other}"),
                            ))
                        }
                    };
                    if members.iter().any(|m| m.key == key) {
                        return Err(self.error(key_span.start, format!("duplicate key `{key}`")));
                    }
                    let (event, span) = next(parser, &self.lines)?;
                    let value = self.node(parser, event, span, depth + 1)?;
                    members.push(Member {
                        key,
                        key_pos: key_value.pos,
                        value,
                    });
                }
                (
                    JsonValue {
                        kind: JsonKind::Object(members),
                        pos,
                    },
                    anchor,
                )
            }
            other => return Err(self.error(span.start, format!("unexpected yaml event {other:?}"))),
        };
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        Ok(value)
    }
}

/// How many nodes a value holds, to charge alias expansions.
fn size(value: &JsonValue) -> usize {
    match &value.kind {
        JsonKind::Array(items) => 1 + items.iter().map(size).sum::<usize>(),
        JsonKind::Object(members) => 1 + members.iter().map(|m| 1 + size(&m.value)).sum::<usize>(),
        _ => 1,
    }
}

/// A plain scalar under the YAML 1.2 core schema.
fn plain_scalar(text: &str) -> JsonKind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => JsonKind::Null,
        "true" | "True" | "TRUE" => JsonKind::Bool(true),
        "false" | "False" | "FALSE" => JsonKind::Bool(false),
        _ if is_number(text) => JsonKind::Number(text.to_owned()),
        _ => JsonKind::String(text.to_owned()),
    }
}

fn is_number(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    !body.is_empty()
        && body.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && text.parse::<f64>().is_ok()
}

/// Byte offsets of line starts, to turn a marker (line, character column) into a [`Pos`].
struct LineTable<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineTable<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineTable { text, starts }
    }

    fn pos(&self, marker: &Marker) -> Pos {
        let line = marker.line().max(1);
        let start = self
            .starts
            .get(line - 1)
            .copied()
            .unwrap_or(self.text.len());
        let offset = self.text[start..]
            .char_indices()
            .nth(marker.col())
            .map_or(self.text.len(), |(i, _)| start + i);
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(marker.col() + 1).unwrap_or(u32::MAX),
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_several_documents_with_positions() {
        let text = "kind: Role\nrules:\n- verbs: [get, \"list\"]\n---\n---\nkind: ClusterRole\n";
        let docs = parse_yaml_documents(text).unwrap();
        assert_eq!(docs.len(), 2);
        let verb = docs[0].lookup("/rules/0/verbs/1").unwrap();
        assert_eq!(verb.as_str(), Some("list"));
        assert_eq!((verb.pos.line, verb.pos.column), (3, 16));
        assert_eq!(
            docs[1].get("kind").and_then(JsonValue::as_str),
            Some("ClusterRole")
        );
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let docs = parse_yaml_documents("a: ~\nb: true\nc: 12\nd: '12'\ne: x\n").unwrap();
        let kinds: Vec<&JsonKind> = docs[0]
            .as_object()
            .unwrap()
            .iter()
            .map(|m| &m.value.kind)
            .collect();
        assert_eq!(kinds[0], &JsonKind::Null);
        assert_eq!(kinds[1], &JsonKind::Bool(true));
        assert_eq!(kinds[2], &JsonKind::Number("12".into()));
        assert_eq!(kinds[3], &JsonKind::String("12".into()));
        assert_eq!(kinds[4], &JsonKind::String("x".into()));
    }

    #[test]
    fn reports_syntax_errors_with_a_position() {
        let error = parse_yaml_documents("kind: Role\nrules: [a, b\n").unwrap_err();
        assert!(error.pos.line >= 2, "{error:?}");
        let error = parse_yaml_documents("a: 1\na: 2\n").unwrap_err();
        assert_eq!(error.pos.line, 2);
        assert!(error.message.contains("duplicate key `a`"));
    }

    #[test]
    fn expands_aliases_within_the_node_cap() {
        let docs = parse_yaml_documents("x: &v [get, list]\ny: *v\n").unwrap();
        assert_eq!(
            docs[0].lookup("/y/1").and_then(JsonValue::as_str),
            Some("list")
        );
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, prev) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
            let name = ["b", "c", "d", "e", "f", "g", "h", "i"][i];
            bomb.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let error = parse_yaml_documents(&bomb).unwrap_err();
        assert!(error.message.contains("more than"), "{error:?}");
    }
}
