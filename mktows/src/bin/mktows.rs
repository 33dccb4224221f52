//! `mktows`: the command-line tool. Syncs leads into Marketo (or the embedded sandbox), reads
//! them back, manages static list membership, serves the sandbox, bridges SOAP clients to
//! Marketo's REST API, and converts SOAP envelopes of this API to JSON and back.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[path = "mktows/bridge_cmd.rs"]
mod bridge_cmd;

use clap::{Args, Parser, Subcommand, ValueEnum};
use mktows::client::{ENV_ENCRYPTION_KEY, ENV_ENDPOINT, ENV_USER_ID};
use mktows::elements::AnyElement;
use mktows::operations::{OPERATIONS, SyncMultipleLeads, SyncMultipleLeadsHeaders};
use mktows::sandbox::{Sandbox, SandboxConfig, SandboxLimits};
use mktows::types::*;
use mktows::xml::{self, AnyBody, AnyEnvelope, ElementSet, Nillable};
use mktows::{Client, ClientConfig, LeadKey, LeadOutcome, LeadSync};

#[derive(Parser)]
#[command(
    name = "mktows",
    version,
    about = "Marketo SOAP API (mktows) from the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Connection {
    /// SOAP endpoint, e.g. https://123-ABC-456.mktoapi.com/soap/mktows/2_6
    #[arg(long, env = ENV_ENDPOINT)]
    endpoint: Option<String>,
    /// SOAP user id
    #[arg(long, env = ENV_USER_ID)]
    user_id: Option<String>,
    /// Encryption key (prefer the environment variable: command lines are visible to others)
    #[arg(long, env = ENV_ENCRYPTION_KEY, hide_env_values = true)]
    encryption_key: Option<String>,
    /// Workspace for syncLead (MktowsContextHeader)
    #[arg(long)]
    workspace: Option<String>,
    /// No pacing under Marketo's 100 calls / 20 s (for a local sandbox without limits)
    #[arg(long)]
    unpaced: bool,
}

/// How `mktows sandbox` runs.
#[derive(Args, Debug)]
struct SandboxArgs {
    /// Port (0: any free port)
    #[arg(long, default_value_t = 8086)]
    port: u16,
    /// Keep leads and list members in this SQLite database (default: in memory)
    #[arg(long)]
    data: Option<PathBuf>,
    /// User id accepted
    #[arg(long, default_value = mktows::sandbox::DEFAULT_USER_ID)]
    user_id: String,
    /// Encryption key accepted (default: the sandbox's published key, which is then printed;
    /// a key given here is never printed)
    #[arg(long, env = "MKTOWS_SANDBOX_ENCRYPTION_KEY", hide_env_values = true)]
    encryption_key: Option<String>,
    /// Enforce Marketo's limits (100 calls / 20 s, 10 concurrent, 10,000 per day)
    #[arg(long)]
    limits: bool,
    /// Accepted distance between a request's timestamp and this clock, in seconds (20016 beyond)
    #[arg(long, default_value_t = 900)]
    time_window: u64,
    /// A static list that exists, for listOperation and StaticListSelector (repeatable)
    #[arg(long = "list", value_name = "NAME")]
    lists: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the embedded sandbox, sync the specification's sample leads, update one, read them back.
    Demo,
    /// Serve the Marketo-compatible sandbox.
    Sandbox(SandboxArgs),
    /// Serve Marketo's SOAP API and carry each call out on Marketo's REST API.
    Bridge(bridge_cmd::BridgeArgs),
    /// Sync leads from a CSV file (header row) or JSON lines with syncMultipleLeads.
    Sync {
        /// Input file (`.csv`, or `.jsonl`/`.json` for JSON lines)
        file: PathBuf,
        #[command(flatten)]
        connection: Connection,
        /// Print the request envelopes instead of sending them
        #[arg(long)]
        dry_run: bool,
        /// Where to write the leads that failed, with their error (CSV)
        #[arg(long)]
        failed: Option<PathBuf>,
        /// Leads per call (at most 300)
        #[arg(long, default_value_t = 300)]
        batch_size: usize,
        /// Deduplicate on email (false creates duplicates)
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        dedup: bool,
        /// Input format (default: from the file extension)
        #[arg(long)]
        format: Option<Format>,
    },
    /// Read one lead by email or Marketo id.
    GetLead {
        /// Email address
        #[arg(long, conflicts_with = "id", required_unless_present = "id")]
        email: Option<String>,
        /// Marketo lead id
        #[arg(long)]
        id: Option<i32>,
        #[command(flatten)]
        connection: Connection,
    },
    /// Add leads to a static list, remove them, or check that they are members (by Marketo id).
    /// Exits with 1 unless it was carried out for every lead.
    List {
        /// What to do
        action: ListAction,
        /// Name of the static list
        list: String,
        /// Marketo lead ids (at most 1000)
        #[arg(required = true)]
        ids: Vec<i32>,
        /// All or nothing: one lead that fails fails them all
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Print SOAP envelopes of this API (requests, responses, faults) as JSON.
    Decode {
        /// Files (captured logs with REQUEST:/RESPONSE: markers are split)
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write the SOAP envelope for JSON (as printed by `decode`).
    Encode {
        /// Operation name, e.g. syncLead
        operation: String,
        /// Which message of the operation
        direction: Direction,
        /// JSON file
        file: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Jsonl,
}

/// What `mktows list` does.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ListAction {
    /// ADDTOLIST
    Add,
    /// REMOVEFROMLIST
    Remove,
    /// ISMEMBEROFLIST
    Check,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
}

/// A failure the user must read: printed, exit code 1 (2 for usage errors).
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<ExitCode, Failure> {
    match command {
        Command::Demo => demo().await,
        Command::Sandbox(args) => serve(args).await,
        Command::Bridge(args) => Ok(bridge_cmd::run(args).await?),
        Command::Sync {
            file,
            connection,
            dry_run,
            failed,
            batch_size,
            dedup,
            format,
        } => {
            sync(
                &file, connection, dry_run, failed, batch_size, dedup, format,
            )
            .await
        }
        Command::GetLead {
            email,
            id,
            connection,
        } => get_lead(email, id, connection).await,
        Command::List {
            action,
            list,
            ids,
            strict,
            connection,
        } => list_operation(action, &list, &ids, strict, connection).await,
        Command::Decode { files } => decode(&files),
        Command::Encode {
            operation,
            direction,
            file,
        } => encode(&operation, direction, &file),
    }
}

fn client(connection: &Connection, batch_size: usize) -> Result<Client, Failure> {
    let lookup = |name: &str| match name {
        ENV_ENDPOINT => connection.endpoint.clone(),
        ENV_USER_ID => connection.user_id.clone(),
        ENV_ENCRYPTION_KEY => connection.encryption_key.clone(),
        _ => None,
    };
    let mut config = ClientConfig::from_vars(lookup)
        .map_err(|e| {
            Failure(format!(
                "{e} (pass --endpoint/--user-id/--encryption-key or set MKTOWS_*)"
            ))
        })?
        .batch_size(batch_size.clamp(1, 300));
    if let Some(workspace) = &connection.workspace {
        config = config.workspace(workspace.clone());
    }
    if connection.unpaced {
        let max_concurrent = config.limits.max_concurrent;
        config = config.limits(mktows::client::Limits::unlimited(max_concurrent));
    }
    Ok(Client::new(config)?)
}

fn field(lead: &LeadRecord, name: &str) -> String {
    lead.lead_attribute_list
        .as_ref()
        .and_then(|l| l.value())
        .and_then(|l| l.attribute.iter().find(|a| a.attr_name == name))
        .map(|a| a.attr_value.clone())
        .unwrap_or_default()
}

fn print_leads(leads: &[LeadRecord]) {
    let rows: Vec<[String; 6]> = leads
        .iter()
        .map(|l| {
            [
                l.id.as_ref()
                    .and_then(|v| v.value())
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                l.email
                    .as_ref()
                    .and_then(|v| v.value())
                    .cloned()
                    .unwrap_or_default(),
                field(l, "FirstName"),
                field(l, "LastName"),
                field(l, "Company"),
                field(l, "Phone"),
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
        println!("| {} |", cells.join(" | "));
    };
    line(&headers);
    println!(
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

async fn demo() -> Result<ExitCode, Failure> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    println!(
        "Sandbox at {} (user {})\n",
        sandbox.url(),
        sandbox.credentials().user_id
    );
    let client = Client::new(sandbox.client_config())?;

    // syncLead: the lead of Marketo's syncLead specification.
    let george = client
        .sync_lead(
            LeadSync::new(LeadKey::Email("t@t.com".into()))
                .attribute("FirstName", "George")
                .attribute("LastName", "of the Jungle"),
        )
        .await?;
    println!(
        "syncLead t@t.com: {} lead {}",
        george.sync_status.status, george.lead_id
    );

    // syncMultipleLeads: the batch of the syncMultipleLeads specification.
    let batch: Vec<LeadRecord> = [1000, 1001]
        .iter()
        .map(|n| LeadRecord {
            email: Some(Nillable::Value(format!("em{n}@etestd.marketo.net"))),
            lead_attribute_list: Some(Nillable::Value(ArrayOfAttribute {
                attribute: vec![
                    Attribute {
                        attr_name: "Company".into(),
                        attr_type: None,
                        attr_value: format!("Marketo{n}"),
                    },
                    Attribute {
                        attr_name: "Phone".into(),
                        attr_type: None,
                        attr_value: format!("650-555-{n}"),
                    },
                ],
            })),
            ..LeadRecord::default()
        })
        .collect();
    let report = client.sync_multiple_leads(batch, Some(true)).await;
    for outcome in &report.outcomes {
        match outcome {
            LeadOutcome::Synced(s) => {
                println!("syncMultipleLeads: {} lead {}", s.status, s.lead_id)
            }
            LeadOutcome::ChunkFailed { error, .. } => return Err(Failure(error.to_string())),
        }
    }

    // Update one, by its Marketo id.
    let updated = client
        .sync_lead(LeadSync::new(LeadKey::Id(george.lead_id)).attribute("Company", "Jungle Inc."))
        .await?;
    println!(
        "syncLead Id {}: {}\n",
        updated.lead_id, updated.sync_status.status
    );

    // Read them back.
    let mut leads = client
        .get_lead(LeadKeyRef::Idnum, &george.lead_id.to_string())
        .await?;
    for email in ["em1000@etestd.marketo.net", "em1001@etestd.marketo.net"] {
        leads.extend(client.get_lead(LeadKeyRef::Email, email).await?);
    }
    print_leads(&leads);
    sandbox.stop().await;
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: SandboxArgs) -> Result<ExitCode, Failure> {
    let SandboxArgs {
        port,
        data,
        user_id,
        encryption_key: key,
        limits,
        time_window,
        lists,
    } = args;
    let config = SandboxConfig {
        time_window: Duration::from_secs(time_window),
        addr: ([127, 0, 0, 1], port).into(),
        users: vec![(
            user_id.clone(),
            key.clone()
                .unwrap_or_else(|| mktows::sandbox::DEFAULT_ENCRYPTION_KEY.to_owned()),
        )],
        limits: if limits {
            SandboxLimits::marketo()
        } else {
            SandboxLimits::default()
        },
        data: data.clone(),
        lists: lists.clone(),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await?;
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
            mktows::sandbox::DEFAULT_ENCRYPTION_KEY
        )),
        Some(_) => banner.push_str(&format!("  {ENV_ENCRYPTION_KEY}: as given (not shown)\n")),
    }
    banner.push_str(&format!("  WSDL: {}?WSDL\n", sandbox.url()));
    banner.push_str(&format!(
        "  REST: MKTOWS_REST_ENDPOINT={} MKTOWS_IDENTITY_ENDPOINT={} MKTOWS_CLIENT_ID={} MKTOWS_CLIENT_SECRET={}\n",
        sandbox.rest_endpoint(),
        sandbox.identity_endpoint(),
        mktows::sandbox::DEFAULT_CLIENT_ID,
        mktows::sandbox::DEFAULT_CLIENT_SECRET,
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

/// One input line: the lead, or why it could not be read.
type InputLead = (usize, Result<LeadRecord, String>, String);

/// Builds a lead from column names and values: `Id`, `Email`, `ForeignSysPersonId`,
/// `ForeignSysType` are keys, every other non-empty column is an attribute.
fn lead_from_columns(
    columns: impl Iterator<Item = (String, String)>,
) -> Result<LeadRecord, String> {
    let mut lead = LeadRecord::default();
    let mut attribute = Vec::new();
    for (name, value) in columns {
        if value.is_empty() {
            continue;
        }
        match name.as_str() {
            "Id" => {
                let id = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("Id {value:?} is not an integer"))?;
                lead.id = Some(Nillable::Value(id));
            }
            "Email" => lead.email = Some(Nillable::Value(value)),
            "ForeignSysPersonId" => lead.foreign_sys_person_id = Some(Nillable::Value(value)),
            "ForeignSysType" => {
                lead.foreign_sys_type = Some(Nillable::Value(ForeignSysType::from(value)))
            }
            _ => attribute.push(Attribute {
                attr_name: name,
                attr_type: None,
                attr_value: value,
            }),
        }
    }
    if !attribute.is_empty() {
        lead.lead_attribute_list = Some(Nillable::Value(ArrayOfAttribute { attribute }));
    }
    Ok(lead)
}

/// Streams input leads, a window at a time.
enum Input {
    Csv(csv::Reader<std::fs::File>, Vec<String>),
    Jsonl(std::io::Lines<BufReader<std::fs::File>>, usize),
}

impl Input {
    fn open(path: &Path, format: Option<Format>) -> Result<Input, Failure> {
        let format = format.unwrap_or(match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl" | "json" | "ndjson") => Format::Jsonl,
            _ => Format::Csv,
        });
        let file =
            std::fs::File::open(path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
        Ok(match format {
            Format::Csv => {
                let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(file);
                let headers = reader
                    .headers()
                    .map_err(|e| Failure(format!("{}: header row: {e}", path.display())))?
                    .iter()
                    .map(|h| h.trim().to_owned())
                    .collect();
                Input::Csv(reader, headers)
            }
            Format::Jsonl => Input::Jsonl(BufReader::new(file).lines(), 0),
        })
    }

    fn next_window(&mut self, size: usize) -> Vec<InputLead> {
        let mut window = Vec::with_capacity(size);
        while window.len() < size {
            match self {
                Input::Csv(reader, headers) => {
                    let mut record = csv::StringRecord::new();
                    match reader.read_record(&mut record) {
                        Ok(false) => break,
                        Ok(true) => {
                            let line = record.position().map_or(0, |p| p.line() as usize);
                            let raw = record.iter().collect::<Vec<_>>().join(",");
                            let columns = headers
                                .iter()
                                .cloned()
                                .zip(record.iter().map(str::to_owned));
                            window.push((line, lead_from_columns(columns), raw));
                        }
                        Err(e) => {
                            let line = e.position().map_or(0, |p| p.line() as usize);
                            window.push((line, Err(format!("malformed CSV: {e}")), String::new()));
                        }
                    }
                }
                Input::Jsonl(lines, number) => {
                    let Some(line) = lines.next() else { break };
                    *number += 1;
                    let line = match line {
                        Ok(line) => line,
                        Err(e) => {
                            window.push((*number, Err(format!("cannot read: {e}")), String::new()));
                            break;
                        }
                    };
                    if line.trim().is_empty() {
                        continue;
                    }
                    let parsed =
                        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&line)
                            .map_err(|e| format!("malformed JSON: {e}"))
                            .and_then(|object| {
                                lead_from_columns(object.into_iter().map(|(k, v)| match v {
                                    serde_json::Value::String(s) => (k, s),
                                    serde_json::Value::Null => (k, String::new()),
                                    other => (k, other.to_string()),
                                }))
                            });
                    window.push((*number, parsed, line));
                }
            }
        }
        window
    }
}

async fn sync(
    path: &Path,
    connection: Connection,
    dry_run: bool,
    failed_path: Option<PathBuf>,
    batch_size: usize,
    dedup: bool,
    format: Option<Format>,
) -> Result<ExitCode, Failure> {
    let mut input = Input::open(path, format)?;
    let batch_size = batch_size.clamp(1, 300);
    if dry_run {
        let config = ClientConfig::from_vars(|name| match name {
            ENV_ENDPOINT => connection
                .endpoint
                .clone()
                .or_else(|| Some("https://dry-run.invalid/soap/mktows/2_6".into())),
            ENV_USER_ID => connection
                .user_id
                .clone()
                .or_else(|| Some("dry-run".into())),
            ENV_ENCRYPTION_KEY => connection
                .encryption_key
                .clone()
                .or_else(|| Some("dry-run".into())),
            _ => None,
        })?;
        let client = Client::new(config)?;
        loop {
            let window = input.next_window(batch_size);
            if window.is_empty() {
                break;
            }
            let mut leads = Vec::new();
            for (line, lead, _) in window {
                match lead {
                    Ok(lead) => leads.push(lead),
                    Err(e) => eprintln!("{}:{line}: {e}", path.display()),
                }
            }
            let params = ParamsSyncMultipleLeads {
                lead_record_list: ArrayOfLeadRecord { lead_record: leads },
                dedup_enabled: Some(Nillable::Value(dedup)),
            };
            let dry = client
                .dry_run::<SyncMultipleLeads>(&SyncMultipleLeadsHeaders::default(), &params)?;
            println!(
                "POST {}\nSOAPAction: \"{}\"\n\n{}\n",
                dry.url, dry.soap_action, dry.body
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let client = client(&connection, batch_size)?;
    let mut failed_out = match &failed_path {
        Some(p) => {
            let mut writer =
                csv::Writer::from_path(p).map_err(|e| Failure(format!("{}: {e}", p.display())))?;
            writer.write_record(["line", "error", "input"])?;
            Some(writer)
        }
        None => None,
    };
    let progress = indicatif::ProgressBar::new_spinner();
    progress.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos} leads synced ({per_sec}) {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    progress.enable_steady_tick(Duration::from_millis(200));
    let (mut created, mut updated, mut failed) = (0usize, 0usize, 0usize);
    // A window of ten calls at a time keeps memory bounded whatever the input size.
    let window_size = batch_size * client.config().limits.max_concurrent.max(1);
    loop {
        let window = input.next_window(window_size);
        if window.is_empty() {
            break;
        }
        let mut leads = Vec::with_capacity(window.len());
        let mut origins = Vec::with_capacity(window.len());
        for (line, lead, raw) in window {
            match lead {
                Ok(lead) => {
                    leads.push(lead);
                    origins.push((line, raw));
                }
                Err(error) => {
                    failed += 1;
                    eprintln!("{}:{line}: {error}", path.display());
                    if let Some(out) = failed_out.as_mut() {
                        out.write_record([line.to_string(), error, raw])?;
                    }
                }
            }
        }
        let report = client.sync_multiple_leads(leads, Some(dedup)).await;
        for (outcome, (line, raw)) in report.outcomes.iter().zip(origins) {
            let error = match outcome {
                LeadOutcome::Synced(s) => match s.status {
                    LeadSyncStatus::Created => {
                        created += 1;
                        None
                    }
                    LeadSyncStatus::Updated => {
                        updated += 1;
                        None
                    }
                    _ => Some(format!(
                        "{}: {}",
                        s.status,
                        s.error
                            .as_ref()
                            .and_then(|e| e.value())
                            .cloned()
                            .unwrap_or_default()
                    )),
                },
                LeadOutcome::ChunkFailed { error, .. } => Some(error.to_string()),
            };
            if let Some(error) = error {
                failed += 1;
                if let Some(out) = failed_out.as_mut() {
                    out.write_record([line.to_string(), error, raw])?;
                }
            }
        }
        progress.set_position((created + updated) as u64);
    }
    progress.finish_and_clear();
    if let Some(mut out) = failed_out {
        out.flush()?;
    }
    println!("created {created}, updated {updated}, failed {failed}");
    if failed > 0 {
        if let Some(p) = &failed_path {
            println!("failed leads written to {}", p.display());
        }
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

async fn get_lead(
    email: Option<String>,
    id: Option<i32>,
    connection: Connection,
) -> Result<ExitCode, Failure> {
    let client = client(&connection, 300)?;
    let leads = match (email, id) {
        (Some(email), _) => client.get_lead(LeadKeyRef::Email, &email).await?,
        (None, Some(id)) => client.get_lead(LeadKeyRef::Idnum, &id.to_string()).await?,
        (None, None) => return Err(Failure("give --email or --id".into())),
    };
    print_leads(&leads);
    Ok(ExitCode::SUCCESS)
}

async fn list_operation(
    action: ListAction,
    list: &str,
    ids: &[i32],
    strict: bool,
    connection: Connection,
) -> Result<ExitCode, Failure> {
    let client = client(&connection, 300)?;
    let (operation, done, not_done) = match action {
        ListAction::Add => (ListOperationType::Addtolist, "added", "not added"),
        ListAction::Remove => (ListOperationType::Removefromlist, "removed", "not removed"),
        ListAction::Check => (ListOperationType::Ismemberoflist, "member", "not a member"),
    };
    let report = client.list_operation(operation, list, ids, strict).await?;
    for (id, status) in &report.leads {
        println!("{id}\t{}", if *status { done } else { not_done });
    }
    Ok(if report.success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The envelopes in a file: the whole file, or the parts after `REQUEST:`/`RESPONSE:` markers.
fn envelopes(text: &str) -> Vec<(&'static str, &str)> {
    let request = text.find("REQUEST:");
    let response = text.find("RESPONSE:");
    match (request, response) {
        (None, None) => vec![("document", text)],
        _ => {
            let mut out = Vec::new();
            if let Some(start) = request {
                let end = response.filter(|&r| r > start).unwrap_or(text.len());
                out.push(("request", text[start + 8..end].trim()));
            }
            if let Some(start) = response {
                out.push(("response", text[start + 9..].trim()));
            }
            out
        }
    }
}

fn envelope_json(envelope: &AnyEnvelope<AnyElement>) -> Result<serde_json::Value, Failure> {
    let body = match &envelope.body {
        AnyBody::Element(element) => serde_json::to_value(element)?,
        AnyBody::Fault(fault) => serde_json::json!({ "Fault": fault }),
    };
    Ok(serde_json::json!({ "headers": serde_json::to_value(&envelope.headers)?, "body": body }))
}

fn decode(files: &[PathBuf]) -> Result<ExitCode, Failure> {
    let mut failures = 0;
    for path in files {
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                failures += 1;
                continue;
            }
        };
        for (label, part) in envelopes(&text) {
            match xml::decode_any::<AnyElement>(part.as_bytes()) {
                Ok(envelope) => {
                    let json = envelope_json(&envelope)?;
                    println!(
                        "{}",
                        serde_json::json!({ "file": path.display().to_string(), "part": label, "envelope": json })
                    );
                }
                Err(e) => {
                    eprintln!("{} ({label}): {e}", path.display());
                    failures += 1;
                }
            }
        }
    }
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn encode(operation: &str, direction: Direction, path: &Path) -> Result<ExitCode, Failure> {
    let info = OPERATIONS
        .iter()
        .find(|o| o.name == operation)
        .ok_or_else(|| {
            Failure(format!(
                "unknown operation {operation:?}; one of: {}",
                OPERATIONS
                    .iter()
                    .map(|o| o.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let text =
        std::fs::read_to_string(path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    // Either `decode`'s {"headers": [...], "body": {...}} or a bare body element.
    let (headers, body) = match value.get("body") {
        Some(body) => (
            value
                .get("headers")
                .cloned()
                .unwrap_or(serde_json::Value::Array(vec![])),
            body.clone(),
        ),
        None => (serde_json::Value::Array(vec![]), value),
    };
    let headers: Vec<AnyElement> = serde_json::from_value(headers)
        .map_err(|e| Failure(format!("{}: headers: {e}", path.display())))?;
    let body: AnyElement = serde_json::from_value(body)
        .map_err(|e| Failure(format!("{}: body: {e}", path.display())))?;
    let expected = if direction == Direction::Request {
        info.input
    } else {
        info.output
    };
    if body.element_name() != expected {
        return Err(Failure(format!(
            "{}: the body is {}, but the {operation} {} is {}",
            path.display(),
            body.element_name().local,
            if direction == Direction::Request {
                "request"
            } else {
                "response"
            },
            expected.local
        )));
    }
    let envelope = AnyEnvelope {
        headers,
        body: AnyBody::Element(body),
    };
    println!("{}", xml::encode_any(&envelope)?);
    Ok(ExitCode::SUCCESS)
}
