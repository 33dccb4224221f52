"""Interoperability check (zeep unwraps single-element results, hence `batch.syncStatus`): Python zeep, a SOAP client nobody here wrote, loads the sandbox's
?WSDL and calls syncLead and syncMultipleLeads. Usage: zeep_interop.py URL USER KEY.
Prints one JSON object with what came back."""
import datetime
import hashlib
import hmac
import json
import sys

from zeep import Client

url, user, key = sys.argv[1:4]
client = Client(url + "?WSDL")


def auth():
    timestamp = datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds")
    signature = hmac.new(key.encode(), (timestamp + user).encode(), hashlib.sha1).hexdigest()
    return {"mktowsUserId": user, "requestSignature": signature, "requestTimestamp": timestamp}


single = client.service.syncLead(
    leadRecord={
        "Email": "zeep@example.com",
        "leadAttributeList": {"attribute": [{"attrName": "FirstName", "attrValue": "Zed"}]},
    },
    returnLead=True,
    _soapheaders={"authentication": auth(), "mktowsContext": {"targetWorkspace": "Default"}},
)
batch = client.service.syncMultipleLeads(
    leadRecordList={"leadRecord": [{"Email": f"zeep{i}@example.com"} for i in range(3)]},
    dedupEnabled=True,
    _soapheaders={"authentication": auth()},
)
print(json.dumps({
    "syncLead": {
        "leadId": single.leadId,
        "status": single.syncStatus.status,
        "firstName": [a.attrValue for a in single.leadRecord.leadAttributeList.attribute if a.attrName == "FirstName"],
    },
    "syncMultipleLeads": [[s.leadId, s.status] for s in batch.syncStatus],
}))
