//! Opportunities (by external key) and describeMObject through the bridge: SOAP client →
//! `Bridge` → the sandbox's REST opportunity and describe calls; what REST stored is read back
//! from the sandbox over SOAP. Every bridge response is judged by xmllint against the WSDL's
//! schema.

use mktows::Client;
use mktows::operations::{GetMObjects, SyncMObjects};
use mktows::types::*;
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::bridge::bridge_to;
use mktows_tests::soap::{Judge, exchange};

/// An opportunity keyed by its CRM Id (if any) with `values`.
fn opportunity(crm_id: Option<&str>, values: &[(&str, &str)]) -> MObject {
    let mut o = MObject::new("Opportunity");
    o.external_key = crm_id.map(|v| Attrib {
        name: "CRM Id".into(),
        value: v.into(),
    });
    o.attrib_list = Some(ArrayOfAttrib {
        attrib: values
            .iter()
            .map(|(n, v)| Attrib {
                name: (*n).into(),
                value: (*v).into(),
            })
            .collect(),
    });
    o
}

fn sync(objects: Vec<MObject>, op: SyncOperationEnum) -> ParamsSyncMObjects {
    ParamsSyncMObjects::new(ArrayOfMObject { m_object: objects }, op)
}

fn states(result: &ResultSyncMObjects) -> Vec<(MObjStatusEnum, Option<String>)> {
    result
        .m_obj_status_list
        .m_obj_status
        .iter()
        .map(|s| (s.status.clone(), s.error.clone()))
        .collect()
}

/// Each object's attributes, sorted.
fn attribs(result: &ResultGetMObjects) -> Vec<Vec<(String, String)>> {
    result
        .m_object_list
        .as_ref()
        .map(|l| {
            l.m_object
                .iter()
                .map(|o| {
                    let mut values: Vec<(String, String)> = o
                        .attrib_list
                        .iter()
                        .flat_map(|l| &l.attrib)
                        .map(|a| (a.name.clone(), a.value.clone()))
                        .collect();
                    values.sort();
                    values
                })
                .collect()
        })
        .unwrap_or_default()
}

fn by_key(name: &str, value: &str) -> ParamsGetMObjects {
    let mut p = ParamsGetMObjects::new("Opportunity");
    p.external_key = Some(Attrib {
        name: name.into(),
        value: value.into(),
    });
    p
}

/// A sandbox, a bridge to it, a client of each.
struct Deals {
    _sandbox: Sandbox,
    _bridge: mktows_bridge::Bridge,
    direct: Client,
    soap: Client,
    judge: Judge,
}

/// Two opportunities synced through the bridge (created), one without a key and one with an
/// unknown attribute (failed, naming it).
async fn deals() -> Deals {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    let mut d = Deals {
        _sandbox: sandbox,
        _bridge: bridge,
        direct,
        soap,
        judge: Judge::default(),
    };
    let answer = exchange::<SyncMObjects>(
        &d.soap,
        &sync(
            vec![
                opportunity(
                    Some("o-1"),
                    &[("Name", "Big deal"), ("Amount", "5000"), ("Stage", "Open")],
                ),
                opportunity(Some("o-2"), &[("Name", "Small deal"), ("Stage", "Open")]),
                opportunity(None, &[("Name", "No key")]),
                opportunity(Some("o-3"), &[("Colour", "red")]),
            ],
            SyncOperationEnum::Upsert,
        ),
    )
    .await;
    d.judge.keep("sync", &answer);
    let got = states(&answer.output().result);
    assert_eq!(got[0], (MObjStatusEnum::Created, None));
    assert_eq!(got[1], (MObjStatusEnum::Created, None));
    assert_eq!(got[2].0, MObjStatusEnum::Failed);
    assert_eq!(got[3].0, MObjStatusEnum::Failed);
    assert!(got[3].1.as_deref().unwrap().contains("colour"), "{got:?}");
    d
}

/// UPDATE by external key: o-2 is lost; an unknown key fails.
async fn lose_o2(d: &mut Deals) {
    let answer = exchange::<SyncMObjects>(
        &d.soap,
        &sync(
            vec![
                opportunity(Some("o-2"), &[("Stage", "Lost")]),
                opportunity(Some("o-9"), &[("Stage", "Lost")]),
            ],
            SyncOperationEnum::Update,
        ),
    )
    .await;
    let got = states(&answer.output().result);
    assert_eq!(got[0], (MObjStatusEnum::Updated, None));
    assert_eq!(got[1].0, MObjStatusEnum::Failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opportunities_synced_over_rest_get_a_status_each() {
    deals().await.judge.validate("bridge_mobjects-sync");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_by_external_key_updates_and_an_unknown_key_fails() {
    let mut d = deals().await;
    lose_o2(&mut d).await;
    d.judge.validate("bridge_mobjects-update");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_rest_stored_is_what_the_bridge_reads_by_key_and_criteria() {
    let mut d = deals().await;
    lose_o2(&mut d).await;
    let stored = exchange::<GetMObjects>(&d.direct, &by_key("externalOpportunityId", "o-2")).await;
    let bridged = exchange::<GetMObjects>(&d.soap, &by_key("CRM Id", "o-2")).await;
    d.judge.keep("by key", &bridged);
    assert_eq!(
        attribs(&bridged.output().result),
        attribs(&stored.output().result)
    );
    assert_eq!(
        attribs(&bridged.output().result),
        [vec![
            ("Name".to_owned(), "Small deal".to_owned()),
            ("Stage".to_owned(), "Lost".to_owned())
        ]]
    );
    let mut open = ParamsGetMObjects::new("Opportunity");
    open.m_obj_criteria_list = Some(ArrayOfMObjCriteria {
        m_obj_criteria: vec![MObjCriteria::new("Stage", ComparisonEnum::Eq, "Open")],
    });
    let answer = exchange::<GetMObjects>(&d.soap, &open).await;
    d.judge.keep("criteria", &answer);
    assert_eq!(answer.output().result.return_count, 1);

    d.judge.validate("bridge_mobjects-read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_by_external_key_report_each_opportunity() {
    use mktows::operations::DeleteMObjects;
    let mut d = deals().await;
    // Delete one and one that does not exist.
    let deleted = exchange::<DeleteMObjects>(
        &d.soap,
        &ParamsDeleteMObjects::new(ArrayOfMObject {
            m_object: vec![opportunity(Some("o-1"), &[]), opportunity(Some("o-7"), &[])],
        }),
    )
    .await;
    d.judge.keep("delete", &deleted);
    let got: Vec<MObjStatusEnum> = deleted
        .output()
        .result
        .m_obj_status_list
        .m_obj_status
        .iter()
        .map(|s| s.status.clone())
        .collect();
    assert_eq!(got, [MObjStatusEnum::Deleted, MObjStatusEnum::Failed]);
    let gone = exchange::<GetMObjects>(&d.direct, &by_key("externalOpportunityId", "o-1")).await;
    assert_eq!(gone.output().result.return_count, 0);

    d.judge.validate("bridge_mobjects-delete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_by_id_and_roles_have_no_mapping_and_send_nothing() {
    let mut d = deals().await;
    // No faithful mapping, nothing sent: a read by id, roles.
    let mut by_id = ParamsGetMObjects::new("Opportunity");
    by_id.id = Some(1);
    let answer = exchange::<GetMObjects>(&d.soap, &by_id).await;
    d.judge.keep("by id", &answer);
    assert_eq!(answer.fault_code(), 20019);
    let role = exchange::<SyncMObjects>(
        &d.soap,
        &sync(
            vec![MObject::new("OpportunityPersonRole")],
            SyncOperationEnum::Insert,
        ),
    )
    .await;
    d.judge.keep("role", &role);
    assert_eq!(role.fault_code(), 20019);
    d.judge.validate("bridge_mobjects-unmapped");
}
