//! Third-party tools xtask's tests use as judges (xmllint): a test whose tool is missing skips
//! with a message saying how to install it, except under CI (`CI` set), where a missing one
//! fails. xtask's own copy, so that its tests depend on no other crate's test support.

use std::process::Command;

/// True when the shell check `check` succeeds (e.g. `command -v xmllint`); otherwise prints
/// that the test is skipped and how to `install` the tool, or panics under CI.
pub fn have(check: &str, install: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", check])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let under_ci = std::env::var("CI").is_ok_and(|ci| !ci.is_empty());
        assert!(
            !under_ci,
            "`{check}` failed: {install}; CI must run this test"
        );
        eprintln!("skipped: `{check}` failed ({install})");
    }
    found
}
