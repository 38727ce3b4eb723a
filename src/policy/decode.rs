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
        Some(decoded) => Cow::Owned(decoded),
        None => Cow::Borrowed(text),
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex(*bytes.get(i + 1)?)?;
            let lo = hex(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The number of characters in `text` other than whitespace: the size IAM
/// checks against its policy size quotas (it does not count whitespace).
pub fn chars_without_whitespace(text: &str) -> usize {
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
}
