//! A bridge in front of a sandbox's REST API, as the bridge tests start it: unpaced, a 5 s
//! REST timeout, one SOAP user.

use std::net::SocketAddr;
use std::time::Duration;

use mktows::client::Limits;
use mktows_bridge::{Bridge, BridgeConfig, RestSettings};
use mktows_sandbox::Sandbox;

/// The SOAP user id the bridge accepts.
pub const USER: &str = "bridge_user";
/// Its encryption key.
pub const KEY: &str = "bridge-key";

/// A bridge (on a free 127.0.0.1 port) to `sandbox`'s REST API with its default client.
pub async fn bridge_to(sandbox: &Sandbox) -> Bridge {
    let mut settings = RestSettings::new(
        sandbox.rest_endpoint(),
        sandbox.identity_endpoint(),
        mktows_sandbox::DEFAULT_CLIENT_ID,
        mktows_sandbox::DEFAULT_CLIENT_SECRET,
    );
    settings.limits = Limits::unlimited(10);
    settings.timeout = Duration::from_secs(5);
    let config = BridgeConfig::new(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        settings,
        vec![(USER.into(), KEY.into())],
    );
    Bridge::start(config).await.unwrap()
}
