//! Policy documents as the IAM API returns them: URL-encoded (RFC 3986
//! percent-encoding, `%7B%22Version%22...`), and the whitespace-free size AWS
//! counts against its quotas.

use std::borrow::Cow;

/// Decodes a document returned URL-encoded by the IAM API.
///
/// The text is decoded only when, after leading whitespace, it does not start
/// with `{` and it contains `%`. `+` is kept literally (IAM does not use form
/// encoding). When a percent sequence is invalid or the decoded bytes are not
/// UTF-8, the text is returned as is, so that the parser reports the problem
/// against what was actually given.
pub fn decode_document(text: &str) -> Cow<'_, str> {
    if text.trim_start().starts_with('{') || !text.contains('%') {
        return Cow::Borrowed(text);
    }
    match percent_decode(text) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => Cow::Borrowed(text),
    }
}

/// Why a percent-encoded string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
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
pub fn percent_decode(text: &str) -> Result<String, DecodeError> {
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

/// The number of characters in `text` other than whitespace: the size IAM
/// checks against its policy size quotas (it does not count whitespace).
pub fn chars_without_whitespace(text: &str) -> usize {
    // Byte-wise for the usual ASCII document; the same set as `char::is_whitespace` there
    // (which, unlike `u8::is_ascii_whitespace`, includes the vertical tab).
    if text.is_ascii() {
        return text
            .bytes()
            .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
            .count();
    }
    text.chars().filter(|c| !c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_encoded_documents() {
        let encoded = "%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%7D";
        assert_eq!(
            decode_document(encoded),
            "{\n  \"Version\": \"2012-10-17\"}"
        );
    }

    #[test]
    fn counts_whitespace_like_char_is_whitespace() {
        let ascii: String = (0u8..128).map(char::from).collect();
        let want = ascii.chars().filter(|c| !c.is_whitespace()).count();
        assert_eq!(chars_without_whitespace(&ascii), want);
        assert_eq!(chars_without_whitespace("a\u{a0}b \u{e9}"), 3);
    }

    #[test]
    fn keeps_plus_literally() {
        assert_eq!(decode_document("%7B%22a+b%22%7D"), "{\"a+b\"}");
    }

    #[test]
    fn leaves_plain_json_alone_even_with_percent() {
        let text = "  {\"Sid\": \"100%25\"}";
        assert!(matches!(decode_document(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn leaves_text_without_percent_alone() {
        assert!(matches!(
            decode_document("not json"),
            Cow::Borrowed("not json")
        ));
    }

    #[test]
    fn leaves_invalid_percent_sequences_alone() {
        assert_eq!(decode_document("%7B%zz"), "%7B%zz");
        assert_eq!(decode_document("%7B%2"), "%7B%2");
        // Decodes to an invalid UTF-8 byte.
        assert_eq!(decode_document("%FF"), "%FF");
    }

    #[test]
    fn decodes_multibyte_characters() {
        assert_eq!(decode_document("%22%C3%A9%22"), "\"é\"");
    }

    #[test]
    fn counts_characters_without_whitespace() {
        assert_eq!(chars_without_whitespace("{ \"a\" :\n\t\"é\" }"), 9);
        assert_eq!(chars_without_whitespace(""), 0);
    }

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
