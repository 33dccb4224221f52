//! `mktows demo` (`cli/src/demo.rs`): the sample leads synced into the embedded sandbox and
//! printed back.

use crate::support::{mktows, run};

#[test]
fn demo_prints_the_synced_leads() {
    let (ok, out, err) = run(mktows().arg("demo"));
    assert!(ok, "{err}");
    assert!(out.contains("syncLead t@t.com: CREATED"), "{out}");
    assert!(out.contains("syncMultipleLeads: CREATED"), "{out}");
    assert!(out.contains(": UPDATED"), "{out}");
    assert!(out.contains("| t@t.com "), "{out}");
    assert!(out.contains("| George "), "{out}");
    assert!(
        out.contains("Jungle Inc."),
        "the update is read back: {out}"
    );
    assert!(out.contains("| em1001@etestd.marketo.net | "), "{out}");
}
