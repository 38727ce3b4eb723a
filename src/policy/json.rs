//! A small, strict JSON parser that keeps the position of every value and key.
//!
//! It accepts exactly RFC 8259 JSON, as AWS does for policy documents, and
//! rejects with a precise position what lenient parsers let through: comments,
//! trailing commas, single quotes, unquoted keys, duplicate keys, raw control
//! characters in strings and anything after the document. The first syntax
//! error stops the parse.
//!
//! The scanner works on bytes and tracks lines as it skips whitespace (the only
//! place a valid document can break a line); columns are counted in characters
//! lazily and incrementally, so minified multi-megabyte input stays linear.

use std::fmt;

use super::model::escape_pointer;
use super::span::Pos;

/// One syntax or structure problem, with where it is and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (line {}, column {})", pos.line, pos.column)]
pub struct PolicyError {
    /// Where the problem is.
    pub pos: Pos,
    /// The JSON pointer of the value the problem is in (`""` for the document).
    pub pointer: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl PolicyError {
    /// A problem at `pos` inside the value named by `pointer`.
    pub fn new(pos: Pos, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        PolicyError {
            pos,
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// Prefixes the pointer with one reference token, as the error travels up
    /// out of the container that held the faulty value.
    fn within(mut self, token: &str) -> Self {
        let mut pointer = String::with_capacity(token.len() + 1 + self.pointer.len());
        pointer.push('/');
        pointer.push_str(&escape_pointer(token));
        pointer.push_str(&self.pointer);
        self.pointer = pointer;
        self
    }
}

/// A JSON value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonValue {
    /// The value.
    pub kind: JsonKind,
    /// Position of its first character (the opening quote of a string).
    pub pos: Pos,
}

/// The kinds of JSON values.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept as written (`1`, `-0.5e3`).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object, members in document order (keys are unique).
    Object(Vec<Member>),
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key, unescaped.
    pub key: String,
    /// Position of the key's opening quote.
    pub key_pos: Pos,
    /// The value.
    pub value: JsonValue,
}

impl JsonKind {
    /// A short description for messages: `a string`, `an array`...
    pub fn describe(&self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "an array",
            JsonKind::Object(_) => "an object",
        }
    }
}

impl JsonValue {
    /// The string, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JsonKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, when this is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            JsonKind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The elements, when this is an array.
    pub fn as_array(&self) -> Option<&[JsonValue]> {
        match &self.kind {
            JsonKind::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The member `key` of an object (exact, case-sensitive match).
    pub fn get(&self, key: &str) -> Option<&JsonValue> {
        self.as_object()?
            .iter()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    /// The value at an RFC 6901 JSON pointer (`""` is the value itself), to turn a
    /// finding's pointer back into a position.
    pub fn lookup(&self, pointer: &str) -> Option<&JsonValue> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut current = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = raw.replace("~1", "/").replace("~0", "~");
            current = match &current.kind {
                JsonKind::Object(members) => &members.iter().find(|m| m.key == token)?.value,
                JsonKind::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(current)
    }
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Deepest nesting accepted, so hostile input cannot overflow the stack.
pub const MAX_DEPTH: usize = 256;

/// Parses one JSON document strictly (see the module documentation).
///
/// A leading UTF-8 byte order mark is skipped and does not count as a column.
pub fn parse_json(text: &str) -> Result<JsonValue, PolicyError> {
    let mut parser = Parser::new(text);
    parser.skip_whitespace()?;
    let value = parser.parse_value(0)?;
    parser.skip_whitespace()?;
    if parser.peek().is_some() {
        let found = parser.describe_at(parser.at);
        return Err(parser.error(
            parser.at,
            format!("expected end of document after the top-level value, found {found}"),
        ));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    line: u32,
    line_start: usize,
    /// Byte offset and column of the last computed position on the current line.
    col_offset: usize,
    col: u32,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Parser {
            text,
            bytes: text.as_bytes(),
            at: start,
            line: 1,
            line_start: start,
            col_offset: start,
            col: 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// The position of byte `offset`: incremental on the current line, by a
    /// rescan for earlier lines (only error paths look back).
    fn pos(&mut self, offset: usize) -> Pos {
        let offset = offset.min(self.bytes.len());
        if offset < self.line_start {
            return rescan_pos(self.bytes, offset);
        }
        if self.col_offset < self.line_start || offset < self.col_offset {
            self.col_offset = self.line_start;
            self.col = 1;
        }
        let chars = self.bytes[self.col_offset..offset]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count();
        self.col += u32::try_from(chars).unwrap_or(u32::MAX);
        self.col_offset = offset;
        Pos {
            line: self.line,
            column: self.col,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
        }
    }

    fn error(&mut self, offset: usize, message: impl Into<String>) -> PolicyError {
        let pos = self.pos(offset);
        PolicyError::new(pos, "", message)
    }

    /// A missing comma, reported where it belongs: right after the previous element
    /// (ending at `end`), naming where the next one starts.
    fn missing_comma(&mut self, end: usize, what: &str) -> PolicyError {
        let next = self.pos(self.at);
        let mut error = self.error(end, format!("missing `,` after this {what}"));
        error.message.push_str(&format!(
            " (the next one starts at line {}, column {})",
            next.line, next.column
        ));
        error
    }

    /// Describes the character at `offset` for a message: `` `x` `` or `end of input`.
    fn describe_at(&self, offset: usize) -> String {
        match self.text.get(offset..).and_then(|rest| rest.chars().next()) {
            None => "end of input".to_string(),
            Some(c) => describe_char(c),
        }
    }

    fn skip_whitespace(&mut self) -> Result<(), PolicyError> {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b' ' | b'\t' | b'\r' => self.at += 1,
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                    self.line_start = self.at;
                }
                b'/' if matches!(self.bytes.get(self.at + 1), Some(b'/' | b'*')) => {
                    return Err(self.error(self.at, "comments are not allowed in JSON"));
                }
                _ => break,
            }
        }
        Ok(())
    }

    fn parse_value(&mut self, depth: usize) -> Result<JsonValue, PolicyError> {
        let start = self.at;
        let Some(b) = self.peek() else {
            return Err(self.error(start, "expected a JSON value, found end of input"));
        };
        let kind = match b {
            b'{' => return self.parse_object(depth),
            b'[' => return self.parse_array(depth),
            b'"' => {
                let pos = self.pos(start);
                let s = self.parse_string()?;
                return Ok(JsonValue {
                    kind: JsonKind::String(s),
                    pos,
                });
            }
            b'-' | b'0'..=b'9' => JsonKind::Number(self.parse_number()?),
            b't' if self.bytes[start..].starts_with(b"true") => {
                self.at += 4;
                JsonKind::Bool(true)
            }
            b'f' if self.bytes[start..].starts_with(b"false") => {
                self.at += 5;
                JsonKind::Bool(false)
            }
            b'n' if self.bytes[start..].starts_with(b"null") => {
                self.at += 4;
                JsonKind::Null
            }
            b'\'' => {
                return Err(self.error(start, "strings must use double quotes, found `'`"));
            }
            _ => {
                let found = self.describe_at(start);
                return Err(self.error(start, format!("expected a JSON value, found {found}")));
            }
        };
        // A literal or number must not run into letters (`truex`, `12abc`).
        if let Some(next) = self.peek() {
            if next.is_ascii_alphanumeric() || next == b'_' {
                let found = self.describe_at(self.at);
                return Err(self.error(
                    start,
                    format!("invalid literal: expected `true`, `false`, `null` or a number, found {found} inside it"),
                ));
            }
        }
        let pos = self.pos(start);
        Ok(JsonValue { kind, pos })
    }

    fn parse_number(&mut self) -> Result<String, PolicyError> {
        let start = self.at;
        let bytes = self.bytes;
        let mut i = start;
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'0') => {
                i += 1;
                if bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    return Err(self.error(start, "numbers must not have leading zeros"));
                }
            }
            Some(b'1'..=b'9') => {
                while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return Err(self.error(start, "expected a digit in number")),
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            if !bytes.get(i).is_some_and(u8::is_ascii_digit) {
                return Err(self.error(i, "expected a digit after `.` in number"));
            }
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !bytes.get(i).is_some_and(u8::is_ascii_digit) {
                return Err(self.error(i, "expected a digit in the exponent of number"));
            }
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        self.at = i;
        Ok(self.text[start..i].to_string())
    }

    /// Parses a string starting at the opening quote at `self.at`.
    fn parse_string(&mut self) -> Result<String, PolicyError> {
        let open = self.at;
        let bytes = self.bytes;
        let mut i = open + 1;
        // Fast path: no escapes.
        loop {
            match bytes.get(i) {
                None => return Err(self.error(open, "unterminated string")),
                Some(b'"') => {
                    self.at = i + 1;
                    return Ok(self.text[open + 1..i].to_string());
                }
                Some(b'\\') => break,
                Some(&b) if b < 0x20 => return Err(self.control_error(i, b)),
                Some(_) => i += 1,
            }
        }
        let mut out = String::with_capacity(i - open + 16);
        out.push_str(&self.text[open + 1..i]);
        let mut run = i;
        loop {
            match bytes.get(i) {
                None => return Err(self.error(open, "unterminated string")),
                Some(b'"') => {
                    out.push_str(&self.text[run..i]);
                    self.at = i + 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(&self.text[run..i]);
                    i = self.parse_escape(i, &mut out)?;
                    run = i;
                }
                Some(&b) if b < 0x20 => return Err(self.control_error(i, b)),
                Some(_) => i += 1,
            }
        }
    }

    fn control_error(&mut self, offset: usize, byte: u8) -> PolicyError {
        let hint = match byte {
            b'\n' => " (write a line break as `\\n`)",
            b'\t' => " (write a tab as `\\t`)",
            b'\r' => " (write a carriage return as `\\r`)",
            _ => "",
        };
        self.error(
            offset,
            format!("control character U+{byte:04X} is not allowed in a string{hint}"),
        )
    }

    /// Decodes the escape starting at the backslash at `at`; returns the offset after it.
    fn parse_escape(&mut self, at: usize, out: &mut String) -> Result<usize, PolicyError> {
        let c = match self.bytes.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4(at)?;
                let mut next = at + 6;
                let code = if (0xD800..0xDC00).contains(&high) {
                    let low = if self.bytes.get(next..next + 2) == Some(b"\\u") {
                        self.hex4(next)?
                    } else {
                        0
                    };
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.error(
                            at,
                            "invalid unicode escape: a high surrogate must be followed by a low surrogate",
                        ));
                    }
                    next += 6;
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..0xE000).contains(&high) {
                    return Err(self.error(at, "invalid unicode escape: lone low surrogate"));
                } else {
                    high
                };
                match char::from_u32(code) {
                    Some(c) => out.push(c),
                    None => return Err(self.error(at, "invalid unicode escape")),
                }
                return Ok(next);
            }
            None => return Err(self.error(at, "unterminated string")),
            Some(_) => {
                let found = self.describe_at(at + 1);
                return Err(self.error(
                    at,
                    format!("invalid escape `\\` followed by {found}: expected one of `\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX`"),
                ));
            }
        };
        out.push(c);
        Ok(at + 2)
    }

    /// Reads the four hex digits of the `\uXXXX` escape whose backslash is at `at`.
    fn hex4(&mut self, at: usize) -> Result<u32, PolicyError> {
        let digits = self.bytes.get(at + 2..at + 6);
        let value = digits.and_then(|d| {
            d.iter().try_fold(0u32, |acc, &b| {
                let v = (b as char).to_digit(16)?;
                Some(acc * 16 + v)
            })
        });
        value.ok_or_else(|| {
            self.error(
                at,
                "invalid unicode escape: expected four hex digits after `\\u`",
            )
        })
    }

    fn parse_array(&mut self, depth: usize) -> Result<JsonValue, PolicyError> {
        let open = self.at;
        let pos = self.pos(open);
        if depth >= MAX_DEPTH {
            return Err(self.error(open, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.at += 1;
        let mut items = Vec::new();
        self.skip_whitespace()?;
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(JsonValue {
                kind: JsonKind::Array(items),
                pos,
            });
        }
        loop {
            let index = items.len();
            let value = self
                .parse_value(depth + 1)
                .map_err(|e| e.within(&index.to_string()))?;
            items.push(value);
            let end = self.at;
            self.skip_whitespace()?;
            match self.peek() {
                Some(b']') => {
                    self.at += 1;
                    break;
                }
                Some(b',') => {
                    let comma = self.at;
                    self.at += 1;
                    self.skip_whitespace()?;
                    if self.peek() == Some(b']') {
                        return Err(self.error(comma, "trailing comma before `]`"));
                    }
                }
                Some(b) if starts_value(b) => return Err(self.missing_comma(end, "array element")),
                _ => {
                    let found = self.describe_at(self.at);
                    return Err(self.error(
                        self.at,
                        format!("expected `,` or `]` after an array element, found {found}"),
                    ));
                }
            }
        }
        Ok(JsonValue {
            kind: JsonKind::Array(items),
            pos,
        })
    }

    fn parse_object(&mut self, depth: usize) -> Result<JsonValue, PolicyError> {
        let open = self.at;
        let pos = self.pos(open);
        if depth >= MAX_DEPTH {
            return Err(self.error(open, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.at += 1;
        let mut members: Vec<Member> = Vec::new();
        self.skip_whitespace()?;
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(JsonValue {
                kind: JsonKind::Object(members),
                pos,
            });
        }
        // Large objects (account snapshots) check duplicates through a set.
        let mut seen: Option<std::collections::HashSet<String>> = None;
        loop {
            let key_start = self.at;
            match self.peek() {
                Some(b'"') => {}
                Some(b'\'') => {
                    return Err(
                        self.error(key_start, "object keys must use double quotes, found `'`")
                    );
                }
                _ => {
                    let found = self.describe_at(key_start);
                    return Err(self.error(
                        key_start,
                        format!("expected a key in double quotes, found {found}"),
                    ));
                }
            }
            let key_pos = self.pos(key_start);
            let key = self.parse_string()?;
            let duplicate = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => {
                    let dup = members.iter().any(|m| m.key == key);
                    if members.len() >= 16 {
                        let mut set: std::collections::HashSet<String> =
                            members.iter().map(|m| m.key.clone()).collect();
                        set.insert(key.clone());
                        seen = Some(set);
                    }
                    dup
                }
            };
            if duplicate {
                let first = members
                    .iter()
                    .find(|m| m.key == key)
                    .map(|m| m.key_pos)
                    .unwrap_or_default();
                return Err(self.error(
                    key_start,
                    format!(
                        "duplicate key `{key}` (first at line {}, column {})",
                        first.line, first.column
                    ),
                ));
            }
            self.skip_whitespace()?;
            if self.peek() != Some(b':') {
                let found = self.describe_at(self.at);
                return Err(self
                    .error(
                        self.at,
                        format!("expected `:` after object key, found {found}"),
                    )
                    .within(&key));
            }
            self.at += 1;
            self.skip_whitespace()?;
            let value = self.parse_value(depth + 1).map_err(|e| e.within(&key))?;
            members.push(Member {
                key,
                key_pos,
                value,
            });
            let end = self.at;
            self.skip_whitespace()?;
            match self.peek() {
                Some(b'}') => {
                    self.at += 1;
                    break;
                }
                Some(b',') => {
                    let comma = self.at;
                    self.at += 1;
                    self.skip_whitespace()?;
                    if self.peek() == Some(b'}') {
                        return Err(self.error(comma, "trailing comma before `}`"));
                    }
                }
                Some(b'"') => return Err(self.missing_comma(end, "object member")),
                _ => {
                    let found = self.describe_at(self.at);
                    return Err(self.error(
                        self.at,
                        format!("expected `,` or `}}` after an object member, found {found}"),
                    ));
                }
            }
        }
        Ok(JsonValue {
            kind: JsonKind::Object(members),
            pos,
        })
    }
}

/// The position of `offset` computed from the start of the text.
fn rescan_pos(bytes: &[u8], offset: usize) -> Pos {
    let before = &bytes[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        + 1;
    Pos {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
        offset: u32::try_from(offset).unwrap_or(u32::MAX),
    }
}

/// Whether byte `b` can start a JSON value (so a comma is what is missing before it).
fn starts_value(b: u8) -> bool {
    matches!(
        b,
        b'"' | b'{' | b'[' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
    )
}

fn describe_char(c: char) -> String {
    match c {
        '\n' => "a line break".to_string(),
        '\t' => "a tab".to_string(),
        '`' => "a backtick".to_string(),
        c if c.is_control() => format!("control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The syntax error of `text`, as `(line, column, message)`.
    fn syntax_error(text: &str) -> (u32, u32, String) {
        match parse_json(text) {
            Ok(value) => panic!("expected an error, parsed {value:?}"),
            Err(e) => (e.pos.line, e.pos.column, e.message),
        }
    }

    #[test]
    fn parses_values_with_positions_and_key_order() {
        let value = parse_json("{\n  \"b\": [1, -2.5e+3, true],\n  \"a\": {\"x\": null, \"é\": \"\\u00e9\\n\\ud83d\\ude00\"}\n}")
            .expect("valid");
        let members = value.as_object().expect("object");
        let keys: Vec<&str> = members.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!((members[0].key_pos.line, members[0].key_pos.column), (2, 3));
        let b = &members[0].value;
        assert_eq!((b.pos.line, b.pos.column), (2, 8));
        let items = b.as_array().expect("array");
        assert_eq!(items[1].kind, JsonKind::Number("-2.5e+3".to_string()));
        assert_eq!(items[1].pos.column, 12);
        assert_eq!(items[2].kind, JsonKind::Bool(true));
        let text = value.lookup("/a/é").and_then(JsonValue::as_str);
        assert_eq!(text, Some("é\n😀"));
        assert_eq!(value.lookup("/b/2").map(|v| v.pos.column), Some(21));
        assert!(value.lookup("/b/3").is_none());
        assert!(value.get("a").and_then(|a| a.get("x")).is_some());
    }

    #[test]
    fn reports_missing_comma_in_array() {
        let (line, column, message) = syntax_error("[\n\"a\"\n\"b\"]");
        assert_eq!((line, column), (2, 4));
        assert_eq!(
            message,
            "missing `,` after this array element (the next one starts at line 3, column 1)"
        );
    }

    #[test]
    fn reports_missing_comma_in_object() {
        let (line, column, message) = syntax_error("{\"a\": 1 \"b\": 2}");
        assert_eq!((line, column), (1, 8));
        assert_eq!(
            message,
            "missing `,` after this object member (the next one starts at line 1, column 9)"
        );
    }

    #[test]
    fn reports_trailing_commas_at_the_comma() {
        assert_eq!(
            syntax_error("[1,\n]"),
            (1, 3, "trailing comma before `]`".to_string())
        );
        assert_eq!(
            syntax_error("{\"a\": 1 , }"),
            (1, 9, "trailing comma before `}`".to_string())
        );
    }

    #[test]
    fn reports_comments() {
        assert_eq!(
            syntax_error("{\n  // note\n}"),
            (2, 3, "comments are not allowed in JSON".to_string())
        );
        assert_eq!(
            syntax_error("[1, /* x */ 2]"),
            (1, 5, "comments are not allowed in JSON".to_string())
        );
    }

    #[test]
    fn reports_unquoted_keys_and_single_quotes() {
        assert_eq!(
            syntax_error("{Effect: \"Allow\"}"),
            (
                1,
                2,
                "expected a key in double quotes, found `E`".to_string()
            )
        );
        assert_eq!(
            syntax_error("{'Effect': 1}"),
            (
                1,
                2,
                "object keys must use double quotes, found `'`".to_string()
            )
        );
        assert_eq!(
            syntax_error("{\"Effect\": 'Allow'}"),
            (
                1,
                12,
                "strings must use double quotes, found `'`".to_string()
            )
        );
    }

    #[test]
    fn reports_duplicate_keys_with_first_position() {
        let (line, column, message) =
            syntax_error("{\"Effect\": \"Allow\",\n \"Effect\": \"Deny\"}");
        assert_eq!((line, column), (2, 2));
        assert_eq!(
            message,
            "duplicate key `Effect` (first at line 1, column 2)"
        );
    }

    #[test]
    fn detects_duplicates_in_large_objects() {
        let mut text = String::from("{");
        for i in 0..40 {
            text.push_str(&format!("\"k{i}\": {i}, "));
        }
        text.push_str("\"k7\": 0}");
        let (_, _, message) = syntax_error(&text);
        assert!(message.starts_with("duplicate key `k7`"), "{message}");
    }

    #[test]
    fn reports_control_characters_in_strings() {
        assert_eq!(
            syntax_error("[\"a\nb\"]"),
            (
                1,
                4,
                "control character U+000A is not allowed in a string (write a line break as `\\n`)"
                    .to_string()
            )
        );
        let (_, column, message) = syntax_error("[\"é\u{1}\"]");
        assert_eq!(column, 4);
        assert_eq!(
            message,
            "control character U+0001 is not allowed in a string"
        );
    }

    #[test]
    fn reports_trailing_garbage() {
        assert_eq!(
            syntax_error("{}\n}"),
            (
                2,
                1,
                "expected end of document after the top-level value, found `}`".to_string()
            )
        );
        // Two documents pasted together, as in the reference text.
        let (line, column, _) = syntax_error("{}{}");
        assert_eq!((line, column), (1, 3));
    }

    #[test]
    fn reports_bad_literals_numbers_and_escapes() {
        assert_eq!(syntax_error("tru").2, "expected a JSON value, found `t`");
        assert!(syntax_error("[truex]").2.starts_with("invalid literal"));
        assert_eq!(
            syntax_error("[01]").2,
            "numbers must not have leading zeros"
        );
        assert_eq!(
            syntax_error("[1.]"),
            (1, 4, "expected a digit after `.` in number".to_string())
        );
        assert_eq!(syntax_error("[-]").2, "expected a digit in number");
        assert_eq!(
            syntax_error("[1e]").2,
            "expected a digit in the exponent of number"
        );
        assert!(syntax_error("[\"\\x\"]").2.starts_with("invalid escape"));
        assert!(syntax_error("[\"\\u12\"]").2.contains("four hex digits"));
        assert!(syntax_error("[\"\\ud800\"]").2.contains("low surrogate"));
        assert!(syntax_error("[\"\\udc00\"]")
            .2
            .contains("lone low surrogate"));
    }

    #[test]
    fn reports_unterminated_input() {
        assert_eq!(
            syntax_error(""),
            (
                1,
                1,
                "expected a JSON value, found end of input".to_string()
            )
        );
        assert_eq!(syntax_error("[\"abc").2, "unterminated string");
        assert_eq!(
            syntax_error("{\"a\": [1").2,
            "expected `,` or `]` after an array element, found end of input"
        );
        assert_eq!(
            syntax_error("{\"a\" 1}").2,
            "expected `:` after object key, found `1`"
        );
    }

    #[test]
    fn pointer_names_the_container_of_a_syntax_error() {
        let error =
            parse_json("{\"Statement\": [{\"Action\": [\"a\" \"b\"]}]}").expect_err("invalid");
        assert_eq!(error.pointer, "/Statement/0/Action");
        let error = parse_json("{\"a/b\": {\"c\": tru}}").expect_err("invalid");
        assert_eq!(error.pointer, "/a~1b/c");
    }

    #[test]
    fn limits_nesting_depth() {
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert!(syntax_error(&deep).2.starts_with("nesting deeper than"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_json(&ok).is_ok());
    }

    #[test]
    fn skips_byte_order_mark_without_counting_it() {
        let value = parse_json("\u{feff}{\"a\": 1}").expect("valid");
        assert_eq!(value.pos.column, 1);
        assert_eq!(value.get("a").map(|v| v.pos.column), Some(7));
    }

    #[test]
    fn counts_columns_incrementally_on_long_lines() {
        let mut text = String::from("[");
        for i in 0..2000 {
            text.push_str(&format!("\"é{i}\","));
        }
        text.push_str("1]");
        let value = parse_json(&text).expect("valid");
        let items = value.as_array().expect("array");
        assert_eq!(items[0].pos.column, 2);
        assert_eq!(items[1].pos.column, 7);
        let last = items.last().expect("non-empty");
        assert_eq!(last.pos.column as usize, text.chars().count() - 1);
    }

    #[test]
    fn displays_message_with_position() {
        let error = parse_json("[1,]").expect_err("invalid");
        assert_eq!(
            error.to_string(),
            "trailing comma before `]` (line 1, column 3)"
        );
    }

    fn check_positions(text: &str, value: &JsonValue) {
        let offset = value.pos.offset as usize;
        assert_eq!(rescan_pos(text.as_bytes(), offset), value.pos);
        let first = text.as_bytes()[offset];
        match &value.kind {
            JsonKind::String(_) => assert_eq!(first, b'"'),
            JsonKind::Array(items) => {
                assert_eq!(first, b'[');
                items.iter().for_each(|v| check_positions(text, v));
            }
            JsonKind::Object(members) => {
                assert_eq!(first, b'{');
                for m in members {
                    assert_eq!(
                        rescan_pos(text.as_bytes(), m.key_pos.offset as usize),
                        m.key_pos
                    );
                    check_positions(text, &m.value);
                }
            }
            JsonKind::Number(n) => assert!(text[offset..].starts_with(n.as_str())),
            JsonKind::Bool(b) => assert!(text[offset..].starts_with(&b.to_string())),
            JsonKind::Null => assert!(text[offset..].starts_with("null")),
        }
    }

    /// JSON-ish text: mostly structural characters, so the parser goes deep.
    fn jsonish() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex(r#"[\[\]{}",:0-9a-zA-Z \n\t\\/*'.+eE\-é\x01]{0,120}"#)
            .expect("valid regex")
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_strings(text in proptest::prelude::any::<String>()) {
            if let Err(e) = parse_json(&text) {
                proptest::prop_assert!(e.pos.line >= 1 && e.pos.column >= 1);
                proptest::prop_assert!(e.pos.offset as usize <= text.len());
            }
        }

        #[test]
        fn accepted_jsonish_text_is_valid_json_with_exact_positions(text in jsonish()) {
            match parse_json(&text) {
                Ok(value) => {
                    proptest::prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
                    check_positions(&text, &value);
                }
                Err(e) => {
                    proptest::prop_assert!(e.pos.offset as usize <= text.len());
                    proptest::prop_assert_eq!(rescan_pos(text.as_bytes(), e.pos.offset as usize), e.pos);
                }
            }
        }

        #[test]
        fn rejects_what_serde_json_rejects(text in jsonish()) {
            if serde_json::from_str::<serde_json::Value>(&text).is_err() {
                proptest::prop_assert!(parse_json(&text).is_err());
            }
        }
    }
}
