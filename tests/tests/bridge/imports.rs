//! importToList and getImportToListStatus through the bridge: SOAP client → `Bridge` → the
//! sandbox's REST Bulk Lead Import; the imported leads and list members are read back from the
//! sandbox over SOAP. Every bridge response is judged by xmllint against the WSDL's schema.

use mktows::operations::{GetImportToListStatus, ImportToList};
use mktows::types::*;
use mktows::xml::Nillable;
use mktows::{Client, Lead};
use mktows_sandbox::{Sandbox, SandboxConfig};
use mktows_tests::bridge::bridge_to;
use mktows_tests::soap::{Judge, exchange};

const HEADER: &str = "Email Address,First Name,LastName";

/// An import of Ada (an update), Grace (new) and a row without an email.
fn import(header: &str, mode: ImportToListModeEnum, list: &str) -> ParamsImportToList {
    ParamsImportToList::new(
        "Sandbox Program",
        header,
        ArrayOfString {
            string_item: vec![
                "ada@example.com,,Lovelace".into(),
                "grace@example.com,Grace,\"Hopper, USN\"".into(),
                ",Nobody,Nowhere".into(),
            ],
        },
        mode,
        list,
        false,
        Nillable::Nil,
    )
}

/// A sandbox with Ada and the list "Attendees", a bridge to it, a client of each.
struct Imports {
    sandbox: Sandbox,
    _bridge: mktows_bridge::Bridge,
    direct: Client,
    soap: Client,
    judge: Judge,
    ada: i32,
}

async fn start() -> Imports {
    let sandbox = Sandbox::start(SandboxConfig {
        lists: vec!["Attendees".into()],
        import_time: std::time::Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let direct = Client::new(sandbox.client_config()).unwrap();
    let ada = direct
        .sync_lead(Lead::by_email("ada@example.com").with_attribute("FirstName", "Ada"))
        .await
        .unwrap()
        .lead_id;
    let bridge = bridge_to(&sandbox).await;
    let soap = Client::new(bridge.client_config()).unwrap();
    Imports {
        sandbox,
        _bridge: bridge,
        direct,
        soap,
        judge: Judge::default(),
        ada,
    }
}

/// The import through the bridge, PROCESSING and then polled to COMPLETE: two rows imported,
/// one failed and named in the summary.
async fn import_attendees(c: &mut Imports) {
    let answer = exchange::<ImportToList>(
        &c.soap,
        &import(HEADER, ImportToListModeEnum::Upsertleads, "Attendees"),
    )
    .await;
    c.judge.keep("import", &answer);
    assert_eq!(
        answer.output().result.import_status,
        ImportToListStatusEnum::Processing
    );
    let status = ParamsGetImportToListStatus {
        program_name: Some("Sandbox Program".into()),
        list_name: Some("Attendees".into()),
    };
    let mut done = None;
    for _ in 0..50 {
        let answer = exchange::<GetImportToListStatus>(&c.soap, &status).await;
        c.judge.keep("status", &answer);
        let result = answer.output().result.clone();
        if result.status != ImportToListStatusEnum::Processing {
            done = Some(result);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let done = done.expect("the import completes");
    assert_eq!(done.status, ImportToListStatusEnum::Complete);
    let count = |v: &Option<Nillable<i32>>| v.as_ref().and_then(|v| v.value().copied());
    assert_eq!(count(&done.rows_imported), Some(2));
    assert_eq!(count(&done.rows_failed), Some(1));
    let summary = done.import_summary.and_then(Nillable::into_value).unwrap();
    assert!(summary.contains(",Nobody,Nowhere"), "{summary}");
    assert!(summary.contains("no Email Address"), "{summary}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_over_rest_completes_counting_rows_and_naming_the_failed_one() {
    let mut c = start().await;
    import_attendees(&mut c).await;
    c.judge.validate("bridge_imports-status");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_rest_imported_is_stored_and_on_the_list() {
    let mut c = start().await;
    import_attendees(&mut c).await;
    let (direct, ada) = (&c.direct, c.ada);
    // What REST imported, read from the sandbox: Ada kept her first name and got a last name,
    // Grace was created, both are on the list.
    let lead = |email: &str| {
        let email = email.to_owned();
        async move {
            Lead::from(
                direct
                    .get_lead(LeadKeyRef::Email, &email)
                    .await
                    .unwrap()
                    .remove(0),
            )
        }
    };
    let stored = lead("ada@example.com").await;
    assert_eq!(stored.attribute("FirstName"), Some("Ada"));
    assert_eq!(stored.attribute("LastName"), Some("Lovelace"));
    let grace = lead("grace@example.com").await;
    assert_eq!(grace.attribute("LastName"), Some("Hopper, USN"));
    let members = direct
        .list_operation(
            ListOperationType::Ismemberoflist,
            "Attendees",
            &[ada, grace.id().unwrap()],
            false,
        )
        .await
        .unwrap();
    assert!(members.success, "{members:?}");

    c.judge.validate("bridge_imports-stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_faults_send_nothing() {
    let mut c = start().await;
    import_attendees(&mut c).await;
    // Faults, nothing sent: LISTONLY, an unknown column, an unknown list, a status never begun.
    let cases = [
        (
            "listonly",
            import(HEADER, ImportToListModeEnum::Listonly, "Attendees"),
            20019,
        ),
        (
            "column",
            import(
                "Email Address,Shoe Size,LastName",
                ImportToListModeEnum::Upsertleads,
                "Attendees",
            ),
            20105,
        ),
        (
            "list",
            import(HEADER, ImportToListModeEnum::Upsertleads, "Nope"),
            20111,
        ),
    ];
    for (label, params, code) in cases {
        let answer = exchange::<ImportToList>(&c.soap, &params).await;
        c.judge.keep(label, &answer);
        assert_eq!(answer.fault_code(), code, "{label}");
    }
    let never = exchange::<GetImportToListStatus>(
        &c.soap,
        &ParamsGetImportToListStatus {
            program_name: Some("Sandbox Program".into()),
            list_name: Some("Nope".into()),
        },
    )
    .await;
    c.judge.keep("never", &never);
    assert_eq!(never.fault_code(), 20110);
    assert_eq!(c.sandbox.lead_count(), 2);
    c.judge.validate("bridge_imports-faults");
}
