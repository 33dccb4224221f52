//! A local Marketo for tests and demos: Marketo's SOAP API (all 23 operations) and the REST
//! endpoints the bridge uses, over one store.
//!
//! - [`soap`]: the SOAP face, behind the shared front of `mktows-server` (WSDL at `?WSDL` with
//!   its address taken from the request, Marketo's authentication and faults, opt-in limits
//!   20023, 20024, 20015); one module per family of operations, each listing Marketo's rules
//!   and the choices made where Marketo is undocumented.
//! - [`rest`]: the REST face (`/identity/oauth/token`, `/rest/v1/...`, `/bulk/v1/...`, the
//!   asset API), routed in `rest/router.rs`.
//! - [`store`]: leads, lists, the activity history ([`store::activity`]) and objects, in memory
//!   or written through to SQLite before each answer.
//! - [`fixture`]: the lead fields, lists, programs, campaigns, channels, tags and custom-object
//!   types a sandbox starts with ([`Fixture`]).
//!
//! Start it in your own tests, point a [`mktows::Client`] at it, sync a lead and read it back:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use mktows_sandbox::{Sandbox, SandboxConfig};
//! use mktows::types::LeadKeyRef;
//! use mktows::{Client, Lead, LeadKey, LeadSync};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! let client = Client::new(sandbox.client_config())?;
//! let synced = client
//!     .sync_lead(LeadSync::new(LeadKey::Email("ada@example.com".into())).attribute("FirstName", "Ada"))
//!     .await?;
//! let lead = Lead::from(client.get_lead(LeadKeyRef::Email, "ada@example.com").await?.remove(0));
//! assert_eq!(lead.id(), Some(synced.lead_id));
//! assert_eq!(lead.attribute("FirstName"), Some("Ada"));
//! // The sandbox stops when `sandbox` is dropped.
//! # Ok(())
//! # }
//! ```

pub mod describe;
pub mod fixture;
pub mod import_job;
pub mod rest;
pub mod schedule;
pub mod service;
pub mod soap;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mktows::ClientConfig;
use mktows::signing::Credentials;

pub use fixture::{Catalog, Fixture};
pub use service::Service;
pub use soap::StoreBackend;

use mktows_server::http::{self, Running, ServeOptions};
use mktows_server::{Front, FrontConfig};

/// Opt-in limits (the SOAP front's).
pub use mktows_server::Limits as SandboxLimits;

pub use mktows_server::marketo::WSDL;

/// Default sandbox user.
pub const DEFAULT_USER_ID: &str = "sandbox_1_0000000000000000000000";
/// Default sandbox encryption key.
pub const DEFAULT_ENCRYPTION_KEY: &str = "sandbox-encryption-key";

/// Default REST client id of the sandbox.
pub const DEFAULT_CLIENT_ID: &str = "sandbox-client-id";
/// Default REST client secret of the sandbox.
pub const DEFAULT_CLIENT_SECRET: &str = "sandbox-client-secret";

/// A lead field the sandbox accepts, with the `attrType` it reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// SOAP API field name, e.g. `FirstName`.
    pub name: String,
    /// `attrType` in responses: `string`, `integer`, `boolean`, `url`, `email`, `phone`, ...
    #[serde(rename = "type", default = "string_type")]
    pub data_type: String,
}

fn string_type() -> String {
    "string".into()
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
        ("LeadOwnerEmail", "email"),
        ("SfdcLeadId", "string"),
        ("SfdcContactId", "string"),
        ("SfdcAccountId", "string"),
        ("SfdcLeadOwnerId", "string"),
        ("SfdcOpptyId", "string"),
    ];
    fields
        .iter()
        .map(|(name, data_type)| FieldDef {
            name: (*name).to_owned(),
            data_type: (*data_type).to_owned(),
        })
        .collect()
}

/// How a sandbox runs.
#[derive(Clone)]
pub struct SandboxConfig {
    /// Address to listen on (port 0: any free port).
    pub addr: SocketAddr,
    /// Accepted users: (user id, encryption key).
    pub users: Vec<(String, String)>,
    /// Accepted distance between a request's timestamp and the sandbox's clock.
    pub time_window: Duration,
    /// Workspaces: (name, primary partition), names matched ignoring case. `Default` must exist.
    pub workspaces: Vec<(String, String)>,
    /// Lead fields accepted.
    pub fields: Vec<FieldDef>,
    /// Static lists that exist, by name (ids from 1001 in this order), for `listOperation`
    /// and `getMultipleLeads` with a `StaticListSelector`.
    pub lists: Vec<String>,
    /// Programs, campaigns, channels, tags and custom-object types ([`Catalog::builtin`] by
    /// default; a [`Fixture`] sets them with the fields and lists).
    pub catalog: Catalog,
    /// Limits.
    pub limits: SandboxLimits,
    /// SQLite database keeping the leads; `None`: in memory.
    pub data: Option<PathBuf>,
    /// REST API clients: (client id, client secret), for `/identity/oauth/token`.
    pub rest_clients: Vec<(String, String)>,
    /// Lifetime of a REST access token (Marketo: 3600 s).
    pub token_lifetime: Duration,
    /// HTTP timeouts and connection cap.
    pub serve: ServeOptions,
    /// How long an `importToList` job reports `PROCESSING` before `COMPLETE` (its rows are
    /// applied at once; default 1 s, zero for tests that need no wait).
    pub import_time: Duration,
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let users: Vec<&str> = self.users.iter().map(|(u, _)| u.as_str()).collect();
        let clients: Vec<&str> = self.rest_clients.iter().map(|(c, _)| c.as_str()).collect();
        f.debug_struct("SandboxConfig")
            .field("addr", &self.addr)
            .field("users", &users)
            .field("rest_clients", &clients)
            .field("secrets", &"<redacted>")
            .field("time_window", &self.time_window)
            .field("workspaces", &self.workspaces)
            .field("lists", &self.lists)
            .field("limits", &self.limits)
            .field("data", &self.data)
            .finish_non_exhaustive()
    }
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
            catalog: Catalog::builtin(),
            limits: SandboxLimits::default(),
            data: None,
            rest_clients: vec![(
                DEFAULT_CLIENT_ID.to_owned(),
                DEFAULT_CLIENT_SECRET.to_owned(),
            )],
            token_lifetime: Duration::from_secs(3600),
            serve: ServeOptions::default(),
            import_time: Duration::from_secs(1),
        }
    }
}

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    url: String,
    credentials: Credentials,
    service: Arc<Service>,
    rest: rest::RestHandle,
    server: Running,
}

impl Sandbox {
    /// Starts a sandbox on the current tokio runtime.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, String> {
        let mut store = match &config.data {
            Some(path) => store::Store::open(path)?,
            None => store::Store::in_memory(),
        };
        store.save_fixture(&Fixture::of(&config).to_json())?;
        let (user, key) = config
            .users
            .first()
            .cloned()
            .ok_or("no sandbox user configured")?;
        let front_config = FrontConfig {
            users: config.users.clone(),
            time_window: config.time_window,
            limits: config.limits.clone(),
        };
        let options = config.serve.clone();
        let addr = config.addr;
        let service = Arc::new(Service::new(config, store));
        let front = Arc::new(Front::new(
            front_config,
            Arc::new(StoreBackend::new(service.clone())),
        ));
        let (rest_router, rest) = rest::router_with_handle(service.clone());
        let server = Running::start(addr, options.clone(), move |local| {
            http::router(front, WSDL, local, options).merge(rest_router)
        })
        .await?;
        let url = format!("http://{}{}", server.local_addr(), http::soap_path());
        Ok(Sandbox {
            url,
            credentials: Credentials::new(user, key),
            service,
            rest,
            server,
        })
    }

    /// The SOAP endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The REST endpoint (`http://HOST:PORT/rest`), for REST clients and `mktows bridge`.
    pub fn rest_endpoint(&self) -> String {
        format!("http://{}/rest", self.server.local_addr())
    }

    /// The identity endpoint (`http://HOST:PORT/identity`).
    pub fn identity_endpoint(&self) -> String {
        format!("http://{}/identity", self.server.local_addr())
    }

    /// The REST state: revoke tokens, count calls.
    pub fn rest(&self) -> &rest::RestHandle {
        &self.rest
    }

    /// The first configured user's credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// A client configuration for this sandbox (no pacing: the sandbox's limits are opt-in).
    pub fn client_config(&self) -> ClientConfig {
        ClientConfig::new(self.url.clone(), self.credentials.clone())
            .limits(mktows::client::Limits::unlimited(10))
    }

    /// Number of leads stored.
    pub fn lead_count(&self) -> usize {
        self.service.lead_count()
    }

    /// Campaign runs scheduled with `scheduleCampaign`, in order.
    pub fn scheduled_campaigns(&self) -> Vec<schedule::ScheduledRun> {
        self.service.lock_store().scheduled().to_vec()
    }

    /// Stops serving, lets in-flight calls finish, and waits for them.
    pub async fn stop(self) {
        self.server.stop().await;
    }

    /// Serves until the process ends (for `mktows sandbox`).
    pub async fn wait(self) {
        self.server.wait().await;
    }
}
