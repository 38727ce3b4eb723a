//! Named source texts, kept so that renderers can print snippets around a position.

use std::io::{self, Read};
use std::path::Path;

/// A named source text (file path, `-` for stdin, or a logical name) used by
/// renderers to print snippets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The file path, `-` for stdin, or a logical name (`role/chalk-broad`).
    pub name: String,
    /// The full text.
    pub text: String,
}

impl SourceFile {
    /// A source from its name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Reads a file, or stdin when `path` is `-`.
    pub fn read(path: &Path) -> io::Result<Self> {
        let text = if path.as_os_str() == "-" {
            let mut text = String::new();
            io::stdin().read_to_string(&mut text)?;
            text
        } else {
            std::fs::read_to_string(path)?
        };
        Ok(SourceFile::new(path.display().to_string(), text))
    }

    /// The text of 1-based line `line`, without its line break (`\n` or `\r\n`).
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let text = self.text.split('\n').nth(index)?;
        Some(text.strip_suffix('\r').unwrap_or(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_lines_without_breaks() {
        let source = SourceFile::new("p.json", "{\r\n  \"a\": 1\n}");
        assert_eq!(source.line_text(1), Some("{"));
        assert_eq!(source.line_text(2), Some("  \"a\": 1"));
        assert_eq!(source.line_text(3), Some("}"));
        assert_eq!(source.line_text(4), None);
        assert_eq!(source.line_text(0), None);
    }
}
