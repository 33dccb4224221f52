//! The messages of the bridge's REST client: a [`RestRequest`] (method, path, query, JSON,
//! form or multipart body) and the answers it reads, either the whole envelope as a
//! [`Value`] or a typed [`Answer`] that reads only `success`, `errors` and the result rows.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One REST request (path after `.../rest`, e.g. `/v1/leads.json`).
#[derive(Debug, Clone)]
pub struct RestRequest {
    /// HTTP method.
    pub method: reqwest::Method,
    /// Path after the REST endpoint.
    pub path: String,
    /// Query parameters.
    pub query: Vec<(String, String)>,
    /// JSON body, serialized.
    pub body: Option<bytes::Bytes>,
    /// A file sent as the multipart field `file` (bulk import), instead of a JSON body.
    pub file: Option<Vec<u8>>,
}

impl RestRequest {
    /// A GET.
    pub fn get(path: impl Into<String>, query: Vec<(String, String)>) -> RestRequest {
        RestRequest {
            method: reqwest::Method::GET,
            path: path.into(),
            query,
            body: None,
            file: None,
        }
    }

    /// A request with a JSON body.
    pub fn with_body(method: reqwest::Method, path: impl Into<String>, body: Value) -> RestRequest {
        RestRequest::with_json(method, path, &body)
    }

    /// A request with a JSON body serialized from `body` (a typed body skips building a
    /// [`Value`]; an object with string keys always serializes).
    pub fn with_json(
        method: reqwest::Method,
        path: impl Into<String>,
        body: &impl Serialize,
    ) -> RestRequest {
        RestRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            body: Some(serde_json::to_vec(body).unwrap_or_default().into()),
            file: None,
        }
    }

    /// A bulk upload: `file` as the multipart field `file` (CSV).
    pub fn upload(
        path: impl Into<String>,
        query: Vec<(String, String)>,
        file: Vec<u8>,
    ) -> RestRequest {
        RestRequest {
            method: reqwest::Method::POST,
            path: path.into(),
            query,
            body: None,
            file: Some(file),
        }
    }
}

/// A REST answer as read: the whole envelope as a [`Value`], or a typed [`Answer`] that reads
/// only what a caller needs.
pub trait RestAnswer: DeserializeOwned {
    /// `success` is `true`.
    fn succeeded(&self) -> bool;
    /// The first of `errors`, as code and message.
    fn first_error(&self) -> (u32, String);
}

/// The envelope `{success, errors, result}` with typed result rows; other members are skipped.
#[derive(Debug, serde::Deserialize)]
pub struct Answer<R> {
    /// `success` (kept as JSON: only `true` counts).
    #[serde(default)]
    pub success: Option<Value>,
    /// `errors`.
    #[serde(default)]
    pub errors: Option<Value>,
    /// `result`.
    #[serde(default = "Vec::new")]
    pub result: Vec<R>,
}

/// A REST error object's code: Marketo writes it as a string (`"606"`), some examples as a
/// number; anything else is 0.
pub fn error_code(code: Option<&Value>) -> u32 {
    match code {
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
        _ => 0,
    }
}

fn first_error_of(errors: Option<&Value>) -> (u32, String) {
    errors
        .and_then(|e| e.get(0))
        .map(|e| {
            let message = e
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            (error_code(e.get("code")), message)
        })
        .unwrap_or((0, "success:false without errors".to_owned()))
}

impl RestAnswer for Value {
    fn succeeded(&self) -> bool {
        self.get("success").and_then(Value::as_bool) == Some(true)
    }

    fn first_error(&self) -> (u32, String) {
        first_error_of(self.get("errors"))
    }
}

impl<R: DeserializeOwned> RestAnswer for Answer<R> {
    fn succeeded(&self) -> bool {
        self.success.as_ref().and_then(Value::as_bool) == Some(true)
    }

    fn first_error(&self) -> (u32, String) {
        first_error_of(self.errors.as_ref())
    }
}
