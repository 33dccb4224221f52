//! The SOAP version of a binding, read by parsing (`soap:binding` or `soap12:binding`) and
//! carried through the model to the emitted `SOAP_VERSION` constant. A leaf module: it depends
//! on nothing else in the crate.

/// The SOAP version of a binding (`soap:binding` or `soap12:binding`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SoapVersion {
    /// SOAP 1.1.
    #[default]
    Soap11,
    /// SOAP 1.2.
    Soap12,
}
