//! Turning a finding's line and column back into the source text around it.

use super::finding::Location;

/// The source line a location points at, with the character column resolved to bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourcePoint<'a> {
    /// 1-based line number.
    pub line: u32,
    /// The text of that line, without its line ending.
    pub line_text: &'a str,
    /// Byte offset of the line's start in the whole source.
    pub line_start: usize,
    /// Byte offset of the pointed-at character in the whole source
    /// (clamped to the end of the line when the column runs past it).
    pub offset: usize,
    /// 1-based column in characters, as given.
    pub column: u32,
}

impl SourcePoint<'_> {
    /// The number of characters before the pointed-at one on its line, for a caret.
    pub fn chars_before(&self) -> usize {
        self.line_text[..self.offset - self.line_start]
            .chars()
            .count()
    }
}

/// Finds where `location` points in `source`, or `None` when it has no line or the
/// line is past the end of the text.
pub fn locate<'a>(source: &'a str, location: &Location) -> Option<SourcePoint<'a>> {
    let line = location.line.filter(|&l| l > 0)?;
    let column = location.column.unwrap_or(1).max(1);
    let mut line_start = 0;
    for (index, raw) in source.split_inclusive('\n').enumerate() {
        if index + 1 == line as usize {
            let line_text = raw.trim_end_matches(['\n', '\r']);
            let within = line_text
                .char_indices()
                .nth(column as usize - 1)
                .map_or(line_text.len(), |(byte, _)| byte);
            return Some(SourcePoint {
                line,
                line_text,
                line_start,
                offset: line_start + within,
                column,
            });
        }
        line_start += raw.len();
    }
    // A position just past a final newline (an error at end of input).
    let after_final_newline =
        line as usize == source.split_inclusive('\n').count() + 1 && source.ends_with('\n');
    after_final_newline.then_some(SourcePoint {
        line,
        line_text: "",
        line_start: source.len(),
        offset: source.len(),
        column,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32) -> Location {
        Location {
            file: None,
            line: Some(line),
            column: Some(column),
            pointer: String::new(),
        }
    }

    #[test]
    fn resolves_character_columns_to_byte_offsets() {
        let source = "{\n  \"é\": 1x\n}\n";
        let point = locate(source, &at(2, 9)).unwrap();
        assert_eq!(point.line_text, "  \"é\": 1x");
        assert_eq!(&source[point.offset..point.offset + 1], "x");
        assert_eq!(point.chars_before(), 8);
    }

    #[test]
    fn clamps_columns_past_the_end_of_the_line() {
        let point = locate("ab\ncd", &at(1, 40)).unwrap();
        assert_eq!(point.offset, 2);
    }

    #[test]
    fn gives_nothing_for_lines_past_the_end() {
        assert_eq!(locate("ab\ncd", &at(7, 1)), None);
        assert_eq!(locate("ab", &Location::default()), None);
    }

    #[test]
    fn accepts_the_line_after_a_final_newline() {
        let point = locate("ab\n", &at(2, 1)).unwrap();
        assert_eq!(point.offset, 3);
    }
}
