//! The sandbox's SOAP front reads requests strictly and drops nothing silently: an element the
//! schema does not have is fault 20012 naming it and its path; an unqualified local element
//! written in Marketo's namespace (as JAX-WS writes `leadAttributeList`) is read as that
//! element, and its data is stored.

use mktows::operations::SyncLead;
use mktows::transport::{HttpConfig, HttpRequest, HttpTransport, Transport};
use mktows::types::{LeadKeyRef, LeadRecord, ParamsSyncLead};
use mktows::xml::Operation;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};

/// A signed syncLead envelope for `email` with FirstName, rewritten by `edit`, posted raw.
async fn post(sandbox: &Sandbox, email: &str, edit: impl Fn(String) -> String) -> (u16, String) {
    let client = Client::new(sandbox.client_config()).unwrap();
    let record = LeadRecord::from(Lead::by_email(email).with_attribute("FirstName", "Jax"));
    let envelope = client
        .envelope::<SyncLead>(&Default::default(), &ParamsSyncLead::new(record, false))
        .unwrap();
    let response = HttpTransport::new(HttpConfig::default())
        .unwrap()
        .send(HttpRequest {
            url: sandbox.url().to_owned(),
            soap_action: SyncLead::INFO.soap_action,
            body: edit(envelope),
        })
        .await
        .unwrap();
    (
        response.status,
        String::from_utf8_lossy(&response.body).into_owned(),
    )
}

#[tokio::test]
async fn qualified_local_elements_are_read_and_unknown_ones_refused_with_their_path() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    // As JAX-WS writes it: leadAttributeList in Marketo's namespace.
    let (status, body) = post(&sandbox, "jax@example.com", |xml| {
        xml.replace("<leadAttributeList>", "<ns1:leadAttributeList>")
            .replace("</leadAttributeList>", "</ns1:leadAttributeList>")
    })
    .await;
    assert_eq!(status, 200, "{body}");
    let client = Client::new(sandbox.client_config()).unwrap();
    let stored = client
        .get_lead(LeadKeyRef::Email, "jax@example.com")
        .await
        .unwrap();
    let lead = Lead::from(stored.into_iter().next().unwrap());
    assert_eq!(
        lead.attribute("FirstName"),
        Some("Jax"),
        "the attributes were stored"
    );

    // An element the schema does not have: refused, named with its path, nothing stored.
    let (status, body) = post(&sandbox, "bogus@example.com", |xml| {
        xml.replace("<returnLead>", "<bogus>1</bogus><returnLead>")
    })
    .await;
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("20012"), "{body}");
    assert!(
        body.contains("Envelope/Body/paramsSyncLead: element &lt;bogus&gt; is not expected here")
            || body.contains("Envelope/Body/paramsSyncLead: element <bogus> is not expected here"),
        "{body}"
    );
    assert_eq!(
        sandbox.lead_count(),
        1,
        "the refused request stored nothing"
    );
}

#[tokio::test]
async fn a_header_sent_nil_is_absent_as_jaxws_writes_a_null_header() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let nil_context = r#"<ns1:MktowsContextHeader xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>"#;
    let (status, body) = post(&sandbox, "nil@example.com", |xml| {
        let at = xml
            .find("</SOAP-ENV:Header>")
            .expect("the request has headers");
        format!("{}{nil_context}{}", &xml[..at], &xml[at..])
    })
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(sandbox.lead_count(), 1);
    // The typed reader agrees: the request decodes with no context header.
    let client = Client::new(sandbox.client_config()).unwrap();
    let record = LeadRecord::from(Lead::by_email("typed@example.com"));
    let envelope = client
        .envelope::<SyncLead>(&Default::default(), &ParamsSyncLead::new(record, false))
        .unwrap();
    let at = envelope.find("</SOAP-ENV:Header>").unwrap();
    let edited = format!("{}{nil_context}{}", &envelope[..at], &envelope[at..]);
    let request = mktows::xml::decode_request::<SyncLead>(edited.as_bytes()).unwrap();
    assert!(request.headers.mktows_context.is_none());
    assert!(request.headers.authentication.is_some());
}

/// The envelope's body element replaced by `element`.
fn with_body(xml: String, element: &str) -> String {
    let start = xml.find("<SOAP-ENV:Body>").expect("a body") + "<SOAP-ENV:Body>".len();
    let end = xml.find("</SOAP-ENV:Body>").expect("a body end");
    format!("{}{element}{}", &xml[..start], &xml[end..])
}

#[tokio::test]
async fn a_body_that_is_no_operation_is_unsupported_and_a_broken_one_not_understood() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    // An operation the WSDL does not define: 20019, Marketo's "Unsupported Operation".
    let (status, body) = post(&sandbox, "none@example.com", |xml| {
        xml.replace("paramsSyncLead", "paramsSyncNothing")
    })
    .await;
    assert_eq!(status, 500, "{body}");
    assert!(
        body.contains("<faultstring>20019 - Unsupported Operation</faultstring>"),
        "{body}"
    );
    assert!(body.contains("<code>20019</code>"), "{body}");
    assert!(body.contains("paramsSyncNothing"), "{body}");
    // A global element of the API that is no request: 20019 too.
    let (status, body) = post(&sandbox, "none@example.com", |xml| {
        with_body(
            xml,
            r#"<ns1:MktowsContextHeader xmlns:ns1="http://www.marketo.com/mktows/"><targetWorkspace>Default</targetWorkspace></ns1:MktowsContextHeader>"#,
        )
    })
    .await;
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("<code>20019</code>"), "{body}");
    assert!(body.contains("MktowsContextHeader"), "{body}");
    // A malformed envelope and a schema violation stay 20012.
    let (status, body) = post(&sandbox, "none@example.com", |xml| {
        xml.replace("</SOAP-ENV:Body>", "")
    })
    .await;
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("<code>20012</code>"), "{body}");
    let (_, body) = post(&sandbox, "none@example.com", |xml| {
        xml.replace(
            "<returnLead>false</returnLead>",
            "<returnLead>maybe</returnLead>",
        )
    })
    .await;
    assert!(body.contains("<code>20012</code>"), "{body}");
    assert_eq!(sandbox.lead_count(), 0, "nothing was carried out");
}

/// The request of Marketo's getLeadActivity documentation ("Request XML"), byte for byte but
/// for the header values, which [`signed`] replaces with this sandbox's.
const DOCUMENTED_GET_LEAD_ACTIVITY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://www.marketo.com/mktows/">
  <SOAP-ENV:Header>
    <ns1:AuthenticationHeader>
      <mktowsUserId>demo17_1_809939874BFABAE58E5D27</mktowsUserId>
      <requestSignature>04c4f6df99a2271e0fc42dde67939defd2528a74</requestSignature>
      <requestTimestamp>2013-07-31T17:34:01-07:00</requestTimestamp>
    </ns1:AuthenticationHeader>
  </SOAP-ENV:Header>
  <SOAP-ENV:Body>
    <ns1:paramsGetLeadActivity>
      <leadKey>
        <keyType>EMAIL</keyType>
        <keyValue>leademail@company.com</keyValue>
      </leadKey>
      <activityFilter>
        <includeTypes>
          <activityType>VisitWebpage</activityType>
          <activityType>FillOutForm</activityType>
        </includeTypes>
      </activityFilter>
      <startPosition>
        <latestCreatedAt />
        <offset />
      </startPosition>
      <batchSize>10</batchSize>
    </ns1:paramsGetLeadActivity>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>
"#;

/// `xml` with the example's authentication header values replaced by a fresh signature of the
/// sandbox's user.
fn signed(sandbox: &Sandbox, xml: &str) -> String {
    let credentials = sandbox.credentials();
    let timestamp = mktows::signing::timestamp(chrono::Utc::now().fixed_offset());
    let signature = mktows::signing::signature(
        credentials.encryption_key(),
        &timestamp,
        &credentials.user_id,
    );
    xml.replace("demo17_1_809939874BFABAE58E5D27", &credentials.user_id)
        .replace("04c4f6df99a2271e0fc42dde67939defd2528a74", &signature)
        .replace("2013-07-31T17:34:01-07:00", &timestamp)
}

/// Posts `xml` as it is.
async fn post_raw(sandbox: &Sandbox, xml: String) -> (u16, String) {
    let response = HttpTransport::new(HttpConfig::default())
        .unwrap()
        .send(HttpRequest {
            url: sandbox.url().to_owned(),
            soap_action: mktows::operations::GetLeadActivity::INFO.soap_action,
            body: xml,
        })
        .await
        .unwrap();
    (
        response.status,
        String::from_utf8_lossy(&response.body).into_owned(),
    )
}

#[tokio::test]
async fn the_documented_get_lead_activity_with_empty_optional_values_is_answered() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    client
        .sync_lead(mktows::LeadSync::new(mktows::LeadKey::Email(
            "leademail@company.com".into(),
        )))
        .await
        .unwrap();
    let (status, documented) =
        post_raw(&sandbox, signed(&sandbox, DOCUMENTED_GET_LEAD_ACTIVITY)).await;
    assert_eq!(status, 200, "{documented}");
    assert!(
        documented.contains("successGetLeadActivity"),
        "{documented}"
    );
    // The empty values were read as absent: the same answer as without them.
    let without = DOCUMENTED_GET_LEAD_ACTIVITY.replace("        <latestCreatedAt />\n", "");
    let (status, absent) = post_raw(&sandbox, signed(&sandbox, &without)).await;
    assert_eq!(status, 200, "{absent}");
    assert_eq!(documented, absent);

    // Strict elsewhere: an empty required value is still 20012, naming its type.
    let (status, body) = post(&sandbox, "strict@example.com", |xml| {
        xml.replace("<returnLead>false</returnLead>", "<returnLead/>")
    })
    .await;
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("<code>20012</code>"), "{body}");
    assert!(body.contains("invalid xs:boolean value"), "{body}");
    // A later error still names the client's own line and column.
    let bad_batch = DOCUMENTED_GET_LEAD_ACTIVITY.replace("<batchSize>10<", "<batchSize>ten<");
    let line = bad_batch
        .lines()
        .position(|l| l.contains("batchSize"))
        .unwrap()
        + 1;
    let text = bad_batch.lines().nth(line - 1).unwrap();
    let column = text.find("</batchSize>").unwrap() + "</batchSize>".len() + 1;
    let (status, body) = post_raw(&sandbox, signed(&sandbox, &bad_batch)).await;
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("invalid xs:int value"), "{body}");
    assert!(
        body.contains(&format!("(line {line}, column {column})")),
        "the position in the client's document: {body}"
    );
    assert_eq!(sandbox.lead_count(), 1);
}
