//! The sandbox's REST router (`sandbox/src/rest/router.rs`) over real HTTP on 127.0.0.1: OAuth
//! tokens reused until they expire, 401 for bad clients, and the opt-in rate limit (606).

use std::time::Duration;

use mktows_sandbox::{Sandbox, SandboxConfig, SandboxLimits};
use mktows_tests::rest::{Rest, error_code, token};
use serde_json::Value;

#[tokio::test]
async fn tokens_are_reused_until_they_expire_and_bad_clients_get_401() {
    let config = SandboxConfig {
        token_lifetime: Duration::from_secs(2),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let rest = Rest::new(&sandbox).await;
    let bad = token(&rest.http, &rest.identity, "sandbox-client-id", "wrong").await;
    assert_eq!(bad.status(), 401);
    let again: Value = token(
        &rest.http,
        &rest.identity,
        mktows_sandbox::DEFAULT_CLIENT_ID,
        mktows_sandbox::DEFAULT_CLIENT_SECRET,
    )
    .await
    .bytes()
    .await
    .map(|b| serde_json::from_slice::<Value>(&b).unwrap())
    .unwrap();
    assert_eq!(again["access_token"], rest.token.as_str());
    assert_eq!(again["token_type"], "bearer");
    assert!(again["expires_in"].as_u64().unwrap() <= 2);
    assert_eq!(rest.get("/v1/leads/partitions.json").await["success"], true);
    // No token, an unknown token: 601; an expired one: 602.
    let none: Value = rest
        .http
        .get(format!("{}/v1/leads/describe.json", rest.base))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|b| serde_json::from_slice::<Value>(&b).unwrap())
        .unwrap();
    assert_eq!(error_code(&none), "601");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        error_code(&rest.get("/v1/leads/describe.json").await),
        "602"
    );
    let fresh = Rest::new(&sandbox).await;
    assert_ne!(fresh.token, rest.token);
    sandbox.rest().revoke_tokens();
    assert_eq!(
        error_code(&fresh.get("/v1/leads/describe.json").await),
        "601"
    );
}

#[tokio::test]
async fn the_rate_limit_answers_606() {
    let config = SandboxConfig {
        limits: SandboxLimits {
            rate: Some((2, Duration::from_secs(60))),
            ..SandboxLimits::default()
        },
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let rest = Rest::new(&sandbox).await;
    assert_eq!(rest.get("/v1/leads/partitions.json").await["success"], true);
    assert_eq!(rest.get("/v1/leads/partitions.json").await["success"], true);
    assert_eq!(
        error_code(&rest.get("/v1/leads/partitions.json").await),
        "606"
    );
    assert_eq!(error_code(&rest.get("/v1/nothing.json").await), "606");
}
