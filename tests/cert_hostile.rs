//! Hostile input to `cert_expiry::not_after`, which reads DER straight off
//! the network: every malformed certificate is `None`, a real one is its
//! exact `notAfter` from 1970 to 9999, and nothing panics.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opsdeck::health::cert_expiry::not_after;
use time::{Date, Month, OffsetDateTime, Time};

/// DER of a self-signed certificate for localhost that expires at `when`.
fn certificate(when: OffsetDateTime) -> Vec<u8> {
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params.not_before = rcgen::date_time_ymd(1970, 1, 1);
    params.not_after = when;
    params.self_signed(&key).expect("cert").der().to_vec()
}

fn at(year: i32, month: Month, day: u8, hms: (u8, u8, u8)) -> OffsetDateTime {
    let date = Date::from_calendar_date(year, month, day).expect("date");
    let time = Time::from_hms(hms.0, hms.1, hms.2).expect("time");
    date.with_time(time).assume_utc()
}

fn unix(seconds: i64) -> SystemTime {
    if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs())
    }
}

/// Replaces the only occurrence of `from` in `der` with `to` (same length).
fn patched(der: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let starts: Vec<usize> = (0..=der.len() - from.len())
        .filter(|&i| &der[i..i + from.len()] == from)
        .collect();
    assert_eq!(starts.len(), 1, "{from:?} occurs {} times", starts.len());
    let mut out = der.to_vec();
    out[starts[0]..starts[0] + to.len()].copy_from_slice(to);
    out
}

#[test]
fn empty_input_is_none() {
    assert_eq!(not_after(&[]), None);
}

#[test]
fn garbage_bytes_are_none() {
    let inputs: [&[u8]; 8] = [
        b"hello, world",
        b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        &[0x00],
        &[0xff; 64],
        &[0x30, 0x00],
        &[0x30, 0x03, 0x02, 0x01, 0x05],
        &[0x04, 0x03, 0x30, 0x01, 0x00],
        &[0x30, 0x05, 0x30, 0x03, 0x17, 0x01, b'Z'],
    ];
    for input in inputs {
        assert_eq!(not_after(input), None, "{input:02x?}");
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = fastrand::Rng::with_seed(0x5eed_ce27);
    for _ in 0..5_000 {
        let len = rng.usize(0..512);
        let mut input: Vec<u8> = (0..len).map(|_| rng.u8(..)).collect();
        if let Some(first) = input.first_mut() {
            *first = 0x30; // look like a SEQUENCE to get past the first check
        }
        assert_eq!(not_after(&input), None, "{input:02x?}");
    }
}

#[test]
fn every_truncation_of_a_real_certificate_is_none() {
    let der = certificate(at(2031, Month::May, 17, (0, 0, 0)));
    assert!(not_after(&der).is_some());
    for len in 0..der.len() {
        assert_eq!(not_after(&der[..len]), None, "truncated to {len} bytes");
    }
}

#[test]
fn absurd_lengths_are_none() {
    let inputs: [&[u8]; 7] = [
        // 4-byte length of 4 GiB - 1 with nothing behind it.
        &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
        // 8-byte length: more than a 32-bit usize holds.
        &[
            0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x30,
        ],
        // 127-byte length-of-length, which no DER allows.
        &[0x30, 0xff, 0x01],
        // Indefinite length (BER, not DER).
        &[0x30, 0x80, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00],
        // Length of length with no length bytes behind it.
        &[0x30, 0x82],
        &[0x30, 0x82, 0x01],
        // A long-form length with a leading zero byte (not minimal DER).
        &[0x30, 0x82, 0x00, 0x02, 0x30, 0x00],
    ];
    for input in inputs {
        assert_eq!(not_after(input), None, "{input:02x?}");
    }
}

#[test]
fn a_real_certificate_with_inflated_lengths_is_none() {
    let der = certificate(at(2031, Month::May, 17, (0, 0, 0)));
    // rcgen's certificates are a few hundred bytes: the outer SEQUENCE and the
    // TBSCertificate both have two-byte long-form lengths.
    assert_eq!(&der[..2], &[0x30, 0x82]);
    for offset in [2, 6] {
        assert_eq!(der[offset - 1], 0x82, "long form at {offset}");
        for length in [[0xff, 0xff], [0x7f, 0xff], [0x00, 0x00]] {
            let mut bad = der.clone();
            bad[offset..offset + 2].copy_from_slice(&length);
            assert_eq!(not_after(&bad), None, "length {length:02x?} at {offset}");
        }
    }
}

#[test]
fn deep_nesting_is_none_not_a_stack_overflow() {
    let mut input = Vec::new();
    for _ in 0..100_000 {
        input.extend_from_slice(&[0x30, 0x80]);
    }
    assert_eq!(not_after(&input), None);
}

#[test]
fn flipped_bytes_in_a_real_certificate_never_panic() {
    let der = certificate(at(2031, Month::May, 17, (0, 0, 0)));
    let mut rng = fastrand::Rng::with_seed(13);
    for _ in 0..5_000 {
        let mut bad = der.clone();
        for _ in 0..rng.usize(1..4) {
            let at = rng.usize(..bad.len());
            bad[at] = rng.u8(..);
        }
        // Most flips land in the key or signature, which `notAfter` does not
        // need: any answer is fine, a panic is not.
        let _ = not_after(&bad);
    }
}

#[test]
fn an_impossible_date_is_none() {
    let der = certificate(at(2031, Month::May, 17, (0, 0, 0)));
    for bad in [
        &b"311317000000Z"[..], // month 13
        b"310500000000Z",      // day 0
        b"3105170000009",      // no Z
        b"31051700000xZ",      // not a digit
    ] {
        let input = patched(&der, b"310517000000Z", bad);
        assert_eq!(not_after(&input), None, "{}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn trailing_bytes_after_the_certificate_are_none() {
    let mut der = certificate(at(2031, Month::May, 17, (0, 0, 0)));
    der.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    // Strict DER: what follows the certificate is not ignored.
    assert_eq!(not_after(&der), None);
}

#[test]
fn utc_time_from_1970_to_the_end_of_its_range() {
    // UTCTime covers 1950–2049 (RFC 5280 §4.1.2.5.1); times are read from 1970.
    let cases = [
        (at(1970, Month::January, 1, (0, 0, 0)), 0),
        (at(2031, Month::May, 17, (0, 0, 0)), 1_936_742_400),
        (at(2049, Month::December, 31, (23, 59, 59)), 2_524_607_999),
    ];
    for (when, seconds) in cases {
        assert_eq!(not_after(&certificate(when)), Some(unix(seconds)), "{when}");
    }
}

#[test]
fn generalized_time_far_in_the_future() {
    let cases = [
        (at(2050, Month::January, 1, (0, 0, 0)), 2_524_608_000),
        (at(2100, Month::January, 1, (0, 0, 0)), 4_102_444_800),
        (at(9999, Month::December, 31, (23, 59, 59)), 253_402_300_799),
    ];
    for (when, seconds) in cases {
        assert_eq!(not_after(&certificate(when)), Some(unix(seconds)), "{when}");
    }
}

#[test]
fn a_not_after_before_1970_is_none_not_a_wrong_date() {
    // Long expired, and refused by TLS before its expiry is asked; what
    // matters is that it is never read as some other (future) date.
    for when in [
        at(1950, Month::January, 1, (0, 0, 0)),
        at(1969, Month::December, 31, (23, 59, 59)),
        at(1900, Month::January, 1, (0, 0, 0)),
        at(1000, Month::March, 1, (12, 0, 0)),
    ] {
        assert_eq!(not_after(&certificate(when)), None, "{when}");
    }
}
