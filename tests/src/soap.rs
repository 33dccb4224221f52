//! Calling a SOAP server the way a third-party client does, keeping the exact response text,
//! and judging responses with libxml2 against the schema embedded in the WSDL.

use std::path::{Path, PathBuf};
use std::process::Command;

use mktows::Client;
use mktows::xml::{self, Operation, Reply};

use crate::{data_dir, schema_from_wsdl, wsdl_path};

/// One SOAP exchange: the HTTP status, the response text, and the decoded reply.
pub struct Exchange<O: Operation> {
    /// HTTP status.
    pub status: u16,
    /// Response body as received.
    pub text: String,
    /// The decoded reply (output or fault).
    pub reply: Reply<O::OutputHeaders, O::Output>,
}

impl<O: Operation> Exchange<O> {
    /// The output; panics with the fault's text when the server answered a fault.
    pub fn output(&self) -> &O::Output {
        match &self.reply {
            Reply::Success(envelope) => &envelope.body,
            Reply::Fault(_) => panic!("{} answered a fault:\n{}", O::INFO.name, self.text),
        }
    }

    /// The Marketo error code of the fault (`20103`); panics on a success.
    pub fn fault_code(&self) -> u32 {
        match &self.reply {
            Reply::Fault(_) => {
                let start = self.text.find("<code>").expect("fault has a code") + 6;
                let end = self.text[start..].find('<').unwrap() + start;
                self.text[start..end].trim().parse().unwrap()
            }
            Reply::Success(_) => panic!("{} succeeded:\n{}", O::INFO.name, self.text),
        }
    }
}

/// Sends operation `O` signed by `client`'s credentials as raw HTTP and keeps the response text.
pub async fn exchange<O: Operation>(client: &Client, input: &O::Input) -> Exchange<O>
where
    O::InputHeaders: Default,
{
    let body = client
        .envelope::<O>(&Default::default(), input)
        .unwrap_or_else(|e| panic!("{}: {e}", O::INFO.name));
    let response = reqwest::Client::new()
        .post(&client.config().endpoint)
        .header("Content-Type", "text/xml; charset=utf-8")
        .header("SOAPAction", O::INFO.soap_action)
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", O::INFO.name));
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let reply = xml::decode_response::<O>(text.as_bytes())
        .unwrap_or_else(|e| panic!("{}: {e}\n{text}", O::INFO.name));
    Exchange {
        status,
        text,
        reply,
    }
}

/// A directory holding the service schema extracted from the WSDL and the envelope schema, for
/// `xmllint --schema`.
pub fn schema_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mktows-schema-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wsdl = std::fs::read_to_string(wsdl_path()).unwrap();
    std::fs::write(dir.join("service.xsd"), schema_from_wsdl(&wsdl)).unwrap();
    std::fs::copy(
        data_dir().join("soap-envelope.xsd"),
        dir.join("soap-envelope.xsd"),
    )
    .unwrap();
    dir
}

/// True when `xmllint` is installed (a missing tool skips the test outside CI, fails under CI).
pub fn have_xmllint() -> bool {
    crate::tools::have("command -v xmllint", "apt-get install libxml2-utils")
}

/// Validates documents with `xmllint --schema`; panics listing every document that fails.
pub fn assert_valid(dir: &Path, documents: &[(String, String)]) {
    let mut files = Vec::new();
    for (i, (label, xml)) in documents.iter().enumerate() {
        let file = dir.join(format!("{i:03}.xml"));
        std::fs::write(&file, xml).unwrap();
        files.push((label, file));
    }
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(dir.join("soap-envelope.xsd"))
        .args(files.iter().map(|(_, f)| f))
        .output()
        .expect("xmllint runs (install Debian's libxml2-utils)");
    let report = String::from_utf8_lossy(&output.stderr);
    let failures: Vec<String> = files
        .iter()
        .filter(|(_, f)| !report.contains(&format!("{} validates", f.display())))
        .map(|(label, f)| format!("{label} ({})", f.display()))
        .collect();
    assert!(
        failures.is_empty() && output.status.success(),
        "invalid: {failures:?}\n{report}"
    );
    assert_eq!(
        report.matches(" validates").count(),
        documents.len(),
        "{report}"
    );
}

/// Responses collected during a test, validated together at the end (one `xmllint` run).
#[derive(Default)]
pub struct Judge {
    documents: Vec<(String, String)>,
}

impl Judge {
    /// Keeps `exchange`'s response for validation, labelled with the operation and `label`.
    pub fn keep<O: Operation>(&mut self, label: &str, exchange: &Exchange<O>) {
        self.documents
            .push((format!("{} {label}", O::INFO.name), exchange.text.clone()));
    }

    /// Validates everything kept (skips without xmllint outside CI).
    pub fn validate(self, name: &str) {
        if !have_xmllint() {
            return;
        }
        let dir = schema_dir(name);
        assert_valid(&dir, &self.documents);
        let _ = std::fs::remove_dir_all(dir);
    }
}
