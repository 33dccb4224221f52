//! What the commands share: the connection options, the client they build, the failure type
//! and the lead table.

use std::process::ExitCode;

use clap::Args;
use mktows::client::{ENV_ENCRYPTION_KEY, ENV_ENDPOINT, ENV_USER_ID};
use mktows::types::LeadRecord;
use mktows::{Client, ClientConfig, Lead};

/// A failure the user must read: printed as `error: ...`, exit code 1.
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

/// What a command returns.
pub type Outcome = Result<ExitCode, Failure>;

/// Where and as whom to connect.
#[derive(Args, Clone, Debug)]
pub struct Connection {
    /// SOAP endpoint, e.g. https://123-ABC-456.mktoapi.com/soap/mktows/2_6
    #[arg(long, env = ENV_ENDPOINT)]
    pub endpoint: Option<String>,
    /// SOAP user id
    #[arg(long, env = ENV_USER_ID)]
    pub user_id: Option<String>,
    /// Encryption key (prefer the environment variable: command lines are visible to others)
    #[arg(long, env = ENV_ENCRYPTION_KEY, hide_env_values = true)]
    pub encryption_key: Option<String>,
    /// Workspace for syncLead (MktowsContextHeader)
    #[arg(long)]
    pub workspace: Option<String>,
    /// No pacing under Marketo's 100 calls / 20 s (for a local sandbox without limits)
    #[arg(long, conflicts_with = "rate")]
    pub unpaced: bool,
    /// Pace at most CALLS per SECONDS instead of Marketo's 100/20 (an instance with other limits)
    #[arg(long, value_name = "CALLS/SECONDS", value_parser = parse_rate)]
    pub rate: Option<(usize, u64)>,
}

/// `100/20` → (100, 20).
fn parse_rate(text: &str) -> Result<(usize, u64), String> {
    let (calls, seconds) = text
        .split_once('/')
        .ok_or_else(|| format!("expected CALLS/SECONDS such as 100/20, not {text:?}"))?;
    let calls: usize = calls
        .trim()
        .parse()
        .map_err(|_| format!("{calls:?} is not a number of calls"))?;
    let seconds: u64 = seconds
        .trim()
        .parse()
        .map_err(|_| format!("{seconds:?} is not a number of seconds"))?;
    if calls == 0 || seconds == 0 {
        return Err("both numbers must be above 0".into());
    }
    Ok((calls, seconds))
}

impl Connection {
    /// Every setting that is missing, named with how to set it, in one message.
    fn missing(&self) -> Option<String> {
        let missing: Vec<String> = [
            (self.endpoint.is_none(), "--endpoint", ENV_ENDPOINT),
            (self.user_id.is_none(), "--user-id", ENV_USER_ID),
            (
                self.encryption_key.is_none(),
                "--encryption-key",
                ENV_ENCRYPTION_KEY,
            ),
        ]
        .into_iter()
        .filter(|(missing, _, _)| *missing)
        .map(|(_, flag, env)| format!("{flag} (or {env})"))
        .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "missing settings: {}; `mktows sandbox` prints all three for a local sandbox",
                missing.join(", ")
            )
        })
    }

    /// A client for an interactive command: an endpoint that refuses connections is reported
    /// after three attempts (under a second) rather than the library's 31 s schedule.
    pub fn client(&self, batch_size: usize) -> Result<Client, Failure> {
        let mut config = self.config(batch_size)?;
        config.retry.connect_attempts = 3;
        Ok(Client::new(config)?)
    }

    /// The client configuration for this connection.
    pub fn config(&self, batch_size: usize) -> Result<ClientConfig, Failure> {
        if let Some(message) = self.missing() {
            return Err(Failure(message));
        }
        let lookup = |name: &str| match name {
            ENV_ENDPOINT => self.endpoint.clone(),
            ENV_USER_ID => self.user_id.clone(),
            ENV_ENCRYPTION_KEY => self.encryption_key.clone(),
            _ => None,
        };
        let mut config = ClientConfig::from_vars(lookup)?.batch_size(batch_size.clamp(1, 300));
        if let Some(workspace) = &self.workspace {
            config = config.workspace(workspace.clone());
        }
        if self.unpaced {
            let max_concurrent = config.limits.max_concurrent;
            config = config.limits(mktows::client::Limits::unlimited(max_concurrent));
        }
        if let Some((calls, seconds)) = self.rate {
            config.limits.calls_per_window = calls;
            config.limits.window = std::time::Duration::from_secs(seconds);
        }
        Ok(config)
    }
}

/// Prints leads as a table: Id, Email, FirstName, LastName, Company, Phone.
pub fn print_leads(leads: &[LeadRecord]) {
    let rows: Vec<[String; 6]> = leads
        .iter()
        .map(|record| {
            let lead = Lead::from(record.clone());
            let field = |name| lead.attribute(name).unwrap_or_default().to_owned();
            [
                lead.id().map(|id| id.to_string()).unwrap_or_default(),
                lead.email().unwrap_or_default().to_owned(),
                field("FirstName"),
                field("LastName"),
                field("Company"),
                field("Phone"),
            ]
        })
        .collect();
    let headers = ["Id", "Email", "FirstName", "LastName", "Company", "Phone"];
    let widths: Vec<usize> = (0..6)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[&str]| {
        let cells: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out!("| {} |", cells.join(" | "));
    };
    line(&headers);
    out!(
        "|{}|",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in &rows {
        line(&row.iter().map(String::as_str).collect::<Vec<_>>());
    }
}
