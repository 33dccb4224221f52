//! The bridge in the client's own process: a [`Transport`] that hands each SOAP envelope the
//! client writes to the bridge's SOAP front and REST back end directly — no listening socket,
//! no HTTP hop — so Rust code written against [`mktows::Client`] moves to Marketo REST with only
//! its construction changed:
//!
//! ```no_run
//! # async fn run() -> Result<(), String> {
//! use mktows_bridge::{BridgeConfig, InProcess, RestSettings};
//! let rest = RestSettings::new("https://123-ABC-456.mktorest.com/rest",
//!     "https://123-ABC-456.mktorest.com/identity", "client id", "client secret");
//! let config = BridgeConfig::new(([127, 0, 0, 1], 0).into(), rest,
//!     vec![("any-user".into(), "any-key".into())]);
//! let client = InProcess::client(config)?;
//! let lead = client.sync_lead(mktows::Lead::by_email("ada@example.com")).await;
//! # let _ = lead; Ok(()) }
//! ```
//!
//! The envelope still goes through everything the HTTP bridge does (signature check, strict
//! reading, limits, faults), so a call behaves exactly as it would over HTTP.

use std::sync::Arc;

use super::{BridgeConfig, RestBackend, RestClient};
use mktows::transport::{HttpRequest, HttpResponse, Transport};
use mktows::{Client, ClientConfig, Credentials, Error};
use mktows_server::{Front, FrontConfig};

/// The bridge as a client transport (see the module docs).
#[derive(Clone)]
pub struct InProcess {
    front: Arc<Front>,
}

impl std::fmt::Debug for InProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcess").finish_non_exhaustive()
    }
}

impl InProcess {
    /// A transport over the REST settings and SOAP users of `config` (its address and HTTP
    /// options are not used).
    pub fn new(config: &BridgeConfig) -> Result<InProcess, String> {
        let rest = RestClient::new(config.rest.clone())?;
        let backend = Arc::new(RestBackend::new(rest, config.workspace_partitions.clone()));
        let front = Front::new(
            FrontConfig {
                users: config.users.clone(),
                time_window: config.time_window,
                limits: config.limits.clone(),
            },
            backend,
        );
        Ok(InProcess {
            front: Arc::new(front),
        })
    }

    /// A client on this transport signing as the first of `config`'s SOAP users (the bridge
    /// paces REST itself, so the client does not).
    pub fn client(config: BridgeConfig) -> Result<Client<InProcess>, String> {
        let (user, key) = config
            .users
            .first()
            .cloned()
            .ok_or("no SOAP user configured for the bridge")?;
        let transport = InProcess::new(&config)?;
        let client_config = ClientConfig::new(
            format!("in-process:{}", mktows_server::http::soap_path()),
            Credentials::new(user, key),
        )
        .limits(mktows::client::Limits::unlimited(10));
        Ok(Client::with_transport(client_config, transport))
    }
}

impl Transport for InProcess {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let (status, body) = self.front.handle(request.body.as_bytes()).await;
        Ok(HttpResponse {
            status,
            content_type: Some("text/xml; charset=UTF-8".into()),
            body: body.into_bytes(),
        })
    }
}
