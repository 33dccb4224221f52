//! MObjects on the sandbox: opportunities and their roles synced (statuses in order,
//! per-record failures), read by id, external key, criteria and association, paged to the end,
//! deleted (roles with their opportunity), kept across a restart; programs read from the
//! fixture, their costs and tags updated; `listMObjects`. Every response is judged by xmllint against the WSDL's schema.

use mktows::operations::{DeleteMObjects, GetMObjects, ListMObjects, SyncMObjects};
use mktows::types::*;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::soap::{Judge, exchange};

fn attribs(pairs: &[(&str, String)]) -> ArrayOfAttrib {
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

fn opportunity(crm_id: &str, values: &[(&str, String)]) -> MObject {
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

fn role(opportunity: i32, lead: i32, role: &str) -> MObject {
    MObject {
        attrib_list: Some(attribs(&[
            ("OpportunityId", opportunity.to_string()),
            ("PersonId", lead.to_string()),
            ("Role", role.into()),
        ])),
        ..MObject::new("OpportunityPersonRole")
    }
}

fn sync(objects: Vec<MObject>, operation: SyncOperationEnum) -> ParamsSyncMObjects {
    ParamsSyncMObjects::new(ArrayOfMObject { m_object: objects }, operation)
}

/// `MObjStatus.id`: nillable from 2_6, a plain int before.
trait StatusId {
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
fn statuses(result: &ResultSyncMObjects) -> Vec<(i32, MObjStatusEnum, String)> {
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

fn attribute(object: &MObject, name: &str) -> Option<String> {
    object
        .attrib_list
        .as_ref()?
        .attrib
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.clone())
}

fn ids(result: &ResultGetMObjects) -> Vec<i32> {
    result
        .m_object_list
        .as_ref()
        .map(|l| l.m_object.iter().filter_map(|o| o.id).collect())
        .unwrap_or_default()
}

/// A program read with `includeDetails`: the answer, its Region attribute, and its costs and
/// tags as `Kind: name=value ...`.
async fn program_details(
    client: &Client,
    id: i32,
) -> (
    mktows_tests::soap::Exchange<GetMObjects>,
    Option<String>,
    Vec<String>,
) {
    let mut params = ParamsGetMObjects::new("Program");
    params.id = Some(id);
    params.include_details = Some(true);
    let answer = exchange::<GetMObjects>(client, &params).await;
    let program = answer
        .output()
        .result
        .m_object_list
        .as_ref()
        .unwrap()
        .m_object[0]
        .clone();
    let entries = program
        .type_attrib_list
        .as_ref()
        .unwrap()
        .type_attrib
        .iter()
        .map(|t| {
            let values: Vec<String> = t
                .attr_list
                .as_ref()
                .unwrap()
                .attrib
                .iter()
                .map(|a| format!("{}={}", a.name, a.value))
                .collect();
            format!("{}: {}", t.attr_type, values.join(" "))
        })
        .collect();
    (answer, attribute(&program, "Region"), entries)
}

#[tokio::test]
async fn opportunities_and_roles_are_synced_read_and_deleted() {
    let dir = std::env::temp_dir().join(format!("mktows-mobj-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("sandbox.sqlite");
    let _ = std::fs::remove_file(&data);
    let config = || SandboxConfig {
        data: Some(data.clone()),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config()).await.unwrap();
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

    let listed = exchange::<ListMObjects>(&client, &ParamsListMObjects::default()).await;
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

    // Three opportunities and one with an unknown attribute.
    let answer = exchange::<SyncMObjects>(
        &client,
        &sync(
            vec![
                opportunity(
                    "o-1",
                    &[
                        ("Name", "Big deal".into()),
                        ("Amount", "5000".into()),
                        ("Stage", "Won".into()),
                    ],
                ),
                opportunity(
                    "o-2",
                    &[
                        ("Name", "Small deal".into()),
                        ("Amount", "200".into()),
                        ("Stage", "Open".into()),
                    ],
                ),
                opportunity(
                    "o-3",
                    &[
                        ("Name", "Mid deal".into()),
                        ("Amount", "1500".into()),
                        ("Stage", "Open".into()),
                    ],
                ),
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

    // UPSERT by id updates; INSERT of an existing external key fails; UPDATE of an unknown id
    // fails; a role for a lead that does not exist fails.
    let mut by_id = MObject::new("Opportunity");
    by_id.id = Some(small);
    by_id.attrib_list = Some(attribs(&[("Stage", "Lost".into())]));
    let mut unknown = MObject::new("Opportunity");
    unknown.id = Some(99_999);
    let answer = exchange::<SyncMObjects>(
        &client,
        &sync(vec![by_id, unknown], SyncOperationEnum::Update),
    )
    .await;
    judge.keep("update", &answer);
    let got = statuses(&answer.output().result);
    assert_eq!(
        (got[0].0, got[0].1.clone()),
        (small, MObjStatusEnum::Updated)
    );
    assert_eq!(got[1].1, MObjStatusEnum::Failed);
    let answer = exchange::<SyncMObjects>(
        &client,
        &sync(vec![opportunity("O-1", &[])], SyncOperationEnum::Insert),
    )
    .await;
    judge.keep("insert existing", &answer);
    assert_eq!(
        statuses(&answer.output().result)[0].1,
        MObjStatusEnum::Failed
    );
    let answer = exchange::<SyncMObjects>(
        &client,
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
    judge.keep("roles", &answer);
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

    // Reads: by external key, by criteria, by association.
    let get = |edit: &dyn Fn(&mut ParamsGetMObjects)| {
        let mut p = ParamsGetMObjects::new("Opportunity");
        edit(&mut p);
        p
    };
    let one = exchange::<GetMObjects>(
        &client,
        &get(&|p| {
            p.external_key = Some(Attrib {
                name: "CRM Id".into(),
                value: "o-2".into(),
            })
        }),
    )
    .await;
    judge.keep("by key", &one);
    let object = &one.output().result.m_object_list.as_ref().unwrap().m_object[0];
    assert_eq!(object.id, Some(small));
    assert_eq!(attribute(object, "Stage").as_deref(), Some("Lost"));
    assert_eq!(attribute(object, "Name").as_deref(), Some("Small deal"));
    let criteria = |list: Vec<(&str, ComparisonEnum, &str)>| {
        get(&move |p: &mut ParamsGetMObjects| {
            p.m_obj_criteria_list = Some(ArrayOfMObjCriteria {
                m_obj_criteria: list
                    .iter()
                    .map(|(n, c, v)| MObjCriteria::new(*n, c.clone(), *v))
                    .collect(),
            })
        })
    };
    let rich = exchange::<GetMObjects>(
        &client,
        &criteria(vec![("Amount", ComparisonEnum::Ge, "1500")]),
    )
    .await;
    judge.keep("criteria", &rich);
    assert_eq!(ids(&rich.output().result), [big, mid]);
    let open_rich = exchange::<GetMObjects>(
        &client,
        &criteria(vec![
            ("Amount", ComparisonEnum::Gt, "1000"),
            ("Stage", ComparisonEnum::Eq, "open"),
        ]),
    )
    .await;
    assert_eq!(ids(&open_rich.output().result), [mid]);
    let association = |mobj_type: &str, id: i32| {
        Some(ArrayOfMObjAssociation {
            m_obj_association: vec![MObjAssociation {
                m_obj_type: mobj_type.into(),
                id: Some(id),
                external_key: None,
            }],
        })
    };
    let bobs = exchange::<GetMObjects>(
        &client,
        &get(&|p| p.m_obj_association_list = association("Lead", bob)),
    )
    .await;
    judge.keep("association", &bobs);
    assert_eq!(ids(&bobs.output().result), [big]);
    let mut roles_of_big = ParamsGetMObjects::new("OpportunityPersonRole");
    roles_of_big.m_obj_association_list = association("Opportunity", big);
    let roles = exchange::<GetMObjects>(&client, &roles_of_big).await;
    judge.keep("roles of big", &roles);
    let people: Vec<String> = roles
        .output()
        .result
        .m_object_list
        .as_ref()
        .unwrap()
        .m_object
        .iter()
        .map(|o| attribute(o, "PersonId").unwrap())
        .collect();
    assert_eq!(people, [ada.to_string(), bob.to_string()]);

    // 150 more opportunities, read in pages to the end: each once.
    for start in [0, 75] {
        let batch = (start..start + 75)
            .map(|i| opportunity(&format!("bulk-{i}"), &[("Name", format!("Deal {i}"))]))
            .collect();
        let answer =
            exchange::<SyncMObjects>(&client, &sync(batch, SyncOperationEnum::Upsert)).await;
        assert!(
            statuses(&answer.output().result)
                .iter()
                .all(|s| s.1 == MObjStatusEnum::Created)
        );
    }
    let mut seen = Vec::new();
    let mut position = None;
    loop {
        let page =
            exchange::<GetMObjects>(&client, &get(&|p| p.stream_position = position.clone())).await;
        judge.keep("page", &page);
        let result = &page.output().result;
        seen.extend(ids(result));
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

    // Delete the big deal (its two roles go with it) and one that does not exist.
    let mut gone = MObject::new("Opportunity");
    gone.id = Some(big);
    let mut missing = MObject::new("Opportunity");
    missing.id = Some(99_999);
    let deleted = exchange::<DeleteMObjects>(
        &client,
        &ParamsDeleteMObjects::new(ArrayOfMObject {
            m_object: vec![gone, missing],
        }),
    )
    .await;
    judge.keep("delete", &deleted);
    let got: Vec<MObjStatusEnum> = deleted
        .output()
        .result
        .m_obj_status_list
        .m_obj_status
        .iter()
        .map(|s| s.status.clone())
        .collect();
    assert_eq!(got, [MObjStatusEnum::Deleted, MObjStatusEnum::Failed]);

    // Faults: an unknown type, a bad stream position, Program changes, over 100 records.
    let cases = [
        ("type", ParamsGetMObjects::new("Account"), 20110),
        (
            "position",
            get(&|p| p.stream_position = Some("garbage".into())),
            20122,
        ),
    ];
    for (label, params, code) in cases {
        let answer = exchange::<GetMObjects>(&client, &params).await;
        judge.keep(label, &answer);
        assert_eq!(answer.fault_code(), code, "{label}");
    }
    let many = (0..101)
        .map(|i| opportunity(&format!("x-{i}"), &[]))
        .collect();
    let answer = exchange::<SyncMObjects>(&client, &sync(many, SyncOperationEnum::Upsert)).await;
    assert_eq!(answer.fault_code(), 20110);

    // Programs come from the fixture; their costs and tags are updated, never inserted.
    let programs = exchange::<GetMObjects>(&client, &ParamsGetMObjects::new("Program")).await;
    judge.keep("programs", &programs);
    let list = &programs
        .output()
        .result
        .m_object_list
        .as_ref()
        .unwrap()
        .m_object;
    assert_eq!(
        attribute(&list[0], "Name").as_deref(),
        Some("Sandbox Program")
    );
    let program_id = list[0].id.unwrap();
    let details = |entries: Vec<(&str, Vec<(&str, &str)>)>| {
        let mut program = MObject::new("Program");
        program.id = Some(program_id);
        program.type_attrib_list = Some(ArrayOfTypeAttrib {
            type_attrib: entries
                .into_iter()
                .map(|(kind, values)| TypeAttrib {
                    attr_type: kind.into(),
                    attr_list: Some(attribs(
                        &values
                            .iter()
                            .map(|(n, v)| (*n, (*v).to_owned()))
                            .collect::<Vec<_>>(),
                    )),
                })
                .collect(),
        });
        program
    };
    let answer = exchange::<SyncMObjects>(
        &client,
        &sync(
            vec![
                details(vec![
                    (
                        "Cost",
                        vec![("Month", "2026-11"), ("Amount", "1200"), ("Note", "Venue")],
                    ),
                    ("Tag", vec![("Type", "Region"), ("Value", "AMER")]),
                ]),
                details(vec![(
                    "Cost",
                    vec![("Id", "1"), ("Month", "2026-11"), ("Amount", "1500")],
                )]),
                details(vec![("Tag", vec![("Type", "Region"), ("Value", "Mars")])]),
            ],
            SyncOperationEnum::Update,
        ),
    )
    .await;
    judge.keep("program update", &answer);
    let got = statuses(&answer.output().result);
    assert_eq!(got[0], (program_id, MObjStatusEnum::Updated, String::new()));
    assert_eq!(got[1], (program_id, MObjStatusEnum::Updated, String::new()));
    assert_eq!(got[2].1, MObjStatusEnum::Failed);
    assert!(got[2].2.contains("Mars"), "{got:?}");
    let inserted = exchange::<SyncMObjects>(
        &client,
        &sync(vec![MObject::new("Program")], SyncOperationEnum::Insert),
    )
    .await;
    assert_eq!(
        statuses(&inserted.output().result)[0].1,
        MObjStatusEnum::Failed
    );
    let (answer, region, entries) = program_details(&client, program_id).await;
    judge.keep("program details", &answer);
    assert_eq!(region.as_deref(), Some("AMER"));
    assert_eq!(
        entries,
        [
            "Cost: Id=1 Month=2026-11 Amount=1500",
            "Tag: Type=Region Value=AMER",
        ]
    );
    drop(client);
    drop(sandbox);

    // After a restart: the deal and its roles are gone, the rest is there.
    let sandbox = Sandbox::start(config()).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let mut all_roles = ParamsGetMObjects::new("OpportunityPersonRole");
    all_roles.m_obj_association_list = association("Lead", ada);
    let roles = exchange::<GetMObjects>(&client, &all_roles).await;
    let left: Vec<String> = roles
        .output()
        .result
        .m_object_list
        .as_ref()
        .unwrap()
        .m_object
        .iter()
        .map(|o| attribute(o, "OpportunityId").unwrap())
        .collect();
    assert_eq!(left, [mid.to_string()]);
    let one = exchange::<GetMObjects>(&client, &get(&|p| p.id = Some(small))).await;
    assert_eq!(ids(&one.output().result), [small]);
    let (_, region, entries) = program_details(&client, program_id).await;
    assert_eq!(region.as_deref(), Some("AMER"));
    assert_eq!(entries[0], "Cost: Id=1 Month=2026-11 Amount=1500");
    judge.validate("mobjects");
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
