//! `mktows list add|remove|check` (`cli/src/list.rs`): static list membership by Marketo id,
//! with an exit code scripts can rely on.

use mktows_sandbox::{Sandbox, SandboxConfig};

use crate::support::{mktows, run, with_sandbox};

#[tokio::test(flavor = "multi_thread")]
async fn list_adds_checks_and_removes_with_an_exit_code_for_scripts() {
    let sandbox = Sandbox::start(SandboxConfig {
        lists: vec!["Trade Show".into()],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let client = mktows::Client::new(sandbox.client_config()).unwrap();
    let mut ids = Vec::new();
    for email in ["a@x.com", "b@x.com"] {
        let key = mktows::LeadKey::Email(email.into());
        let id = client
            .sync_lead(mktows::LeadSync::new(key))
            .await
            .unwrap()
            .lead_id;
        ids.push(id.to_string());
    }
    let list = |args: Vec<String>| {
        let mut command = mktows();
        command.arg("list").args(args);
        with_sandbox(&mut command, &sandbox);
        tokio::task::spawn_blocking(move || run(&mut command))
    };
    let args = |action: &str, ids: &[&str]| -> Vec<String> {
        let mut args = vec![action.to_owned(), "Trade Show".to_owned()];
        args.extend(ids.iter().map(|id| (*id).to_owned()));
        args
    };
    let (first, second) = (ids[0].as_str(), ids[1].as_str());

    let (ok, out, err) = list(args("add", &[first])).await.unwrap();
    assert!(ok, "{out}{err}");
    assert_eq!(out, format!("{first}\tadded\n"));

    let (ok, out, _) = list(args("check", &[first, second])).await.unwrap();
    assert!(!ok, "not every lead is a member: exit 1");
    assert_eq!(out, format!("{first}\tmember\n{second}\tnot a member\n"));

    let (ok, out, _) = list(args("remove", &[first, "999"])).await.unwrap();
    assert!(!ok, "lead 999 does not exist: exit 1");
    assert_eq!(out, format!("{first}\tremoved\n999\tnot removed\n"));

    let (ok, _, err) = list(vec!["add".into(), "Nope".into(), first.into()])
        .await
        .unwrap();
    assert!(!ok);
    assert!(err.contains("20111"), "the fault is named: {err}");
}
