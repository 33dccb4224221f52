//! Request fields some API versions lack, read the same way on every version, so that code
//! serving the API (the sandbox, the bridge) compiles against bindings generated from any
//! vendored WSDL: `getLeadChanges`' `activityNameFilter` arrived in 2_3, `mergeLeads`'
//! `mergeInSales` in 2_6. On a version without the field the answer is what an absent field
//! means.

use crate::types::{ParamsGetLeadChanges, ParamsMergeLeads};

/// `mergeInSales` of a `mergeLeads` request: `false` when absent (or before 2_6).
pub fn merge_in_sales(params: &ParamsMergeLeads) -> bool {
    #[cfg(mktows_merge_in_sales)]
    return params.merge_in_sales.unwrap_or(false);
    #[cfg(not(mktows_merge_in_sales))]
    {
        let _ = params;
        false
    }
}

/// The activity names of a `getLeadChanges` request's `activityNameFilter`: empty when absent,
/// nil (or before 2_3).
pub fn activity_name_filter(params: &ParamsGetLeadChanges) -> Vec<String> {
    #[cfg(mktows_activity_name_filter)]
    return params
        .activity_name_filter
        .as_ref()
        .and_then(|names| names.value())
        .map(|names| names.string_item.clone())
        .unwrap_or_default();
    #[cfg(not(mktows_activity_name_filter))]
    {
        let _ = params;
        Vec::new()
    }
}
