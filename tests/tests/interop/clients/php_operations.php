<?php
// Every one of the 23 operations from PHP's SoapClient (ext-soap, as Marketo's PHP samples use
// it) against the sandbox's ?WSDL, in the same order and printing the same JSON object as
// zeep_operations.py, so one Rust check judges both. Arguments: WSDL_URL USER_ID ENCRYPTION_KEY

[$script, $wsdl, $userId, $key] = $argv;
const NS = 'http://www.marketo.com/mktows/';

function auth_header($userId, $key) {
    $timestamp = date('c');
    $signature = hash_hmac('sha1', $timestamp . $userId, $key);
    return new SoapHeader(NS, 'AuthenticationHeader', [
        'mktowsUserId' => $userId,
        'requestSignature' => $signature,
        'requestTimestamp' => $timestamp,
    ]);
}

function attrs($values) {
    $list = [];
    foreach ($values as $name => $value) $list[] = ['attrName' => $name, 'attrValue' => (string) $value];
    return ['attribute' => $list];
}

function as_list($x) { return $x === null ? [] : (is_array($x) ? $x : [$x]); }

$client = new SoapClient($wsdl, ['trace' => true, 'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE]);
$call = fn($op, $params) => $client->__soapCall($op, [$params], null, [auth_header($userId, $key)]);
$seen = [];

// Leads.
$r = $call('syncLead', ['leadRecord' => ['Email' => 'ada@example.com', 'leadAttributeList' => attrs(['FirstName' => 'Ada', 'City' => 'London'])], 'returnLead' => false])->result;
$seen['syncLead'] = [$r->leadId, $r->syncStatus->status];
$ada = $r->leadId;
$r = $call('syncMultipleLeads', ['leadRecordList' => ['leadRecord' => [
    ['Email' => 'bob@example.com', 'leadAttributeList' => attrs(['FirstName' => 'Bob'])],
    ['Email' => 'cy@example.com', 'leadAttributeList' => attrs(['LastName' => 'Young', 'Company' => 'Cy Inc'])],
]], 'dedupEnabled' => true])->result;
$statuses = as_list($r->syncStatusList->syncStatus);
$seen['syncMultipleLeads'] = array_map(fn($s) => [$s->leadId, $s->status], $statuses);
[$bob, $cy] = array_map(fn($s) => $s->leadId, $statuses);
$r = $call('getLead', ['leadKey' => ['keyType' => 'EMAIL', 'keyValue' => 'ada@example.com']])->result;
$seen['getLead'] = [$r->count, as_list($r->leadRecordList->leadRecord)[0]->Id];
$selector = new SoapVar(['keyType' => 'IDNUM', 'keyValues' => ['stringItem' => [(string) $ada, (string) $bob, (string) $cy]]],
    SOAP_ENC_OBJECT, 'LeadKeySelector', NS);
$r = $call('getMultipleLeads', ['leadSelector' => $selector, 'batchSize' => 10])->result;
$ids = array_map(fn($l) => $l->Id, as_list($r->leadRecordList->leadRecord));
sort($ids);
$seen['getMultipleLeads'] = $ids;
$r = $call('describeMObject', ['objectName' => 'LeadRecord'])->result;
$seen['describeMObject'] = array_slice(array_map(fn($f) => $f->name, as_list($r->metadata->fieldList->field)), 0, 3);

// Lists.
$r = $call('listOperation', ['listOperation' => 'ADDTOLIST', 'listKey' => ['keyType' => 'MKTOLISTNAME', 'keyValue' => 'Interop'],
    'listMemberList' => ['leadKey' => [['keyType' => 'IDNUM', 'keyValue' => (string) $ada], ['keyType' => 'IDNUM', 'keyValue' => (string) $bob]]],
    'strict' => false])->result;
$seen['listOperation'] = [$r->success, array_map(fn($s) => $s->status, as_list($r->statusList->leadStatus))];
$r = $call('importToList', ['programName' => 'Sandbox Program', 'importFileHeader' => 'Email Address,First Name',
    'importFileRows' => ['stringItem' => ['eve@example.com,Eve', ',Nobody']], 'importListMode' => 'UPSERTLEADS',
    'listName' => 'Interop', 'clearList' => false, 'campaignName' => null])->result;
$seen['importToList'] = $r->importStatus;
for ($i = 0; $i < 60; $i++) {
    $status = $call('getImportToListStatus', ['programName' => 'Sandbox Program', 'listName' => 'Interop'])->result;
    if ($status->status !== 'PROCESSING') break;
    usleep(250000);
}
$seen['getImportToListStatus'] = [$status->status, $status->rowsImported, $status->rowsFailed];

// Merge Cy into Bob.
$r = $call('mergeLeads', ['winningLeadKeyList' => attrs(['IDNUM' => $bob]), 'losingLeadKeyLists' => ['keyList' => [attrs(['IDNUM' => $cy])]]])->result;
$seen['mergeLeads'] = [$r->mergeStatus->status, $r->mergeStatus->winningLeadId, as_list($r->mergeStatus->losingLeadIdList->integerItem)];

// Campaigns, channels, tags.
$r = $call('getCampaignsForSource', ['source' => 'MKTOWS'])->result;
$seen['getCampaignsForSource'] = array_map(fn($c) => $c->name, as_list($r->campaignRecordList->campaignRecord));
$r = $call('requestCampaign', ['source' => 'MKTOWS', 'campaignId' => 2001, 'leadList' => ['leadKey' => [['keyType' => 'IDNUM', 'keyValue' => (string) $ada]]]])->result;
$seen['requestCampaign'] = $r->success;
$r = $call('scheduleCampaign', ['programName' => 'Sandbox Program', 'campaignName' => 'Monthly Newsletter',
    'programTokenList' => ['attrib' => [['name' => '{{my.subject}}', 'value' => 'News']]]])->result;
$seen['scheduleCampaign'] = $r->success;
$r = $call('getChannels', [])->result;
$seen['getChannels'] = array_map(fn($t) => $t->tagValue, as_list($r->tags->tagStatus));
$r = $call('getTags', [])->result;
$seen['getTags'] = array_map(fn($t) => $t->type, as_list($r->tagList->tag));

// Activity.
$r = $call('getLeadActivity', ['leadKey' => ['keyType' => 'IDNUM', 'keyValue' => (string) $ada]])->leadActivityList;
$seen['getLeadActivity'] = array_map(fn($a) => $a->activityType, as_list($r->activityRecordList->activityRecord));
$r = $call('getLeadChanges', ['startPosition' => ['oldestCreatedAt' => date('c', time() - 86400)], 'batchSize' => 1000])->result;
$seen['getLeadChanges'] = $r->returnCount;

// Custom objects.
$roadShow = fn($rid, $city) => ['customObjKeyList' => attrs(['MKTOID' => $ada, 'rid' => $rid]), 'customObjAttributeList' => attrs(['city' => $city])];
$r = $call('syncCustomObjects', ['objTypeName' => 'RoadShow', 'customObjList' => ['customObj' => [$roadShow('r1', 'Paris'), $roadShow('r2', 'Rome')]], 'operation' => 'UPSERT'])->result;
$seen['syncCustomObjects'] = array_map(fn($s) => $s->status, as_list($r->syncCustomObjStatusList->syncCustomObjStatus));
$r = $call('deleteCustomObjects', ['objTypeName' => 'RoadShow', 'customObjKeyLists' => ['keyList' => [attrs(['MKTOID' => $ada, 'rid' => 'r2'])]]])->result;
$seen['deleteCustomObjects'] = array_map(fn($s) => $s->status, as_list($r->deleteCustomObjStatusList->syncCustomObjStatus));
$r = $call('getCustomObjects', ['objTypeName' => 'RoadShow', 'includeAttributes' => []])->result;
$seen['getCustomObjects'] = array_map(fn($o) => array_map(fn($a) => $a->attrValue, as_list($o->customObjAttributeList->attribute)), as_list($r->customObjList->customObj));

// MObjects.
$seen['listMObjects'] = as_list($call('listMObjects', [])->result->objects);
$opportunity = fn($crmId, $name) => ['type' => 'Opportunity', 'externalKey' => ['name' => 'CRM Id', 'value' => $crmId],
    'attribList' => ['attrib' => [['name' => 'Name', 'value' => $name], ['name' => 'Stage', 'value' => 'Open']]]];
$r = $call('syncMObjects', ['mObjectList' => ['mObject' => [$opportunity('o-1', 'First deal'), $opportunity('o-2', 'Second deal')]], 'operation' => 'UPSERT'])->result;
$statuses = as_list($r->mObjStatusList->mObjStatus);
$seen['syncMObjects'] = array_map(fn($s) => $s->status, $statuses);
$r = $call('deleteMObjects', ['mObjectList' => ['mObject' => [['type' => 'Opportunity', 'id' => $statuses[1]->id]]]])->result;
$seen['deleteMObjects'] = array_map(fn($s) => $s->status, as_list($r->mObjStatusList->mObjStatus));
$r = $call('getMObjects', ['type' => 'Opportunity'])->result;
$seen['getMObjects'] = array_map(function ($o) {
    $names = [];
    foreach (as_list($o->attribList->attrib) as $a) if ($a->name === 'Name') $names[] = $a->value;
    return $names;
}, as_list($r->mObjectList->mObject));

$seen['ids'] = ['ada' => $ada, 'bob' => $bob, 'cy' => $cy];
echo json_encode($seen), "\n";
