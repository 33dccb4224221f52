//! Client throughput against a local server (tests/src/http.rs) that answers
//! `syncMultipleLeads` with one CREATED status per lead from precomputed responses, so the
//! figures are the client's work plus loopback HTTP.
//!
//! - a 300-lead round trip (sign, serialize, send, receive, parse);
//! - 100,000 leads through `sync_multiple_leads` (chunks of 300, 10 in flight, no rate limit).

#![allow(missing_docs)] // criterion_group! defines an undocumented function.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mktows::client::{Idempotency, Limits};
use mktows::operations::{SyncMultipleLeads, SyncMultipleLeadsHeaders};
use mktows::signing::Credentials;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, ClientConfig};
use mktows_tests::http::{Action, TestServer};

#[path = "../../mktows/benches/support/mod.rs"]
mod support;

fn response(count: usize) -> String {
    mktows_tests::all_created_response((0..count).map(|i| 1_000_000 + i as i32))
}

async fn server() -> TestServer {
    let cache: Arc<Mutex<HashMap<usize, String>>> = Arc::default();
    TestServer::start(move |request| {
        let count = request
            .body
            .windows(12)
            .filter(|w| w == b"<leadRecord>")
            .count();
        let body = cache
            .lock()
            .unwrap()
            .entry(count)
            .or_insert_with(|| response(count))
            .clone();
        Action::ok(body)
    })
    .await
}

fn client_benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(server());
    let config = ClientConfig::new(
        &server.url,
        Credentials::new("demo17_1_809934544BFABAE58E5D27", "27272727aa"),
    )
    .limits(Limits::unlimited(10));
    let client = Client::new(config).unwrap();

    let params = ParamsSyncMultipleLeads {
        lead_record_list: ArrayOfLeadRecord {
            lead_record: support::baseline_leads(300),
        },
        dedup_enabled: Some(Nillable::Value(true)),
    };
    let mut group = c.benchmark_group("client");
    group.throughput(Throughput::Elements(300));
    group.bench_function("syncMultipleLeads 300-lead round trip", |b| {
        b.to_async(&runtime).iter(|| async {
            let out = client
                .call::<SyncMultipleLeads>(
                    &SyncMultipleLeadsHeaders::default(),
                    &params,
                    Idempotency::Idempotent,
                )
                .await
                .unwrap();
            assert_eq!(out.result.sync_status_list.sync_status.len(), 300);
        })
    });

    let many = support::baseline_leads(100_000);
    group.sample_size(10);
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("sync_multiple_leads 100,000 leads", |b| {
        b.to_async(&runtime).iter(|| async {
            let report = client.sync_multiple_leads(many.clone(), Some(true)).await;
            assert_eq!(report.counts().created, 100_000);
        })
    });
    group.finish();
}

criterion_group!(benches, client_benches);
criterion_main!(benches);
