//! The sandbox's store as a SOAP back end: each operation runs on a blocking thread (SQLite
//! commits with `synchronous=FULL` before the answer) holding the store's lock briefly.

use std::sync::Arc;

use super::service::Service;
use crate::error::ErrorCode;
use crate::soap_front::{Backend, BackendFault, BackendResult, CallContext};
use crate::types::*;

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
        self.run(move |s| s.sync_lead(params, workspace.as_deref()))
    }

    fn sync_multiple_leads<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsSyncMultipleLeads,
    ) -> BackendResult<'a, SuccessSyncMultipleLeads> {
        self.run(move |s| s.sync_multiple_leads(params))
    }

    fn get_lead<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsGetLead,
    ) -> BackendResult<'a, SuccessGetLead> {
        self.run(move |s| s.get_lead(params))
    }

    fn get_multiple_leads<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsGetMultipleLeads,
    ) -> BackendResult<'a, SuccessGetMultipleLeads> {
        self.run(move |s| s.get_multiple_leads(params))
    }

    fn list_operation<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsListOperation,
    ) -> BackendResult<'a, SuccessListOperation> {
        self.run(move |s| s.list_operation(params))
    }

    fn describe_m_object<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsDescribeMObject,
    ) -> BackendResult<'a, SuccessDescribeMObject> {
        self.run(move |s| s.describe_m_object(params))
    }

    fn get_lead_activity<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsGetLeadActivity,
    ) -> BackendResult<'a, SuccessGetLeadActivity> {
        self.run(move |s| s.get_lead_activity(params))
    }

    fn get_lead_changes<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsGetLeadChanges,
    ) -> BackendResult<'a, SuccessGetLeadChanges> {
        self.run(move |s| s.get_lead_changes(params))
    }

    fn get_campaigns_for_source<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsGetCampaignsForSource,
    ) -> BackendResult<'a, SuccessGetCampaignsForSource> {
        self.run(move |s| s.get_campaigns_for_source(params))
    }

    fn request_campaign<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsRequestCampaign,
    ) -> BackendResult<'a, SuccessRequestCampaign> {
        self.run(move |s| s.request_campaign(params))
    }

    fn schedule_campaign<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsScheduleCampaign,
    ) -> BackendResult<'a, SuccessScheduleCampaign> {
        self.run(move |s| s.schedule_campaign(params))
    }

    fn get_channels<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsGetChannels,
    ) -> BackendResult<'a, SuccessGetChannels> {
        self.run(move |s| s.get_channels(params))
    }

    fn get_tags<'a>(
        &'a self,
        _cx: &'a CallContext,
        params: ParamsGetTags,
    ) -> BackendResult<'a, SuccessGetTags> {
        self.run(move |s| s.get_tags(params))
    }
}
