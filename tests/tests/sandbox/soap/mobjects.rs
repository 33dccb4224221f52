//! MObjects on the sandbox (`sandbox/src/soap/mobjects.rs`): opportunities and their roles
//! synced (statuses in order, per-record failures), read by id, external key, criteria and
//! association, paged to the end, deleted (roles with their opportunity), kept across a
//! restart; `listMObjects`. Programs are in `programs.rs`. Every response is judged by xmllint
//! against the WSDL's schema.

use mktows::operations::{DeleteMObjects, GetMObjects, ListMObjects, SyncMObjects};
use mktows::types::*;
use mktows::{Client, Lead};
use std::path::PathBuf;

use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::soap::{Judge, exchange};

pub(super) fn attribs(pairs: &[(&str, String)]) -> ArrayOfAttrib {
    ArrayOfAttrib {
        attrib: pairs
            .iter()
            .map(|(n, v)| Attrib {
                name: (*n).into(),
                value: v.clone(),
            })
            .collect(),
    }
}

pub(super) fn opportunity(crm_id: &str, values: &[(&str, String)]) -> MObject {
    MObject {
        r#type: "Opportunity".into(),
        external_key: Some(Attrib {
            name: "CRM Id".into(),
            value: crm_id.into(),
        }),
        attrib_list: Some(attribs(values)),
        ..MObject::new("Opportunity")
    }
}

pub(super) fn role(opportunity: i32, lead: i32, role: &str) -> MObject {
    MObject {
        attrib_list: Some(attribs(&[
            ("OpportunityId", opportunity.to_string()),
            ("PersonId", lead.to_string()),
            ("Role", role.into()),
        ])),
        ..MObject::new("OpportunityPersonRole")
    }
}

pub(super) fn sync(objects: Vec<MObject>, operation: SyncOperationEnum) -> ParamsSyncMObjects {
    ParamsSyncMObjects::new(ArrayOfMObject { m_object: objects }, operation)
}

/// `MObjStatus.id`: nillable from 2_6, a plain int before.
pub(super) trait StatusId {
    fn number(&self) -> i32;
}

impl StatusId for i32 {
    fn number(&self) -> i32 {
        *self
    }
}

impl StatusId for mktows::xml::Nillable<i32> {
    fn number(&self) -> i32 {
        self.value().copied().unwrap_or(0)
    }
}

/// (id, status, error) of each record.
pub(super) fn statuses(result: &ResultSyncMObjects) -> Vec<(i32, MObjStatusEnum, String)> {
    result
        .m_obj_status_list
        .m_obj_status
        .iter()
        .map(|s| {
            (
                s.id.number(),
                s.status.clone(),
                s.error.clone().unwrap_or_default(),
            )
        })
        .collect()
}

pub(super) fn attribute(object: &MObject, name: &str) -> Option<String> {
    object
        .attrib_list
        .as_ref()?
        .attrib
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.clone())
}

pub(super) fn ids(result: &ResultGetMObjects) -> Vec<i32> {
    result
        .m_object_list
        .as_ref()
        .map(|l| l.m_object.iter().filter_map(|o| o.id).collect())
        .unwrap_or_default()
}

/// A sandbox (on `data`, if given) with two leads and the three deals of every test.
pub(super) struct Deals {
    pub(super) sandbox: Sandbox,
    pub(super) client: Client,
    pub(super) judge: Judge,
    ada: i32,
    bob: i32,
    big: i32,
    small: i32,
    mid: i32,
}

/// A sandbox file of its own for `test`, removed first.
pub(super) fn data_file(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mktows-mobj-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("sandbox.sqlite");
    let _ = std::fs::remove_file(&data);
    data
}

pub(super) fn config(data: Option<&PathBuf>) -> SandboxConfig {
    SandboxConfig {
        data: data.cloned(),
        ..SandboxConfig::default()
    }
}

/// Ada and Bob, then three opportunities and one with an unknown attribute: the three are
/// created in order, the fourth fails naming the attribute.
pub(super) async fn deals(data: Option<&PathBuf>) -> Deals {
    let sandbox = Sandbox::start(config(data)).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let mut judge = Judge::default();
    let ada = client
        .sync_lead(Lead::by_email("ada@example.com"))
        .await
        .unwrap()
        .lead_id;
    let bob = client
        .sync_lead(Lead::by_email("bob@example.com"))
        .await
        .unwrap()
        .lead_id;
    let deal = |crm: &str, name: &str, amount: &str, stage: &str| {
        opportunity(
            crm,
            &[
                ("Name", name.into()),
                ("Amount", amount.into()),
                ("Stage", stage.into()),
            ],
        )
    };
    let answer = exchange::<SyncMObjects>(
        &client,
        &sync(
            vec![
                deal("o-1", "Big deal", "5000", "Won"),
                deal("o-2", "Small deal", "200", "Open"),
                deal("o-3", "Mid deal", "1500", "Open"),
                opportunity("o-4", &[("Colour", "red".into())]),
            ],
            SyncOperationEnum::Upsert,
        ),
    )
    .await;
    judge.keep("opportunities", &answer);
    let got = statuses(&answer.output().result);
    assert!(
        got[..3]
            .iter()
            .all(|(id, s, _)| *id > 0 && *s == MObjStatusEnum::Created)
    );
    assert_eq!(got[3].1, MObjStatusEnum::Failed);
    assert!(got[3].2.contains("Colour"), "{:?}", got[3]);
    let (big, small, mid) = (got[0].0, got[1].0, got[2].0);
    Deals {
        sandbox,
        client,
        judge,
        ada,
        bob,
        big,
        small,
        mid,
    }
}

impl Deals {
    /// UPDATE by id: the small deal is lost; an unknown id fails.
    async fn lose_the_small_deal(&mut self) {
        let mut by_id = MObject::new("Opportunity");
        by_id.id = Some(self.small);
        by_id.attrib_list = Some(attribs(&[("Stage", "Lost".into())]));
        let mut unknown = MObject::new("Opportunity");
        unknown.id = Some(99_999);
        let answer = exchange::<SyncMObjects>(
            &self.client,
            &sync(vec![by_id, unknown], SyncOperationEnum::Update),
        )
        .await;
        self.judge.keep("update", &answer);
        let got = statuses(&answer.output().result);
        assert_eq!(
            (got[0].0, got[0].1.clone()),
            (self.small, MObjStatusEnum::Updated)
        );
        assert_eq!(got[1].1, MObjStatusEnum::Failed);
    }

    /// Ada decides the big deal and uses the mid one, Bob uses the big one; a role for lead
    /// 42, who does not exist, fails.
    async fn add_roles(&mut self) {
        let (big, mid, ada, bob) = (self.big, self.mid, self.ada, self.bob);
        let answer = exchange::<SyncMObjects>(
            &self.client,
            &sync(
                vec![
                    role(big, ada, "Decision Maker"),
                    role(mid, ada, "User"),
                    role(big, bob, "User"),
                    role(big, 42, "Ghost"),
                ],
                SyncOperationEnum::Insert,
            ),
        )
        .await;
        self.judge.keep("roles", &answer);
        let got = statuses(&answer.output().result);
        assert!(
            got[..3]
                .iter()
                .all(|(_, s, _)| *s == MObjStatusEnum::Created)
        );
        assert_eq!(
            got[3],
            (
                0,
                MObjStatusEnum::Failed,
                "PersonId 42 is not a lead".into()
            )
        );
    }

    async fn get(&mut self, label: &str, params: &ParamsGetMObjects) -> ResultGetMObjects {
        let answer = exchange::<GetMObjects>(&self.client, params).await;
        self.judge.keep(label, &answer);
        answer.output().result.clone()
    }
}

fn get(edit: impl Fn(&mut ParamsGetMObjects)) -> ParamsGetMObjects {
    let mut p = ParamsGetMObjects::new("Opportunity");
    edit(&mut p);
    p
}

fn criteria(list: &[(&str, ComparisonEnum, &str)]) -> ParamsGetMObjects {
    get(|p| {
        p.m_obj_criteria_list = Some(ArrayOfMObjCriteria {
            m_obj_criteria: list
                .iter()
                .map(|(n, c, v)| MObjCriteria::new(*n, c.clone(), *v))
                .collect(),
        })
    })
}

fn association(mobj_type: &str, id: i32) -> Option<ArrayOfMObjAssociation> {
    Some(ArrayOfMObjAssociation {
        m_obj_association: vec![MObjAssociation {
            m_obj_type: mobj_type.into(),
            id: Some(id),
            external_key: None,
        }],
    })
}

/// The values of attribute `name` of every object read.
fn each(result: &ResultGetMObjects, name: &str) -> Vec<String> {
    result
        .m_object_list
        .as_ref()
        .unwrap()
        .m_object
        .iter()
        .map(|o| attribute(o, name).unwrap())
        .collect()
}

#[tokio::test]
async fn list_mobjects_names_the_four_objects() {
    let deals = deals(None).await;
    let mut judge = deals.judge;
    let listed = exchange::<ListMObjects>(&deals.client, &ParamsListMObjects::default()).await;
    judge.keep("list", &listed);
    assert_eq!(
        listed.output().result.objects,
        [
            "ActivityRecord",
            "LeadRecord",
            "Opportunity",
            "OpportunityPersonRole"
        ]
    );
    judge.validate("mobjects-list");
}

#[tokio::test]
async fn update_by_id_updates_and_an_unknown_id_fails() {
    let mut deals = deals(None).await;
    deals.lose_the_small_deal().await;
    deals.judge.validate("mobjects-update");
}

#[tokio::test]
async fn insert_of_an_existing_external_key_fails_whatever_its_case() {
    let mut deals = deals(None).await;
    let answer = exchange::<SyncMObjects>(
        &deals.client,
        &sync(vec![opportunity("O-1", &[])], SyncOperationEnum::Insert),
    )
    .await;
    deals.judge.keep("insert existing", &answer);
    assert_eq!(
        statuses(&answer.output().result)[0].1,
        MObjStatusEnum::Failed
    );
    deals.judge.validate("mobjects-insert");
}

#[tokio::test]
async fn roles_are_created_and_a_role_of_an_unknown_lead_fails() {
    let mut deals = deals(None).await;
    deals.add_roles().await;
    deals.judge.validate("mobjects-roles");
}

#[tokio::test]
async fn an_opportunity_is_read_by_external_key() {
    let mut deals = deals(None).await;
    deals.lose_the_small_deal().await;
    let one = deals
        .get(
            "by key",
            &get(|p| {
                p.external_key = Some(Attrib {
                    name: "CRM Id".into(),
                    value: "o-2".into(),
                })
            }),
        )
        .await;
    let object = &one.m_object_list.as_ref().unwrap().m_object[0];
    assert_eq!(object.id, Some(deals.small));
    assert_eq!(attribute(object, "Stage").as_deref(), Some("Lost"));
    assert_eq!(attribute(object, "Name").as_deref(), Some("Small deal"));
    deals.judge.validate("mobjects-by-key");
}

#[tokio::test]
async fn opportunities_are_read_by_criteria_all_of_which_hold() {
    let mut deals = deals(None).await;
    let rich = deals
        .get(
            "criteria",
            &criteria(&[("Amount", ComparisonEnum::Ge, "1500")]),
        )
        .await;
    assert_eq!(ids(&rich), [deals.big, deals.mid]);
    let open_rich = deals
        .get(
            "criteria",
            &criteria(&[
                ("Amount", ComparisonEnum::Gt, "1000"),
                ("Stage", ComparisonEnum::Eq, "open"),
            ]),
        )
        .await;
    assert_eq!(ids(&open_rich), [deals.mid]);
    deals.judge.validate("mobjects-criteria");
}

#[tokio::test]
async fn opportunities_and_roles_are_read_by_association() {
    let mut deals = deals(None).await;
    deals.add_roles().await;
    let bobs = deals
        .get(
            "association",
            &get(|p| p.m_obj_association_list = association("Lead", deals.bob)),
        )
        .await;
    assert_eq!(ids(&bobs), [deals.big]);
    let mut roles_of_big = ParamsGetMObjects::new("OpportunityPersonRole");
    roles_of_big.m_obj_association_list = association("Opportunity", deals.big);
    let roles = deals.get("roles of big", &roles_of_big).await;
    assert_eq!(
        each(&roles, "PersonId"),
        [deals.ada.to_string(), deals.bob.to_string()]
    );
    deals.judge.validate("mobjects-association");
}

#[tokio::test]
async fn opportunities_page_to_the_end_each_once() {
    let mut deals = deals(None).await;
    for start in [0, 75] {
        let batch = (start..start + 75)
            .map(|i| opportunity(&format!("bulk-{i}"), &[("Name", format!("Deal {i}"))]))
            .collect();
        let answer =
            exchange::<SyncMObjects>(&deals.client, &sync(batch, SyncOperationEnum::Upsert)).await;
        assert!(
            statuses(&answer.output().result)
                .iter()
                .all(|s| s.1 == MObjStatusEnum::Created)
        );
    }
    let mut seen = Vec::new();
    let mut position = None;
    loop {
        let result = deals
            .get("page", &get(|p| p.stream_position = position.clone()))
            .await;
        seen.extend(ids(&result));
        if !result.has_more {
            assert!(result.new_stream_position.is_empty());
            break;
        }
        position = Some(result.new_stream_position.clone());
    }
    assert_eq!(seen.len(), 153);
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 153);
    deals.judge.validate("mobjects-pages");
}

#[tokio::test]
async fn a_deleted_opportunity_takes_its_roles_and_the_rest_survives_a_restart() {
    let data = data_file("delete");
    let mut deals = deals(Some(&data)).await;
    deals.lose_the_small_deal().await;
    deals.add_roles().await;
    let mut gone = MObject::new("Opportunity");
    gone.id = Some(deals.big);
    let mut missing = MObject::new("Opportunity");
    missing.id = Some(99_999);
    let deleted = exchange::<DeleteMObjects>(
        &deals.client,
        &ParamsDeleteMObjects::new(ArrayOfMObject {
            m_object: vec![gone, missing],
        }),
    )
    .await;
    deals.judge.keep("delete", &deleted);
    let got: Vec<MObjStatusEnum> = deleted
        .output()
        .result
        .m_obj_status_list
        .m_obj_status
        .iter()
        .map(|s| s.status.clone())
        .collect();
    assert_eq!(got, [MObjStatusEnum::Deleted, MObjStatusEnum::Failed]);
    let Deals {
        sandbox,
        client,
        judge,
        ada,
        small,
        mid,
        ..
    } = deals;
    drop(client);
    drop(sandbox);

    // After a restart: the deal and its roles are gone, the rest is there.
    let sandbox = Sandbox::start(config(Some(&data))).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let mut all_roles = ParamsGetMObjects::new("OpportunityPersonRole");
    all_roles.m_obj_association_list = association("Lead", ada);
    let roles = exchange::<GetMObjects>(&client, &all_roles).await;
    assert_eq!(
        each(&roles.output().result, "OpportunityId"),
        [mid.to_string()]
    );
    let one = exchange::<GetMObjects>(&client, &get(|p| p.id = Some(small))).await;
    assert_eq!(ids(&one.output().result), [small]);
    judge.validate("mobjects-delete");
}

#[tokio::test]
async fn unknown_types_bad_positions_and_over_100_records_are_faults() {
    let deals = deals(None).await;
    let mut judge = deals.judge;
    let cases = [
        ("type", ParamsGetMObjects::new("Account"), 20110),
        (
            "position",
            get(|p| p.stream_position = Some("garbage".into())),
            20122,
        ),
    ];
    for (label, params, code) in cases {
        let answer = exchange::<GetMObjects>(&deals.client, &params).await;
        judge.keep(label, &answer);
        assert_eq!(answer.fault_code(), code, "{label}");
    }
    let many = (0..101)
        .map(|i| opportunity(&format!("x-{i}"), &[]))
        .collect();
    let answer =
        exchange::<SyncMObjects>(&deals.client, &sync(many, SyncOperationEnum::Upsert)).await;
    assert_eq!(answer.fault_code(), 20110);
    judge.validate("mobjects-faults");
}

#[tokio::test]
async fn a_fixture_adds_opportunity_attributes() {
    let mut config = SandboxConfig::default();
    mktows_sandbox::Fixture::from_toml("opportunity_fields = [\"Region\"]")
        .unwrap()
        .apply(&mut config);
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let answer = exchange::<SyncMObjects>(
        &client,
        &sync(
            vec![opportunity("o-r", &[("Region", "EMEA".into())])],
            SyncOperationEnum::Upsert,
        ),
    )
    .await;
    assert_eq!(
        statuses(&answer.output().result)[0].1,
        MObjStatusEnum::Created
    );
    let read = exchange::<GetMObjects>(&client, &ParamsGetMObjects::new("Opportunity")).await;
    let object = &read
        .output()
        .result
        .m_object_list
        .as_ref()
        .unwrap()
        .m_object[0];
    assert_eq!(attribute(object, "Region").as_deref(), Some("EMEA"));
    let described = client
        .api()
        .describe_m_object(
            Default::default(),
            ParamsDescribeMObject::new("Opportunity"),
        )
        .await
        .unwrap();
    assert!(
        described
            .result
            .metadata
            .field_list
            .field
            .iter()
            .any(|f| f.name == "Region")
    );
}
