//! The sandbox's store as a SOAP back end: each operation runs on a blocking thread (SQLite
//! commits with `synchronous=FULL` before the answer) holding the store's lock briefly.

use std::sync::Arc;

use super::service::Service;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows_server::{Backend, BackendFault, BackendResult, CallContext};

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

/// Each operation that needs only its parameters: run `Service::$method` on a blocking thread.
macro_rules! store_operations {
    ($($method:ident($params:ty) -> $success:ty;)*) => {
        $(
            fn $method<'a>(
                &'a self,
                _cx: &'a CallContext,
                params: $params,
            ) -> BackendResult<'a, $success> {
                self.run(move |s| s.$method(params))
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
        self.run(move |s| s.sync_lead(params, workspace.as_deref()))
    }

    store_operations! {
        sync_multiple_leads(ParamsSyncMultipleLeads) -> SuccessSyncMultipleLeads;
        get_lead(ParamsGetLead) -> SuccessGetLead;
        get_multiple_leads(ParamsGetMultipleLeads) -> SuccessGetMultipleLeads;
        list_operation(ParamsListOperation) -> SuccessListOperation;
        merge_leads(ParamsMergeLeads) -> SuccessMergeLeads;
        import_to_list(ParamsImportToList) -> SuccessImportToList;
        get_import_to_list_status(ParamsGetImportToListStatus) -> SuccessGetImportToListStatus;
        describe_m_object(ParamsDescribeMObject) -> SuccessDescribeMObject;
        get_lead_activity(ParamsGetLeadActivity) -> SuccessGetLeadActivity;
        get_lead_changes(ParamsGetLeadChanges) -> SuccessGetLeadChanges;
        get_campaigns_for_source(ParamsGetCampaignsForSource) -> SuccessGetCampaignsForSource;
        request_campaign(ParamsRequestCampaign) -> SuccessRequestCampaign;
        schedule_campaign(ParamsScheduleCampaign) -> SuccessScheduleCampaign;
        get_custom_objects(ParamsGetCustomObjects) -> SuccessGetCustomObjects;
        sync_custom_objects(ParamsSyncCustomObjects) -> SuccessSyncCustomObjects;
        delete_custom_objects(ParamsDeleteCustomObjects) -> SuccessDeleteCustomObjects;
        list_m_objects(ParamsListMObjects) -> SuccessListMObjects;
        get_m_objects(ParamsGetMObjects) -> SuccessGetMObjects;
        sync_m_objects(ParamsSyncMObjects) -> SuccessSyncMObjects;
        delete_m_objects(ParamsDeleteMObjects) -> SuccessDeleteMObjects;
        get_channels(ParamsGetChannels) -> SuccessGetChannels;
        get_tags(ParamsGetTags) -> SuccessGetTags;
    }
}
