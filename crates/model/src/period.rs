//! Planning periods: quarters (`2027Q1`) and months (`2027-01`).
//!
//! A period is stored as an ordinal count of its own unit since year 0, so
//! ordering, arithmetic and comparison across granularities (through
//! [`Period::start_month`]) need no calendar code.

use std::fmt;

/// The length of a planning step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Granularity {
    /// Quarters: `2027Q1`.
    Quarter,
    /// Months: `2027-01`.
    Month,
}

impl Granularity {
    /// Months in one period.
    pub fn months(self) -> u32 {
        match self {
            Granularity::Quarter => 3,
            Granularity::Month => 1,
        }
    }

    /// `quarter` or `month`.
    pub fn name(self) -> &'static str {
        match self {
            Granularity::Quarter => "quarter",
            Granularity::Month => "month",
        }
    }
}

/// One planning period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    granularity: Granularity,
    ordinal: i32,
}

/// Why a string is not a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodParseError {
    /// What is wrong, with the text.
    pub message: String,
}

impl fmt::Display for PeriodParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PeriodParseError {}

const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2999;

impl Period {
    /// Quarter `quarter` (1–4) of `year`, if the year is in range.
    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        ((MIN_YEAR..=MAX_YEAR).contains(&year) && (1..=4).contains(&quarter))
            .then(|| Period { granularity: Granularity::Quarter, ordinal: year * 4 + quarter as i32 - 1 })
    }

    /// Month `month` (1–12) of `year`, if the year is in range.
    pub fn month(year: i32, month: u32) -> Option<Period> {
        ((MIN_YEAR..=MAX_YEAR).contains(&year) && (1..=12).contains(&month))
            .then(|| Period { granularity: Granularity::Month, ordinal: year * 12 + month as i32 - 1 })
    }

    /// Parses `2027Q1` (quarter) or `2027-01` (month). Surrounding white
    /// space is not accepted: the caller trims where the format allows it.
    pub fn parse(text: &str) -> Result<Period, PeriodParseError> {
        let fail = |why: &str| PeriodParseError {
            message: format!("`{text}` is not a period: {why}; write a quarter as `2027Q1` or a month as `2027-01`"),
        };
        let bytes = text.as_bytes();
        if bytes.len() < 5 || !bytes[..4].iter().all(u8::is_ascii_digit) {
            return Err(fail("it does not start with a four-digit year"));
        }
        let year: i32 = text[..4].parse().map_err(|_| fail("bad year"))?;
        let rest = &text[4..];
        let number = |digits: &str| -> Option<u32> {
            (!digits.is_empty() && digits.len() <= 2 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
        };
        let period = if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
            let q = number(q).ok_or_else(|| fail("the quarter is not a number"))?;
            Period::quarter(year, q).ok_or_else(|| {
                if (1..=4).contains(&q) {
                    fail(&format!("the year is outside {MIN_YEAR}..{MAX_YEAR}"))
                } else {
                    fail("a quarter is 1 to 4")
                }
            })?
        } else if let Some(m) = rest.strip_prefix('-') {
            if m.len() != 2 {
                return Err(fail("the month needs two digits"));
            }
            let m = number(m).ok_or_else(|| fail("the month is not a number"))?;
            Period::month(year, m).ok_or_else(|| {
                if (1..=12).contains(&m) {
                    fail(&format!("the year is outside {MIN_YEAR}..{MAX_YEAR}"))
                } else {
                    fail("a month is 01 to 12")
                }
            })?
        } else {
            return Err(fail("expected `Q` or `-` after the year"));
        };
        Ok(period)
    }

    /// Quarter or month.
    pub fn granularity(self) -> Granularity {
        self.granularity
    }

    /// The calendar year it is in.
    pub fn year(self) -> i32 {
        self.ordinal.div_euclid(self.per_year())
    }

    /// 1-based quarter or month within the year.
    pub fn index_in_year(self) -> u32 {
        self.ordinal.rem_euclid(self.per_year()) as u32 + 1
    }

    fn per_year(self) -> i32 {
        12 / self.granularity.months() as i32
    }

    /// Months since year 0 at which the period starts: compares periods of
    /// different granularities.
    pub fn start_month(self) -> i64 {
        self.ordinal as i64 * self.granularity.months() as i64
    }

    /// Months since year 0 at which the period ends (exclusive).
    pub fn end_month(self) -> i64 {
        self.start_month() + self.granularity.months() as i64
    }

    /// The period `n` steps later (or earlier, for negative `n`).
    pub fn offset(self, n: i32) -> Period {
        Period { granularity: self.granularity, ordinal: self.ordinal + n }
    }

    /// Number of steps from `self` to `later` (negative if `later` is earlier).
    /// Both must have the same granularity.
    pub fn steps_to(self, later: Period) -> i32 {
        debug_assert_eq!(self.granularity, later.granularity);
        later.ordinal - self.ordinal
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.granularity {
            Granularity::Quarter => write!(f, "{}Q{}", self.year(), self.index_in_year()),
            Granularity::Month => write!(f, "{}-{:02}", self.year(), self.index_in_year()),
        }
    }
}

impl std::str::FromStr for Period {
    type Err = PeriodParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_quarters_and_months() {
        for text in ["2027Q1", "2027Q4", "2027-01", "2027-12", "1999Q3"] {
            assert_eq!(Period::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Period::parse("2027q2").unwrap().to_string(), "2027Q2");
    }

    #[test]
    fn rejects_malformed_periods_with_a_reason() {
        for (text, why) in [
            ("2027Q5", "a quarter is 1 to 4"),
            ("2027Q0", "a quarter is 1 to 4"),
            ("2027-13", "a month is 01 to 12"),
            ("2027-1", "two digits"),
            ("27Q1", "four-digit year"),
            ("2027/01", "expected `Q` or `-`"),
            ("", "four-digit year"),
            ("2027Q", "not a number"),
            ("0100Q1", "outside"),
        ] {
            let err = Period::parse(text).unwrap_err().message;
            assert!(err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn arithmetic_crosses_year_boundaries() {
        let q = Period::parse("2027Q4").unwrap();
        assert_eq!(q.offset(1).to_string(), "2028Q1");
        assert_eq!(q.offset(-4).to_string(), "2026Q4");
        assert_eq!(q.steps_to(Period::parse("2028Q3").unwrap()), 3);
        let m = Period::parse("2027-12").unwrap();
        assert_eq!(m.offset(1).to_string(), "2028-01");
    }

    #[test]
    fn months_compare_with_quarters() {
        let q3 = Period::parse("2027Q3").unwrap();
        let jul = Period::parse("2027-07").unwrap();
        let sep = Period::parse("2027-09").unwrap();
        assert_eq!(q3.start_month(), jul.start_month());
        assert_eq!(q3.end_month(), sep.end_month());
    }
}
