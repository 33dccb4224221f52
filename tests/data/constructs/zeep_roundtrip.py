"""Reads a request of constructs.wsdl's `exchange` with zeep and writes it again with zeep.

Usage: zeep_roundtrip.py WSDL REQUEST.xml > ZEEP.xml. zeep runs offline: the XML namespace's
schema (which zeep needs for xml:lang and does not have built in) is served from here.
"""
import sys
from lxml import etree
from zeep import Client
from zeep.transports import Transport

XML_XSD = b"""<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/XML/1998/namespace" xml:lang="en">
  <xs:attribute name="lang" type="xs:language"/>
  <xs:attribute name="space"><xs:simpleType><xs:restriction base="xs:NCName"><xs:enumeration value="default"/><xs:enumeration value="preserve"/></xs:restriction></xs:simpleType></xs:attribute>
  <xs:attribute name="base" type="xs:anyURI"/>
  <xs:attribute name="id" type="xs:ID"/>
</xs:schema>"""

class Offline(Transport):
    def load(self, url):
        if url.startswith("http://www.w3.org/") and url.endswith("xml.xsd"):
            return XML_XSD
        if url.startswith("http"):
            raise IOError("offline: " + url)
        return super().load(url)

import re, tempfile, os
text = open(sys.argv[1]).read()
if "xml:" in text and "XML/1998/namespace" not in text:
    # zeep reads the XML namespace's attributes only from a schema it is told of.
    text = re.sub(r"(<xs:schema[^>]*>)", r'\1<xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="http://www.w3.org/2001/xml.xsd"/>', text, count=1)
tmp = tempfile.NamedTemporaryFile("w", suffix=".wsdl", delete=False)
tmp.write(text); tmp.close()
client = Client(tmp.name, transport=Offline())
os.unlink(tmp.name)
op = client.service._binding._operations['exchange']
doc = etree.parse(sys.argv[2])
value = op.input.deserialize(doc.getroot())
kwargs = {k: value[k] for k in value}
msg = client.create_message(client.service, 'exchange', **kwargs)
print(etree.tostring(msg).decode())
