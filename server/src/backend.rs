//! The back-end side of the SOAP front: one method per operation, typed parameters in, a typed
//! success or a [`BackendFault`] out. Operations a back end does not override answer fault
//! 20019 naming them.

use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;

use super::{Answer, respond};
use mktows::elements::AnyElement;
use mktows::error::ErrorCode;
use mktows::operations as ops;
use mktows::types::*;

/// A Marketo fault a back end answers with: code, title (the `faultstring` after the code)
/// and message (the `serviceException` message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendFault {
    /// Marketo error code.
    pub code: ErrorCode,
    /// Short title, e.g. `Lead not found`.
    pub title: String,
    /// Explanation for the caller.
    pub message: String,
}

impl BackendFault {
    /// A fault with `code`, using Marketo's name of the code as its title.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> BackendFault {
        BackendFault {
            title: code.title().to_owned(),
            code,
            message: message.into(),
        }
    }

    /// A fault with an explicit title.
    pub fn titled(code: ErrorCode, title: &str, message: impl Into<String>) -> BackendFault {
        BackendFault {
            code,
            title: title.to_owned(),
            message: message.into(),
        }
    }

    /// 20110 "Bad Parameter": the request breaks one of the API's rules.
    pub fn bad_parameter(message: impl Into<String>) -> BackendFault {
        BackendFault::titled(ErrorCode::BadParameter, "Bad Parameter", message)
    }

    /// 20019 for an operation this back end does not carry out.
    pub fn unsupported(operation: &str, backend: &str) -> BackendFault {
        // The request element too (`paramsGetTags`), as the caller's XML names it.
        let mut chars = operation.chars();
        let element: String = match chars.next() {
            Some(first) => "params"
                .chars()
                .chain(first.to_uppercase())
                .chain(chars)
                .collect(),
            None => String::new(),
        };
        BackendFault::titled(
            ErrorCode::UnsupportedOperation,
            "Unsupported Operation",
            format!("{operation} ({element}) is not implemented by the {backend}"),
        )
    }

    /// 20011 for a change that was sent on and whose outcome is unknown.
    pub fn may_have_been_applied(detail: &str) -> BackendFault {
        BackendFault::titled(
            ErrorCode::ServiceInternalError,
            "Internal Error",
            format!(
                "the change was sent to Marketo and may have been applied; no confirmation came back: {detail}"
            ),
        )
    }
}

impl std::fmt::Display for BackendFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} - {}: {}", self.code.code(), self.title, self.message)
    }
}

impl std::error::Error for BackendFault {}

/// What a back end learns about a call besides its parameters.
#[derive(Debug, Default)]
pub struct CallContext {
    /// The authenticated SOAP user id.
    pub user_id: String,
    /// `MktowsContextHeader/targetWorkspace`, when sent.
    pub workspace: Option<String>,
    rest_calls: AtomicUsize,
}

impl CallContext {
    /// A context for `user_id` and `workspace`.
    pub fn new(user_id: impl Into<String>, workspace: Option<String>) -> CallContext {
        CallContext {
            user_id: user_id.into(),
            workspace,
            rest_calls: AtomicUsize::new(0),
        }
    }

    /// Counts one outgoing call made for this SOAP call (logged by the front).
    pub fn count_rest_call(&self) {
        self.rest_calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Outgoing calls made so far.
    pub fn rest_calls(&self) -> usize {
        self.rest_calls.load(Ordering::Relaxed)
    }
}

/// A back end's answer to one operation.
pub type BackendResult<'a, T> = BoxFuture<'a, Result<T, BackendFault>>;

fn unsupported<'a, T: Send + 'a>(fault: BackendFault) -> BackendResult<'a, T> {
    Box::pin(async move { Err(fault) })
}

/// Declares [`Backend`] with one defaulted method per operation and the front's dispatch.
/// Each row: method, operation marker, SOAP name, params type, success type, leads counted in
/// the request, leads counted in the answer (for the per-call log line).
macro_rules! backend_operations {
    ($($method:ident, $op:ident, $name:literal, $params:ident, $success:ident, ($count_in:expr), ($count_out:expr);)*) => {
        /// What the SOAP front calls for each operation. Every method has a default answering
        /// fault 20019 naming the operation, so a back end overrides only what it carries out.
        pub trait Backend: Send + Sync + 'static {
            /// Name used in messages, e.g. `mktows sandbox`.
            fn name(&self) -> &str;

            /// The fault for an operation this back end does not carry out (20019 naming it).
            fn unsupported_fault(&self, operation: &str) -> BackendFault {
                BackendFault::unsupported(operation, self.name())
            }

            /// Called once per call answered through this back end, after its log line: the
            /// operation, the SOAP fault code when it failed (`None`: success), and the time
            /// taken. Does nothing by default (the bridge counts calls in its metrics).
            fn call_answered(
                &self,
                _operation: &str,
                _fault: Option<u32>,
                _elapsed: std::time::Duration,
            ) {
            }
            $(
                #[doc = concat!("`", $name, "`.")]
                fn $method<'a>(
                    &'a self,
                    _cx: &'a CallContext,
                    _params: $params,
                ) -> BackendResult<'a, $success> {
                    unsupported(self.unsupported_fault($name))
                }
            )*
        }

        /// Calls the back end for a request body: the operation's name, the leads counted, and
        /// the answer; `None` for an element that is no operation's request.
        pub(super) async fn dispatch(
            backend: &dyn Backend,
            cx: &CallContext,
            body: AnyElement,
        ) -> Option<(&'static str, usize, Result<Answer, BackendFault>)> {
            Some(match body {
                $(
                    AnyElement::$params(params) => {
                        let count_in: fn(&$params) -> usize = $count_in;
                        let count_out: fn(&$success) -> usize = $count_out;
                        let leads_in = count_in(&params);
                        let result = backend.$method(cx, params).await;
                        let leads = result.as_ref().map_or(leads_in, |r| leads_in.max(count_out(r)));
                        ($name, leads, result.map(|r| respond::<ops::$op>(&r)))
                    }
                )*
                _ => return None,
            })
        }
    };
}

backend_operations! {
    delete_m_objects, DeleteMObjects, "deleteMObjects", ParamsDeleteMObjects, SuccessDeleteMObjects, (|_p| 0), (|_r| 0);
    describe_m_object, DescribeMObject, "describeMObject", ParamsDescribeMObject, SuccessDescribeMObject, (|_p| 0), (|_r| 0);
    get_m_objects, GetMObjects, "getMObjects", ParamsGetMObjects, SuccessGetMObjects, (|_p| 0), (|_r| 0);
    sync_m_objects, SyncMObjects, "syncMObjects", ParamsSyncMObjects, SuccessSyncMObjects, (|_p| 0), (|_r| 0);
    get_campaigns_for_source, GetCampaignsForSource, "getCampaignsForSource", ParamsGetCampaignsForSource, SuccessGetCampaignsForSource, (|_p| 0), (|_r| 0);
    get_import_to_list_status, GetImportToListStatus, "getImportToListStatus", ParamsGetImportToListStatus, SuccessGetImportToListStatus, (|_p| 0), (|_r| 0);
    get_lead, GetLead, "getLead", ParamsGetLead, SuccessGetLead, (|_p| 0), (|r| r.result.count.max(0) as usize);
    get_lead_activity, GetLeadActivity, "getLeadActivity", ParamsGetLeadActivity, SuccessGetLeadActivity, (|_p| 0), (|_r| 0);
    get_lead_changes, GetLeadChanges, "getLeadChanges", ParamsGetLeadChanges, SuccessGetLeadChanges, (|_p| 0), (|_r| 0);
    get_multiple_leads, GetMultipleLeads, "getMultipleLeads", ParamsGetMultipleLeads, SuccessGetMultipleLeads, (|_p| 0), (|r| r.result.return_count.max(0) as usize);
    import_to_list, ImportToList, "importToList", ParamsImportToList, SuccessImportToList, (|_p| 0), (|_r| 0);
    list_m_objects, ListMObjects, "listMObjects", ParamsListMObjects, SuccessListMObjects, (|_p| 0), (|_r| 0);
    list_operation, ListOperation, "listOperation", ParamsListOperation, SuccessListOperation, (|p| p.list_member_list.lead_key.len()), (|_r| 0);
    request_campaign, RequestCampaign, "requestCampaign", ParamsRequestCampaign, SuccessRequestCampaign, (|_p| 0), (|_r| 0);
    schedule_campaign, ScheduleCampaign, "scheduleCampaign", ParamsScheduleCampaign, SuccessScheduleCampaign, (|_p| 0), (|_r| 0);
    sync_lead, SyncLead, "syncLead", ParamsSyncLead, SuccessSyncLead, (|_p| 1), (|_r| 0);
    sync_multiple_leads, SyncMultipleLeads, "syncMultipleLeads", ParamsSyncMultipleLeads, SuccessSyncMultipleLeads, (|p| p.lead_record_list.lead_record.len()), (|_r| 0);
    sync_custom_objects, SyncCustomObjects, "syncCustomObjects", ParamsSyncCustomObjects, SuccessSyncCustomObjects, (|_p| 0), (|_r| 0);
    delete_custom_objects, DeleteCustomObjects, "deleteCustomObjects", ParamsDeleteCustomObjects, SuccessDeleteCustomObjects, (|_p| 0), (|_r| 0);
    get_custom_objects, GetCustomObjects, "getCustomObjects", ParamsGetCustomObjects, SuccessGetCustomObjects, (|_p| 0), (|_r| 0);
    merge_leads, MergeLeads, "mergeLeads", ParamsMergeLeads, SuccessMergeLeads, (|_p| 0), (|_r| 0);
    get_channels, GetChannels, "getChannels", ParamsGetChannels, SuccessGetChannels, (|_p| 0), (|_r| 0);
    get_tags, GetTags, "getTags", ParamsGetTags, SuccessGetTags, (|_p| 0), (|_r| 0);
}
