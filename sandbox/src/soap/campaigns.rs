//! Campaigns: `getCampaignsForSource`, `requestCampaign` and `scheduleCampaign`, over the
//! campaigns and programs of the fixture ([`crate::Catalog`]).
//!
//! Choices where Marketo is undocumented:
//! - A campaign can be requested by a source when its fixture `sources` list it
//!   (Marketo: a "Campaign is Requested" trigger whose source includes Web Service API or
//!   Sales Insight). `getCampaignsForSource` lists those; `name` matches a substring
//!   ignoring case, or the whole name exactly with `exactName`. No match is an empty list.
//! - `requestCampaign` checks everything before changing anything: the campaign (by id, or by
//!   name within `programName`; fault 20113 when it does not exist or cannot be requested by
//!   the source), every lead key (fault 20103 naming the first that matches no lead), and the
//!   tokens (names must read `{{my.NAME}}`, fault 20110). Of more than 100 lead keys the
//!   first 100 are used, as Marketo documents ("additional keys will be ignored"), with a
//!   warning logged (target `mktows::sandbox`) naming the count. Each lead then gets a "Request Campaign"
//!   activity naming the campaign, with the tokens as attributes; a key matching several
//!   leads (a shared email) requests the campaign for each.
//! - `campaignId` with `campaignName`, or `campaignName` without `programName`, is fault 20110.
//! - `scheduleCampaign` needs the program and a campaign of that program (20113 otherwise);
//!   `campaignRunAt` omitted means now; the run is kept ([`crate::Sandbox::scheduled_campaigns`]).

use chrono::Utc;

use super::{fault, not_found, storage_failed, value};
use crate::fixture::Campaign;
use crate::schedule::ScheduledRun;
use crate::service::Service;
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::BackendFault;
pub use mktows_server::marketo::MAX_CAMPAIGN_LEADS;
use mktows_server::marketo::{first_campaign_leads, program_tokens};

fn campaign_not_found(message: &str) -> BackendFault {
    fault(ErrorCode::CampaignNotFound, "Campaign Not Found", message)
}

fn source_name(source: &ReqCampSourceType) -> Result<&'static str, BackendFault> {
    match source {
        ReqCampSourceType::Mktows => Ok("MKTOWS"),
        ReqCampSourceType::Sales => Ok("SALES"),
        ReqCampSourceType::Unknown(other) => Err(BackendFault::bad_parameter(format!(
            "source {other:?} is neither MKTOWS nor SALES"
        ))),
    }
}

fn campaign_in_program<'a>(
    service: &'a Service,
    program: &str,
    name: &str,
) -> Result<&'a Campaign, BackendFault> {
    let catalog = &service.config().catalog;
    if !catalog.programs.iter().any(|p| p.name == program) {
        return Err(campaign_not_found(&format!("No program named {program:?}")));
    }
    catalog
        .campaigns
        .iter()
        .find(|c| c.name == name && c.program.as_deref() == Some(program))
        .ok_or_else(|| {
            campaign_not_found(&format!(
                "No campaign named {name:?} in program {program:?}"
            ))
        })
}

pub(crate) fn get_campaigns_for_source(
    service: &Service,
    params: ParamsGetCampaignsForSource,
) -> Result<SuccessGetCampaignsForSource, BackendFault> {
    let source = source_name(&params.source)?;
    let name = value(&params.name).filter(|n| !n.is_empty());
    let exact = value(&params.exact_name).unwrap_or(false);
    let campaign_record: Vec<CampaignRecord> = service
        .config()
        .catalog
        .campaigns
        .iter()
        .filter(|c| c.sources.iter().any(|s| s == source))
        .filter(|c| match &name {
            None => true,
            Some(n) if exact => &c.name == n,
            Some(n) => c.name.to_lowercase().contains(&n.to_lowercase()),
        })
        .map(|c| CampaignRecord {
            id: c.id,
            name: c.name.clone(),
            description: c.description.clone(),
        })
        .collect();
    Ok(SuccessGetCampaignsForSource {
        result: ResultGetCampaignsForSource {
            return_count: campaign_record.len() as i32,
            campaign_record_list: Some(Nillable::Value(ArrayOfCampaignRecord { campaign_record })),
        },
    })
}

pub(crate) fn request_campaign(
    service: &Service,
    params: ParamsRequestCampaign,
) -> Result<SuccessRequestCampaign, BackendFault> {
    let source = source_name(&params.source)?;
    let id = value(&params.campaign_id);
    let name = value(&params.campaign_name);
    let program = value(&params.program_name);
    let campaign = match (id, name, program) {
        (Some(_), Some(_), _) => {
            return Err(BackendFault::bad_parameter(
                "give campaignId or campaignName, not both",
            ));
        }
        (Some(id), None, _) => service
            .config()
            .catalog
            .campaign(id)
            .ok_or_else(|| campaign_not_found(&format!("No campaign with id {id}")))?,
        (None, Some(name), Some(program)) => campaign_in_program(service, &program, &name)?,
        (None, Some(_), None) => {
            return Err(BackendFault::bad_parameter(
                "campaignName needs programName",
            ));
        }
        (None, None, _) => {
            return Err(fault(
                ErrorCode::ParameterRequired,
                "Parameter Required",
                "campaignId or campaignName is required",
            ));
        }
    };
    if !campaign.sources.iter().any(|s| s == source) {
        return Err(campaign_not_found(&format!(
            "Campaign {} ({}) cannot be requested by {source}",
            campaign.id, campaign.name
        )));
    }
    let tokens = program_tokens(value(&params.program_token_list))?;
    let keys = value(&params.lead_list)
        .map(|l| l.lead_key)
        .unwrap_or_default();
    if keys.is_empty() {
        return Err(fault(
            ErrorCode::ParameterRequired,
            "Parameter Required",
            "leadList needs at least one leadKey",
        ));
    }
    let mut keys = keys;
    if let Some(sent) = first_campaign_leads(&mut keys) {
        tracing::warn!(
            target: "mktows::sandbox",
            keys = sent,
            used = MAX_CAMPAIGN_LEADS,
            "requestCampaign: {sent} lead keys, only the first {MAX_CAMPAIGN_LEADS} are used (as Marketo ignored the others)",
        );
    }
    let mut store = service.lock_store();
    let mut leads = Vec::new();
    for key in &keys {
        let found = super::lookup::find(&store, &key.key_type, &key.key_value)?;
        if found.is_empty() {
            return Err(not_found(key.key_type.as_str(), &key.key_value));
        }
        leads.extend(found.into_iter().map(|l| l.id));
    }
    crate::schedule::record_request(&mut store, campaign, source, leads, tokens)
        .map_err(|e| storage_failed(&e))?;
    Ok(SuccessRequestCampaign {
        result: ResultRequestCampaign { success: true },
    })
}

pub(crate) fn schedule_campaign(
    service: &Service,
    params: ParamsScheduleCampaign,
) -> Result<SuccessScheduleCampaign, BackendFault> {
    let campaign = campaign_in_program(service, &params.program_name, &params.campaign_name)?;
    let tokens = program_tokens(value(&params.program_token_list))?;
    let run_at = value(&params.campaign_run_at).map_or_else(Utc::now, |t| t.to_utc());
    let run = ScheduledRun {
        campaign_id: campaign.id,
        campaign: campaign.name.clone(),
        program: params.program_name.clone(),
        run_at,
        tokens,
    };
    service
        .lock_store()
        .schedule(run)
        .map_err(|e| storage_failed(&e))?;
    Ok(SuccessScheduleCampaign {
        result: ResultScheduleCampaign { success: true },
    })
}
