//! Interoperability: SOAP clients nobody here wrote (Python zeep, PHP's SoapClient, JAX-WS from
//! Debian's `wsimport`) against the sandbox and through the bridge. `.ci/run` installs them;
//! elsewhere a test whose tool is missing skips saying how to install it.

mod clients;
mod first_calls;
mod jaxws;
mod operations;
