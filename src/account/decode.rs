//! Percent-decoding of the URL-encoded policy documents IAM returns.
//!
//! IAM encodes documents per RFC 3986: `%XX` escapes UTF-8 bytes and `+` is a
//! literal plus, not a space.

/// Why a percent-encoded string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DecodeError {
    /// `%` not followed by two hex digits.
    #[error("invalid percent escape `{escape}` at byte {offset}")]
    BadEscape {
        /// The offending text (up to three characters).
        escape: String,
        /// Byte offset of the `%`.
        offset: usize,
    },
    /// The decoded bytes are not UTF-8.
    #[error("decoded text is not utf-8")]
    NotUtf8,
}

/// Decodes `%XX` escapes in `text`; every other character is kept.
pub(crate) fn percent_decode(text: &str) -> Result<String, DecodeError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
            match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 3;
                }
                _ => {
                    let escape: String = text[i..].chars().take(3).collect();
                    return Err(DecodeError::BadEscape { escape, offset: i });
                }
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| DecodeError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_keeps_plus() {
        assert_eq!(
            percent_decode("%7B%22a%22%3A%20%22x+y%22%7D"),
            Ok(r#"{"a": "x+y"}"#.to_string())
        );
    }

    #[test]
    fn decodes_multibyte_utf8() {
        assert_eq!(percent_decode("caf%C3%A9"), Ok("café".to_string()));
        assert_eq!(percent_decode("%c3%a9"), Ok("é".to_string()));
    }

    #[test]
    fn rejects_truncated_and_non_hex_escapes() {
        assert_eq!(
            percent_decode("ab%2"),
            Err(DecodeError::BadEscape {
                escape: "%2".to_string(),
                offset: 2
            })
        );
        assert!(matches!(
            percent_decode("%zz"),
            Err(DecodeError::BadEscape { offset: 0, .. })
        ));
    }

    #[test]
    fn rejects_invalid_utf8() {
        assert_eq!(percent_decode("%FF%FE"), Err(DecodeError::NotUtf8));
    }
}
