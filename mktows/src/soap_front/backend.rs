//! The back-end side of the SOAP front: one method per operation, typed parameters in, a typed
//! success or a [`BackendFault`] out. Operations a back end does not override answer fault
//! 20019 naming them.

use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::BoxFuture;

use crate::error::ErrorCode;
use crate::types::{
    ParamsDescribeMObject, ParamsGetLead, ParamsGetMultipleLeads, ParamsListOperation,
    ParamsSyncLead, ParamsSyncMultipleLeads, SuccessDescribeMObject, SuccessGetLead,
    SuccessGetMultipleLeads, SuccessListOperation, SuccessSyncLead, SuccessSyncMultipleLeads,
};

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

    /// 20019 for an operation this back end does not carry out.
    pub fn unsupported(operation: &str, backend: &str) -> BackendFault {
        BackendFault::titled(
            ErrorCode::UnsupportedOperation,
            "Unsupported Operation",
            format!("{operation} is not implemented by the {backend}"),
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

fn unsupported<'a, T: Send + 'a>(operation: &'static str, backend: &str) -> BackendResult<'a, T> {
    let fault = BackendFault::unsupported(operation, backend);
    Box::pin(async move { Err(fault) })
}

/// What the SOAP front calls for each operation. Every method has a default answering fault
/// 20019 naming the operation, so a back end overrides only what it carries out.
pub trait Backend: Send + Sync + 'static {
    /// Name used in messages, e.g. `mktows sandbox`.
    fn name(&self) -> &str;

    /// `syncLead`.
    fn sync_lead<'a>(
        &'a self,
        _cx: &'a CallContext,
        _params: ParamsSyncLead,
    ) -> BackendResult<'a, SuccessSyncLead> {
        unsupported("syncLead", self.name())
    }

    /// `syncMultipleLeads`.
    fn sync_multiple_leads<'a>(
        &'a self,
        _cx: &'a CallContext,
        _params: ParamsSyncMultipleLeads,
    ) -> BackendResult<'a, SuccessSyncMultipleLeads> {
        unsupported("syncMultipleLeads", self.name())
    }

    /// `getLead`.
    fn get_lead<'a>(
        &'a self,
        _cx: &'a CallContext,
        _params: ParamsGetLead,
    ) -> BackendResult<'a, SuccessGetLead> {
        unsupported("getLead", self.name())
    }

    /// `getMultipleLeads`.
    fn get_multiple_leads<'a>(
        &'a self,
        _cx: &'a CallContext,
        _params: ParamsGetMultipleLeads,
    ) -> BackendResult<'a, SuccessGetMultipleLeads> {
        unsupported("getMultipleLeads", self.name())
    }

    /// `listOperation`.
    fn list_operation<'a>(
        &'a self,
        _cx: &'a CallContext,
        _params: ParamsListOperation,
    ) -> BackendResult<'a, SuccessListOperation> {
        unsupported("listOperation", self.name())
    }

    /// `describeMObject`.
    fn describe_m_object<'a>(
        &'a self,
        _cx: &'a CallContext,
        _params: ParamsDescribeMObject,
    ) -> BackendResult<'a, SuccessDescribeMObject> {
        unsupported("describeMObject", self.name())
    }
}
