//! Programs on the sandbox (`sandbox/src/soap/programs.rs`): read from the fixture with
//! `getMObjects`, their costs and tags updated with `syncMObjects` (never inserted), the update
//! kept across a restart. Every response is judged by xmllint against the WSDL's schema.

use mktows::Client;
use mktows::operations::{GetMObjects, SyncMObjects};
use mktows::types::*;
use mktows_sandbox::Sandbox;
use mktows_tests::soap::{Judge, exchange};

use super::mobjects::{attribs, attribute, config, data_file, statuses, sync};

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

/// A program update of `program` with `entries`, each a `Kind` and its `name=value`s.
fn details(program: i32, entries: Vec<(&str, Vec<(&str, &str)>)>) -> MObject {
    let mut object = MObject::new("Program");
    object.id = Some(program);
    object.type_attrib_list = Some(ArrayOfTypeAttrib {
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
    object
}

/// The fixture's program, read by type: its id.
async fn sandbox_program(client: &Client, judge: &mut Judge) -> i32 {
    let programs = exchange::<GetMObjects>(client, &ParamsGetMObjects::new("Program")).await;
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
    list[0].id.unwrap()
}

#[tokio::test]
async fn programs_come_from_the_fixture_and_are_never_inserted() {
    let sandbox = Sandbox::start(config(None)).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let mut judge = Judge::default();
    sandbox_program(&client, &mut judge).await;
    let inserted = exchange::<SyncMObjects>(
        &client,
        &sync(vec![MObject::new("Program")], SyncOperationEnum::Insert),
    )
    .await;
    assert_eq!(
        statuses(&inserted.output().result)[0].1,
        MObjStatusEnum::Failed
    );
    judge.validate("programs-insert");
}

#[tokio::test]
async fn program_costs_and_tags_are_updated_and_kept_across_a_restart() {
    let data = data_file("programs");
    let sandbox = Sandbox::start(config(Some(&data))).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let mut judge = Judge::default();
    let program_id = sandbox_program(&client, &mut judge).await;
    let answer = exchange::<SyncMObjects>(
        &client,
        &sync(
            vec![
                details(
                    program_id,
                    vec![
                        (
                            "Cost",
                            vec![("Month", "2026-11"), ("Amount", "1200"), ("Note", "Venue")],
                        ),
                        ("Tag", vec![("Type", "Region"), ("Value", "AMER")]),
                    ],
                ),
                details(
                    program_id,
                    vec![(
                        "Cost",
                        vec![("Id", "1"), ("Month", "2026-11"), ("Amount", "1500")],
                    )],
                ),
                details(
                    program_id,
                    vec![("Tag", vec![("Type", "Region"), ("Value", "Mars")])],
                ),
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

    let sandbox = Sandbox::start(config(Some(&data))).await.unwrap();
    let client = Client::new(sandbox.client_config()).unwrap();
    let (_, region, entries) = program_details(&client, program_id).await;
    assert_eq!(region.as_deref(), Some("AMER"));
    assert_eq!(entries[0], "Cost: Id=1 Month=2026-11 Amount=1500");
    judge.validate("programs-update");
}
