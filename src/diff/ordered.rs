//! Representatives for the ordered condition families, numbers and dates.
//!
//! A numeric or date test only compares a value with the policy's constants, so the
//! outcome of every test is fixed on each constant and on each open interval between
//! neighbouring constants. One value per point and per interval (and one that does not
//! parse) therefore covers every combination. The values are built exactly, on the same
//! scale the evaluator compares on: decimals with one more fraction digit than any
//! constant, times to the nanosecond.

use super::space::CannotProve;
use crate::eval::date::{format_date, parse_date, NS};
use crate::eval::decimal::{format_scaled, Decimal};

/// Every constant, a value between each neighbouring pair, one below and one above,
/// and a value that is not a number.
pub fn numeric_representatives<'a>(
    values: impl Iterator<Item = &'a str>,
) -> Result<Vec<String>, CannotProve> {
    let decimals: Vec<Decimal<'_>> = values.filter_map(Decimal::parse).collect();
    // One digit more than any constant: neighbouring constants are then at least 10
    // apart on the scale, so `n + 1` lies strictly between them.
    let digits = decimals
        .iter()
        .map(Decimal::fraction_digits)
        .max()
        .unwrap_or(0)
        + 1;
    let scaled: Option<Vec<i128>> = decimals.iter().map(|d| d.scaled(digits)).collect();
    let points = scaled.ok_or_else(|| {
        CannotProve::new("a numeric condition value has too many digits to enumerate exactly")
    })?;
    let mut out: Vec<String> = around(points, 1)
        .into_iter()
        .map(|n| format_scaled(n, digits))
        .collect();
    out.push("not-a-number".to_string());
    Ok(out)
}

/// Like numbers, on the time line: to the second when every constant is a whole second,
/// to the nanosecond otherwise.
pub fn date_representatives<'a>(
    values: impl Iterator<Item = &'a str>,
) -> Result<Vec<String>, CannotProve> {
    let points: Vec<i128> = values.filter_map(parse_date).collect();
    let step = if points.iter().all(|p| p % NS == 0) {
        NS
    } else {
        1
    };
    let mut out = Vec::new();
    for time in around(points, step) {
        out.push(format_date(time).ok_or_else(|| {
            CannotProve::new(
                "a date condition value lies beyond the year 9999 with a fraction of a second",
            )
        })?);
    }
    out.push("not-a-date".to_string());
    Ok(out)
}

/// The sorted distinct points, each with its successor `p + step` (which lies before the
/// next point), and one value below the first; `0` alone when there are no points.
fn around(mut points: Vec<i128>, step: i128) -> Vec<i128> {
    points.sort_unstable();
    points.dedup();
    let (Some(&first), Some(&last)) = (points.first(), points.last()) else {
        return vec![0];
    };
    let mut out = vec![first.saturating_sub(step)];
    for pair in points.windows(2) {
        out.push(pair[0]);
        if pair[1] - pair[0] > step {
            out.push(pair[0] + step);
        }
    }
    out.push(last);
    out.push(last.saturating_add(step));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(values: &[&str]) -> Vec<String> {
        numeric_representatives(values.iter().copied()).unwrap_or_default()
    }

    #[test]
    fn numeric_boundaries_are_covered() {
        let reps = numbers(&["10", "20"]);
        assert_eq!(
            reps,
            ["9.9", "10.0", "10.1", "20.0", "20.1", "not-a-number"]
        );
    }

    #[test]
    fn numbers_closer_than_a_float_can_tell_apart_keep_a_value_between() {
        // As f64 these two are the same number; the interval between them is not empty.
        let reps = numbers(&["1", "1.00000000000000000001"]);
        let between = "1.000000000000000000001";
        assert!(reps.contains(&between.to_string()), "{reps:?}");
    }

    #[test]
    fn exponents_are_not_numbers_to_the_evaluator_so_not_constants_here() {
        assert_eq!(numbers(&["1e3"]), ["0.0", "not-a-number"]);
    }

    #[test]
    fn numbers_beyond_i128_cannot_be_proved() {
        let huge = "9".repeat(40);
        assert!(numeric_representatives([huge.as_str()].into_iter()).is_err());
    }

    #[test]
    fn dates_step_by_seconds_or_nanoseconds() {
        let whole = date_representatives(["2020-01-01T00:00:00Z"].into_iter()).unwrap_or_default();
        assert_eq!(
            whole,
            [
                "2019-12-31T23:59:59Z",
                "2020-01-01T00:00:00Z",
                "2020-01-01T00:00:01Z",
                "not-a-date"
            ]
        );
        let fine =
            date_representatives(["2020-01-01T00:00:00.5Z", "2020-01-01T00:00:01Z"].into_iter())
                .unwrap_or_default();
        assert!(
            fine.contains(&"2020-01-01T00:00:00.500000001Z".to_string()),
            "{fine:?}"
        );
        assert!(
            fine.contains(&"2020-01-01T00:00:00.499999999Z".to_string()),
            "{fine:?}"
        );
    }

    #[test]
    fn offsets_and_epoch_seconds_name_the_same_instant() {
        let a = date_representatives(["2020-01-01T02:00:00+02:00"].into_iter()).unwrap_or_default();
        let b = date_representatives(["1577836800"].into_iter()).unwrap_or_default();
        assert_eq!(a, b);
    }
}
