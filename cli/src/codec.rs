//! `mktows decode` and `mktows encode`: SOAP envelopes of this API as JSON lines, and back.
//!
//! `decode` names every element it does not know on standard error and exits 1 for it unless
//! `--lenient` (nothing is dropped without a word). It prints one JSON object per envelope: `{"file", "part", "envelope": {"headers",
//! "body"}}`. `encode` takes any stream of JSON values: `decode`'s lines as they are, an
//! `{"headers", "body"}` envelope, or a bare body element (`{"paramsSyncLead": {...}}`, or
//! `{"Fault": {...}}` for a fault), and writes one envelope per value. So
//! `mktows decode captured.xml | mktows encode -` writes the envelopes back. Both read standard
//! input for `-`, and stop quietly when the reader of their output goes away (`| head`).

use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mktows::elements::AnyElement;
use mktows::operations::OPERATIONS;
use mktows::xml::{self, AnyBody, AnyEnvelope, ElementSet, Fault};

use crate::Direction;
use crate::common::Failure;

/// Standard input's name on the command line.
const STDIN: &str = "-";

/// Reads `path`, or standard input for `-`.
fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    if path.as_os_str() == STDIN {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(path)
    }
}

/// Writes one line to standard output; `Ok(false)` when the reader has gone away (a closed
/// pipe), which ends the command quietly.
fn print_line(out: &mut impl Write, line: &str) -> Result<bool, Failure> {
    match writeln!(out, "{line}") {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Failure(format!("standard output: {e}"))),
    }
}

/// Splits a captured log with `REQUEST:` / `RESPONSE:` markers into its envelopes.
fn envelopes(text: &str) -> Vec<(&'static str, &str)> {
    let request = text.find("REQUEST:");
    let response = text.find("RESPONSE:");
    match (request, response) {
        (None, None) => vec![("document", text)],
        _ => {
            let mut out = Vec::new();
            if let Some(start) = request {
                let end = response.filter(|&r| r > start).unwrap_or(text.len());
                out.push(("request", text[start + 8..end].trim()));
            }
            if let Some(start) = response {
                out.push(("response", text[start + 9..].trim()));
            }
            out
        }
    }
}

/// An envelope as JSON: `{"headers": [...], "body": {...}}`.
fn envelope_json(envelope: &AnyEnvelope<AnyElement>) -> Result<serde_json::Value, Failure> {
    let body = match &envelope.body {
        AnyBody::Element(element) => serde_json::to_value(element)?,
        AnyBody::Fault(fault) => serde_json::json!({ "Fault": fault }),
    };
    Ok(serde_json::json!({ "headers": serde_json::to_value(&envelope.headers)?, "body": body }))
}

/// `mktows decode FILE...`: every envelope as a JSON line; elements it does not know are named
/// on standard error; exit 1 if any envelope could not be read, or (unless `lenient`) had such
/// elements.
pub fn decode(files: &[PathBuf], lenient: bool) -> Result<ExitCode, Failure> {
    let mut failures = 0;
    let mut out = std::io::stdout().lock();
    for path in files {
        let text = match read_input(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                failures += 1;
                continue;
            }
        };
        for (label, part) in envelopes(&text) {
            match xml::decode_any_checked::<AnyElement>(part.as_bytes(), false) {
                Ok((envelope, skipped)) => {
                    if !skipped.is_empty() {
                        for element in &skipped.paths {
                            eprintln!(
                                "{} ({label}): skipped unknown element {element}",
                                path.display()
                            );
                        }
                        if skipped.count > skipped.paths.len() {
                            eprintln!(
                                "{} ({label}): and {} more unknown elements",
                                path.display(),
                                skipped.count - skipped.paths.len()
                            );
                        }
                        if !lenient {
                            failures += 1;
                        }
                    }
                    let json = envelope_json(&envelope)?;
                    let line = serde_json::json!({ "file": path.display().to_string(), "part": label, "envelope": json });
                    if !print_line(&mut out, &line.to_string())? {
                        return Ok(ExitCode::SUCCESS);
                    }
                }
                Err(e) => {
                    eprintln!("{} ({label}): {e}", path.display());
                    failures += 1;
                }
            }
        }
    }
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The operation and direction `encode` checks the body against, when given.
pub struct Expect<'a> {
    /// Operation name, e.g. `syncLead`.
    pub operation: &'a str,
    /// Request or response.
    pub direction: Direction,
}

/// One JSON value as an envelope: `decode`'s line, `{"headers", "body"}`, or a bare body.
fn parse_envelope(mut value: serde_json::Value) -> Result<AnyEnvelope<AnyElement>, String> {
    if let Some(envelope) = value.get_mut("envelope") {
        value = envelope.take();
    }
    let (headers, body) = match value.get_mut("body").map(serde_json::Value::take) {
        Some(body) => (
            value
                .get_mut("headers")
                .map_or(serde_json::Value::Array(vec![]), serde_json::Value::take),
            body,
        ),
        None => (serde_json::Value::Array(vec![]), value),
    };
    let headers: Vec<AnyElement> =
        serde_json::from_value(headers).map_err(|e| format!("headers: {e}"))?;
    let body = match body.get("Fault") {
        Some(fault) if body.as_object().is_some_and(|o| o.len() == 1) => AnyBody::Fault(
            serde_json::from_value::<Fault>(fault.clone()).map_err(|e| format!("Fault: {e}"))?,
        ),
        _ => AnyBody::Element(
            serde_json::from_value::<AnyElement>(body).map_err(|e| format!("body: {e}"))?,
        ),
    };
    Ok(AnyEnvelope { headers, body })
}

/// Checks that `body` is the message `expect` names.
fn check_body(body: &AnyBody<AnyElement>, expect: &Expect) -> Result<(), String> {
    let info = OPERATIONS
        .iter()
        .find(|o| o.name == expect.operation)
        .ok_or_else(|| {
            format!(
                "unknown operation {:?}; one of: {}",
                expect.operation,
                OPERATIONS
                    .iter()
                    .map(|o| o.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
    let (wanted, which) = match expect.direction {
        Direction::Request => (info.input, "request"),
        Direction::Response => (info.output, "response"),
    };
    let found = match body {
        AnyBody::Element(element) => element.element_name().local,
        // A fault answers any operation.
        AnyBody::Fault(_) if expect.direction == Direction::Response => return Ok(()),
        AnyBody::Fault(_) => "a Fault",
    };
    // Every Marketo message has a body element; `None` would be an empty Body.
    let wanted = wanted.map_or("an empty Body", |name| name.local);
    if found != wanted {
        return Err(format!(
            "the body is {found}, but the {} {which} is {wanted}",
            expect.operation
        ));
    }
    Ok(())
}

/// `mktows encode [OPERATION DIRECTION] FILE|-`: one envelope per JSON value read.
pub fn encode(expect: Option<Expect>, path: &Path) -> Result<ExitCode, Failure> {
    let bytes = read_input(path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let mut out = std::io::stdout().lock();
    let mut count = 0;
    for (index, value) in serde_json::Deserializer::from_slice(&bytes)
        .into_iter::<serde_json::Value>()
        .enumerate()
    {
        let at = || format!("{} (value {})", path.display(), index + 1);
        let value = value.map_err(|e| Failure(format!("{}: {e}", at())))?;
        let envelope = parse_envelope(value).map_err(|e| Failure(format!("{}: {e}", at())))?;
        if let Some(expect) = &expect {
            check_body(&envelope.body, expect).map_err(|e| Failure(format!("{}: {e}", at())))?;
        }
        if !print_line(&mut out, &xml::encode_any(&envelope)?)? {
            return Ok(ExitCode::SUCCESS);
        }
        count += 1;
    }
    if count == 0 {
        return Err(Failure(format!(
            "{}: no JSON value to encode",
            path.display()
        )));
    }
    Ok(ExitCode::SUCCESS)
}
