//! The sandbox's REST campaign calls over the fixture's campaigns: `GET /v1/campaigns.json`,
//! `POST /v1/campaigns/{id}/trigger.json` and `POST /v1/campaigns/{id}/schedule.json`.
//!
//! Choices where Marketo is undocumented:
//! - `isTriggerable=true` lists the campaigns the fixture lets MKTOWS request; `name` and
//!   `programName` take comma-separated exact names; paging by `nextPageToken` (an offset);
//! - trigger: an unknown campaign is 1013 "Campaign not found"; a campaign MKTOWS cannot
//!   request is 1003 (as Marketo for a batch campaign); more than 100 leads or tokens, a
//!   token not of the form `{{my.name}}` or a lead id that does not exist is 1003 naming it,
//!   and nothing is recorded; each lead gets a "Request Campaign" activity (source MKTOWS);
//! - schedule: `runAt` omitted means five minutes from now (Marketo's minimum wait); more than
//!   two years ahead is 1042; the run is kept like a SOAP `scheduleCampaign`.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::reply::{Reply, param};
use crate::schedule::ScheduledRun;
use crate::service::Service;
use mktows::types::{ArrayOfAttrib, Attrib};
use mktows_server::marketo::program_tokens as tokens;

/// Most leads and tokens per trigger call.
const MAX_TRIGGER: usize = 100;

/// Routes `v1/campaigns...`; `None` for other paths.
pub fn dispatch(
    service: &Service,
    method: &str,
    segments: &[&str],
    pairs: &[(String, String)],
    body: &[u8],
) -> Option<Reply> {
    Some(match (segments, method) {
        (["v1", "campaigns.json"], "GET") => list(service, pairs),
        (["v1", "campaigns", id, action], "POST") => {
            let Ok(id) = id.parse::<i32>() else {
                return Some(Reply::error(610, "Requested resource not found"));
            };
            let input = match serde_json::from_slice::<Value>(body) {
                Ok(v) => v.get("input").cloned().unwrap_or(Value::Null),
                Err(e) => return Some(Reply::error(609, format!("Invalid JSON: {e}"))),
            };
            match *action {
                "trigger.json" => trigger(service, id, &input),
                "schedule.json" => schedule(service, id, &input),
                _ => Reply::error(610, "Requested resource not found"),
            }
        }
        _ => return None,
    })
}

fn list(service: &Service, pairs: &[(String, String)]) -> Reply {
    let names = |key: &str| -> Option<Vec<String>> {
        param(pairs, key).map(|v| v.split(',').map(|s| s.trim().to_owned()).collect())
    };
    let wanted = names("name");
    let programs = names("programName");
    let triggerable = param(pairs, "isTriggerable") == Some("true");
    let offset: usize = param(pairs, "nextPageToken")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let batch: usize = match param(pairs, "batchSize").map(str::parse::<usize>) {
        None => 300,
        Some(Ok(n)) if (1..=300).contains(&n) => n,
        Some(_) => return Reply::error(1003, "batchSize must be 1 to 300"),
    };
    let matching: Vec<Value> = service
        .config()
        .catalog
        .campaigns
        .iter()
        .filter(|c| wanted.as_ref().is_none_or(|n| n.contains(&c.name)))
        .filter(|c| {
            programs
                .as_ref()
                .is_none_or(|p| c.program.as_ref().is_some_and(|name| p.contains(name)))
        })
        .filter(|c| !triggerable || c.sources.iter().any(|s| s == "MKTOWS"))
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.name,
                "description": c.description,
                "type": if c.sources.is_empty() { "batch" } else { "trigger" },
                "programName": c.program,
                "workspaceName": "Default",
                "active": true,
            })
        })
        .collect();
    let end = (offset + batch).min(matching.len());
    let page = matching.get(offset..end).unwrap_or_default().to_vec();
    let more = end < matching.len();
    Reply::Result {
        result: page,
        next: more.then(|| end.to_string()),
        more: Some(more),
    }
}

/// `tokens: [{name, value}]` checked as SOAP's are.
fn rest_tokens(input: &Value) -> Result<Vec<(String, String)>, Reply> {
    let list = input
        .get("tokens")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if list.len() > MAX_TRIGGER {
        return Err(Reply::error(1003, "At most 100 tokens"));
    }
    let attrib = list
        .iter()
        .map(|t| Attrib {
            name: t
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            value: t
                .get("value")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        })
        .collect();
    tokens(Some(ArrayOfAttrib { attrib })).map_err(|f| Reply::error(1003, f.message))
}

fn trigger(service: &Service, id: i32, input: &Value) -> Reply {
    let Some(campaign) = service.config().catalog.campaign(id) else {
        return Reply::error(1013, format!("Campaign {id} not found"));
    };
    if !campaign.sources.iter().any(|s| s == "MKTOWS") {
        return Reply::error(
            1003,
            format!("Campaign {id} has no Web Service API request trigger"),
        );
    }
    let leads = input
        .get("leads")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if leads.is_empty() || leads.len() > MAX_TRIGGER {
        return Reply::error(1003, "leads must hold 1 to 100 leads");
    }
    let tokens = match rest_tokens(input) {
        Ok(t) => t,
        Err(reply) => return reply,
    };
    let mut store = service.lock_store();
    let mut ids = Vec::new();
    for lead in &leads {
        let id = lead
            .get("id")
            .and_then(Value::as_i64)
            .and_then(|n| i32::try_from(n).ok());
        match id.filter(|id| store.get(*id).is_some()) {
            Some(id) => ids.push(id),
            None => return Reply::error(1003, format!("Lead {lead} not found")),
        }
    }
    match crate::schedule::record_request(&mut store, campaign, "MKTOWS", ids, tokens) {
        Ok(()) => Reply::ok(vec![json!({ "id": id })]),
        Err(e) => Reply::error(611, format!("System error: {e}")),
    }
}

fn schedule(service: &Service, id: i32, input: &Value) -> Reply {
    let Some(campaign) = service.config().catalog.campaign(id) else {
        return Reply::error(1013, format!("Campaign {id} not found"));
    };
    let now = Utc::now();
    let run_at = match input.get("runAt").and_then(Value::as_str) {
        None => now + Duration::minutes(5),
        Some(text) => match DateTime::parse_from_rfc3339(text)
            .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z"))
        {
            Ok(t) => t.to_utc(),
            Err(e) => return Reply::error(1001, format!("Invalid runAt {text:?}: {e}")),
        },
    };
    if run_at > now + Duration::days(730) {
        return Reply::error(1042, "Invalid runAt date: more than two years ahead");
    }
    let tokens = match rest_tokens(input) {
        Ok(t) => t,
        Err(reply) => return reply,
    };
    let run = ScheduledRun {
        campaign_id: id,
        campaign: campaign.name.clone(),
        program: campaign.program.clone().unwrap_or_default(),
        run_at,
        tokens,
    };
    match service.lock_store().schedule(run) {
        Ok(()) => Reply::ok(vec![json!({ "id": id })]),
        Err(e) => Reply::error(611, format!("System error: {e}")),
    }
}
