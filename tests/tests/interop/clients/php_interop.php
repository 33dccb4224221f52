<?php
// A PHP SoapClient (ext-soap) as Marketo's own PHP samples write one: WSDL mode on the server's
// ?WSDL, the AuthenticationHeader signed with hash_hmac, LeadKeySelector passed as a SoapVar
// with its xsi:type. Calls syncLead, syncMultipleLeads, getLead, getMultipleLeads (paged) and
// listOperation, and prints what it saw as one JSON object for the Rust test to check.
// Arguments: WSDL_URL USER_ID ENCRYPTION_KEY LIST_NAME

[$script, $wsdl, $userId, $key, $listName] = $argv;
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

function lead($email, $firstName) {
    return [
        'Email' => $email,
        'leadAttributeList' => ['attribute' => [
            ['attrName' => 'FirstName', 'attrType' => 'string', 'attrValue' => $firstName],
            ['attrName' => 'Company', 'attrValue' => 'PHP Ltd.'],
        ]],
    ];
}

function field($record, $name) {
    $attributes = $record->leadAttributeList->attribute;
    foreach (is_array($attributes) ? $attributes : [$attributes] as $a) {
        if ($a->attrName === $name) return $a->attrValue;
    }
    return null;
}

function as_list($x) { return is_array($x) ? $x : [$x]; }

$client = new SoapClient($wsdl, ['trace' => true, 'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE]);
$call = fn($op, $params, $headers = []) =>
    $client->__soapCall($op, [$params], null, array_merge([auth_header($userId, $key)], $headers));
$out = [];

$context = new SoapHeader(NS, 'MktowsContextHeader', ['targetWorkspace' => $argv[5] ?? 'Default']);
$synced = $call('syncLead', ['leadRecord' => lead('php@example.com', 'Php'), 'returnLead' => true], [$context]);
$out['syncLead'] = [
    'status' => $synced->result->syncStatus->status,
    'leadId' => $synced->result->leadId,
    'returnedFirstName' => field($synced->result->leadRecord, 'FirstName'),
];
$ids = [$synced->result->leadId];

$batch = $call('syncMultipleLeads', [
    'leadRecordList' => ['leadRecord' => [lead('php1@example.com', 'Php1'), lead('php2@example.com', 'Php2'), lead('php3@example.com', 'Php3')]],
    'dedupEnabled' => true,
]);
$out['syncMultipleLeads'] = [];
foreach (as_list($batch->result->syncStatusList->syncStatus) as $status) {
    $out['syncMultipleLeads'][] = $status->status;
    $ids[] = $status->leadId;
}

$got = $call('getLead', ['leadKey' => ['keyType' => 'EMAIL', 'keyValue' => 'php2@example.com']]);
$out['getLead'] = [
    'count' => $got->result->count,
    'firstName' => field(as_list($got->result->leadRecordList->leadRecord)[0], 'FirstName'),
];

$selector = new SoapVar(
    ['keyType' => 'EMAIL', 'keyValues' => ['stringItem' => ['php@example.com', 'php1@example.com', 'php2@example.com', 'php3@example.com']]],
    SOAP_ENC_OBJECT, 'LeadKeySelector', NS);
$emails = [];
$position = null;
$pages = 0;
do {
    $params = ['leadSelector' => $selector, 'batchSize' => 2];
    if ($position !== null) $params['streamPosition'] = $position;
    $page = $call('getMultipleLeads', $params)->result;
    foreach (as_list($page->leadRecordList->leadRecord) as $record) $emails[] = $record->Email;
    $position = $page->remainingCount > 0 ? $page->newStreamPosition : null;
    $pages++;
} while ($position !== null && $pages < 10);
$out['getMultipleLeads'] = $emails;
$out['pages'] = $pages;

$members = array_map(fn($id) => ['keyType' => 'IDNUM', 'keyValue' => (string) $id], $ids);
$list = ['keyType' => 'MKTOLISTNAME', 'keyValue' => $listName];
$added = $call('listOperation', ['listOperation' => 'ADDTOLIST', 'listKey' => $list, 'listMemberList' => ['leadKey' => $members], 'strict' => false]);
$checked = $call('listOperation', ['listOperation' => 'ISMEMBEROFLIST', 'listKey' => $list, 'listMemberList' => ['leadKey' => $members]]);
$out['listOperation'] = ['added' => $added->result->success, 'members' => $checked->result->success];

try {
    $call('getLead', ['leadKey' => ['keyType' => 'EMAIL', 'keyValue' => 'nobody@example.com']]);
    $out['fault'] = null;
} catch (SoapFault $fault) {
    $out['fault'] = $fault->faultstring;
}

echo json_encode($out), "\n";
