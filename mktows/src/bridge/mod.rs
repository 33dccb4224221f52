//! `mktows bridge`: Marketo's SOAP API in front, Marketo's REST API behind (feature `sandbox`).
//!
//! Adobe removed the SOAP API on 2026-07-31. The bridge answers SOAP exactly as Marketo did (the
//! same [`crate::soap_front`] as the sandbox: WSDL, HMAC authentication against the configured
//! SOAP user id and encryption key, faults) and carries each call out on REST, so legacy code
//! keeps working with only its endpoint changed. A REST call that fails after it was sent is
//! reported as a fault saying the change *may have been applied*, never as a success REST did
//! not confirm. Operations without a faithful REST mapping answer a fault that says so.
//!
//! ## Mapping, per operation
//!
//! **syncLead** (fault on any failure)
//!
//! | SOAP | REST |
//! |---|---|
//! | `Id` key | `POST /v1/leads.json` `action=updateOnly`, `lookupField=id` (skipped 1004 → 20103) |
//! | `ForeignSysPersonId` key | none: fault 20019 (REST has no foreign system id) |
//! | `marketoCookie` | `GET /v1/leads.json?filterType=cookies`; a match → `updateOnly` by id; after the sync, `POST /v1/leads/{id}/associate.json?cookie=` |
//! | `Email` key | `action=createOrUpdate`, `lookupField=email` (several matches: 1007 → 20106) |
//! | attributes | SOAP `attrName` → `rest.name` from `describe.json`; unknown → 20105, nothing sent |
//! | `MktowsContextHeader` workspace | `partitionName` from `--workspace-partition NAME=PARTITION` (names ignore case; `Default` without a mapping: none; others unmapped → 20110) |
//! | `returnLead=true` | `GET /v1/lead/{id}.json?fields=<every mapped field>` |
//! | status | `created` → CREATED, `updated` → UPDATED; skipped 1006 → 20105, 1004 → 20103, others → 20106 |
//!
//! **syncMultipleLeads** (one status per input lead, in order)
//!
//! | SOAP | REST |
//! |---|---|
//! | records keyed by `Id` | one call `updateOnly`/`lookupField=id` (the Email key is not written; an `Email` attribute is) |
//! | records keyed by `Email` | one call `createOrUpdate`/`email`, or `createDuplicate` when `dedupEnabled=false` |
//! | `ForeignSysPersonId`, no key, unknown attribute, Email key ≠ Email attribute | that lead `FAILED` with the reason, not sent |
//! | created/updated/skipped | CREATED/UPDATED/FAILED (`error` = REST reason message and code) |
//! | more than 300 records | fault 20110 (as the sandbox) |
//!
//! **getLead**: `GET /v1/leads.json?filterType=…&filterValues=…&fields=<every mapped field>`;
//! IDNUM → `id`, EMAIL → `email`, COOKIE → `cookies`, SFDCLEADID/SFDCCONTACTID/SFDCACCOUNTID/
//! SFDCLEADOWNERID/SFDCOPPTYID → `sfdcLeadId`/`sfdcContactId`/`sfdcAccountId`/`sfdcLeadOwnerId`/
//! `sfdcOpptyId`; other key types → 20019; no lead → 20103.
//!
//! **getMultipleLeads**
//!
//! | SOAP | REST |
//! |---|---|
//! | `LeadKeySelector` | `GET /v1/leads.json?filterType&filterValues` |
//! | `StaticListSelector` | `GET /v1/lists.json?name=` (exact name) → `GET /v1/lists/{id}/leads.json` |
//! | `LastUpdateAtSelector` | none: fault 20019 (leads.json cannot filter by update time) |
//! | `batchSize` | `batchSize` (at most 300) |
//! | `streamPosition` / `newStreamPosition` | `nextPageToken`, prefixed `rest:`; empty at the end |
//! | `remainingCount` | REST does not count: 1 while REST says more, else 0 |
//! | `includeAttributes` | `fields` (unknown names ignored) |
//!
//! **listOperation** (`MKTOLISTNAME` keys, `IDNUM` leads, at most 1000 leads; `strict=true` → 20019)
//!
//! | SOAP | REST |
//! |---|---|
//! | list name | `GET /v1/lists.json?name=` (exact name; none → 20111) |
//! | ADDTOLIST / REMOVEFROMLIST / ISMEMBEROFLIST | `POST` / `DELETE /v1/lists/{id}/leads.json`, `GET .../leads/ismember.json`, 300 ids per call |
//! | status | `added`, `removed`, `memberof`, and `skipped` 1015 on remove (not a member: nothing to do, as the sandbox) → true; anything else → false |
//!
//! **getLeadChanges**
//!
//! | SOAP | REST |
//! |---|---|
//! | `activityNameFilter` / `includeTypes` | type ids from `GET /v1/activities/types.json` (names compared without spaces or case; unknown → 20107) |
//! | no filter | every type REST lists; more than 10 → 20019 (REST reads ≤ 10 types per call) |
//! | `excludeTypes` | 20019 (REST reads named types only) |
//! | `oldestCreatedAt` | `GET /v1/activities/pagingtoken.json?sinceDatetime=` |
//! | `offset` / `newStartPosition.offset` | `nextPageToken`, prefixed `rest:` |
//! | `latestCreatedAt` | rows after it are not returned, and `remainingCount` is 0 |
//! | LeadKeySelector / StaticListSelector (by name) | `leadIds` (≤ 30 leads, else 20019) / `listId` |
//! | LastUpdateAtSelector, StaticListSelector by id | 20019 |
//! | `batchSize` | `batchSize` (at most 300) |
//! | rows | `GET /v1/activities.json`: `id`, `activityDate`, type name, `primaryAttributeValue` → `mktgAssetName`, `attributes`, `campaignName`, `leadId` → `mktPersonId`; `remainingCount` 1 while `moreResult` |
//!
//! **getLeadActivity** (newest first, ≤ 100 per page, `ID:` offsets, as the sandbox)
//!
//! | SOAP | REST |
//! |---|---|
//! | `leadKey` | `GET /v1/leads.json?filterType=&filterValues=&fields=id` (the newest lead when several match) |
//! | `includeTypes` / `excludeTypes` / none | type ids from `GET /v1/activities/types.json`, read ten at a time |
//! | the history | `GET /v1/activities/pagingtoken.json?sinceDatetime=<oldestCreatedAt or 1970>` → `GET /v1/activities.json?leadIds=&activityTypeIds=` to the end (at most 30,000 activities, else 20011 asking to narrow) |
//! | `offset` `ID:n`, `latestCreatedAt` | applied to what was read: records older than `n`, not after `latestCreatedAt` |
//! | `personName`, `orgName` | `GET /v1/lead/{id}.json?fields=firstName,lastName,company` |
//!
//! **getCampaignsForSource** (`source` MKTOWS; SALES → 20019: REST has no Sales Insight
//! campaigns): `GET /v1/campaigns.json?isTriggerable=true` (and `name=` when `exactName`),
//! every page; a partial `name` is matched here, ignoring case (REST matches whole names only).
//!
//! **requestCampaign** (MKTOWS; 1 to 100 lead keys; tokens `{{my.name}}`)
//!
//! | SOAP | REST |
//! |---|---|
//! | `campaignId` | the id |
//! | `campaignName` + `programName` | `GET /v1/campaigns.json?name=&programName=` → id (none → 20113) |
//! | `leadList` keys | `GET /v1/leads.json?filterType=&filterValues=&fields=id`, one call per key (no match → 20103, nothing triggered) |
//! | the request | `POST /v1/campaigns/{id}/trigger.json` `{"input":{"leads":[{"id"}],"tokens":[{"name","value"}]}}` |
//! | 1013 / 1003 | 20113 (unknown / not requestable through the API) |
//!
//! **scheduleCampaign**: name + program → id as above, then `POST /v1/campaigns/{id}/schedule.json`
//! `{"input":{"runAt","tokens"}}`; without `campaignRunAt` no `runAt` is sent, and REST runs
//! the campaign about five minutes later where SOAP ran it at once (REST's minimum wait).
//!
//! **mergeLeads** (1 to 25 losers: REST's limit): each key list (`attrName` = key type) →
//! `GET /v1/leads.json?filterType=&filterValues=&fields=id` (no match → 20103; several leads →
//! 20110), then `POST /v1/leads/{winner}/merge.json?leadIds=` (`mergeInSales` → `mergeInCRM`);
//! success → MERGED with the ids; a failure after sending → "may have been applied".
//!
//! **syncCustomObjects / deleteCustomObjects / getCustomObjects** (≤ 100 records)
//!
//! | SOAP | REST |
//! |---|---|
//! | sync `operation` UPSERT / INSERT / UPDATE | `POST /v1/customobjects/{name}.json` `action` createOrUpdate / createOnly / updateOnly, `dedupeBy=dedupeFields`, each record = `customObjKeyList` ∪ `customObjAttributeList` |
//! | delete `keyList`s | `POST /v1/customobjects/{name}/delete.json` `deleteBy=dedupeFields` |
//! | statuses | by `seq`: `created`/`updated`/`deleted` → CREATED/UPDATED/DELETED; `skipped` → FAILED with the REST reason |
//! | get: one key attribute | `GET /v1/customobjects/{name}.json?filterType=&filterValues=` |
//! | get: the whole dedupe key | `POST ...json?_method=GET` `{"filterType":"dedupeFields","input":[{...}]}` |
//! | get: no key, or part of a compound key | 20019: REST reads only by one field or the whole key |
//! | `includeAttributes` | `fields` (with the dedupe fields from `describe.json`) |
//! | `streamPosition` / `batchSize` | `nextPageToken` prefixed `rest:` / `batchSize` (≤ 100) |
//! | unknown object (REST 1003 not found) | 20110 "Object name is not valid" |
//!
//! **syncMObjects / deleteMObjects / getMObjects** (opportunities only)
//!
//! | SOAP | REST |
//! |---|---|
//! | `externalKey` value | `externalOpportunityId` (the dedupe field) |
//! | `id` | none: REST keys opportunities by `marketoGUID`; a record without `externalKey` is FAILED, a read by `id` is 20019; statuses carry id 0 |
//! | sync `operation`, attribs | `POST /v1/opportunities.json` createOrUpdate/createOnly/updateOnly, attribute names with the first letter lower-cased (`Amount` → `amount`) |
//! | delete | `POST /v1/opportunities/delete.json` `deleteBy=dedupeFields` |
//! | get | `externalKey` → `filterType=externalOpportunityId`, or one `EQ` criterion → that field; anything else, associations → 20019 |
//! | roles, programs | 20019 (roles name opportunities by integer id; programs have no REST MObject) |
//!
//! **describeMObject** `LeadRecord`: `GET /v1/leads/describe.json`, every field with a `soap`
//! name (name, `displayName`, `dataType`, `length` → size, `soap.readOnly`); other objects →
//! 20019.
//!
//! **importToList / getImportToListStatus** (Bulk Lead Import)
//!
//! | SOAP | REST |
//! |---|---|
//! | `importFileHeader` (display or SOAP names) | REST names from `describe.json` (`displayName`, `soap.name`); unknown → 20105, nothing sent |
//! | `listName` | `GET /v1/lists.json?name=` → `listId` (none → 20111) |
//! | the rows | `POST /bulk/v1/leads.json?format=csv&lookupField=email&listId=` with the file (REST header + the rows as sent) |
//! | `importListMode` LISTONLY, `clearList=true`, `campaignName` | 20019: a bulk import only creates or updates, cannot empty a list, takes no tokens |
//! | status | the batch id kept by the bridge for (program, list) (20110 when this bridge started none) → `GET /bulk/v1/leads/batch/{id}.json`: Queued/Importing → PROCESSING, Complete → COMPLETE, Failed → FAILED; `numOfLeadsProcessed`/`numOfRowsFailed`/`numOfRowsWithWarning` → rows imported/failed/ignored; `importSummary` = `message` and each line of `failures.json` |
//!
//! **getChannels** / **getTags**: `GET /asset/v1/channels.json` / `GET /asset/v1/tagTypes.json`
//! (every page of 200), reshaped: a channel's `progressionStatuses` `name`/`step`/`success` →
//! `Status`/`Step`/`Success` attribs; a tag type's comma-separated `allowableValues` → `values`.
//! A channel, tag type or value asked for that REST does not list → 20110 naming it.
//!
//! Other operations answer 20019 naming them.
//!
//! **REST failures → SOAP faults**: 601/602 refresh the token and retry once; 606/615 back off
//! and retry; after that 603 → 20013, 606 → 20023, 607 → 20015, 615 → 20024, 1013 → 20111,
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
mod custom_objects;
mod describe;
mod fields;
mod imports;
mod lead_activity;
mod merge;
mod mobjects;
mod programs;
mod read;
pub mod rest;
mod sync;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OnceCell;

pub use fields::{Field, FieldMap};
pub use rest::{RestClient, RestError, RestRequest, RestSettings};

use crate::ClientConfig;
use crate::error::ErrorCode;
use crate::signing::Credentials;
use crate::soap_front::http::{self, Running, ServeOptions};
use crate::soap_front::{
    Backend, BackendFault, BackendResult, CallContext, Front, FrontConfig, Limits,
};
use crate::types::*;

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
}

impl RestBackend {
    /// A back end over `rest`.
    pub fn new(rest: RestClient, workspace_partitions: Vec<(String, String)>) -> RestBackend {
        RestBackend {
            rest,
            fields: OnceCell::new(),
            workspace_partitions,
            imports: Default::default(),
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
        let front = Arc::new(Front::new(
            FrontConfig {
                users: config.users.clone(),
                time_window: config.time_window,
                limits: config.limits.clone(),
            },
            backend,
        ));
        let options = config.serve.clone();
        let server = Running::start(config.addr, options.clone(), move |local| {
            http::router(front, crate::sandbox::WSDL, local, options)
        })
        .await?;
        Ok(Bridge {
            url: format!("http://{}{}", server.local_addr(), http::soap_path()),
            credentials: Credentials::new(user, key),
            server,
        })
    }

    /// The SOAP endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A client configuration for this bridge (the bridge paces REST itself).
    pub fn client_config(&self) -> ClientConfig {
        ClientConfig::new(self.url.clone(), self.credentials.clone())
            .limits(crate::client::Limits::unlimited(10))
    }

    /// Stops accepting, lets in-flight calls finish, and waits for them.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
