//! Source positions that travel with the policy model but never take part in
//! its meaning: two values that differ only in where they were written are equal.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// A 1-based line and column (in characters) plus the byte offset in the source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// Byte offset from the start of the source.
    pub offset: u32,
}

impl Pos {
    /// A position for values that have no source text (live policies, generated data).
    pub const NONE: Pos = Pos {
        line: 0,
        column: 0,
        offset: 0,
    };

    /// Whether this position points into real source text.
    pub fn is_known(self) -> bool {
        self.line > 0
    }
}

/// A value with the position it was read from.
///
/// Equality, ordering and hashing look at `value` only, so policies compare by meaning.
#[derive(Debug, Clone, Default)]
pub struct Located<T> {
    /// The value itself.
    pub value: T,
    /// Where the value starts in its source.
    pub pos: Pos,
}

impl<T> Located<T> {
    /// Wraps `value` read at `pos`.
    pub fn new(value: T, pos: Pos) -> Self {
        Located { value, pos }
    }

    /// Wraps a value that has no source position.
    pub fn unlocated(value: T) -> Self {
        Located {
            value,
            pos: Pos::NONE,
        }
    }
}

impl<T: PartialEq> PartialEq for Located<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Located<T> {}

impl<T: Hash> Hash for Located<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T: PartialOrd> PartialOrd for Located<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord> Ord for Located<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

/// 1-based line and character column of byte `offset` in `text` (an offset inside a
/// character counts as that character's start). For errors that third-party parsers
/// (serde, toml) report as byte offsets.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// serde_json's message without its trailing ` at line L column C` (iamscope reports the
/// position itself, in its own format).
pub fn strip_serde_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\n\u{e9}x\ny";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // `x` sits after a two-byte character; offset 4 is inside it.
        assert_eq!(line_col(text, 4), (2, 1));
        assert_eq!(line_col(text, 5), (2, 2));
        assert_eq!(line_col(text, 7), (3, 1));
        assert_eq!(line_col(text, 99), (3, 2));
    }

    #[test]
    fn strip_serde_position_removes_the_suffix() {
        assert_eq!(
            strip_serde_position("expected `,` or `]` at line 3 column 7"),
            "expected `,` or `]`"
        );
    }

    #[test]
    fn equality_ignores_position() {
        let a = Located::new(
            "s3:GetObject".to_string(),
            Pos {
                line: 1,
                column: 2,
                offset: 3,
            },
        );
        let b = Located::new(
            "s3:GetObject".to_string(),
            Pos {
                line: 9,
                column: 9,
                offset: 99,
            },
        );
        assert_eq!(a, b);
        assert_ne!(a, Located::unlocated("s3:PutObject".to_string()));
    }
}
