//! Limits on text that several features share (one number, stated once).

/// Longest item title.
pub const MAX_TITLE: usize = 200;
/// Longest description or comment (characters).
pub const MAX_TEXT: usize = 20_000;

/// `n` with its thousands grouped the way messages write them: 20000 → "20,000".
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(120), "120");
        assert_eq!(grouped(2_000), "2,000");
        assert_eq!(grouped(20_000), "20,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
