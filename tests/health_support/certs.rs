//! Throwaway certificates made in the test: a CA and a leaf for localhost.

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use time::{Duration, OffsetDateTime};

pub struct TestCerts {
    /// DER of the CA that signed the leaf: trust it to accept the server.
    pub ca: Vec<u8>,
    /// The server's chain (leaf first) and its PKCS#8 key.
    pub chain: Vec<Vec<u8>>,
    pub key: Vec<u8>,
}

/// A CA and a leaf for `localhost` and 127.0.0.1 that expires in `days` days.
pub fn leaf_expiring_in(days: i64) -> TestCerts {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("CA cert");
    let issuer = Issuer::new(ca_params, ca_key);

    let key = KeyPair::generate().expect("leaf key");
    let mut params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .expect("leaf params");
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(days) + Duration::hours(1);
    let leaf = params.signed_by(&key, &issuer).expect("leaf cert");
    TestCerts {
        ca: ca.der().to_vec(),
        chain: vec![leaf.der().to_vec(), ca.der().to_vec()],
        key: key.serialize_der(),
    }
}

/// A self-signed leaf nobody trusts.
pub fn self_signed() -> TestCerts {
    let key = KeyPair::generate().expect("key");
    let params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .expect("params");
    let cert = params.self_signed(&key).expect("cert");
    TestCerts {
        ca: Vec::new(),
        chain: vec![cert.der().to_vec()],
        key: key.serialize_der(),
    }
}
