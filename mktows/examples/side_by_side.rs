//! The mktows side of `cargo xtask bench`: the work of `xtask/bench/zeep_bench.py`, timed, as
//! JSON lines on stdout. Run in release: `cargo run --release -p mktows --example side_by_side
//! -- WSDL GETLEAD_RESPONSE.xml`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use mktows::operations::{GetLead, SyncMultipleLeads, SyncMultipleLeadsHeaders};
use mktows::types::*;
use mktows::xml::{self, Nillable, Reply};

#[path = "../benches/support/mod.rs"]
mod support;

/// Median over 5 rounds of the mean time per call, each round running at least `budget`.
fn time(budget: Duration, mut work: impl FnMut()) -> f64 {
    for _ in 0..3 {
        work();
    }
    let mut rounds = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let mut n = 0u64;
        while started.elapsed() < budget {
            work();
            n += 1;
        }
        rounds.push(started.elapsed().as_secs_f64() / n as f64);
    }
    rounds.sort_by(f64::total_cmp);
    rounds[2]
}

fn print(work: &str, seconds: f64, bytes: usize) {
    println!("{{\"work\":\"{work}\",\"seconds\":{seconds:e},\"bytes\":{bytes}}}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (wsdl, get_lead) = match args.as_slice() {
        [_, wsdl, get_lead] => (wsdl.clone(), get_lead.clone()),
        _ => {
            eprintln!("usage: side_by_side WSDL GETLEAD_RESPONSE.xml");
            std::process::exit(2);
        }
    };
    let budget = Duration::from_millis(400);

    let headers = SyncMultipleLeadsHeaders {
        authentication: Some(support::baseline_header()),
    };
    let body = ParamsSyncMultipleLeads {
        lead_record_list: ArrayOfLeadRecord {
            lead_record: support::baseline_leads(300),
        },
        dedup_enabled: Some(Nillable::Value(true)),
    };
    let request = xml::encode_request::<SyncMultipleLeads>(&headers, &body).unwrap();
    let serialize = time(budget, || {
        black_box(
            xml::encode_request::<SyncMultipleLeads>(black_box(&headers), black_box(&body))
                .unwrap(),
        );
    });
    print(
        "serialize 300-lead syncMultipleLeads request",
        serialize,
        request.len(),
    );

    let statuses: String = (0..300)
        .map(|i| format!("<syncStatus><leadId>{}</leadId><status>UPDATED</status><error xsi:nil=\"true\" /></syncStatus>", 1_090_000 + i))
        .collect();
    let response = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:ns1=\"http://www.marketo.com/mktows/\"><SOAP-ENV:Body><ns1:successSyncMultipleLeads><result><syncStatusList>{statuses}</syncStatusList></result></ns1:successSyncMultipleLeads></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    );
    let parse = time(budget, || {
        let Reply::Success(r) =
            xml::decode_response::<SyncMultipleLeads>(black_box(response.as_bytes())).unwrap()
        else {
            unreachable!()
        };
        assert_eq!(r.body.result.sync_status_list.sync_status.len(), 300);
    });
    print(
        "parse 300-status syncMultipleLeads response",
        parse,
        response.len(),
    );

    let get_lead = std::fs::read(&get_lead).unwrap();
    let parse_lead = time(budget, || {
        black_box(xml::decode_response::<GetLead>(black_box(&get_lead)).unwrap());
    });
    print(
        "parse getLead response (full lead record)",
        parse_lead,
        get_lead.len(),
    );

    let generate = time(Duration::from_secs(2), || {
        black_box(
            codegen::Config::new()
                .wsdl(&wsdl)
                .runtime_path("crate::xml")
                .generate()
                .unwrap(),
        );
    });
    print(
        "load and prepare the WSDL (zeep: Client(); mktows: generator)",
        generate,
        0,
    );

    // The physical limit: copying the same bytes.
    for (name, bytes) in [
        ("request", request.as_bytes()),
        ("response", response.as_bytes()),
    ] {
        let mut target = vec![0u8; bytes.len()];
        let copy = time(budget, || {
            target.copy_from_slice(black_box(bytes));
            black_box(&target);
        });
        print(&format!("memcpy of the {name} bytes"), copy, bytes.len());
    }
}
