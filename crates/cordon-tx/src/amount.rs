//! Exact money: amounts are unsigned integers in the asset's base units (wei, satoshi).
//!
//! Exports write decimal token units (`38313.7948`); floating point would lose wei, so parsing
//! and formatting work on the digits. Proportional rules need `a * b / c` on amounts up to
//! 10^27 (a billion ETH in wei), which overflows `u128`; [`mul_div`] uses a 256-bit product.

use std::fmt;

/// An amount in base units.
pub type Amount = u128;

/// Why a decimal amount could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Empty field.
    #[error("empty amount")]
    Empty,
    /// A leading minus sign: transfers move a non-negative amount.
    #[error("negative amount {0:?}")]
    Negative(String),
    /// Not a decimal number.
    #[error("not a decimal number: {0:?}")]
    NotNumeric(String),
    /// Does not fit 128 bits of base units.
    #[error("amount {0:?} is too large for 128-bit base units")]
    TooLarge(String),
}

/// Parses a decimal amount in whole units (`"38313.7948"`) into base units with `decimals`
/// fractional digits. Digits beyond `decimals` are truncated and reported through the returned
/// flag (true = something was cut), so the caller can warn instead of silently rounding.
pub fn parse_amount(text: &str, decimals: u8) -> Result<(Amount, bool), AmountError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    if s.starts_with('-') {
        return Err(AmountError::Negative(s.to_string()));
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    // Scientific notation appears in some exports (`1e+21`); accept integer mantissa/exponent.
    if let Some((mant, exp)) = s.split_once(['e', 'E']) {
        let exp: i32 = exp
            .parse()
            .map_err(|_| AmountError::NotNumeric(s.to_string()))?;
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let digits = format!("{int}{frac}");
        let point = int.len() as i32 + exp;
        let text = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{digits}{}", "0".repeat(point as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        if exp.abs() > 80 {
            return Err(AmountError::TooLarge(s.to_string()));
        }
        return parse_amount(&text, decimals);
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(AmountError::NotNumeric(s.to_string()));
    }
    let too_large = || AmountError::TooLarge(s.to_string());
    let mut v: u128 = 0;
    for b in int.bytes() {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(b - b'0')))
            .ok_or_else(too_large)?;
    }
    let mut truncated = false;
    for i in 0..usize::from(decimals) {
        let d = frac.as_bytes().get(i).map_or(0, |b| b - b'0');
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(d)))
            .ok_or_else(too_large)?;
    }
    if frac.len() > usize::from(decimals)
        && frac.bytes().skip(usize::from(decimals)).any(|b| b != b'0')
    {
        truncated = true;
    }
    Ok((v, truncated))
}

/// Formats base units as a decimal in whole units, without trailing zeros (`38313.7948`).
pub fn format_amount(v: Amount, decimals: u8) -> String {
    Decimal(v, decimals).to_string()
}

/// Display adapter: base units shown as whole units.
#[derive(Debug, Clone, Copy)]
pub struct Decimal(pub Amount, pub u8);

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (v, d) = (self.0, u32::from(self.1));
        if d == 0 {
            return write!(f, "{v}");
        }
        let Some(scale) = 10u128.checked_pow(d) else {
            return write!(f, "{v}e-{d}");
        };
        let (int, frac) = (v / scale, v % scale);
        if frac == 0 {
            return write!(f, "{int}");
        }
        let frac = format!("{frac:0width$}", width = d as usize);
        write!(f, "{int}.{}", frac.trim_end_matches('0'))
    }
}

/// `floor(a * b / c)` without overflow for any `u128` inputs; `c == 0` gives 0 (a share of
/// nothing is nothing). The result saturates at `u128::MAX`, which callers cap anyway.
pub fn mul_div(a: u128, b: u128, c: u128) -> u128 {
    if c == 0 {
        return 0;
    }
    if let Some(p) = a.checked_mul(b) {
        return p / c;
    }
    let (hi, lo) = mul_wide(a, b);
    if hi >= c {
        return u128::MAX;
    }
    // Schoolbook long division of the 256-bit (hi, lo) by c, one bit at a time.
    let mut rem = hi;
    let mut q: u128 = 0;
    for i in (0..128).rev() {
        let carry = rem >> 127;
        rem = (rem << 1) | ((lo >> i) & 1);
        q <<= 1;
        if carry == 1 || rem >= c {
            rem = rem.wrapping_sub(c);
            q |= 1;
        }
    }
    q
}

fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    let mask = u128::from(u64::MAX);
    let (a1, a0) = (a >> 64, a & mask);
    let (b1, b0) = (b >> 64, b & mask);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 64) + (p01 & mask) + (p10 & mask);
    let lo = (p00 & mask) | (mid << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_exact_decimals() {
        assert_eq!(
            parse_amount("38313.7948", 18),
            Ok((38_313_794_800_000_000_000_000, false))
        );
        assert_eq!(
            parse_amount("0.1", 18),
            Ok((100_000_000_000_000_000, false))
        );
        assert_eq!(parse_amount("1e3", 0), Ok((1000, false)));
        assert_eq!(parse_amount("1.5", 0), Ok((1, true)));
        assert!(matches!(
            parse_amount("-1", 18),
            Err(AmountError::Negative(_))
        ));
        assert!(matches!(
            parse_amount("abc", 18),
            Err(AmountError::NotNumeric(_))
        ));
        assert!(matches!(
            parse_amount("1.2.3", 18),
            Err(AmountError::NotNumeric(_))
        ));
        assert!(matches!(
            parse_amount("NaN", 18),
            Err(AmountError::NotNumeric(_))
        ));
        assert!(matches!(
            parse_amount("1e30", 18),
            Err(AmountError::TooLarge(_))
        ));
        assert_eq!(parse_amount("", 18), Err(AmountError::Empty));
    }

    #[test]
    fn formats_without_trailing_zeros() {
        assert_eq!(
            format_amount(38_313_794_800_000_000_000_000, 18),
            "38313.7948"
        );
        assert_eq!(format_amount(10_000 * 10u128.pow(18), 18), "10000");
        assert_eq!(format_amount(5, 0), "5");
    }

    #[test]
    fn mul_div_handles_wide_products() {
        let wei = 10u128.pow(18);
        // A billion ETH times a billion ETH over a billion ETH.
        let b = 1_000_000_000 * wei;
        assert_eq!(mul_div(b, b, b), b);
        assert_eq!(
            mul_div(8 * wei, 5 * wei, 15 * wei),
            2_666_666_666_666_666_666
        );
        assert_eq!(mul_div(1, 1, 0), 0);
    }

    proptest! {
        #[test]
        fn mul_div_matches_u128_when_no_overflow(a in 0u64.., b in 0u64.., c in 1u64..) {
            let want = u128::from(a) * u128::from(b) / u128::from(c);
            prop_assert_eq!(mul_div(u128::from(a), u128::from(b), u128::from(c)), want);
        }

        #[test]
        fn mul_div_share_never_exceeds_whole(a: u128, b in 0u128..=u128::MAX, c in 1u128..) {
            // a * (b/c) with b <= c never exceeds a.
            let (b, c) = if b <= c { (b, c) } else { (c, b) };
            prop_assert!(mul_div(a, b, c) <= a);
        }

        #[test]
        fn format_parse_roundtrip(v: u128) {
            let s = format_amount(v, 18);
            prop_assert_eq!(parse_amount(&s, 18), Ok((v, false)));
        }
    }
}
