//! A small caller of the sandbox's REST API for the tests: a token, JSON requests, and the
//! error and reason codes of answers.

use mktows_sandbox::Sandbox;
use serde_json::Value;

/// A REST caller holding a token of the sandbox's default client.
pub struct Rest {
    /// The HTTP client.
    pub http: reqwest::Client,
    /// The REST endpoint (`.../rest`).
    pub base: String,
    /// The identity endpoint.
    pub identity: String,
    /// The access token.
    pub token: String,
}

/// Asks the identity endpoint for a token.
pub async fn token(
    http: &reqwest::Client,
    identity: &str,
    id: &str,
    secret: &str,
) -> reqwest::Response {
    http.get(format!(
        "{identity}/oauth/token?grant_type=client_credentials&client_id={id}&client_secret={secret}"
    ))
    .send()
    .await
    .unwrap()
}

impl Rest {
    /// A caller with a fresh token.
    pub async fn new(sandbox: &Sandbox) -> Rest {
        let http = reqwest::Client::new();
        let identity = sandbox.identity_endpoint();
        let answer: Value = token(
            &http,
            &identity,
            mktows_sandbox::DEFAULT_CLIENT_ID,
            mktows_sandbox::DEFAULT_CLIENT_SECRET,
        )
        .await
        .bytes()
        .await
        .map(|b| serde_json::from_slice::<Value>(&b).unwrap())
        .unwrap();
        Rest {
            http,
            base: sandbox.rest_endpoint(),
            identity,
            token: answer["access_token"].as_str().unwrap().to_owned(),
        }
    }

    /// `GET` a path under `/rest`; the JSON answer.
    pub async fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .map(|b| serde_json::from_slice::<Value>(&b).unwrap())
            .unwrap()
    }

    /// A JSON request to a path under `/rest`; the JSON answer.
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .map(|b| serde_json::from_slice::<Value>(&b).unwrap())
            .unwrap()
    }

    /// `POST /v1/leads.json`.
    pub async fn sync(&self, body: Value) -> Value {
        self.send(reqwest::Method::POST, "/v1/leads.json", body)
            .await
    }
}

/// The error code of a `success: false` answer.
pub fn error_code(answer: &Value) -> &str {
    assert_eq!(answer["success"], false, "{answer}");
    answer["errors"][0]["code"].as_str().unwrap()
}

/// The reason code of a skipped record.
pub fn reason(record: &Value) -> &str {
    assert_eq!(record["status"], "skipped", "{record}");
    assert!(
        record.get("id").is_none(),
        "a skipped record has no id: {record}"
    );
    record["reasons"][0]["code"].as_str().unwrap()
}
