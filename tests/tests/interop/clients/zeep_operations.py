"""Every one of the 23 operations from Python zeep, a SOAP client nobody here wrote, against the
sandbox's ?WSDL, in the order an integration would use them. Usage: zeep_operations.py URL USER
KEY. Prints one JSON object with what each call returned; the Rust test checks it and then reads
the sandbox's store to check what was stored."""
import datetime
import hashlib
import hmac
import json
import sys
import time

from zeep import Client

url, user, key = sys.argv[1:4]
client = Client(url + "?WSDL")
service = client.service


def auth():
    timestamp = datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds")
    signature = hmac.new(key.encode(), (timestamp + user).encode(), hashlib.sha1).hexdigest()
    return {"authentication": {"mktowsUserId": user, "requestSignature": signature, "requestTimestamp": timestamp}}


def attrs(**values):
    return {"attribute": [{"attrName": k, "attrValue": str(v)} for k, v in values.items()]}


def field(value, name):
    """zeep unwraps a result with a single child element; this reads it either way."""
    try:
        return getattr(value, name)
    except AttributeError:
        return value


seen = {}

# Leads.
ada = service.syncLead(
    leadRecord={"Email": "ada@example.com", "leadAttributeList": attrs(FirstName="Ada", City="London")},
    returnLead=False, _soapheaders=auth())
seen["syncLead"] = [ada.leadId, ada.syncStatus.status]
ada = ada.leadId
batch = service.syncMultipleLeads(
    leadRecordList={"leadRecord": [
        {"Email": "bob@example.com", "leadAttributeList": attrs(FirstName="Bob")},
        {"Email": "cy@example.com", "leadAttributeList": attrs(LastName="Young", Company="Cy Inc")},
    ]},
    dedupEnabled=True, _soapheaders=auth())
seen["syncMultipleLeads"] = [[s.leadId, s.status] for s in batch.syncStatus]
bob, cy = (s.leadId for s in batch.syncStatus)
got = service.getLead(leadKey={"keyType": "EMAIL", "keyValue": "ada@example.com"}, _soapheaders=auth())
seen["getLead"] = [got.count, got.leadRecordList.leadRecord[0].Id]
LeadKeySelector = client.get_type("ns0:LeadKeySelector")
many = service.getMultipleLeads(
    leadSelector=LeadKeySelector(keyType="IDNUM", keyValues={"stringItem": [str(ada), str(bob), str(cy)]}),
    batchSize=10, _soapheaders=auth())
seen["getMultipleLeads"] = sorted(r.Id for r in many.leadRecordList.leadRecord)
describe = service.describeMObject(objectName="LeadRecord", _soapheaders=auth())
seen["describeMObject"] = [f.name for f in field(describe, "metadata").fieldList.field][:3]

# Lists.
added = service.listOperation(
    listOperation="ADDTOLIST", listKey={"keyType": "MKTOLISTNAME", "keyValue": "Interop"},
    listMemberList={"leadKey": [{"keyType": "IDNUM", "keyValue": str(i)} for i in (ada, bob)]},
    strict=False, _soapheaders=auth())
seen["listOperation"] = [added.success, [s.status for s in added.statusList.leadStatus]]
imported = service.importToList(
    programName="Sandbox Program", importFileHeader="Email Address,First Name",
    importFileRows={"stringItem": ["eve@example.com,Eve", ",Nobody"]}, importListMode="UPSERTLEADS",
    listName="Interop", clearList=False, campaignName=None, _soapheaders=auth())
seen["importToList"] = field(imported, "importStatus")
for _ in range(60):
    status = service.getImportToListStatus(programName="Sandbox Program", listName="Interop", _soapheaders=auth())
    if status.status != "PROCESSING":
        break
    time.sleep(0.25)
seen["getImportToListStatus"] = [status.status, status.rowsImported, status.rowsFailed]

# Merge Cy into Bob.
merged = service.mergeLeads(
    winningLeadKeyList=attrs(IDNUM=bob), losingLeadKeyLists={"keyList": [attrs(IDNUM=cy)]},
    _soapheaders=auth())
seen["mergeLeads"] = [field(merged, "mergeStatus").status, field(merged, "mergeStatus").winningLeadId,
                      list(field(merged, "mergeStatus").losingLeadIdList.integerItem)]

# Campaigns, channels, tags.
campaigns = service.getCampaignsForSource(source="MKTOWS", name=None, exactName=None, _soapheaders=auth())
seen["getCampaignsForSource"] = [c.name for c in campaigns.campaignRecordList.campaignRecord]
requested = service.requestCampaign(
    source="MKTOWS", campaignId=2001, leadList={"leadKey": [{"keyType": "IDNUM", "keyValue": str(ada)}]},
    _soapheaders=auth())
seen["requestCampaign"] = field(requested, "success")
scheduled = service.scheduleCampaign(
    programName="Sandbox Program", campaignName="Monthly Newsletter",
    programTokenList={"attrib": [{"name": "{{my.subject}}", "value": "News"}]}, _soapheaders=auth())
seen["scheduleCampaign"] = field(scheduled, "success")
channels = service.getChannels(_soapheaders=auth())
seen["getChannels"] = [t.tagValue for t in field(channels, "tags").tagStatus]
tags = service.getTags(_soapheaders=auth())
seen["getTags"] = [t.type for t in field(tags, "tagList").tag]

# Activity.
activity = service.getLeadActivity(leadKey={"keyType": "IDNUM", "keyValue": str(ada)}, _soapheaders=auth())
seen["getLeadActivity"] = [a.activityType for a in activity.activityRecordList.activityRecord]
yesterday = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
changes = service.getLeadChanges(startPosition={"oldestCreatedAt": yesterday}, batchSize=1000, _soapheaders=auth())
seen["getLeadChanges"] = changes.returnCount

# Custom objects.
road_show = lambda rid, **values: {"customObjKeyList": attrs(MKTOID=ada, rid=rid), "customObjAttributeList": attrs(**values)}
synced = service.syncCustomObjects(
    objTypeName="RoadShow", customObjList={"customObj": [road_show("r1", city="Paris"), road_show("r2", city="Rome")]},
    operation="UPSERT", _soapheaders=auth())
seen["syncCustomObjects"] = [s.status for s in field(synced, "syncCustomObjStatusList").syncCustomObjStatus]
deleted = service.deleteCustomObjects(
    objTypeName="RoadShow", customObjKeyLists={"keyList": [attrs(MKTOID=ada, rid="r2")]}, _soapheaders=auth())
seen["deleteCustomObjects"] = [s.status for s in field(deleted, "deleteCustomObjStatusList").syncCustomObjStatus]
objects = service.getCustomObjects(objTypeName="RoadShow", includeAttributes={"stringItem": []}, _soapheaders=auth())
seen["getCustomObjects"] = [
    [a.attrValue for a in o.customObjAttributeList.attribute] for o in objects.customObjList.customObj]

# MObjects.
seen["listMObjects"] = list(field(service.listMObjects(_soapheaders=auth()), "objects"))
opportunity = lambda crm_id, name: {
    "type": "Opportunity", "externalKey": {"name": "CRM Id", "value": crm_id},
    "attribList": {"attrib": [{"name": "Name", "value": name}, {"name": "Stage", "value": "Open"}]}}
synced = service.syncMObjects(
    mObjectList={"mObject": [opportunity("o-1", "First deal"), opportunity("o-2", "Second deal")]},
    operation="UPSERT", _soapheaders=auth())
seen["syncMObjects"] = [s.status for s in field(synced, "mObjStatusList").mObjStatus]
second = field(synced, "mObjStatusList").mObjStatus[1].id
deleted = service.deleteMObjects(mObjectList={"mObject": [{"type": "Opportunity", "id": second}]}, _soapheaders=auth())
seen["deleteMObjects"] = [s.status for s in field(deleted, "mObjStatusList").mObjStatus]
found = service.getMObjects(type="Opportunity", _soapheaders=auth())
seen["getMObjects"] = [[a.value for a in o.attribList.attrib if a.name == "Name"] for o in found.mObjectList.mObject]

seen["ids"] = {"ada": ada, "bob": bob, "cy": cy}
print(json.dumps(seen, default=str))
