//! When an X.509 certificate expires: its `notAfter`, read with RustCrypto's
//! `x509-cert` (a maintained, strict DER decoder) from bytes a server sent.
//!
//! Strict means a certificate with trailing bytes, a non-minimal length or
//! an impossible date is not read at all, and neither is a `notAfter`
//! before 1970 (the decoder's times start there; such a certificate expired
//! long ago and TLS refuses it before this is asked).

use std::time::{SystemTime, UNIX_EPOCH};
use x509_cert::Certificate;
use x509_cert::der::Decode;

/// `notAfter` of a DER certificate, or `None` when it cannot be read.
pub fn not_after(der: &[u8]) -> Option<SystemTime> {
    let certificate = Certificate::from_der(der).ok()?;
    let since_epoch = certificate
        .tbs_certificate()
        .validity()
        .not_after
        .to_unix_duration();
    UNIX_EPOCH.checked_add(since_epoch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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
}
