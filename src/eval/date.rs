//! Dates and times, as the `Date` condition operators read them: ISO 8601 or epoch seconds,
//! to the nanosecond.

/// Nanoseconds in a second.
pub const NS: i128 = 1_000_000_000;

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses an ISO 8601 date/time or integer epoch seconds into nanoseconds since the epoch.
pub fn parse_date(text: &str) -> Option<i128> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i128 = text.parse().ok()?;
        return Some(secs * NS);
    }
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    // `get` rather than indexing: the bytes past the checked dashes may be inside a character.
    let (y, m, d) = (
        num(text.get(0..4)?)?,
        num(text.get(5..7)?)?,
        num(text.get(8..10)?)?,
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut nanos = i128::from(days_from_civil(y, m, d)) * 86_400 * NS;
    let rest = text.get(10..)?;
    if rest.is_empty() {
        return Some(nanos);
    }
    let rest = rest.strip_prefix(['T', 't'])?;
    // Split off the zone designator.
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (time, zone) = rest.split_at(zone_at);
    let mut parts = time.splitn(3, ':');
    let h = num(parts.next()?)?;
    let mi = num(parts.next()?)?;
    let (s, frac) = match parts.next() {
        Some(sec) => {
            let (s, f) = sec.split_once('.').unwrap_or((sec, ""));
            if !f.bytes().all(|b| b.is_ascii_digit()) || f.len() > 9 {
                return None;
            }
            (num(s)?, f)
        }
        None => (0, ""),
    };
    if h > 24 || mi > 59 || s > 60 {
        return None;
    }
    let frac_ns: i128 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().ok()?
    };
    nanos += i128::from(h * 3600 + mi * 60 + s) * NS + frac_ns;
    let offset_secs = match zone {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let z = zone.get(1..)?;
            let (zh, zm) = match z.split_once(':') {
                Some((a, b)) => (num(a)?, num(b)?),
                None if z.len() == 4 => (num(z.get(..2)?)?, num(z.get(2..)?)?),
                None if z.len() == 2 => (num(z)?, 0),
                None => return None,
            };
            sign * (zh * 3600 + zm * 60)
        }
    };
    Some(nanos - i128::from(offset_secs) * NS)
}
/// The proleptic Gregorian `(year, month, day)` of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Text that [`parse_date`] reads back as exactly `nanos`: ISO 8601 in UTC (with a
/// fraction only when needed) for years 0000 to 9999, epoch seconds outside them; `None`
/// for a time outside those years that is not a whole second, which has no such text.
pub fn format_date(nanos: i128) -> Option<String> {
    let secs = nanos.div_euclid(NS);
    let frac = nanos.rem_euclid(NS);
    let days = i64::try_from(secs.div_euclid(86_400)).ok()?;
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return (frac == 0).then(|| secs.to_string());
    }
    let clock = secs.rem_euclid(86_400);
    let mut out = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        clock / 3600,
        clock % 3600 / 60,
        clock % 60
    );
    if frac != 0 {
        out.push_str(&format!(".{frac:09}"));
    }
    out.push('Z');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_with_multibyte_characters_are_not_dates() {
        // Each has a character that straddles a byte offset the parser looks at.
        for text in [
            "2020-01-0\u{e9}",
            "2020-01-01T00:00+a\u{20ac}",
            "2020-01-01\u{e9}",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
        assert!(parse_date("2020-01-01T00:00+0130").is_some());
    }

    #[test]
    fn formatting_round_trips_to_the_nanosecond() {
        for text in [
            "2026-11-27T05:49:49Z",
            "1970-01-01T00:00:00.000000001Z",
            "1969-12-31T23:59:59.999999999Z",
            "0000-03-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            let nanos = parse_date(text).unwrap();
            assert_eq!(format_date(nanos).as_deref(), Some(text));
        }
        assert_eq!(
            parse_date("2020-01-01T02:00:00+02:00"),
            parse_date("2020-01-01T00:00:00Z")
        );
    }

    #[test]
    fn times_beyond_year_9999_are_epoch_seconds_or_nothing() {
        let far = 400_000_000_000 * NS;
        assert_eq!(format_date(far).as_deref(), Some("400000000000"));
        assert_eq!(parse_date("400000000000"), Some(far));
        assert_eq!(format_date(far + 1), None);
    }
}
