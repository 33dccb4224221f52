//! `getLead` and `getMultipleLeads` over REST (mapping in the module docs of
//! [`super`]). A lead key type outside the WSDL's enumeration is fault 20102 "Lead Key Bad"; a
//! valid one REST cannot filter by (LEADOWNEREMAIL) is 20019 (both in `common::filter_type`).

use serde_json::Value;

use super::common::{POSITION, filter_type, filter_value, pairs, results, value};
use super::rest::{RestError, RestRequest};
use super::{FieldMap, RestBackend, read_fault};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::{BackendFault, CallContext};

/// `fields=` for reads: every mapped field (or the included ones), plus id and email.
fn fields_param(map: &FieldMap, include: Option<&[String]>) -> String {
    let mut names: Vec<String> = match include {
        Some(soap) => soap
            .iter()
            .filter_map(|s| map.rest(s))
            .map(str::to_owned)
            .collect(),
        None => map.all_rest(),
    };
    names.extend(["id".to_owned(), "email".to_owned()]);
    names.sort();
    names.dedup();
    names.join(",")
}

/// Where `getMultipleLeads` reads, as its `leadSelector` says (before any REST lookup).
#[derive(Debug, PartialEq)]
enum LeadSource<'a> {
    /// `GET /v1/leads.json` with this filter.
    Keys {
        filter_type: &'static str,
        values: Vec<&'a str>,
    },
    ListName(String),
    ListId(i32),
}

/// REST's `batchSize` for a SOAP `batchSize` (SOAP's 1 to 1000, REST's at most 300).
fn multiple_leads_batch(batch_size: Option<i32>) -> i32 {
    batch_size.map_or(100, |b| b.clamp(1, 1000)).min(300)
}

/// The REST paging token of a SOAP stream position the bridge handed out.
fn stream_token(position: Option<String>) -> Result<Option<String>, BackendFault> {
    match position.filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(position) => match position.strip_prefix(POSITION) {
            Some(token) if !token.is_empty() => Ok(Some(token.to_owned())),
            _ => Err(BackendFault::titled(
                ErrorCode::BadStreamPosition,
                "Bad Stream Position",
                format!("Bad stream position {position}"),
            )),
        },
    }
}

/// The leads a `getMultipleLeads` selector names: at most 100 keys (Marketo ignored keys past
/// the 100th; nothing is dropped silently here), a static list, nothing else.
fn lead_source(selector: &Option<LeadSelector>) -> Result<LeadSource<'_>, BackendFault> {
    Ok(match selector {
        Some(LeadSelector::LeadKeySelector(selector)) => {
            let keys = &selector.key_values.string_item;
            if keys.len() > 100 {
                return Err(BackendFault::bad_parameter(format!(
                    "a LeadKeySelector takes at most 100 keys, not {}",
                    keys.len()
                )));
            }
            let values = keys
                .iter()
                .map(|v| filter_value(v))
                .collect::<Result<Vec<&str>, _>>()?;
            LeadSource::Keys {
                filter_type: filter_type(&selector.key_type)?,
                values,
            }
        }
        Some(LeadSelector::StaticListSelector(selector)) => match (
            value(&selector.static_list_name),
            value(&selector.static_list_id),
        ) {
            (Some(name), _) => LeadSource::ListName(name),
            (None, Some(id)) => LeadSource::ListId(id),
            (None, None) => {
                return Err(BackendFault::titled(
                    ErrorCode::ParameterRequired,
                    "Parameter Required",
                    "StaticListSelector needs staticListName or staticListId",
                ));
            }
        },
        Some(LeadSelector::LastUpdateAtSelector(_)) => {
            return Err(BackendFault::new(
                ErrorCode::UnsupportedOperation,
                "LastUpdateAtSelector has no faithful Marketo REST mapping: leads.json cannot \
                 filter by update time (Adobe points to Bulk Lead Export)",
            ));
        }
        None => {
            return Err(BackendFault::titled(
                ErrorCode::ParameterRequired,
                "Parameter Required",
                "leadSelector is required",
            ));
        }
    })
}

/// The query of a `getMultipleLeads` read.
fn multiple_leads_query(
    fields: String,
    batch: i32,
    token: Option<String>,
    source: &LeadSource,
) -> Vec<(String, String)> {
    let mut query = pairs(&[("fields", fields), ("batchSize", batch.to_string())]);
    if let Some(token) = token {
        query.push(("nextPageToken".into(), token));
    }
    if let LeadSource::Keys {
        filter_type,
        values,
    } = source
    {
        query.push(("filterType".into(), (*filter_type).to_owned()));
        query.push(("filterValues".into(), values.join(",")));
    }
    query
}

/// A failed `getMultipleLeads` read: a paging token REST refuses is a bad stream position.
fn multiple_leads_fault(error: RestError) -> BackendFault {
    match error {
        RestError::Api {
            code: 1003,
            message,
        } if message.contains("nextPageToken") => {
            BackendFault::titled(ErrorCode::BadStreamPosition, "Bad Stream Position", message)
        }
        other => read_fault(&other),
    }
}

/// The SOAP page from REST's: more while REST says so (a token without `moreResult` also
/// means more), the next position carrying REST's token.
fn soap_multiple_leads(
    answer: &Value,
    map: &FieldMap,
    include: Option<&[String]>,
) -> SuccessGetMultipleLeads {
    let lead_record: Vec<LeadRecord> = results(answer)
        .iter()
        .map(|l| map.soap_record(l, include))
        .collect();
    let next = answer
        .get("nextPageToken")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty());
    let more = match answer.get("moreResult").and_then(Value::as_bool) {
        Some(more) => more && next.is_some(),
        None => next.is_some() && !lead_record.is_empty(),
    };
    SuccessGetMultipleLeads {
        result: ResultGetMultipleLeads {
            return_count: lead_record.len() as i32,
            remaining_count: i32::from(more),
            new_stream_position: match (more, next) {
                (true, Some(next)) => format!("{POSITION}{next}"),
                _ => String::new(),
            },
            lead_record_list: Some(Nillable::Value(ArrayOfLeadRecord { lead_record })),
        },
    }
}

impl RestBackend {
    pub(super) async fn do_get_lead(
        &self,
        cx: &CallContext,
        params: ParamsGetLead,
    ) -> Result<SuccessGetLead, BackendFault> {
        let key = params.lead_key;
        let filter = filter_type(&key.key_type)?;
        if key.key_type == LeadKeyRef::Idnum && key.key_value.trim().parse::<i32>().is_err() {
            return Err(BackendFault::titled(
                ErrorCode::LeadKeyBad,
                "Lead Key Bad",
                format!("Invalid IDNUM {}", key.key_value),
            ));
        }
        let map = self.fields(cx).await?;
        let query = pairs(&[
            ("filterType", filter.to_owned()),
            ("filterValues", filter_value(&key.key_value)?.to_owned()),
            ("fields", fields_param(&map, None)),
        ]);
        let answer = self
            .rest
            .call(cx, &RestRequest::get("/v1/leads.json", query))
            .await
            .map_err(|e| read_fault(&e))?;
        let leads = results(&answer);
        if leads.is_empty() {
            return Err(BackendFault::titled(
                ErrorCode::LeadNotFound,
                "Lead not found",
                format!("No lead found with {} = {}", key.key_type, key.key_value),
            ));
        }
        let lead_record: Vec<LeadRecord> = leads.iter().map(|l| map.soap_record(l, None)).collect();
        Ok(SuccessGetLead {
            result: ResultGetLead {
                count: lead_record.len() as i32,
                lead_record_list: Some(Nillable::Value(ArrayOfLeadRecord { lead_record })),
            },
        })
    }

    /// The id of the static list named exactly `name`.
    pub(super) async fn list_id(&self, cx: &CallContext, name: &str) -> Result<i32, BackendFault> {
        let answer = self
            .rest
            .call(
                cx,
                &RestRequest::get("/v1/lists.json", pairs(&[("name", name.to_owned())])),
            )
            .await
            .map_err(|e| read_fault(&e))?;
        results(&answer)
            .iter()
            .find(|l| l.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|l| l.get("id").and_then(Value::as_i64))
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| {
                BackendFault::titled(
                    ErrorCode::ListNotFound,
                    "List Not Found",
                    format!("No static list named {name:?}"),
                )
            })
    }

    /// `getMultipleLeads`: the page and the leads asked for, the list's id when named, one
    /// REST read.
    pub(super) async fn do_get_multiple_leads(
        &self,
        cx: &CallContext,
        params: ParamsGetMultipleLeads,
    ) -> Result<SuccessGetMultipleLeads, BackendFault> {
        let batch = multiple_leads_batch(value(&params.batch_size));
        let token = stream_token(value(&params.stream_position))?;
        let map = self.fields(cx).await?;
        let include = params
            .include_attributes
            .as_ref()
            .map(|a| a.string_item.clone());
        let fields = fields_param(&map, include.as_deref());
        let source = lead_source(&params.lead_selector)?;
        let query = multiple_leads_query(fields, batch, token, &source);
        let path = match source {
            LeadSource::Keys { .. } => "/v1/leads.json".to_owned(),
            LeadSource::ListName(name) => {
                format!("/v1/lists/{}/leads.json", self.list_id(cx, &name).await?)
            }
            LeadSource::ListId(id) => format!("/v1/lists/{id}/leads.json"),
        };
        let answer = self
            .rest
            .call(cx, &RestRequest::get(path, query))
            .await
            .map_err(multiple_leads_fault)?;
        Ok(soap_multiple_leads(&answer, &map, include.as_deref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(key_type: LeadKeyRef, values: &[&str]) -> Option<LeadSelector> {
        Some(LeadSelector::LeadKeySelector(LeadKeySelector {
            key_type,
            key_values: ArrayOfString {
                string_item: values.iter().map(|v| (*v).to_owned()).collect(),
            },
        }))
    }

    #[test]
    fn batch_sizes_fit_rest() {
        assert_eq!(multiple_leads_batch(None), 100);
        assert_eq!(multiple_leads_batch(Some(0)), 1);
        assert_eq!(multiple_leads_batch(Some(250)), 250);
        assert_eq!(multiple_leads_batch(Some(5000)), 300);
    }

    #[test]
    fn stream_positions_carry_rest_tokens() {
        assert_eq!(stream_token(None).unwrap(), None);
        assert_eq!(stream_token(Some(String::new())).unwrap(), None);
        assert_eq!(
            stream_token(Some("rest:T1".into())).unwrap(),
            Some("T1".into())
        );
        for bad in ["rest:", "T1"] {
            let fault = stream_token(Some(bad.into())).unwrap_err();
            assert_eq!(fault.code, ErrorCode::BadStreamPosition);
        }
    }

    #[test]
    fn a_key_selector_is_one_rest_filter() {
        let selector = keys(LeadKeyRef::Email, &["a@x.com", " b@x.com"]);
        let source = lead_source(&selector).unwrap();
        assert_eq!(
            source,
            LeadSource::Keys {
                filter_type: "email",
                values: vec!["a@x.com", "b@x.com"],
            }
        );
        let query = multiple_leads_query("id,email".into(), 300, Some("T".into()), &source);
        let names: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("fields", "id,email"),
                ("batchSize", "300"),
                ("nextPageToken", "T"),
                ("filterType", "email"),
                ("filterValues", "a@x.com,b@x.com"),
            ]
        );
    }

    #[test]
    fn selectors_rest_cannot_read_are_faults() {
        let many: Vec<String> = (0..101).map(|i| i.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let fault = lead_source(&keys(LeadKeyRef::Idnum, &many)).unwrap_err();
        assert_eq!(fault.code, ErrorCode::BadParameter);
        let fault = lead_source(&keys(LeadKeyRef::Email, &["a,b"])).unwrap_err();
        assert_eq!(fault.code, ErrorCode::LeadKeyBad);
        let fault = lead_source(&None).unwrap_err();
        assert_eq!(fault.code, ErrorCode::ParameterRequired);
    }

    #[test]
    fn a_refused_paging_token_is_a_bad_stream_position() {
        let refused = RestError::Api {
            code: 1003,
            message: "Invalid nextPageToken".into(),
        };
        assert_eq!(
            multiple_leads_fault(refused).code,
            ErrorCode::BadStreamPosition
        );
        let other = RestError::Api {
            code: 1003,
            message: "Invalid filterType".into(),
        };
        assert_eq!(multiple_leads_fault(other).code, ErrorCode::BadParameter);
    }

    #[test]
    fn more_is_what_rest_says_with_a_token() {
        let map = FieldMap::from_describe(&json!({"result": [
            {"dataType": "string", "rest": {"name": "firstName"}, "soap": {"name": "FirstName"}}]}));
        let lead = json!({"id": 3, "email": "a@x.com", "firstName": "Ada"});
        let answer = json!({"moreResult": true, "nextPageToken": "N", "result": [lead]});
        let page = soap_multiple_leads(&answer, &map, None).result;
        assert_eq!((page.return_count, page.remaining_count), (1, 1));
        assert_eq!(page.new_stream_position, "rest:N");
        let leads = page.lead_record_list.unwrap().value().cloned().unwrap();
        assert_eq!(leads.lead_record[0].id, Some(Nillable::Value(3)));
        let answer = json!({"moreResult": false, "nextPageToken": "N", "result": [lead]});
        let page = soap_multiple_leads(&answer, &map, None).result;
        assert_eq!(
            (page.remaining_count, page.new_stream_position.as_str()),
            (0, "")
        );
        // No `moreResult`: a token with rows means more, without rows the end.
        let answer = json!({"nextPageToken": "N", "result": [lead]});
        assert_eq!(
            soap_multiple_leads(&answer, &map, None)
                .result
                .remaining_count,
            1
        );
        let answer = json!({"nextPageToken": "N", "result": []});
        assert_eq!(
            soap_multiple_leads(&answer, &map, None)
                .result
                .remaining_count,
            0
        );
    }
}
