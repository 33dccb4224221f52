//! A local, Marketo-compatible SOAP server for tests and demos (feature `sandbox`).
//!
//! It serves SOAP at `http://127.0.0.1:PORT/soap/mktows/<version>` and the WSDL at
//! `GET .../<version>?WSDL` with `soap:address` rewritten to itself, authenticates like Marketo
//! (HMAC-SHA1 over the received timestamp text, compared in constant time; 20014 and 20016),
//! answers faults exactly as Marketo does, and implements `syncLead`, `syncMultipleLeads`,
//! `getLead`, `getMultipleLeads` and `listOperation` (on the static lists it is configured
//! with) with Marketo's key rules (see [`service`]). Other operations get fault 20019 naming
//! them. Limits (20023, 20024, 20015) are opt-in.
//!
//! ```no_run
//! # async fn run() -> Result<(), String> {
//! let sandbox = mktows::sandbox::Sandbox::start(mktows::sandbox::SandboxConfig::default()).await?;
//! let client = mktows::Client::new(sandbox.client_config()).map_err(|e| e.to_string())?;
//! // ... the sandbox stops when `sandbox` is dropped.
//! # Ok(()) }
//! ```

mod http;
pub mod service;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::ClientConfig;
use crate::signing::Credentials;

pub use service::Service;

/// The WSDL the bindings were generated from; served at `?WSDL`.
pub const WSDL: &str = include_str!(env!("MKTOWS_WSDL_FILE"));

/// Default sandbox user.
pub const DEFAULT_USER_ID: &str = "sandbox_1_0000000000000000000000";
/// Default sandbox encryption key.
pub const DEFAULT_ENCRYPTION_KEY: &str = "sandbox-encryption-key";

/// A lead field the sandbox accepts, with the `attrType` it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    /// SOAP API field name, e.g. `FirstName`.
    pub name: String,
    /// `attrType` in responses: `string`, `integer`, `boolean`, `url`, `email`, `phone`, ...
    pub data_type: String,
}

/// Marketo's standard lead fields (SOAP names).
pub fn standard_fields() -> Vec<FieldDef> {
    let fields: &[(&str, &str)] = &[
        ("Email", "email"),
        ("FirstName", "string"),
        ("MiddleName", "string"),
        ("LastName", "string"),
        ("Salutation", "string"),
        ("Title", "string"),
        ("Company", "string"),
        ("Industry", "string"),
        ("Phone", "phone"),
        ("MobilePhone", "phone"),
        ("Fax", "phone"),
        ("Website", "url"),
        ("Address", "text"),
        ("City", "string"),
        ("State", "string"),
        ("Country", "string"),
        ("PostalCode", "string"),
        ("LeadSource", "string"),
        ("LeadStatus", "string"),
        ("LeadScore", "integer"),
        ("Rating", "string"),
        ("NumberOfEmployees", "integer"),
        ("AnnualRevenue", "currency"),
        ("AnonymousIP", "string"),
        ("Unsubscribed", "boolean"),
        ("DoNotCall", "boolean"),
        ("InferredCompany", "string"),
        ("InferredCountry", "string"),
    ];
    fields
        .iter()
        .map(|(name, data_type)| FieldDef {
            name: (*name).to_owned(),
            data_type: (*data_type).to_owned(),
        })
        .collect()
}

/// Opt-in limits, to let apps test their throttling.
#[derive(Debug, Clone, Default)]
pub struct SandboxLimits {
    /// At most `.0` calls per `.1` (Marketo: 100 per 20 s) → fault 20023.
    pub rate: Option<(usize, Duration)>,
    /// At most this many calls in flight (Marketo: 10) → fault 20024.
    pub concurrency: Option<usize>,
    /// At most this many calls per day (Marketo's default: 10,000) → fault 20015.
    pub daily_quota: Option<u64>,
}

impl SandboxLimits {
    /// Marketo's documented limits.
    pub fn marketo() -> Self {
        SandboxLimits {
            rate: Some((100, Duration::from_secs(20))),
            concurrency: Some(10),
            daily_quota: Some(10_000),
        }
    }
}

/// How a sandbox runs.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address to listen on (port 0: any free port).
    pub addr: SocketAddr,
    /// Accepted users: (user id, encryption key).
    pub users: Vec<(String, String)>,
    /// Accepted distance between a request's timestamp and the sandbox's clock.
    pub time_window: Duration,
    /// Workspaces: (name, primary partition). `Default` must exist.
    pub workspaces: Vec<(String, String)>,
    /// Lead fields accepted.
    pub fields: Vec<FieldDef>,
    /// Static lists that exist, by name (ids from 1001 in this order), for `listOperation`
    /// and `getMultipleLeads` with a `StaticListSelector`.
    pub lists: Vec<String>,
    /// Limits.
    pub limits: SandboxLimits,
    /// SQLite database keeping the leads; `None`: in memory.
    pub data: Option<PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            users: vec![(
                DEFAULT_USER_ID.to_owned(),
                DEFAULT_ENCRYPTION_KEY.to_owned(),
            )],
            time_window: Duration::from_secs(15 * 60),
            workspaces: vec![("Default".into(), "Default".into())],
            fields: standard_fields(),
            lists: Vec::new(),
            limits: SandboxLimits::default(),
            data: None,
        }
    }
}

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    url: String,
    credentials: Credentials,
    service: Arc<Service>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Sandbox {
    /// Starts a sandbox on the current tokio runtime.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, String> {
        let store = match &config.data {
            Some(path) => store::Store::open(path)?,
            None => store::Store::in_memory(),
        };
        let (user, key) = config
            .users
            .first()
            .cloned()
            .ok_or("no sandbox user configured")?;
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        let url = format!("http://{local}/soap/mktows/{}", crate::API_VERSION);
        let service = Arc::new(Service::new(config, store));
        let (shutdown, stopped) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(http::serve(listener, service.clone(), url.clone(), stopped));
        Ok(Sandbox {
            url,
            credentials: Credentials::new(user, key),
            service,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The SOAP endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The first configured user's credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// A client configuration for this sandbox (no pacing: the sandbox's limits are opt-in).
    pub fn client_config(&self) -> ClientConfig {
        ClientConfig::new(self.url.clone(), self.credentials.clone())
            .limits(crate::client::Limits::unlimited(10))
    }

    /// Number of leads stored.
    pub fn lead_count(&self) -> usize {
        self.service.lead_count()
    }

    /// Stops serving and waits for the server task.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until the process ends (for `mktows sandbox`).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
