//! Recorded REST exchanges: a fake Marketo on 127.0.0.1 that expects the bridge's REST calls
//! in a given order and answers each with a recorded answer shaped like Marketo's documentation
//! examples, with a bridge in front of it.
//!
//! Identity calls get a token (`token-N`, N counting the REST calls answered so far) and
//! `GET /rest/v1/leads/describe.json` gets [`describe`] whenever the bridge asks (it caches it);
//! every other request must be the next [`Step`]: same method, path, query parameters (in any
//! order) and, when the step names one, the same JSON body. A request that is not is answered
//! 500 and reported by [`Recording::finish`], which also fails when steps were left unused.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mktows::Client;
use mktows::client::{Limits, RetryPolicy};
use mktows_bridge::{Bridge, BridgeConfig, RestSettings};
use serde_json::{Value, json};

use crate::bridge::{KEY, USER};
use crate::http::{Action, Received, TestServer};
use crate::soap::{Exchange, exchange};
use mktows::xml::Operation;

/// One REST call the bridge is expected to make, and the answer it gets.
#[derive(Debug, Clone)]
pub struct Step {
    method: &'static str,
    target: String,
    body: Option<Value>,
    body_contains: Vec<String>,
    answer: Action,
}

/// The next call is `method target` (`target` as after `/rest`: `/v1/leads.json?filterType=id`;
/// the bulk API's `/bulk/v1/…` is beside `/rest`, on the same host).
pub fn step(method: &'static str, target: &str) -> Step {
    Step {
        method,
        target: if target.starts_with("/bulk/") {
            target.to_owned()
        } else {
            format!("/rest{target}")
        },
        body: None,
        body_contains: Vec::new(),
        answer: ok(json!({"requestId": "0#0", "success": true, "result": []})),
    }
}

/// HTTP 200 with `body` as JSON, as Marketo answers nearly everything.
pub fn ok(body: Value) -> Action {
    Action::Respond {
        status: 200,
        content_type: "application/json;charset=UTF-8",
        body: body.to_string().into_bytes(),
    }
}

impl Step {
    /// The request body must be this JSON.
    pub fn body(mut self, body: Value) -> Step {
        self.body = Some(body);
        self
    }

    /// The (non-JSON) request body must contain `text`.
    pub fn body_contains(mut self, text: &str) -> Step {
        self.body_contains.push(text.to_owned());
        self
    }

    /// Answered 200 with this JSON.
    pub fn answer(mut self, body: Value) -> Step {
        self.answer = ok(body);
        self
    }

    /// Answered with `action` (a reset, an HTML page...).
    pub fn action(mut self, action: Action) -> Step {
        self.answer = action;
        self
    }

    /// Why `request` is not this step, if it is not.
    fn mismatch(&self, request: &Received) -> Option<String> {
        let (path, query) = split(&request.target);
        let (want_path, want_query) = split(&self.target);
        if request.method != self.method || path != want_path || query != want_query {
            return Some(format!(
                "expected {} {}, got {} {}",
                self.method, self.target, request.method, request.target
            ));
        }
        if let Some(want) = &self.body {
            let got: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
            if &got != want {
                return Some(format!(
                    "{} {}: expected body {want}, got {}",
                    self.method,
                    self.target,
                    String::from_utf8_lossy(&request.body)
                ));
            }
        }
        let text = String::from_utf8_lossy(&request.body);
        self.body_contains
            .iter()
            .find(|t| !text.contains(t.as_str()))
            .map(|t| format!("{} {}: body lacks {t:?}: {text}", self.method, self.target))
    }
}

/// The path, and the query's decoded pairs sorted.
fn split(target: &str) -> (String, Vec<(String, String)>) {
    let url = reqwest::Url::parse(&format!("http://x{target}")).expect("a request target");
    let mut pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    pairs.sort();
    (url.path().to_owned(), pairs)
}

/// The describe answer the fake gives: a few standard fields with SOAP and REST names, as in
/// Marketo's documentation (`Company Name` → `company` / `Company`), plus one REST-only field.
pub fn describe() -> Value {
    let field = |id: i32, display: &str, data_type: &str, rest: &str, soap: &str| {
        json!({"id": id, "displayName": display, "dataType": data_type, "length": 255,
               "rest": {"name": rest, "readOnly": false}, "soap": {"name": soap, "readOnly": false}})
    };
    json!({"requestId": "d#1", "success": true, "result": [
        {"id": 1, "displayName": "Id", "dataType": "integer",
         "rest": {"name": "id", "readOnly": true}, "soap": {"name": "Id", "readOnly": true}},
        field(2, "Company Name", "string", "company", "Company"),
        field(29, "First Name", "string", "firstName", "FirstName"),
        field(31, "Last Name", "string", "lastName", "LastName"),
        field(48, "Email Address", "email", "email", "Email"),
        {"id": 70, "displayName": "Lead Score", "dataType": "score",
         "rest": {"name": "leadScore", "readOnly": false}},
    ]})
}

/// A bridge in front of a fake Marketo that expects [`Step`]s in order.
pub struct Recording {
    /// The bridge (SOAP front on a free port).
    pub bridge: Bridge,
    /// A SOAP client of the bridge (one attempt per call).
    pub client: Client,
    server: TestServer,
    steps: Arc<Vec<Step>>,
    next: Arc<AtomicUsize>,
    mismatches: Arc<Mutex<Vec<String>>>,
}

impl Recording {
    /// Starts the fake and the bridge (unpaced, 50 ms back-off, 5 s REST timeout).
    pub async fn start(steps: Vec<Step>) -> Recording {
        let steps = Arc::new(steps);
        let next = Arc::new(AtomicUsize::new(0));
        let mismatches = Arc::new(Mutex::new(Vec::new()));
        let (expected, counter, wrong) = (steps.clone(), next.clone(), mismatches.clone());
        let server = TestServer::start(move |request: &Received| {
            if request.target.starts_with("/identity/") {
                let n = counter.load(Ordering::SeqCst);
                return ok(
                    json!({"access_token": format!("token-{n}"), "token_type": "bearer",
                                 "expires_in": 3599, "scope": "apiuser@example.com"}),
                );
            }
            if request.method == "GET" && request.target == "/rest/v1/leads/describe.json" {
                return ok(describe());
            }
            let i = counter.fetch_add(1, Ordering::SeqCst);
            let problem = match expected.get(i) {
                Some(step) => match step.mismatch(request) {
                    None => return step.answer.clone(),
                    Some(problem) => problem,
                },
                None => format!(
                    "unexpected extra call {} {}",
                    request.method, request.target
                ),
            };
            eprintln!("recorded exchange, call {i}: {problem}");
            wrong
                .lock()
                .expect("lock")
                .push(format!("call {i}: {problem}"));
            Action::Respond {
                status: 500,
                content_type: "text/plain",
                body: problem.into_bytes(),
            }
        })
        .await;
        let base = server.url.trim_end_matches("/soap/mktows/2_6").to_owned();
        let mut settings = RestSettings::new(
            format!("{base}/rest"),
            format!("{base}/identity"),
            mktows_sandbox::DEFAULT_CLIENT_ID,
            mktows_sandbox::DEFAULT_CLIENT_SECRET,
        );
        settings.limits = Limits::unlimited(10);
        settings.backoff = Duration::from_millis(50);
        settings.timeout = Duration::from_secs(5);
        let bridge = Bridge::start(BridgeConfig::new(
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            settings,
            vec![(USER.into(), KEY.into())],
        ))
        .await
        .expect("the bridge starts");
        let client = Client::new(bridge.client_config().retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }))
        .expect("a client");
        Recording {
            bridge,
            client,
            server,
            steps,
            next,
            mismatches,
        }
    }

    /// REST calls made so far (identity and describe not counted).
    pub fn calls(&self) -> usize {
        self.next.load(Ordering::SeqCst)
    }

    /// Every request the fake received, identity and describe included.
    pub fn received(&self) -> Vec<Received> {
        self.server.received()
    }

    /// Panics unless every step was made, in order, and nothing else.
    pub fn finish(&self) {
        let wrong = self.mismatches.lock().expect("lock");
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert_eq!(
            self.calls(),
            self.steps.len(),
            "REST calls made; expected: {:#?}",
            self.steps
                .iter()
                .map(|s| format!("{} {}", s.method, s.target))
                .collect::<Vec<_>>()
        );
    }
}

impl Recording {
    /// Sends operation `O` to the bridge with `params` (the SOAP input as JSON, element names as
    /// keys) and keeps the exact response.
    pub async fn call<O: Operation>(&self, params: Value) -> Exchange<O>
    where
        O::Input: serde::de::DeserializeOwned + serde::Serialize,
        O::InputHeaders: Default,
    {
        let input: O::Input = serde_json::from_value(params.clone())
            .unwrap_or_else(|e| panic!("{} params: {e}", O::INFO.name));
        // serde ignores members the type does not have (another WSDL version's, a typo): refuse.
        let read = serde_json::to_value(&input).expect("params as JSON");
        if let Err(at) = includes(&read, &params, String::new()) {
            panic!("{} params: {at} is not in the schema's type", O::INFO.name);
        }
        exchange::<O>(&self.client, &input).await
    }
}

/// The output of `exchange` as JSON, which must hold everything in `expected` (objects may
/// have more members; arrays must be as long and hold the expected items in order).
pub fn assert_output<O: Operation>(exchange: &Exchange<O>, expected: Value)
where
    O::Output: serde::Serialize,
{
    let actual = serde_json::to_value(exchange.output()).expect("output as JSON");
    if let Err(at) = includes(&actual, &expected, String::new()) {
        panic!(
            "{} output differs at {at}:\n{}\nexpected to include:\n{}",
            O::INFO.name,
            serde_json::to_string_pretty(&actual).unwrap_or_default(),
            serde_json::to_string_pretty(&expected).unwrap_or_default()
        );
    }
}

fn includes(actual: &Value, expected: &Value, at: String) -> Result<(), String> {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e.iter().try_for_each(|(k, v)| {
            let path = format!("{at}.{k}");
            includes(a.get(k).unwrap_or(&Value::Null), v, path)
        }),
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => a
            .iter()
            .zip(e)
            .enumerate()
            .try_for_each(|(i, (a, e))| includes(a, e, format!("{at}[{i}]"))),
        _ if actual == expected => Ok(()),
        _ => Err(format!("{at} (is {actual})")),
    }
}
