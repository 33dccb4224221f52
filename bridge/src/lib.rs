//! `mktows bridge`: Marketo's SOAP API in front, Marketo's REST API behind.
//!
//! Adobe removed the SOAP API on 2026-07-31. The bridge answers SOAP exactly as Marketo did (the
//! same [`mktows_server`] as the sandbox: WSDL, HMAC authentication against the configured
//! SOAP user id and encryption key, faults) and carries each call out on REST, so legacy code
//! keeps working with only its endpoint changed. A REST call that fails after it was sent is
//! reported as a fault saying the change *may have been applied*, never as a success REST did
//! not confirm. Operations without a faithful REST mapping answer a fault that says so.
//!
//! The mapping of each operation is in [`mapping`].
//!
//! On the SOAP port the bridge also serves `GET /healthz` (the process is up), `GET /readyz`
//! (Marketo gives the bridge a token; see `service.rs`) and `GET /metrics` (Prometheus, see
//! [`metrics`]).
//!
//! **REST failures → SOAP faults**: 601/602 refresh the token and retry once; 606/615 back off
//! and retry; a read (never a change) meeting HTTP 500/502/503 or 604/608/611/713 is sent again
//! with a short back-off, up to 3 attempts (`rest` module docs); after that 603 → 20013, 606 → 20023, 607 → 20015, 615 → 20024, 1013 → 20111,
//! 1004/702 → 20103, 1006 → 20105, 1001/1002/1003/701/704 → 20110, anything else → 20011.
//! Unreachable → 20011 "nothing sent"; sent without a usable answer (reset, timeout, HTML,
//! garbage) → 20011 "may have been applied" for changes, "no usable answer" for reads.
//!
//! Choices where Marketo is undocumented (or where REST cannot say what SOAP did):
//! - `remainingCount` is 1 while REST reports more, 0 at the end (REST does not count);
//! - workspace `Default` (any case) without a mapping sends no `partitionName`; another
//!   unmapped workspace is fault 20110;
//! - the describe map is fetched on first use and kept for the life of the bridge;
//! - an Email key and an `Email` attribute with different values: fault 20110 (syncLead) or
//!   that lead `FAILED` (REST has one email field);
//! - several leads with the same email (REST 1007): fault 20106 (syncLead) or `FAILED`, where
//!   SOAP updated the most recent one;
//! - syncLead with only an unknown cookie creates the lead (`createDuplicate`) and associates
//!   the cookie;
//! - REMOVEFROMLIST of a lead that is not a member succeeds (as the sandbox);
//! - the token is renewed when a tenth of its life (at most 60 s) is left;
//! - an HTTP 4xx other than 408 from REST means the request was refused, not carried out;
//!   HTTP 5xx or 408 without Marketo's JSON means it may have been carried out;
//! - a lead key containing a comma is fault 20102 (REST `filterValues` is a comma list).

mod activities;
mod campaigns;
mod common;
mod custom_objects;
mod describe;
mod fields;
mod imports;
mod in_process;
mod lead_activity;
mod lists;
pub mod mapping;
mod merge;
pub mod metrics;
mod mobjects;
mod programs;
mod read;
pub mod rest;
mod service;
mod sync;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OnceCell;

pub use fields::{Field, FieldMap, RestRecord, RestScalar};
pub use in_process::InProcess;
pub use rest::{RestClient, RestError, RestRequest, RestSettings};

use mktows::ClientConfig;
use mktows::error::ErrorCode;
use mktows::signing::Credentials;
use mktows::types::*;
use mktows_server::http::{self, Running, ServeOptions};
use mktows_server::{
    Backend, BackendFault, BackendResult, CallContext, Front, FrontConfig, Limits,
};

/// How a bridge runs.
#[derive(Clone)]
pub struct BridgeConfig {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Marketo REST.
    pub rest: RestSettings,
    /// SOAP users legacy clients sign with: (user id, encryption key).
    pub users: Vec<(String, String)>,
    /// Accepted distance between a request's timestamp and this clock.
    pub time_window: Duration,
    /// Workspace name → lead partition name.
    pub workspace_partitions: Vec<(String, String)>,
    /// SOAP-side limits (none by default: REST's are paced behind).
    pub limits: Limits,
    /// HTTP timeouts and connection cap.
    pub serve: ServeOptions,
    /// How long a successful readiness check (`GET /readyz`: a token from the identity
    /// endpoint) stands before the next probe asks again.
    pub ready_max_age: Duration,
}

impl std::fmt::Debug for BridgeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let users: Vec<&str> = self.users.iter().map(|(u, _)| u.as_str()).collect();
        f.debug_struct("BridgeConfig")
            .field("addr", &self.addr)
            .field("rest", &self.rest)
            .field("users", &users)
            .field("encryption_keys", &"<redacted>")
            .field("time_window", &self.time_window)
            .field("workspace_partitions", &self.workspace_partitions)
            .field("limits", &self.limits)
            .field("ready_max_age", &self.ready_max_age)
            .finish_non_exhaustive()
    }
}

impl BridgeConfig {
    /// A bridge on `addr` to `rest`, accepting `users`.
    pub fn new(addr: SocketAddr, rest: RestSettings, users: Vec<(String, String)>) -> BridgeConfig {
        BridgeConfig {
            addr,
            rest,
            users,
            time_window: Duration::from_secs(15 * 60),
            workspace_partitions: Vec::new(),
            limits: Limits::default(),
            serve: ServeOptions::default(),
            ready_max_age: Duration::from_secs(30),
        }
    }
}

/// The REST back end.
pub struct RestBackend {
    rest: RestClient,
    fields: OnceCell<Arc<FieldMap>>,
    workspace_partitions: Vec<(String, String)>,
    /// Bulk imports started through this bridge.
    imports: std::sync::Mutex<imports::Started>,
    /// Custom object describes read so far.
    objects: custom_objects::Described,
}

impl RestBackend {
    /// A back end over `rest`.
    pub fn new(rest: RestClient, workspace_partitions: Vec<(String, String)>) -> RestBackend {
        RestBackend {
            rest,
            fields: OnceCell::new(),
            workspace_partitions,
            imports: Default::default(),
            objects: Default::default(),
        }
    }

    /// The field map, fetched on first use.
    async fn fields(&self, cx: &CallContext) -> Result<Arc<FieldMap>, BackendFault> {
        self.fields
            .get_or_try_init(|| async {
                let answer = self
                    .rest
                    .call(cx, &RestRequest::get("/v1/leads/describe.json", Vec::new()))
                    .await
                    .map_err(|e| read_fault(&e))?;
                let map = FieldMap::from_describe(&answer);
                if map.is_empty() {
                    return Err(BackendFault::new(
                        ErrorCode::ServiceInternalError,
                        "Marketo REST describe.json named no field with both a SOAP and a REST name",
                    ));
                }
                Ok(Arc::new(map))
            })
            .await
            .cloned()
    }

    /// The partition for the call's workspace (`Ok(None)`: the default one).
    fn partition(&self, cx: &CallContext) -> Result<Option<String>, BackendFault> {
        let Some(workspace) = cx.workspace.as_deref().filter(|w| !w.is_empty()) else {
            return Ok(None);
        };
        if let Some((_, partition)) = self
            .workspace_partitions
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(workspace))
        {
            return Ok(Some(partition.clone()));
        }
        if workspace.eq_ignore_ascii_case("Default") {
            return Ok(None);
        }
        Err(BackendFault::titled(
            ErrorCode::BadParameter,
            "Input error",
            format!(
                "Unknown workspace: {workspace} (the bridge maps workspaces to partitions with --workspace-partition)"
            ),
        ))
    }
}

/// The SOAP fault for a REST error code that stopped a call.
fn api_fault(code: u32, message: &str) -> BackendFault {
    let soap = match code {
        603 => ErrorCode::AccessDenied,
        606 => ErrorCode::RateLimitExceeded,
        607 => ErrorCode::RequestLimitExceeded,
        615 => ErrorCode::ConcurrencyLimitExceeded,
        1013 => ErrorCode::ListNotFound,
        1004 | 702 => ErrorCode::LeadNotFound,
        1006 => ErrorCode::LeadAttributeBad,
        1001 | 1002 | 1003 | 701 | 704 => ErrorCode::BadParameter,
        _ => ErrorCode::ServiceInternalError,
    };
    BackendFault::new(soap, format!("Marketo REST error {code}: {message}"))
}

/// The fault for a failed read (nothing changed, whatever happened).
fn read_fault(error: &RestError) -> BackendFault {
    match error {
        RestError::Api { code, message } => api_fault(*code, message),
        other => BackendFault::new(ErrorCode::ServiceInternalError, other.to_string()),
    }
}

/// The fault for a failed change: "may have been applied" when it was sent without an answer.
fn write_fault(error: &RestError) -> BackendFault {
    match error {
        RestError::Unknown(detail) => BackendFault::may_have_been_applied(detail),
        other => read_fault(other),
    }
}

impl Backend for RestBackend {
    fn name(&self) -> &str {
        "mktows bridge (Marketo REST)"
    }

    fn call_answered(&self, operation: &str, fault: Option<u32>, elapsed: Duration) {
        self.rest.metrics().soap_call(operation, fault, elapsed);
    }

    fn unsupported_fault(&self, operation: &str) -> BackendFault {
        let fault = BackendFault::unsupported(operation, self.name());
        BackendFault {
            message: format!(
                "{}: this bridge has no faithful Marketo REST mapping for it; nothing was sent",
                fault.message
            ),
            ..fault
        }
    }

    fn sync_lead<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsSyncLead,
    ) -> BackendResult<'a, SuccessSyncLead> {
        Box::pin(self.do_sync_lead(cx, params))
    }

    fn sync_multiple_leads<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsSyncMultipleLeads,
    ) -> BackendResult<'a, SuccessSyncMultipleLeads> {
        Box::pin(self.do_sync_multiple_leads(cx, params))
    }

    fn get_custom_objects<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsGetCustomObjects,
    ) -> BackendResult<'a, SuccessGetCustomObjects> {
        Box::pin(self.do_get_custom_objects(cx, params))
    }

    fn sync_custom_objects<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsSyncCustomObjects,
    ) -> BackendResult<'a, SuccessSyncCustomObjects> {
        Box::pin(self.do_sync_custom_objects(cx, params))
    }

    fn delete_custom_objects<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsDeleteCustomObjects,
    ) -> BackendResult<'a, SuccessDeleteCustomObjects> {
        Box::pin(self.do_delete_custom_objects(cx, params))
    }

    fn get_lead_activity<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsGetLeadActivity,
    ) -> BackendResult<'a, SuccessGetLeadActivity> {
        Box::pin(self.do_get_lead_activity(cx, params))
    }

    fn import_to_list<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsImportToList,
    ) -> BackendResult<'a, SuccessImportToList> {
        Box::pin(self.do_import_to_list(cx, params))
    }

    fn get_import_to_list_status<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsGetImportToListStatus,
    ) -> BackendResult<'a, SuccessGetImportToListStatus> {
        Box::pin(self.do_get_import_to_list_status(cx, params))
    }

    fn describe_m_object<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsDescribeMObject,
    ) -> BackendResult<'a, SuccessDescribeMObject> {
        Box::pin(self.do_describe_m_object(cx, params))
    }

    fn get_m_objects<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsGetMObjects,
    ) -> BackendResult<'a, SuccessGetMObjects> {
        Box::pin(self.do_get_m_objects(cx, params))
    }

    fn sync_m_objects<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsSyncMObjects,
    ) -> BackendResult<'a, SuccessSyncMObjects> {
        Box::pin(self.do_sync_m_objects(cx, params))
    }

    fn delete_m_objects<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsDeleteMObjects,
    ) -> BackendResult<'a, SuccessDeleteMObjects> {
        Box::pin(self.do_delete_m_objects(cx, params))
    }

    fn merge_leads<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsMergeLeads,
    ) -> BackendResult<'a, SuccessMergeLeads> {
        Box::pin(self.do_merge_leads(cx, params))
    }

    fn get_lead<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsGetLead,
    ) -> BackendResult<'a, SuccessGetLead> {
        Box::pin(self.do_get_lead(cx, params))
    }

    fn get_multiple_leads<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsGetMultipleLeads,
    ) -> BackendResult<'a, SuccessGetMultipleLeads> {
        Box::pin(self.do_get_multiple_leads(cx, params))
    }

    fn list_operation<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsListOperation,
    ) -> BackendResult<'a, SuccessListOperation> {
        Box::pin(self.do_list_operation(cx, params))
    }

    fn get_campaigns_for_source<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsGetCampaignsForSource,
    ) -> BackendResult<'a, SuccessGetCampaignsForSource> {
        Box::pin(self.do_get_campaigns_for_source(cx, params))
    }

    fn request_campaign<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsRequestCampaign,
    ) -> BackendResult<'a, SuccessRequestCampaign> {
        Box::pin(self.do_request_campaign(cx, params))
    }

    fn schedule_campaign<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsScheduleCampaign,
    ) -> BackendResult<'a, SuccessScheduleCampaign> {
        Box::pin(self.do_schedule_campaign(cx, params))
    }

    fn get_channels<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsGetChannels,
    ) -> BackendResult<'a, SuccessGetChannels> {
        Box::pin(self.do_get_channels(cx, params))
    }

    fn get_tags<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsGetTags,
    ) -> BackendResult<'a, SuccessGetTags> {
        Box::pin(self.do_get_tags(cx, params))
    }

    fn get_lead_changes<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsGetLeadChanges,
    ) -> BackendResult<'a, SuccessGetLeadChanges> {
        Box::pin(self.do_get_lead_changes(cx, params))
    }
}

/// A running bridge; it stops when dropped.
pub struct Bridge {
    url: String,
    credentials: Credentials,
    server: Running,
}

impl Bridge {
    /// Starts a bridge on the current tokio runtime.
    pub async fn start(config: BridgeConfig) -> Result<Bridge, String> {
        let (user, key) = config
            .users
            .first()
            .cloned()
            .ok_or("no SOAP user configured for the bridge")?;
        let rest = RestClient::new(config.rest.clone())?;
        let backend = Arc::new(RestBackend::new(rest, config.workspace_partitions.clone()));
        let service = service::routes(backend.clone(), config.ready_max_age);
        let front = Arc::new(Front::new(
            FrontConfig {
                users: config.users.clone(),
                time_window: config.time_window,
                limits: config.limits.clone(),
            },
            backend,
        ));
        let options = config.serve.clone();
        let scheme = if options.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let server = Running::start(config.addr, options.clone(), move |local| {
            http::router(front, mktows_server::marketo::WSDL, local, options).merge(service)
        })
        .await?;
        Ok(Bridge {
            url: format!("{scheme}://{}{}", server.local_addr(), http::soap_path()),
            credentials: Credentials::new(user, key),
            server,
        })
    }

    /// The SOAP endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `http://host:port` the bridge listens on: `/healthz`, `/readyz` and `/metrics` are
    /// under it.
    pub fn base_url(&self) -> String {
        let scheme = self.url.split("://").next().unwrap_or("http");
        format!("{scheme}://{}", self.server.local_addr())
    }

    /// A client configuration for this bridge (the bridge paces REST itself).
    pub fn client_config(&self) -> ClientConfig {
        ClientConfig::new(self.url.clone(), self.credentials.clone())
            .limits(mktows::client::Limits::unlimited(10))
    }

    /// Stops accepting, lets in-flight calls finish, and waits for them.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
