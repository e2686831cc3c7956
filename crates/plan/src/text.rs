//! Numbers as people read them in plans, diffs and reports.

/// Dollars with thousands separators, no cents: `$1,234,567`, `-$5`.
pub fn money(x: f64) -> String {
    let whole = x.round() as i64;
    format!("{}${}", if whole < 0 { "-" } else { "" }, thousands(whole.unsigned_abs()))
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `"s"` unless there is exactly one: `format!("{n} machine{}", plural(n))`.
pub fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_thousands() {
        assert_eq!(money(9352950.0), "$9,352,950");
        assert_eq!(money(-1234.4), "-$1,234");
        assert_eq!(money(0.2), "$0");
        assert_eq!(money(-0.2), "$0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
    }
}
