//! `mktows decode | mktows encode -` through a real pipe writes every sample's envelopes back
//! (decoding them again gives the same JSON), and a reader that goes away early ends the
//! writer quietly.

use std::path::Path;
use std::process::Stdio;

use crate::support::{first_line_then_close, mktows, samples};

fn envelopes_of(decoded: &str) -> Vec<serde_json::Value> {
    decoded
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["envelope"].clone())
        .collect()
}

#[test]
fn decode_piped_into_encode_writes_every_sample_back() {
    let files = samples();
    let mut decode = mktows()
        .arg("decode")
        .args(&files)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let encode = mktows()
        .args(["encode", "-"])
        .stdin(decode.stdout.take().unwrap())
        .output()
        .unwrap();
    assert!(
        !decode.wait().unwrap().success(),
        "two samples are truncated"
    );
    assert!(
        encode.status.success(),
        "{}",
        String::from_utf8_lossy(&encode.stderr)
    );
    let xml = String::from_utf8(encode.stdout).unwrap();
    let documents: Vec<&str> = xml
        .split("<?xml ")
        .filter(|d| !d.trim().is_empty())
        .collect();

    let first = mktows().arg("decode").args(&files).output().unwrap();
    let expected = envelopes_of(&String::from_utf8(first.stdout).unwrap());
    assert_eq!(documents.len(), expected.len());
    assert_eq!(expected.len(), 22);

    // Each written envelope decodes to the JSON it was written from.
    let dir = std::env::temp_dir().join(format!("mktows-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut written = Vec::new();
    for (i, document) in documents.iter().enumerate() {
        let path = dir.join(format!("{i:02}.xml"));
        std::fs::write(&path, format!("<?xml {document}")).unwrap();
        written.push(path);
    }
    let again = mktows().arg("decode").args(&written).output().unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let again = envelopes_of(&String::from_utf8(again.stdout).unwrap());
    for (i, (before, after)) in expected.iter().zip(&again).enumerate() {
        assert_eq!(
            before, after,
            "envelope {i} changed on its way through the pipe"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn encode_checks_the_operation_when_named_and_reads_standard_input() {
    let mut child = mktows()
        .args(["encode", "getLead", "response", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(br#"{"paramsGetLead":{"leadKey":{"keyType":"EMAIL","keyValue":"t@t.com"}}}"#)
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "- (value 1): the body is paramsGetLead, but the getLead response is successGetLead"
        ),
        "{err}"
    );
}

#[test]
fn a_reader_that_goes_away_ends_decode_quietly() {
    // Far more output than a pipe buffers, so decode is still writing when the reader leaves.
    let seed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/seeds/syncmultipleleads_request.xml");
    let child = mktows()
        .arg("decode")
        .args(std::iter::repeat_n(&seed, 2000))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (first, status, err) = first_line_then_close(child);
    assert!(first.starts_with("{\"envelope\""), "{first}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        status.success() || status.code() == Some(141),
        "{status:?}: {err}"
    );
}
