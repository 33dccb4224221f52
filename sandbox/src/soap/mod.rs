//! The sandbox's SOAP face: the store as a SOAP back end. Each operation runs on a blocking
//! thread (SQLite commits with `synchronous=FULL` before the answer) holding the store's lock
//! briefly; the operations themselves are free functions over the [`Service`], one module per
//! family (the lead calls in [`leads`] and [`lookup`], the others beside them), and the faults
//! they share are here.

pub mod activities;
pub mod campaigns;
pub mod custom_objects;
pub mod imports;
pub mod leads;
pub mod lookup;
pub mod merge;
pub mod mobjects;
pub mod programs;
pub mod programs_mobject;

use std::sync::Arc;

use crate::describe;
use crate::service::Service;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{Backend, BackendFault, BackendResult, CallContext};

pub use activities::{MAX_ACTIVITY_BATCH, MAX_CHANGES_BATCH, MAX_CHANGES_LEADS};
pub use campaigns::MAX_CAMPAIGN_LEADS;
pub use custom_objects::{MAX_CUSTOM_OBJECT_BATCH, MAX_CUSTOM_OBJECTS};
pub use leads::MAX_BATCH;
pub use lookup::MAX_LIST_MEMBERS;
pub use merge::MAX_LOSERS;
pub use mobjects::{MAX_MOBJECTS, OPPORTUNITY_FIELDS, ROLE_FIELDS};

/// A fault with Marketo's code, title and message.
pub(crate) fn fault(code: ErrorCode, title: &str, message: &str) -> BackendFault {
    BackendFault::titled(code, title, message)
}

/// The value of an optional, nillable request field (`None` when absent or nil).
pub(crate) fn value<T: Clone>(field: &Option<Nillable<T>>) -> Option<T> {
    field.as_ref().and_then(|v| v.value().cloned())
}

/// The fault for a change the database did not take (nothing was acknowledged).
pub(crate) fn storage_failed(error: &str) -> BackendFault {
    fault(
        ErrorCode::ServiceInternalError,
        "Internal Error",
        &format!("storage: {error}"),
    )
}

/// The fault for a static list that does not exist (`which`: `named "x"`, `id 7`).
pub(crate) fn list_not_found(which: &str) -> BackendFault {
    fault(
        ErrorCode::ListNotFound,
        "List Not Found",
        &format!("No static list {which}"),
    )
}

/// The fault for a lead key that matched nothing.
pub(crate) fn not_found(key: &str, value: &str) -> BackendFault {
    fault(
        ErrorCode::LeadNotFound,
        "Lead not found",
        &format!("No lead found with {key} = {value}"),
    )
}

/// The store back end.
#[derive(Clone)]
pub struct StoreBackend {
    service: Arc<Service>,
}

impl StoreBackend {
    /// A back end over `service`.
    pub fn new(service: Arc<Service>) -> StoreBackend {
        StoreBackend { service }
    }

    fn run<'a, T: Send + 'static>(
        &'a self,
        work: impl FnOnce(&Service) -> Result<T, BackendFault> + Send + 'static,
    ) -> BackendResult<'a, T> {
        let service = self.service.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || work(&service))
                .await
                .unwrap_or_else(|e| {
                    Err(BackendFault::titled(
                        ErrorCode::ServiceInternalError,
                        "Internal Error",
                        format!("sandbox worker failed: {e}"),
                    ))
                })
        })
    }
}

/// Each operation that needs only its parameters: run `$module::$method` on a blocking thread.
macro_rules! store_operations {
    ($($module:ident::$method:ident($params:ty) -> $success:ty;)*) => {
        $(
            fn $method<'a>(
                &'a self,
                _cx: &'a CallContext,
                params: $params,
            ) -> BackendResult<'a, $success> {
                self.run(move |s| $module::$method(s, params))
            }
        )*
    };
}

impl Backend for StoreBackend {
    fn name(&self) -> &str {
        "mktows sandbox"
    }

    fn sync_lead<'a>(
        &'a self,
        cx: &'a CallContext,
        params: ParamsSyncLead,
    ) -> BackendResult<'a, SuccessSyncLead> {
        let workspace = cx.workspace.clone();
        self.run(move |s| leads::sync_lead(s, params, workspace.as_deref()))
    }

    store_operations! {
        leads::sync_multiple_leads(ParamsSyncMultipleLeads) -> SuccessSyncMultipleLeads;
        lookup::get_lead(ParamsGetLead) -> SuccessGetLead;
        lookup::get_multiple_leads(ParamsGetMultipleLeads) -> SuccessGetMultipleLeads;
        lookup::list_operation(ParamsListOperation) -> SuccessListOperation;
        merge::merge_leads(ParamsMergeLeads) -> SuccessMergeLeads;
        imports::import_to_list(ParamsImportToList) -> SuccessImportToList;
        imports::get_import_to_list_status(ParamsGetImportToListStatus) -> SuccessGetImportToListStatus;
        describe::describe_m_object(ParamsDescribeMObject) -> SuccessDescribeMObject;
        activities::get_lead_activity(ParamsGetLeadActivity) -> SuccessGetLeadActivity;
        activities::get_lead_changes(ParamsGetLeadChanges) -> SuccessGetLeadChanges;
        campaigns::get_campaigns_for_source(ParamsGetCampaignsForSource) -> SuccessGetCampaignsForSource;
        campaigns::request_campaign(ParamsRequestCampaign) -> SuccessRequestCampaign;
        campaigns::schedule_campaign(ParamsScheduleCampaign) -> SuccessScheduleCampaign;
        custom_objects::get_custom_objects(ParamsGetCustomObjects) -> SuccessGetCustomObjects;
        custom_objects::sync_custom_objects(ParamsSyncCustomObjects) -> SuccessSyncCustomObjects;
        custom_objects::delete_custom_objects(ParamsDeleteCustomObjects) -> SuccessDeleteCustomObjects;
        mobjects::list_m_objects(ParamsListMObjects) -> SuccessListMObjects;
        mobjects::get_m_objects(ParamsGetMObjects) -> SuccessGetMObjects;
        mobjects::sync_m_objects(ParamsSyncMObjects) -> SuccessSyncMObjects;
        mobjects::delete_m_objects(ParamsDeleteMObjects) -> SuccessDeleteMObjects;
        programs::get_channels(ParamsGetChannels) -> SuccessGetChannels;
        programs::get_tags(ParamsGetTags) -> SuccessGetTags;
    }
}
