//! Bridge overhead: a 300-lead `syncMultipleLeads` from the Rust client straight to the
//! sandbox's SOAP API, against the same call through `mktows bridge` to the sandbox's REST API
//! (same store, same machine, no pacing); the difference measured in pairs of the two calls;
//! the REST call alone; and 100,000 leads through the bridge (chunks of 300, 10 in flight).
//!
//! Everything runs in one process with the allocator of the `mktows` binary (mimalloc), the
//! one `mktows bridge` and `mktows sandbox` run with.

#![allow(missing_docs)] // criterion_group! defines an undocumented function.

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mktows::Client;
use mktows::client::{Idempotency, Limits};
use mktows::operations::{SyncMultipleLeads, SyncMultipleLeadsHeaders};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_bridge::{Bridge, BridgeConfig, RestSettings};
use mktows_sandbox::{Sandbox, SandboxConfig};

#[path = "../../mktows/benches/support/mod.rs"]
mod support;

/// The allocator of the `mktows` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What every case runs against: a sandbox, a bridge to its REST API, a client of each, the
/// 300-lead request, and a REST token and body for the REST call alone.
struct Setup {
    runtime: tokio::runtime::Runtime,
    sandbox: Sandbox,
    _bridge: Bridge,
    direct: Client,
    bridged: Client,
    params: ParamsSyncMultipleLeads,
    http: reqwest::Client,
    token: String,
    rest_body: String,
}

fn setup() -> Setup {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(Sandbox::start(SandboxConfig::default()))
        .unwrap();
    let mut rest = RestSettings::new(
        sandbox.rest_endpoint(),
        sandbox.identity_endpoint(),
        mktows_sandbox::DEFAULT_CLIENT_ID,
        mktows_sandbox::DEFAULT_CLIENT_SECRET,
    );
    rest.limits = Limits::unlimited(10);
    let bridge = runtime
        .block_on(Bridge::start(BridgeConfig::new(
            ([127, 0, 0, 1], 0).into(),
            rest,
            vec![("bench".into(), "bench-key".into())],
        )))
        .unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridged = Client::new(bridge.client_config().limits(Limits::unlimited(10))).unwrap();
    let params = ParamsSyncMultipleLeads {
        lead_record_list: ArrayOfLeadRecord {
            lead_record: support::baseline_leads(300),
        },
        dedup_enabled: Some(Nillable::Value(true)),
    };
    let http = reqwest::Client::new();
    let token: serde_json::Value = runtime.block_on(async {
        let body = http
            .get(format!(
                "{}/oauth/token?grant_type=client_credentials&client_id={}&client_secret={}",
                sandbox.identity_endpoint(),
                mktows_sandbox::DEFAULT_CLIENT_ID,
                mktows_sandbox::DEFAULT_CLIENT_SECRET
            ))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        serde_json::from_slice(&body).unwrap()
    });
    let token = token["access_token"].as_str().unwrap().to_owned();
    let rest_body = serde_json::json!({
        "action": "createOrUpdate",
        "lookupField": "email",
        "input": (0..300).map(|i| serde_json::json!({
            "email": format!("em{i}@etestd.marketo.net"),
            "company": format!("Marketo{i}"),
            "phone": format!("650-555-{i}"),
        })).collect::<Vec<_>>(),
    })
    .to_string();

    Setup {
        runtime,
        sandbox,
        _bridge: bridge,
        direct,
        bridged,
        params,
        http,
        token,
        rest_body,
    }
}

type Group<'a> = criterion::BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// syncMultipleLeads of 300 leads straight to the sandbox's SOAP API and through the bridge.
fn single_calls(group: &mut Group, s: &Setup) {
    for (name, client) in [
        (
            "syncMultipleLeads 300 leads, straight to sandbox SOAP",
            &s.direct,
        ),
        (
            "syncMultipleLeads 300 leads, through the bridge to sandbox REST",
            &s.bridged,
        ),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&s.runtime).iter(|| async {
                let out = client
                    .call::<SyncMultipleLeads>(
                        &SyncMultipleLeadsHeaders::default(),
                        &s.params,
                        Idempotency::Idempotent,
                    )
                    .await
                    .unwrap();
                assert_eq!(out.result.sync_status_list.sync_status.len(), 300);
            })
        });
    }
}

/// The two calls of [`single_calls`], alternated: each iteration times one straight call and
/// one through the bridge and counts the difference, so a machine that slows down for a while
/// slows both sides of a pair alike.
fn paired(group: &mut Group, s: &Setup) {
    group.bench_function(
        "added by the bridge per syncMultipleLeads of 300 leads (paired)",
        |b| {
            b.to_async(&s.runtime).iter_custom(|iterations| {
                let (direct, bridged, params) = (&s.direct, &s.bridged, &s.params);
                async move {
                    let mut added = Duration::ZERO;
                    for _ in 0..iterations {
                        let mut took = [Duration::ZERO; 2];
                        for (slot, client) in [direct, bridged].into_iter().enumerate() {
                            let start = Instant::now();
                            let out = client
                                .call::<SyncMultipleLeads>(
                                    &SyncMultipleLeadsHeaders::default(),
                                    params,
                                    Idempotency::Idempotent,
                                )
                                .await
                                .unwrap();
                            took[slot] = start.elapsed();
                            assert_eq!(out.result.sync_status_list.sync_status.len(), 300);
                        }
                        added += took[1].saturating_sub(took[0]);
                    }
                    added
                }
            })
        },
    );
}

/// The REST call alone, as the bridge sends it.
fn rest_alone(group: &mut Group, s: &Setup) {
    group.bench_function("Sync Leads 300 records, straight to sandbox REST", |b| {
        b.to_async(&s.runtime).iter(|| async {
            let answer = s
                .http
                .post(format!("{}/v1/leads.json", s.sandbox.rest_endpoint()))
                .bearer_auth(&s.token)
                .header("content-type", "application/json")
                .body(s.rest_body.clone())
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            assert!(answer.len() > 300 * 20);
        })
    });
}

/// 100,000 leads through the bridge (chunks of 300, 10 in flight).
fn hundred_thousand(group: &mut Group, s: &Setup) {
    let many = support::baseline_leads(100_000);
    group.sample_size(10);
    group.throughput(Throughput::Elements(100_000));
    group.bench_function(
        "sync_multiple_leads 100,000 leads through the bridge",
        |b| {
            b.to_async(&s.runtime).iter(|| async {
                let report = s
                    .bridged
                    .sync_multiple_leads(many.clone(), Some(true))
                    .await;
                assert_eq!(report.counts().created + report.counts().updated, 100_000);
            })
        },
    );
}

fn bridge_benches(c: &mut Criterion) {
    let s = setup();
    let mut group = c.benchmark_group("bridge");
    group.throughput(Throughput::Elements(300));
    single_calls(&mut group, &s);
    paired(&mut group, &s);
    rest_alone(&mut group, &s);
    hundred_thousand(&mut group, &s);
    group.finish();
}

criterion_group!(benches, bridge_benches);
criterion_main!(benches);
