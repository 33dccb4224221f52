<?php
// Interoperability check: PHP's SoapClient (ext-soap), the client most legacy Marketo
// integrations were written with, loads ?WSDL and calls syncLead (with a MktowsContextHeader
// naming the workspace in lower case, as Marketo's samples did), syncMultipleLeads and getLead.
// Usage: php php_interop.php URL USER KEY. Prints one JSON object with what came back.
ini_set('soap.wsdl_cache_enabled', '0');
[$script, $url, $user, $key] = $argv;
$ns = 'http://www.marketo.com/mktows/';
$client = new SoapClient($url . '?WSDL', ['cache_wsdl' => WSDL_CACHE_NONE, 'trace' => true, 'exceptions' => true]);

function auth_header($ns, $user, $key) {
    $ts = date('c');
    $signature = hash_hmac('sha1', $ts . $user, $key);
    return new SoapHeader($ns, 'AuthenticationHeader', [
        'mktowsUserId' => $user, 'requestSignature' => $signature, 'requestTimestamp' => $ts,
    ]);
}

function as_list($value) {
    if ($value === null) { return []; }
    return is_array($value) ? $value : [$value];
}

$lead = new stdClass();
$lead->Email = 'php@example.com';
$lead->leadAttributeList = new stdClass();
$lead->leadAttributeList->attribute = [
    ['attrName' => 'FirstName', 'attrValue' => 'Rasmus'],
    ['attrName' => 'City', 'attrValue' => 'Qeqertarsuaq'],
];
$context = new SoapHeader($ns, 'MktowsContextHeader', ['targetWorkspace' => 'default']);
$single = $client->__soapCall('syncLead', [['leadRecord' => $lead, 'returnLead' => true]], null,
    [auth_header($ns, $user, $key), $context]);
$first = [];
foreach (as_list($single->result->leadRecord->leadAttributeList->attribute ?? null) as $a) {
    if ($a->attrName === 'FirstName') { $first[] = $a->attrValue; }
}
$records = [];
for ($i = 0; $i < 3; $i++) { $records[] = ['Email' => "php$i@example.com"]; }
$batch = $client->__soapCall('syncMultipleLeads',
    [['leadRecordList' => ['leadRecord' => $records], 'dedupEnabled' => true]], null,
    [auth_header($ns, $user, $key)]);
$statuses = [];
foreach (as_list($batch->result->syncStatusList->syncStatus) as $s) {
    $statuses[] = [$s->leadId, $s->status];
}
$got = $client->__soapCall('getLead',
    [['leadKey' => ['keyType' => 'EMAIL', 'keyValue' => 'php@example.com']]], null,
    [auth_header($ns, $user, $key)]);
$city = [];
foreach (as_list($got->result->leadRecordList->leadRecord) as $r) {
    foreach (as_list($r->leadAttributeList->attribute ?? null) as $a) {
        if ($a->attrName === 'City') { $city[] = $a->attrValue; }
    }
}
$fault = null;
try {
    $client->__soapCall('getLead', [['leadKey' => ['keyType' => 'EMAIL', 'keyValue' => 'nobody@example.com']]],
        null, [auth_header($ns, $user, $key)]);
} catch (SoapFault $f) {
    $fault = $f->detail->serviceException->code ?? $f->faultstring;
}
echo json_encode([
    'syncLead' => ['leadId' => $single->result->leadId, 'status' => $single->result->syncStatus->status, 'firstName' => $first],
    'syncMultipleLeads' => $statuses,
    'getLead' => ['count' => $got->result->count, 'city' => $city],
    'notFound' => $fault,
]), "\n";
