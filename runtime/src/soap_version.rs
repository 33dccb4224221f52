//! The SOAP versions: their envelope namespaces and elements, and how a request is labelled on
//! HTTP ([`SoapVersion::content_type`], [`SoapVersion::soap_action_header`]).
//!
//! An operation's version comes from its binding
//! ([`OperationInfo::soap`](crate::OperationInfo::soap)), the version of a set of global
//! elements from [`ElementSet::SOAP`](crate::ElementSet::SOAP).

use super::Name;

/// SOAP 1.1 envelope namespace.
pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2 envelope namespace.
pub const SOAP12_ENV: &str = "http://www.w3.org/2003/05/soap-envelope";

/// The SOAP version a binding speaks: which envelope its messages are in, and how a request
/// is labelled on HTTP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum SoapVersion {
    /// SOAP 1.1 (`soap:binding`): `text/xml` with a `SOAPAction` header.
    #[default]
    Soap11,
    /// SOAP 1.2 (`soap12:binding`): `application/soap+xml` with an `action` parameter.
    Soap12,
}

/// The envelope elements of one SOAP version.
pub(crate) struct EnvelopeNames {
    pub(crate) envelope: Name,
    pub(crate) header: Name,
    pub(crate) body: Name,
    pub(crate) fault: Name,
}

const SOAP11_NAMES: EnvelopeNames = EnvelopeNames {
    envelope: Name::qualified("SOAP-ENV", SOAP_ENV, "Envelope"),
    header: Name::qualified("SOAP-ENV", SOAP_ENV, "Header"),
    body: Name::qualified("SOAP-ENV", SOAP_ENV, "Body"),
    fault: Name::qualified("SOAP-ENV", SOAP_ENV, "Fault"),
};

const SOAP12_NAMES: EnvelopeNames = EnvelopeNames {
    envelope: Name::qualified("SOAP-ENV", SOAP12_ENV, "Envelope"),
    header: Name::qualified("SOAP-ENV", SOAP12_ENV, "Header"),
    body: Name::qualified("SOAP-ENV", SOAP12_ENV, "Body"),
    fault: Name::qualified("SOAP-ENV", SOAP12_ENV, "Fault"),
};

impl SoapVersion {
    /// The envelope namespace URI.
    pub const fn envelope_namespace(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => SOAP_ENV,
            SoapVersion::Soap12 => SOAP12_ENV,
        }
    }

    /// The HTTP `Content-Type` of a request with SOAP action `action`: SOAP 1.1's
    /// `text/xml; charset=utf-8` (the action then goes in a `SOAPAction` header, see
    /// [`soap_action_header`](Self::soap_action_header)), or SOAP 1.2's
    /// `application/soap+xml; charset=utf-8; action="..."` (no action parameter when empty).
    pub fn content_type(self, action: &str) -> String {
        match self {
            SoapVersion::Soap11 => "text/xml; charset=utf-8".to_owned(),
            SoapVersion::Soap12 if action.is_empty() => {
                "application/soap+xml; charset=utf-8".to_owned()
            }
            SoapVersion::Soap12 => format!(
                "application/soap+xml; charset=utf-8; action=\"{}\"",
                action.replace(['"', '\\'], "")
            ),
        }
    }

    /// The value of the `SOAPAction` HTTP header to send with action `action` (quoted, as
    /// SOAP 1.1 asks); `None` in SOAP 1.2, which has no such header.
    pub fn soap_action_header(self, action: &str) -> Option<String> {
        match self {
            SoapVersion::Soap11 => Some(format!("\"{}\"", action.replace('"', ""))),
            SoapVersion::Soap12 => None,
        }
    }

    pub(crate) const fn names(self) -> &'static EnvelopeNames {
        match self {
            SoapVersion::Soap11 => &SOAP11_NAMES,
            SoapVersion::Soap12 => &SOAP12_NAMES,
        }
    }

    pub(crate) fn other(self) -> SoapVersion {
        match self {
            SoapVersion::Soap11 => SoapVersion::Soap12,
            SoapVersion::Soap12 => SoapVersion::Soap11,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => "SOAP 1.1",
            SoapVersion::Soap12 => "SOAP 1.2",
        }
    }
}
