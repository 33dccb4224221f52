"""The zeep side of `cargo xtask bench`: the same work as mktows/examples/side_by_side.rs, done
by Python zeep, as JSON lines. Adapted from the project's reference baseline
(shared/bench/zeep_baseline.py), extended with getLead parsing and repeated WSDL loading.
Usage: zeep_bench.py WSDL GETLEAD_RESPONSE.xml"""
import json
import sys
import time

from zeep import Client


def timed(work, rounds=5, min_seconds=0.4):
    """Median over rounds of the mean seconds per call."""
    work()
    results = []
    for _ in range(rounds):
        start = time.perf_counter()
        n = 0
        while time.perf_counter() - start < min_seconds:
            work()
            n += 1
        results.append((time.perf_counter() - start) / n)
    results.sort()
    return results[len(results) // 2]


def emit(work, seconds, size):
    print(json.dumps({"work": work, "seconds": seconds, "bytes": size}))


wsdl, get_lead_path = sys.argv[1:3]
client = Client(wsdl)
header = {
    "mktowsUserId": "demo17_1_809934544BFABAE58E5D27",
    "requestSignature": "b5e21953ae9f1b263e644da5eccce9ff33802513",
    "requestTimestamp": "2013-08-01T18:22:30-07:00",
}
leads = [
    {
        "Email": f"em{i}@etestd.marketo.net",
        "leadAttributeList": {"attribute": [
            {"attrName": "Company", "attrValue": f"Marketo{i}"},
            {"attrName": "Phone", "attrValue": f"650-555-{i}"},
        ]},
    }
    for i in range(300)
]
from lxml import etree  # noqa: E402  (zeep depends on lxml)

size = [0]


def serialize():
    message = client.create_message(
        client.service, "syncMultipleLeads",
        leadRecordList={"leadRecord": leads}, dedupEnabled=True, _soapheaders={"authentication": header},
    )
    size[0] = len(etree.tostring(message))


emit("serialize 300-lead syncMultipleLeads request", timed(serialize), size[0])

statuses = "".join(
    f'<syncStatus><leadId>{1090000 + i}</leadId><status>UPDATED</status><error xsi:nil="true" /></syncStatus>'
    for i in range(300)
)
response = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns1="http://www.marketo.com/mktows/"><SOAP-ENV:Body>'
    f"<ns1:successSyncMultipleLeads><result><syncStatusList>{statuses}</syncStatusList></result>"
    "</ns1:successSyncMultipleLeads></SOAP-ENV:Body></SOAP-ENV:Envelope>"
).encode()


class Reply:
    def __init__(self, content):
        self.content = content
        self.status_code = 200
        self.headers = {"Content-Type": "text/xml"}
        self.encoding = "utf-8"


binding = client.service._binding
sync_op = binding._operations["syncMultipleLeads"]
get_lead_op = binding._operations["getLead"]


def parse():
    result = binding.process_reply(client, sync_op, Reply(response))
    assert len(result.syncStatus) == 300


emit("parse 300-status syncMultipleLeads response", timed(parse), len(response))

get_lead = open(get_lead_path, "rb").read()
emit("parse getLead response (full lead record)", timed(lambda: binding.process_reply(client, get_lead_op, Reply(get_lead))), len(get_lead))
emit("load and prepare the WSDL (zeep: Client(); mktows: generator)", timed(lambda: Client(wsdl), rounds=3, min_seconds=1.0), 0)
