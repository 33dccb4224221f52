//! `mktows sandbox`: serves the Marketo-compatible sandbox until Ctrl-C.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use mktows::client::{ENV_ENCRYPTION_KEY, ENV_ENDPOINT, ENV_USER_ID};
use mktows_sandbox::{Fixture, Sandbox, SandboxConfig, SandboxLimits};

use crate::common::Outcome;

/// How `mktows sandbox` runs.
#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Port (0: any free port)
    #[arg(long, default_value_t = 8086)]
    pub port: u16,
    /// Keep leads and list members in this SQLite database (default: in memory)
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// User id accepted
    #[arg(long, default_value = mktows_sandbox::DEFAULT_USER_ID)]
    pub user_id: String,
    /// Encryption key accepted (default: the sandbox's published key, which is then printed;
    /// a key given here is never printed)
    #[arg(long, env = "MKTOWS_SANDBOX_ENCRYPTION_KEY", hide_env_values = true)]
    pub encryption_key: Option<String>,
    /// Enforce Marketo's limits (100 calls / 20 s, 10 concurrent, 10,000 per day)
    #[arg(long)]
    pub limits: bool,
    /// Accepted distance between a request's timestamp and this clock, in seconds (20016 beyond)
    #[arg(long, default_value_t = 900)]
    pub time_window: u64,
    /// A static list that exists, for listOperation and StaticListSelector (repeatable;
    /// added to the fixture's lists)
    #[arg(long = "list", value_name = "NAME")]
    pub lists: Vec<String>,
    /// Lead fields, lists, programs, campaigns, channels, tags and custom-object types, from a
    /// TOML or JSON file (format: the docs of `mktows_sandbox::fixture`). Saved in the --data
    /// file; without this flag the saved one is used, else the built-in default
    #[arg(long, value_name = "FILE")]
    pub fixture: Option<PathBuf>,
}

/// Serves until Ctrl-C.
pub async fn run(args: SandboxArgs) -> Outcome {
    let SandboxArgs {
        port,
        data,
        user_id,
        encryption_key: key,
        limits,
        time_window,
        lists,
        fixture,
    } = args;
    let (mut fixture, fixture_source) = match (&fixture, &data) {
        (Some(path), _) => (Fixture::load(path)?, path.display().to_string()),
        (None, Some(data)) => match Fixture::saved(data)? {
            Some(saved) => (saved, format!("saved in {}", data.display())),
            None => (Fixture::default(), "built-in".to_owned()),
        },
        (None, None) => (Fixture::default(), "built-in".to_owned()),
    };
    for list in &lists {
        if !fixture.lists.contains(list) {
            fixture.lists.push(list.clone());
        }
    }
    let mut config = SandboxConfig {
        time_window: Duration::from_secs(time_window),
        addr: ([127, 0, 0, 1], port).into(),
        users: vec![(
            user_id.clone(),
            key.clone()
                .unwrap_or_else(|| mktows_sandbox::DEFAULT_ENCRYPTION_KEY.to_owned()),
        )],
        limits: if limits {
            SandboxLimits::marketo()
        } else {
            SandboxLimits::default()
        },
        data: data.clone(),
        ..SandboxConfig::default()
    };
    fixture.apply(&mut config);
    let lists = config.lists.clone();
    let sandbox = Sandbox::start(config.clone()).await?;
    // Written, not printed: a closed stdout (a parent that read the endpoint and left) must not
    // stop the server.
    let mut banner = format!(
        "mktows sandbox listening\n  {ENV_ENDPOINT}={}\n",
        sandbox.url()
    );
    banner.push_str(&format!("  {ENV_USER_ID}={user_id}\n"));
    match &key {
        // Only the published default is printed, never a key the operator chose.
        None => banner.push_str(&format!(
            "  {ENV_ENCRYPTION_KEY}={}\n",
            mktows_sandbox::DEFAULT_ENCRYPTION_KEY
        )),
        Some(_) => banner.push_str(&format!("  {ENV_ENCRYPTION_KEY}: as given (not shown)\n")),
    }
    banner.push_str(&format!("  WSDL: {}?WSDL\n", sandbox.url()));
    banner.push_str(&format!(
        "  REST: MKTOWS_REST_ENDPOINT={} MKTOWS_IDENTITY_ENDPOINT={} MKTOWS_CLIENT_ID={} MKTOWS_CLIENT_SECRET={}\n",
        sandbox.rest_endpoint(),
        sandbox.identity_endpoint(),
        mktows_sandbox::DEFAULT_CLIENT_ID,
        mktows_sandbox::DEFAULT_CLIENT_SECRET,
    ));
    banner.push_str(&format!(
        "  fixture: {fixture_source} ({} lead fields, {} programs, {} campaigns, {} custom object types)\n",
        config.fields.len(),
        config.catalog.programs.len(),
        config.catalog.campaigns.len(),
        config.catalog.custom_objects.len(),
    ));
    if !lists.is_empty() {
        banner.push_str(&format!("  static lists: {}\n", lists.join(", ")));
    }
    match &data {
        Some(path) => banner.push_str(&format!(
            "  leads kept in {} ({} loaded)\n",
            path.display(),
            sandbox.lead_count()
        )),
        None => banner.push_str("  leads kept in memory\n"),
    }
    let _ = std::io::stdout().write_all(banner.as_bytes());
    let _ = std::io::stdout().flush();
    // Ctrl-C: stop accepting, let the calls in flight finish, then exit.
    let _ = tokio::signal::ctrl_c().await;
    sandbox.stop().await;
    Ok(ExitCode::SUCCESS)
}
