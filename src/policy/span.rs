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

#[cfg(test)]
mod tests {
    use super::*;

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
