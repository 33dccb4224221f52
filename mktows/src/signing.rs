//! Marketo's request signature, on its own: `requestSignature` is the lowercase hex HMAC-SHA1,
//! keyed with the encryption key, of `requestTimestamp` followed by `mktowsUserId`.
//!
//! Time is a parameter ([`sign_at`]) so the published test vectors are reproducible; [`sign`]
//! uses the clock, optionally corrected by a known skew. A published vector is a unit test.
//! [`Credentials`] never print the encryption key (`Debug` redacts it).

use chrono::{DateTime, FixedOffset, Local, SecondsFormat, TimeDelta};
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::types::AuthenticationHeaderInfo;

/// A Marketo SOAP user and the secret that signs its requests.
#[derive(Clone)]
pub struct Credentials {
    /// `mktowsUserId`, e.g. `bigcorp1_461839624B16E06BA2D663`.
    pub user_id: String,
    encryption_key: String,
}

impl Credentials {
    /// Credentials from a user id and its encryption key.
    pub fn new(user_id: impl Into<String>, encryption_key: impl Into<String>) -> Self {
        Credentials {
            user_id: user_id.into(),
            encryption_key: encryption_key.into(),
        }
    }

    /// The encryption key (never printed by `Debug`).
    pub fn encryption_key(&self) -> &str {
        &self.encryption_key
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user_id", &self.user_id)
            .field("encryption_key", &"** redacted **")
            .finish()
    }
}

/// The lowercase hex HMAC-SHA1 of `timestamp + user_id` keyed with `encryption_key`.
pub fn signature(encryption_key: &str, timestamp: &str, user_id: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(encryption_key.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(user_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// W3C date-time with a numeric offset and whole seconds, as Marketo expects:
/// `2013-08-01T18:22:30-07:00`.
pub fn timestamp(at: DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// The `AuthenticationHeader` for a request made at `at`.
pub fn sign_at(credentials: &Credentials, at: DateTime<FixedOffset>) -> AuthenticationHeaderInfo {
    let request_timestamp = timestamp(at);
    AuthenticationHeaderInfo {
        request_signature: signature(
            &credentials.encryption_key,
            &request_timestamp,
            &credentials.user_id,
        ),
        mktows_user_id: credentials.user_id.clone(),
        request_timestamp,
        audit: None,
        mode: None,
    }
}

/// The `AuthenticationHeader` for a request made now, with the local clock corrected by
/// `clock_offset` (add the server's lead over this machine).
pub fn sign(credentials: &Credentials, clock_offset: TimeDelta) -> AuthenticationHeaderInfo {
    let now = Local::now().fixed_offset() + clock_offset;
    sign_at(credentials, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published vector: Marketo's syncMultipleLeads documentation request.
    #[test]
    fn published_vector_sync_multiple_leads() {
        let credentials = Credentials::new("demo17_1_809934544BFABAE58E5D27", "27272727aa");
        let at = DateTime::parse_from_rfc3339("2013-08-01T18:22:30-07:00").unwrap();
        let header = sign_at(&credentials, at);
        assert_eq!(header.request_timestamp, "2013-08-01T18:22:30-07:00");
        assert_eq!(
            header.request_signature,
            "b5e21953ae9f1b263e644da5eccce9ff33802513"
        );
        assert_eq!(header.mktows_user_id, "demo17_1_809934544BFABAE58E5D27");
    }

    #[test]
    fn signature_covers_timestamp_then_user() {
        let a = signature("k", "2013-08-01T18:22:30-07:00", "u");
        assert_ne!(a, signature("k", "u", "2013-08-01T18:22:30-07:00"));
        assert_ne!(a, signature("k2", "2013-08-01T18:22:30-07:00", "u"));
        assert_eq!(a.len(), 40);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }

    #[test]
    fn key_never_appears_in_debug() {
        let credentials = Credentials::new("user", "s3cr3t-key");
        let printed = format!("{credentials:?} {credentials:#?}");
        assert!(!printed.contains("s3cr3t-key"), "{printed}");
        assert!(printed.contains("user"));
    }

    #[test]
    fn clock_offset_moves_the_timestamp() {
        let credentials = Credentials::new("u", "k");
        let ahead = sign(&credentials, TimeDelta::hours(2));
        let at = DateTime::parse_from_rfc3339(&ahead.request_timestamp).unwrap();
        let drift = at.signed_duration_since(Local::now()) - TimeDelta::hours(2);
        assert!(drift.num_seconds().abs() <= 5, "{drift}");
    }
}
