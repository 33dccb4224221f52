//! `getLeadActivity` and `getLeadChanges` over the activity log.
//!
//! Choices where Marketo is undocumented:
//! - `getLeadActivity` reads the activity of the newest lead matching the key (Marketo's rule
//!   for duplicate emails), newest first; `getLeadChanges` reads every lead's, oldest first.
//! - Stream positions: `offset` is `ID:<activity id>` of the last record returned, as in
//!   Marketo's samples; the next page continues past it. An `offset` that is not of that form
//!   or names no activity is fault 20122. `oldestCreatedAt` / `latestCreatedAt` bound the
//!   creation time; `activityCreatedAt` is echoed and otherwise ignored.
//! - `remainingCount` is exact (Marketo says to treat it as a flag).
//! - Filters: `includeTypes` and `excludeTypes` together are fault 20114; a type the WSDL does
//!   not list is fault 20107. `activityNameFilter` matches display names ignoring case; a
//!   name of no activity the sandbox records matches nothing.
//! - `batchSize` below 1 is fault 20114; above the limit (100 for `getLeadActivity`, 1000 for
//!   `getLeadChanges`) it is lowered to the limit.
//! - `getLeadChanges` needs `oldestCreatedAt` or `offset` in `startPosition` (fault 20109).

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, Utc};

use super::{fault, list_not_found, not_found, value};
use crate::service::Service;
use crate::store::Store;
use crate::store::activity::{Activity, ActivityKind, FIRST_ACTIVITY_ID};
use mktows::error::ErrorCode;
use mktows::types::*;
use mktows::xml::Nillable;
use mktows_server::BackendFault;

/// Most records per `getLeadActivity` page.
pub const MAX_ACTIVITY_BATCH: i32 = 100;
/// Most records per `getLeadChanges` page.
pub const MAX_CHANGES_BATCH: i32 = 1000;
/// Most leads in a `getLeadChanges` LeadKeySelector.
pub const MAX_CHANGES_LEADS: usize = 100;

fn bad_value(message: &str) -> BackendFault {
    fault(ErrorCode::BadParameterValue, "Bad Parameter", message)
}

/// Which activity kinds a request wants.
struct KindFilter(Option<BTreeSet<&'static str>>);

impl KindFilter {
    fn from_types(filter: Option<&ActivityTypeFilter>) -> Result<KindFilter, BackendFault> {
        let Some(filter) = filter else {
            return Ok(KindFilter(None));
        };
        let include = filter.include_types.as_ref().map(|t| &t.activity_type);
        let exclude = filter.exclude_types.as_ref().map(|t| &t.activity_type);
        let check = |types: &Vec<ActivityType>| -> Result<BTreeSet<&'static str>, BackendFault> {
            if let Some(ActivityType::Unknown(bad)) =
                types.iter().find(|t| matches!(t, ActivityType::Unknown(_)))
            {
                return Err(fault(
                    ErrorCode::ActivityKeyBad,
                    "Activity Key Bad",
                    &format!("Unknown activity type {bad:?}"),
                ));
            }
            Ok(ActivityKind::ALL
                .into_iter()
                .filter(|k| types.contains(&k.soap_type()))
                .map(ActivityKind::name)
                .collect())
        };
        match (include, exclude) {
            (Some(i), Some(e)) if !i.is_empty() && !e.is_empty() => Err(bad_value(
                "includeTypes and excludeTypes cannot both be given",
            )),
            (Some(i), _) if !i.is_empty() => Ok(KindFilter(Some(check(i)?))),
            (_, Some(e)) if !e.is_empty() => {
                let excluded = check(e)?;
                Ok(KindFilter(Some(
                    ActivityKind::ALL
                        .into_iter()
                        .map(ActivityKind::name)
                        .filter(|n| !excluded.contains(n))
                        .collect(),
                )))
            }
            _ => Ok(KindFilter(None)),
        }
    }

    fn from_names(names: &[String]) -> KindFilter {
        KindFilter(Some(
            names
                .iter()
                .filter_map(|n| ActivityKind::from_name(n))
                .map(ActivityKind::name)
                .collect(),
        ))
    }

    fn and(self, other: KindFilter) -> KindFilter {
        match (self.0, other.0) {
            (Some(a), Some(b)) => KindFilter(Some(a.intersection(&b).copied().collect())),
            (a, b) => KindFilter(a.or(b)),
        }
    }

    fn allows(&self, activity: &Activity) -> bool {
        self.0
            .as_ref()
            .is_none_or(|kinds| kinds.contains(activity.kind.name()))
    }
}

/// `startPosition` read: bounds and the id of the last record already returned.
struct Position {
    oldest: Option<DateTime<Utc>>,
    latest: Option<DateTime<Utc>>,
    after: Option<i32>,
    echo: StreamPosition,
}

fn position(start: Option<StreamPosition>, store: &Store) -> Result<Position, BackendFault> {
    let start = start.unwrap_or(StreamPosition {
        latest_created_at: None,
        oldest_created_at: None,
        activity_created_at: None,
        offset: None,
    });
    let time =
        |t: &Option<Nillable<DateTime<FixedOffset>>>| value(t).map(|t| t.with_timezone(&Utc));
    let after = match value(&start.offset).filter(|o| !o.trim().is_empty()) {
        None => None,
        Some(offset) => {
            let id = offset
                .trim()
                .strip_prefix("ID:")
                .and_then(|id| id.parse::<i32>().ok())
                .filter(|id| *id >= FIRST_ACTIVITY_ID && store.activities().get(*id).is_some());
            match id {
                Some(id) => Some(id),
                None => {
                    return Err(fault(
                        ErrorCode::BadStreamPosition,
                        "Bad Stream Position",
                        &format!("Bad stream position offset {offset:?}"),
                    ));
                }
            }
        }
    };
    Ok(Position {
        oldest: time(&start.oldest_created_at),
        latest: time(&start.latest_created_at),
        after,
        echo: start,
    })
}

impl Position {
    fn within(&self, a: &Activity) -> bool {
        self.oldest.is_none_or(|t| a.created_at >= t)
            && self.latest.is_none_or(|t| a.created_at <= t)
    }

    /// The position to send back: the request's bounds and the last id returned.
    fn next(&self, last: Option<i32>) -> StreamPosition {
        let mut next = self.echo.clone();
        let offset = last.or(self.after);
        next.offset = Some(offset.map_or(Nillable::Nil, |id| Nillable::Value(format!("ID:{id}"))));
        next
    }
}

fn batch(requested: Option<i32>, limit: i32) -> Result<usize, BackendFault> {
    match requested {
        Some(n) if n < 1 => Err(bad_value(&format!("batchSize must be at least 1, not {n}"))),
        Some(n) => Ok(n.min(limit) as usize),
        None => Ok(limit as usize),
    }
}

fn attributes(a: &Activity) -> Option<Nillable<ArrayOfAttribute>> {
    Some(Nillable::Value(ArrayOfAttribute {
        attribute: a
            .attributes
            .iter()
            .map(|(name, value)| Attribute {
                attr_name: name.clone(),
                attr_type: Some(Nillable::Nil),
                attr_value: value.clone(),
            })
            .collect(),
    }))
}

fn timestamp(a: &Activity) -> DateTime<FixedOffset> {
    a.created_at.fixed_offset()
}

pub(crate) fn get_lead_activity(
    service: &Service,
    params: ParamsGetLeadActivity,
) -> Result<SuccessGetLeadActivity, BackendFault> {
    let store = service.lock_store();
    let key = &params.lead_key;
    let lead = super::lookup::find(&store, &key.key_type, &key.key_value)?
        .into_iter()
        .max_by_key(|l| l.id)
        .ok_or_else(|| not_found(key.key_type.as_str(), &key.key_value))?;
    let filter = KindFilter::from_types(value(&params.activity_filter).as_ref())?;
    let position = position(value(&params.start_position), &store)?;
    let size = batch(value(&params.batch_size), MAX_ACTIVITY_BATCH)?;
    let mut matching = store
        .activities()
        .of_lead(lead.id)
        .rev()
        .filter(|a| position.after.is_none_or(|after| a.id < after))
        .filter(|a| position.within(a) && filter.allows(a));
    let page: Vec<&Activity> = matching.by_ref().take(size).collect();
    let remaining = matching.count();
    let person_name = [lead.fields.get("FirstName"), lead.fields.get("LastName")]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let activity_record = page
        .iter()
        .map(|a| ActivityRecord {
            id: a.id,
            activity_date_time: timestamp(a),
            activity_type: a.kind.name().to_owned(),
            mktg_asset_name: Some(a.asset.clone()),
            activity_attributes: attributes(a),
            campaign: Some(a.campaign.clone().map_or(Nillable::Nil, Nillable::Value)),
            person_name: Some(if person_name.is_empty() {
                Nillable::Nil
            } else {
                Nillable::Value(person_name.clone())
            }),
            mkt_person_id: lead.id.to_string(),
            foreign_sys_id: Some(
                lead.foreign_id
                    .clone()
                    .map_or(Nillable::Nil, Nillable::Value),
            ),
            org_name: Some(
                lead.fields
                    .get("Company")
                    .cloned()
                    .map_or(Nillable::Nil, Nillable::Value),
            ),
            foreign_sys_org_id: Some(Nillable::Nil),
        })
        .collect();
    Ok(SuccessGetLeadActivity {
        lead_activity_list: LeadActivityList {
            return_count: page.len() as i32,
            remaining_count: remaining as i32,
            new_start_position: position.next(page.last().map(|a| a.id)),
            activity_record_list: Some(Nillable::Value(ArrayOfActivityRecord { activity_record })),
        },
    })
}

pub(crate) fn get_lead_changes(
    service: &Service,
    params: ParamsGetLeadChanges,
) -> Result<SuccessGetLeadChanges, BackendFault> {
    let store = service.lock_store();
    let position = position(Some(params.start_position.clone()), &store)?;
    if position.oldest.is_none() && position.after.is_none() {
        return Err(fault(
            ErrorCode::ParameterRequired,
            "Parameter Required",
            "startPosition needs oldestCreatedAt or offset",
        ));
    }
    let mut filter = KindFilter::from_types(value(&params.activity_filter).as_ref())?;
    let names = mktows::compat::activity_name_filter(&params);
    if !names.is_empty() {
        filter = filter.and(KindFilter::from_names(&names));
    }
    let leads = selected_leads(&store, params.lead_selector.as_ref())?;
    let size = batch(value(&params.batch_size), MAX_CHANGES_BATCH)?;
    // Continue past the offset, or start at the first activity created at or after
    // oldestCreatedAt (none yet: an empty page).
    let start = match position.after {
        Some(after) => Some(after),
        None => position
            .oldest
            .and_then(|oldest| store.activities().first_since(oldest))
            .map(|id| id - 1),
    };
    let (page, remaining) = match start {
        None => (Vec::new(), 0),
        Some(start) => {
            let mut matching = store
                .activities()
                .after(Some(start))
                .filter(|a| position.within(a) && filter.allows(a))
                .filter(|a| leads.as_ref().is_none_or(|ids| ids.contains(&a.lead_id)));
            let page: Vec<&Activity> = matching.by_ref().take(size).collect();
            (page, matching.count())
        }
    };
    let lead_change_record = page
        .iter()
        .map(|a| LeadChangeRecord {
            id: a.id,
            activity_date_time: timestamp(a),
            activity_type: a.kind.name().to_owned(),
            mktg_asset_name: Some(Nillable::Value(a.asset.clone())),
            activity_attributes: attributes(a),
            campaign: a.campaign.clone(),
            mkt_person_id: a.lead_id.to_string(),
        })
        .collect();
    Ok(SuccessGetLeadChanges {
        result: ResultGetLeadChanges {
            return_count: page.len() as i32,
            remaining_count: remaining as i32,
            new_start_position: position.next(page.last().map(|a| a.id)),
            lead_change_record_list: Some(Nillable::Value(ArrayOfLeadChangeRecord {
                lead_change_record,
            })),
        },
    })
}

/// The lead ids a `leadSelector` names (`None`: every lead).
fn selected_leads(
    store: &Store,
    selector: Option<&LeadSelector>,
) -> Result<Option<BTreeSet<i32>>, BackendFault> {
    Ok(Some(match selector {
        None => return Ok(None),
        Some(LeadSelector::LeadKeySelector(s)) => {
            if s.key_values.string_item.len() > MAX_CHANGES_LEADS {
                return Err(fault(
                    ErrorCode::BadParameter,
                    "Bad Parameter",
                    &format!(
                        "a LeadKeySelector takes at most {MAX_CHANGES_LEADS} leads, not {}",
                        s.key_values.string_item.len()
                    ),
                ));
            }
            let mut ids = BTreeSet::new();
            for key in &s.key_values.string_item {
                ids.extend(
                    super::lookup::find(store, &s.key_type, key)?
                        .iter()
                        .map(|l| l.id),
                );
            }
            ids
        }
        Some(LeadSelector::StaticListSelector(s)) => {
            let name = match (value(&s.static_list_name), value(&s.static_list_id)) {
                (Some(name), _) => name,
                (None, Some(id)) => store
                    .list_name(id)
                    .ok_or_else(|| list_not_found(&format!("id {id}")))?
                    .to_owned(),
                (None, None) => {
                    return Err(fault(
                        ErrorCode::ParameterRequired,
                        "Parameter Required",
                        "StaticListSelector needs staticListName or staticListId",
                    ));
                }
            };
            if store.list_id(&name).is_none() {
                return Err(list_not_found(&format!("named {name:?}")));
            }
            store.list_members(&name).map(|l| l.id).collect()
        }
        Some(LeadSelector::LastUpdateAtSelector(s)) => {
            let oldest = s.oldest_updated_at.with_timezone(&Utc);
            let latest = value(&s.latest_updated_at).map(|t| t.with_timezone(&Utc));
            store
                .all()
                .filter(|l| l.updated_at >= oldest && latest.is_none_or(|t| l.updated_at <= t))
                .map(|l| l.id)
                .collect()
        }
    }))
}
