//! When an X.509 certificate expires: just enough DER to read `notAfter`,
//! so `expect.cert_days` needs no certificate-parsing dependency.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SEQUENCE: u8 = 0x30;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const EXPLICIT_VERSION: u8 = 0xa0;

/// `notAfter` of a DER certificate, or `None` when it cannot be read.
pub fn not_after(der: &[u8]) -> Option<SystemTime> {
    let (certificate, _) = element(der, SEQUENCE)?;
    let (mut tbs, _) = element(certificate, SEQUENCE)?;
    if tbs.first() == Some(&EXPLICIT_VERSION) {
        tbs = skip(tbs)?;
    }
    let after_serial = skip(tbs)?;
    let after_signature = skip(after_serial)?;
    let after_issuer = skip(after_signature)?;
    let (validity, _) = element(after_issuer, SEQUENCE)?;
    let after_not_before = skip(validity)?;
    let (&tag, _) = after_not_before.split_first()?;
    let (time, _) = element(after_not_before, tag)?;
    let seconds = match tag {
        UTC_TIME => parse_time(time, 2)?,
        GENERALIZED_TIME => parse_time(time, 4)?,
        _ => return None,
    };
    Some(if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
    })
}

/// The contents of the element at the start of `input` if it has `tag`,
/// and what follows it.
fn element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&found, rest) = input.split_first()?;
    if found != tag {
        return None;
    }
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let bytes = (first & 0x7f) as usize;
        if bytes == 0 || bytes > 4 || rest.len() < bytes {
            return None;
        }
        let len = rest[..bytes]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        rest = &rest[bytes..];
        len
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}

fn skip(input: &[u8]) -> Option<&[u8]> {
    let (&tag, _) = input.split_first()?;
    element(input, tag).map(|(_, rest)| rest)
}

/// `YYMMDDHHMMSSZ` (UTCTime) or `YYYYMMDDHHMMSSZ` (GeneralizedTime) as Unix seconds.
fn parse_time(text: &[u8], year_digits: usize) -> Option<i64> {
    let text = std::str::from_utf8(text).ok()?;
    let digits = text.strip_suffix('Z')?;
    if digits.len() != year_digits + 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |from: usize, len: usize| digits[from..from + len].parse::<i64>().ok();
    let mut year = number(0, year_digits)?;
    if year_digits == 2 {
        // RFC 5280: two-digit years 50–99 are 19xx, 00–49 are 20xx.
        year += if year >= 50 { 1900 } else { 2000 };
    }
    let at = year_digits;
    let (month, day) = (number(at, 2)?, number(at + 2, 2)?);
    let (hour, minute, second) = (number(at + 4, 2)?, number(at + 6, 2)?, number(at + 8, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_not_after_of_a_generated_certificate() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
        params.not_after = rcgen::date_time_ymd(2031, 5, 17);
        let cert = params.self_signed(&key).unwrap();
        let expected = UNIX_EPOCH + Duration::from_secs(1_936_742_400);
        assert_eq!(not_after(cert.der()), Some(expected));
    }

    #[test]
    fn reads_generalized_time_past_2049() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
        params.not_after = rcgen::date_time_ymd(2100, 1, 1);
        let cert = params.self_signed(&key).unwrap();
        let expected = UNIX_EPOCH + Duration::from_secs(4_102_444_800);
        assert_eq!(not_after(cert.der()), Some(expected));
    }

    #[test]
    fn garbage_is_none_not_a_panic() {
        for input in [
            &[][..],
            &[0x30],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
            &[0x30, 0x02, 0x30, 0x05],
        ] {
            assert_eq!(not_after(input), None);
        }
    }
}
