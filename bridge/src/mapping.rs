//! How each SOAP operation is carried out on Marketo REST (documentation only; the code is in
//! the sibling modules of [`super`]). Each operation names the function that carries it out
//! (`module::do_operation`, a method of `RestBackend`), then its phases in order: the pure
//! reading of the SOAP request, the REST calls, the pure SOAP answer.
//!
//! **syncLead** (fault on any failure): `sync::do_sync_lead` — `sync::sync_lead_keys`,
//! `sync::sync_lead_action` → `sync::cookie_lead`, the sync, `sync::associate_cookie`,
//! `sync::read_back` → `sync::sync_lead_outcome`, `sync::after_sync_fault`, `sync::soap_sync_lead`
//!
//! | SOAP | REST |
//! |---|---|
//! | `Id` key | `POST /v1/leads.json` `action=updateOnly`, `lookupField=id` (skipped 1004 → 20103) |
//! | `ForeignSysPersonId` key | none: fault 20019 (REST has no foreign system id) |
//! | `marketoCookie` | `GET /v1/leads.json?filterType=cookies`; a match → `updateOnly` by id; after the sync, `POST /v1/leads/{id}/associate.json?cookie=` |
//! | `Email` key | `action=createOrUpdate`, `lookupField=email` (several matches: 1007 → 20106) |
//! | attributes | SOAP `attrName` → `rest.name` from `describe.json`; unknown → 20105, nothing sent |
//! | `MktowsContextHeader` workspace | `partitionName` from `--workspace-partition NAME=PARTITION` (names ignore case; `Default` without a mapping: none; others unmapped → 20110) |
//! | `returnLead=true` | `GET /v1/lead/{id}.json?fields=<every mapped field>` |
//! | status | `created` → CREATED, `updated` → UPDATED; skipped 1006 → 20105, 1004 → 20103, others → 20106 |
//!
//! **syncMultipleLeads** (one status per input lead, in order): `sync::do_sync_multiple_leads` —
//! `sync::plan_sync_multiple`, `sync::sync_groups` → `sync::send_sync_groups` (`sync::group_failure`)
//! → `sync::sync_status`, `sync::soap_sync_multiple`
//!
//! | SOAP | REST |
//! |---|---|
//! | records keyed by `Id` | one call `updateOnly`/`lookupField=id` (the Email key is not written; an `Email` attribute is) |
//! | records keyed by `Email` | one call `createOrUpdate`/`email`, or `createDuplicate` when `dedupEnabled=false` |
//! | `ForeignSysPersonId`, no key, unknown attribute, Email key ≠ Email attribute | that lead `FAILED` with the reason, not sent |
//! | created/updated/skipped | CREATED/UPDATED/FAILED (`error` = REST reason message and code) |
//! | more than 300 records | fault 20110 (as the sandbox) |
//!
//! **getLead** (`read::do_get_lead`): `GET /v1/leads.json?filterType=…&filterValues=…&fields=<every mapped field>`;
//! IDNUM → `id`, EMAIL → `email`, COOKIE → `cookies`, SFDCLEADID/SFDCCONTACTID/SFDCACCOUNTID/
//! SFDCLEADOWNERID/SFDCOPPTYID → `sfdcLeadId`/`sfdcContactId`/`sfdcAccountId`/`sfdcLeadOwnerId`/
//! `sfdcOpptyId`; LEADOWNEREMAIL → 20019 (REST has no such filter); a type outside the
//! enumeration → 20102 "Lead Key Bad" (every lead key the bridge reads); no lead → 20103.
//!
//! **getMultipleLeads**: `read::do_get_multiple_leads` — `read::stream_token`, `read::lead_source`,
//! `read::multiple_leads_query` → the read → `read::soap_multiple_leads`
//!
//! | SOAP | REST |
//! |---|---|
//! | `LeadKeySelector` | `GET /v1/leads.json?filterType&filterValues` |
//! | `StaticListSelector` | `GET /v1/lists.json?name=` (exact name) → `GET /v1/lists/{id}/leads.json` |
//! | `LastUpdateAtSelector` | none: fault 20019 (leads.json cannot filter by update time) |
//! | `batchSize` | `batchSize` (at most 300) |
//! | `streamPosition` / `newStreamPosition` | `nextPageToken`, prefixed `rest:`; empty at the end |
//! | `remainingCount` | REST does not count: 1 while REST says more, else 0 |
//! | `includeAttributes` | `fields` (unknown names ignored) |
//!
//! **listOperation** (`MKTOLISTNAME` keys, `IDNUM` leads, at most 1000 leads):
//! `lists::do_list_operation` — `lists::plan_list_operation` → `lists::all_exist`,
//! `lists::send_list_chunks` (`lists::id_chunks`, `lists::chunk_failure`) → `lists::member_status`,
//! `lists::soap_list_operation`
//!
//! | SOAP | REST |
//! |---|---|
//! | list name | `GET /v1/lists.json?name=` (exact name; none → 20111) |
//! | ADDTOLIST / REMOVEFROMLIST / ISMEMBEROFLIST | `POST` / `DELETE /v1/lists/{id}/leads.json`, `GET .../leads/ismember.json`, 300 ids per call |
//! | status | `added`, `removed`, `memberof`, and `skipped` 1015 on remove (not a member: nothing to do, as the sandbox) → true; anything else → false |
//! | `strict=true` (ADD/REMOVE) | first `GET /v1/leads.json?filterType=id` for every lead; one missing → every status false and nothing sent (REST applies each lead on its own, so the check comes first) |
//!
//! **getLeadChanges**: `activities::do_get_lead_changes` — `activities::change_type_ids`,
//! `activities::change_leads`, `activities::change_start` → `activities::change_chunks`
//! (`activities::chunks::lead_id_chunks`), `activities::date_token` or `activities::chunks::Round::from_offset`, the
//! reads (`activities::changes_query` → `activities::chunk_rows`) →
//! `activities::chunks::Round::offset`, `activities::soap_lead_changes`
//!
//! | SOAP | REST |
//! |---|---|
//! | `activityNameFilter` / `includeTypes` | type ids from `GET /v1/activities/types.json` (names compared without spaces or case; unknown → 20107) |
//! | no filter | every type REST lists; more than 10 → 20019 (REST reads ≤ 10 types per call) |
//! | `excludeTypes` | every type REST lists but those (with `includeTypes` too → 20114) |
//! | `oldestCreatedAt` | `GET /v1/activities/pagingtoken.json?sinceDatetime=` |
//! | `offset` / `newStartPosition.offset` | `nextPageToken`, prefixed `rest:`; over several chunks of leads `rest:chunks?at=I&token=T0&token=T1...`, one token per chunk |
//! | `latestCreatedAt` | rows after it are not returned, and end their chunk (the stream, for one chunk) |
//! | LeadKeySelector (≤ 100 keys) | each key → id (`leads.json?filterType=…&fields=id`), ids sorted, `leadIds` 30 at a time: one SOAP page reads chunk after chunk from the same date token while it has room (records come chunk by chunk, each in date order); more than 100 keys → 20110, before any lookup |
//! | StaticListSelector | `listId` (by name: `lists.json?name=`; by id: the same id) |
//! | LastUpdateAtSelector | 20019 |
//! | `batchSize` | `batchSize` (at most 300) |
//! | rows | `GET /v1/activities.json`: `id`, `activityDate`, type name, `primaryAttributeValue` → `mktgAssetName`, `attributes`, `campaignName`, `leadId` → `mktPersonId`; `remainingCount` 1 while `moreResult` |
//!
//! **getLeadActivity** (newest first, ≤ 100 per page, `ID:` offsets, as the sandbox):
//! `lead_activity::do_get_lead_activity` — `lead_activity::type_ids` → `lead_activity::history`,
//! `lead_activity::person` → `lead_activity::activity_record`
//!
//! | SOAP | REST |
//! |---|---|
//! | `leadKey` | `GET /v1/leads.json?filterType=&filterValues=&fields=id` (the newest lead when several match) |
//! | `includeTypes` / `excludeTypes` / none | type ids from `GET /v1/activities/types.json`, read ten at a time |
//! | the history | `GET /v1/activities/pagingtoken.json?sinceDatetime=<oldestCreatedAt or 1970>` → `GET /v1/activities.json?leadIds=&activityTypeIds=` to the end (at most 30,000 activities, else 20011 asking to narrow) |
//! | `offset` `ID:n`, `latestCreatedAt` | applied to what was read: records older than `n`, not after `latestCreatedAt` |
//! | `personName`, `orgName` | `GET /v1/lead/{id}.json?fields=firstName,lastName,company` |
//!
//! **getCampaignsForSource** (`campaigns::do_get_campaigns_for_source`; `source` MKTOWS; SALES → 20019: REST has no Sales Insight
//! campaigns): `GET /v1/campaigns.json?isTriggerable=true` (and `name=` when `exactName`),
//! every page; a partial `name` is matched here, ignoring case (REST matches whole names only).
//!
//! **requestCampaign** (`campaigns::do_request_campaign` — `campaigns::request_keys` → the
//! lookups, the trigger; MKTOWS; tokens `{{my.name}}`)
//!
//! | SOAP | REST |
//! |---|---|
//! | `campaignId` | the id |
//! | `campaignName` + `programName` | `GET /v1/campaigns.json?name=&programName=` → id (none → 20113) |
//! | `leadList` keys | `GET /v1/leads.json?filterType=&filterValues=&fields=id`, one call per key (no match → 20103, nothing triggered) |
//! | more than 100 keys | the first 100, as Marketo ("additional keys will be ignored"), with a warning logged (target `mktows::bridge`) naming the count; none → 20110 |
//! | keys matching more than 100 leads | 20110, nothing triggered (REST triggers ≤ 100 leads per call) |
//! | the request | `POST /v1/campaigns/{id}/trigger.json` `{"input":{"leads":[{"id"}],"tokens":[{"name","value"}]}}` |
//! | 1013 / 1003 | 20113 (unknown / not requestable through the API) |
//!
//! **scheduleCampaign** (`campaigns::do_schedule_campaign`): name + program → id as above, then `POST /v1/campaigns/{id}/schedule.json`
//! `{"input":{"runAt","tokens"}}`; without `campaignRunAt` no `runAt` is sent, and REST runs
//! the campaign about five minutes later where SOAP ran it at once (REST's minimum wait).
//!
//! **mergeLeads** (`merge::do_merge_leads`; 1 to 25 losers: REST's limit): each key list (`attrName` = key type) →
//! `GET /v1/leads.json?filterType=&filterValues=&fields=id` (no match → 20103; several leads →
//! 20110), then `POST /v1/leads/{winner}/merge.json?leadIds=` (`mergeInSales` → `mergeInCRM`);
//! success → MERGED with the ids; a failure after sending → "may have been applied".
//!
//! **syncCustomObjects / deleteCustomObjects / getCustomObjects** (≤ 100 records):
//! `custom_objects::do_sync_custom_objects`, `custom_objects::do_delete_custom_objects`,
//! `custom_objects::do_get_custom_objects` (`custom_objects::object_describe`, kept per object →
//! `custom_objects::custom_objects_request` → the read → `custom_objects::soap_custom_objects`)
//!
//! | SOAP | REST |
//! |---|---|
//! | sync `operation` UPSERT / INSERT / UPDATE | `POST /v1/customobjects/{name}.json` `action` createOrUpdate / createOnly / updateOnly, `dedupeBy=dedupeFields`, each record = `customObjKeyList` ∪ `customObjAttributeList` |
//! | delete `keyList`s | `POST /v1/customobjects/{name}/delete.json` `deleteBy=dedupeFields` |
//! | statuses | by `seq`: `created`/`updated`/`deleted` → CREATED/UPDATED/DELETED; `skipped` → FAILED with the REST reason |
//! | get: one key attribute | `GET /v1/customobjects/{name}.json?filterType=&filterValues=` |
//! | get: the whole dedupe key | `POST ...json?_method=GET` `{"filterType":"dedupeFields","input":[{...}]}` |
//! | get: no key, or part of a compound key | 20019: REST reads only by one field or the whole key |
//! | `includeAttributes` | `fields` (with the dedupe fields from `describe.json`) |
//! | `includeAttributes` empty ("passing none returns all values") | `fields` = every field of `GET /v1/customobjects/{name}/describe.json` (REST's default is only the dedupe fields, `marketoGUID`, `createdAt`, `updatedAt`) |
//! | `streamPosition` / `batchSize` | `nextPageToken` prefixed `rest:` / `batchSize` (≤ 100) |
//! | unknown object (REST 1003 not found) | 20110 "Object name is not valid" |
//!
//! **syncMObjects / deleteMObjects / getMObjects** (opportunities only):
//! `mobjects::do_sync_m_objects`, `mobjects::do_delete_m_objects`, `mobjects::do_get_m_objects`
//! (`mobjects::m_objects_query` → the read → `mobjects::soap_m_objects`)
//!
//! | SOAP | REST |
//! |---|---|
//! | `externalKey` value | `externalOpportunityId` (the dedupe field) |
//! | `id` | none: REST keys opportunities by `marketoGUID`; a record without `externalKey` is FAILED, a read by `id` is 20019; statuses carry id 0 |
//! | sync `operation`, attribs | `POST /v1/opportunities.json` createOrUpdate/createOnly/updateOnly, attribute names with the first letter lower-cased (`Amount` → `amount`) |
//! | delete | `POST /v1/opportunities/delete.json` `deleteBy=dedupeFields` |
//! | get | `externalKey` → `filterType=externalOpportunityId`, or one `EQ` criterion → that field; anything else, associations → 20019 |
//! | roles, programs | 20019 (roles name opportunities by integer id; programs have no REST MObject) |
//!
//! **describeMObject** (`describe::do_describe_m_object` → `describe::lead_fields` /
//! `describe::opportunity_fields`)
//!
//! | SOAP | REST |
//! |---|---|
//! | `LeadRecord` | `GET /v1/leads/describe.json`: every field with a `soap` name (name, `displayName`, `dataType`, `length` → size, `soap.readOnly`) |
//! | `Opportunity` | `GET /v1/opportunities/describe.json` (Adobe: Describe Opportunity): every field but `marketoGUID`, `createdAt`, `updatedAt` and the dedupe field `externalOpportunityId` (SOAP's `externalKey`), named as SOAP attribs name it (`expectedRevenue` → `ExpectedRevenue`); `updateable: false` → read-only; no `Id` field (REST keys opportunities by `marketoGUID`) |
//! | other objects | 20019 |
//!
//! **importToList / getImportToListStatus** (Bulk Lead Import): `imports::do_import_to_list`
//! (`imports::check_import`, `imports::import_header`, `imports::import_file` → the upload →
//! `imports::import_batch`), `imports::do_get_import_to_list_status` (`imports::import_key` →
//! the batch status, `imports::import_failures` → `imports::soap_import_status`)
//!
//! | SOAP | REST |
//! |---|---|
//! | `importFileHeader` (display or SOAP names) | REST names from `describe.json` (`displayName`, `soap.name`); unknown → 20105, nothing sent |
//! | `listName` | `GET /v1/lists.json?name=` → `listId` (none → 20111) |
//! | the rows | `POST /bulk/v1/leads.json?format=csv&lookupField=email&listId=` with the file (REST header + the rows as sent) |
//! | `importListMode` LISTONLY, `clearList=true`, `campaignName` | 20019: a bulk import only creates or updates, cannot empty a list, takes no tokens |
//! | status | the batch id kept by the bridge for (program, list) (20110 when this bridge started none) → `GET /bulk/v1/leads/batch/{id}.json`: Queued/Importing → PROCESSING, Complete → COMPLETE, Failed → FAILED; `numOfLeadsProcessed`/`numOfRowsFailed`/`numOfRowsWithWarning` → rows imported/failed/ignored; `importSummary` = `message` and each line of `failures.json` |
//!
//! **getChannels** (`programs::do_get_channels`): `GET /asset/v1/channels.json` (every page of
//! 200), reshaped: a channel's `progressionStatuses` `name`/`step`/`success` →
//! `Status`/`Step`/`Success` attribs. A channel asked for that REST does not list → 20110
//! naming it.
//!
//! **getTags** (`programs::do_get_tags` → `programs::tag_values` per type →
//! `programs::allowable_values`)
//!
//! | SOAP | REST |
//! |---|---|
//! | no `tagList` | `GET /asset/v1/tagTypes.json` (every page of 200; it lists no values), then `GET /asset/v1/tagType/byName.json?name=` per type, in order; more than 100 types → 20019 before any `byName` call |
//! | `tagList` types | `GET /asset/v1/tagType/byName.json?name=` per type (more than 100 → 20110); unknown (empty `result`) → 20110 naming it |
//! | `values` | `allowableValues` `"[North, South]"` split on commas; a value asked for that is not among them → 20110 naming it |
//!
//! Other operations answer 20019 naming them.
