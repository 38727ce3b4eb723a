//! Exact decimal numbers, as the `Numeric` condition operators compare them.

use std::cmp::Ordering;

/// An exact decimal number borrowed from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal<'a> {
    neg: bool,
    /// Integer digits without leading zeros.
    int: &'a str,
    /// Fraction digits without trailing zeros.
    frac: &'a str,
}

impl<'a> Decimal<'a> {
    /// Reads `[+-]digits[.digits]`; anything else (exponents, spaces, `inf`) is not a number.
    pub fn parse(text: &'a str) -> Option<Decimal<'a>> {
        let (neg, body) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
            return None;
        }
        let int = int.trim_start_matches('0');
        let frac = frac.trim_end_matches('0');
        let neg = neg && !(int.is_empty() && frac.is_empty());
        Some(Decimal { neg, int, frac })
    }

    /// Digits after the point, trailing zeros dropped.
    pub fn fraction_digits(&self) -> usize {
        self.frac.len()
    }

    /// The value times `10^digits` as an integer, when `digits` keeps every fraction digit
    /// and the result fits in an `i128`.
    pub fn scaled(&self, digits: usize) -> Option<i128> {
        if self.frac.len() > digits {
            return None;
        }
        let mut n: i128 = 0;
        let padding = std::iter::repeat_n(b'0', digits - self.frac.len());
        for b in self.int.bytes().chain(self.frac.bytes()).chain(padding) {
            n = n.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        Some(if self.neg { -n } else { n })
    }

    fn cmp_magnitude(&self, other: &Self) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(other.int))
            .then_with(|| self.frac.cmp(other.frac))
    }
}

impl Ord for Decimal<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.neg, other.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Decimal<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
/// The decimal text of `scaled / 10^digits`, exactly: the inverse of [`Decimal::scaled`].
pub fn format_scaled(scaled: i128, digits: usize) -> String {
    let sign = if scaled < 0 { "-" } else { "" };
    let magnitude = scaled.unsigned_abs().to_string();
    if digits == 0 {
        return format!("{sign}{magnitude}");
    }
    let padded = format!("{magnitude:0>width$}", width = digits + 1);
    let (int, frac) = padded.split_at(padded.len() - digits);
    format!("{sign}{int}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_round_trips_exactly() {
        for (text, digits, scaled, back) in [
            ("10", 1, 100, "10.0"),
            ("-0.25", 3, -250, "-0.250"),
            ("+7.5", 1, 75, "7.5"),
            ("0.000000000000000000001", 21, 1, "0.000000000000000000001"),
        ] {
            let d = Decimal::parse(text).map(|d| d.scaled(digits));
            assert_eq!(d, Some(Some(scaled)), "{text}");
            assert_eq!(format_scaled(scaled, digits), back);
            assert_eq!(
                Decimal::parse(back).map(|b| b.cmp(&Decimal::parse(text).unwrap())),
                Some(Ordering::Equal)
            );
        }
    }

    #[test]
    fn scaling_refuses_what_does_not_fit() {
        let d = Decimal::parse("1.25").unwrap();
        assert_eq!(d.scaled(1), None);
        let huge = "9".repeat(40);
        assert_eq!(Decimal::parse(&huge).and_then(|d| d.scaled(0)), None);
    }

    #[test]
    fn rejects_what_is_not_a_plain_decimal() {
        for text in ["", "-", ".", "1e5", " 1", "inf", "1.2.3", "0x10"] {
            assert_eq!(Decimal::parse(text), None, "{text:?}");
        }
    }
}
