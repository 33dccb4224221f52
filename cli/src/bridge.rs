//! `mktows bridge`: serve Marketo's SOAP API and carry each call out on Marketo's REST API.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use mktows_bridge::{Bridge, BridgeConfig, RestSettings};

/// How `mktows bridge` runs.
#[derive(Args)]
pub struct BridgeArgs {
    /// Port for SOAP clients (0: any free port)
    #[arg(long, env = "MKTOWS_BRIDGE_PORT", default_value_t = 8087)]
    port: u16,
    /// Address to listen on (0.0.0.0 to serve other machines: with --tls-cert, or behind TLS)
    #[arg(long, env = "MKTOWS_BRIDGE_LISTEN", default_value = "127.0.0.1")]
    listen: IpAddr,
    /// Marketo REST endpoint, e.g. https://123-ABC-456.mktorest.com/rest
    #[arg(long, env = "MKTOWS_REST_ENDPOINT")]
    rest_endpoint: Option<String>,
    /// Marketo identity endpoint, e.g. https://123-ABC-456.mktorest.com/identity
    #[arg(long, env = "MKTOWS_IDENTITY_ENDPOINT")]
    identity_endpoint: Option<String>,
    /// REST client id (LaunchPoint custom service)
    #[arg(long, env = "MKTOWS_CLIENT_ID")]
    client_id: Option<String>,
    /// REST client secret (prefer the environment variable: command lines are visible to others)
    #[arg(long, env = "MKTOWS_CLIENT_SECRET", hide_env_values = true)]
    client_secret: Option<String>,
    /// SOAP user id the legacy clients sign with
    #[arg(long, env = "MKTOWS_BRIDGE_USER_ID")]
    user_id: Option<String>,
    /// SOAP encryption key the legacy clients sign with (prefer the environment variable)
    #[arg(long, env = "MKTOWS_BRIDGE_ENCRYPTION_KEY", hide_env_values = true)]
    encryption_key: Option<String>,
    /// Workspace → lead partition for syncLead's MktowsContextHeader (repeatable; in the
    /// environment, comma-separated)
    #[arg(
        long = "workspace-partition",
        value_name = "NAME=PARTITION",
        env = "MKTOWS_BRIDGE_WORKSPACE_PARTITIONS",
        value_delimiter = ','
    )]
    workspace_partitions: Vec<String>,
    /// Accepted distance between a request's timestamp and this clock, in seconds (20016 beyond)
    #[arg(long, env = "MKTOWS_BRIDGE_TIME_WINDOW", default_value_t = 900)]
    time_window: u64,
    /// Do not pace REST calls under Marketo's 100 calls / 20 s (for a local REST sandbox)
    #[arg(long, env = "MKTOWS_BRIDGE_UNPACED")]
    unpaced: bool,
    /// On SIGTERM or SIGINT, stop accepting and give the calls in flight this many seconds to
    /// finish (exit 0); calls still running then are cut off (exit 1)
    #[arg(
        long,
        env = "MKTOWS_BRIDGE_DRAIN_TIMEOUT",
        default_value_t = 30,
        value_name = "SECONDS"
    )]
    drain_timeout: u64,
    /// GET /readyz asks the identity endpoint for a token again once its last success is this
    /// many seconds old (GET /healthz, /readyz and /metrics are served on the SOAP port)
    #[arg(
        long,
        env = "MKTOWS_BRIDGE_READY_MAX_AGE",
        default_value_t = 30,
        value_name = "SECONDS"
    )]
    ready_max_age: u64,
    /// Log lines on standard error: text, or json (one object a line; a SOAP call's lines,
    /// its REST calls' included, carry its span's request_id). RUST_LOG filters, e.g.
    /// RUST_LOG=info,mktows::rest=debug adds a line per REST call
    #[arg(long, env = "MKTOWS_BRIDGE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Serve HTTPS with this PEM certificate chain (server certificate first); needs --tls-key
    #[arg(
        long,
        env = "MKTOWS_BRIDGE_TLS_CERT",
        value_name = "PEM",
        requires = "tls_key"
    )]
    tls_cert: Option<std::path::PathBuf>,
    /// The PEM private key (PKCS#8, PKCS#1 or SEC1) of --tls-cert
    #[arg(
        long,
        env = "MKTOWS_BRIDGE_TLS_KEY",
        value_name = "PEM",
        requires = "tls_cert"
    )]
    tls_key: Option<std::path::PathBuf>,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LogFormat {
    /// `tracing`'s human-readable lines.
    Text,
    /// One JSON object a line: `timestamp`, `level`, `target`, the event's fields at the top
    /// level, and `span` (`request_id`) within a SOAP call.
    Json,
}

/// Sets logging up on standard error: `RUST_LOG` (default `info`: one line per SOAP call,
/// target `mktows::soap`) in `format`.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}

impl std::fmt::Debug for BridgeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BridgeArgs")
            .field("port", &self.port)
            .field("rest_endpoint", &self.rest_endpoint)
            .field("client_id", &self.client_id)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

fn url(name: &str, value: String) -> Result<String, String> {
    if value.starts_with("http://") || value.starts_with("https://") {
        Ok(value.trim_end_matches('/').to_owned())
    } else {
        Err(format!("{name} must be an http:// or https:// URL"))
    }
}

/// Catches SIGTERM (what `systemctl stop`, `docker stop` and Kubernetes send) and SIGINT
/// (Ctrl-C) from now on; the future ends with the name of the first that arrives.
fn stop_signal() -> Result<impl Future<Output = &'static str>, String> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term =
            signal(SignalKind::terminate()).map_err(|e| format!("cannot catch SIGTERM: {e}"))?;
        let mut int =
            signal(SignalKind::interrupt()).map_err(|e| format!("cannot catch SIGINT: {e}"))?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        })
    }
}

/// The bridge's configuration from its arguments; the settings missing or wrong, named.
fn config(args: BridgeArgs) -> Result<BridgeConfig, String> {
    let mut missing = Vec::new();
    let mut need = |value: Option<String>, name: &'static str| {
        if value.is_none() {
            missing.push(name);
        }
        value.unwrap_or_default()
    };
    let rest_endpoint = need(args.rest_endpoint, "--rest-endpoint (MKTOWS_REST_ENDPOINT)");
    let identity_endpoint = need(
        args.identity_endpoint,
        "--identity-endpoint (MKTOWS_IDENTITY_ENDPOINT)",
    );
    let client_id = need(args.client_id, "--client-id (MKTOWS_CLIENT_ID)");
    let client_secret = need(args.client_secret, "--client-secret (MKTOWS_CLIENT_SECRET)");
    let user_id = need(args.user_id, "--user-id (MKTOWS_BRIDGE_USER_ID)");
    let key = need(
        args.encryption_key,
        "--encryption-key (MKTOWS_BRIDGE_ENCRYPTION_KEY)",
    );
    if !missing.is_empty() {
        return Err(format!("missing: {}", missing.join(", ")));
    }
    let mut workspace_partitions = Vec::new();
    for pair in &args.workspace_partitions {
        match pair.split_once('=') {
            Some((w, p)) if !w.trim().is_empty() && !p.trim().is_empty() => {
                workspace_partitions.push((w.trim().to_owned(), p.trim().to_owned()));
            }
            _ => {
                return Err(format!(
                    "--workspace-partition wants NAME=PARTITION, not {pair:?}"
                ));
            }
        }
    }
    let mut rest = RestSettings::new(
        url("--rest-endpoint", rest_endpoint)?,
        url("--identity-endpoint", identity_endpoint)?,
        client_id,
        client_secret,
    );
    if args.unpaced {
        rest.limits = mktows::client::Limits::unlimited(10);
    }
    let mut config = BridgeConfig::new(
        SocketAddr::new(args.listen, args.port),
        rest,
        vec![(user_id, key)],
    );
    config.time_window = Duration::from_secs(args.time_window);
    config.workspace_partitions = workspace_partitions;
    config.ready_max_age = Duration::from_secs(args.ready_max_age);
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        config.serve.tls = Some(mktows_server::http::Tls::from_pem_files(cert, key)?);
    }
    Ok(config)
}

/// Runs the bridge until SIGTERM or SIGINT, then stops accepting and lets the calls in flight
/// finish within `--drain-timeout`.
pub async fn run(args: BridgeArgs) -> Result<ExitCode, String> {
    init_logging(args.log_format);
    let drain = Duration::from_secs(args.drain_timeout);
    let config = config(args)?;
    let user_id = config.users.first().map_or("", |u| u.0.as_str()).to_owned();
    let rest = config.rest.rest_endpoint.clone();
    let workspace_partitions = config.workspace_partitions.clone();
    // Signals are caught before the banner: a stop sent as soon as it is printed still drains.
    let stop = stop_signal()?;
    let bridge = Bridge::start(config).await?;
    let mut banner = format!(
        "mktows bridge listening\n  SOAP endpoint: {url}\n  WSDL: {url}?WSDL\n  Health: {base}/healthz {base}/readyz\n  Metrics: {base}/metrics\n  SOAP user id: {user_id}\n  Marketo REST: {rest}\n",
        url = bridge.url(),
        base = bridge.base_url(),
    );
    for (w, p) in &workspace_partitions {
        banner.push_str(&format!("  workspace {w} → partition {p}\n"));
    }
    // Written, not printed: a closed stdout must not stop the server.
    use std::io::Write;
    let _ = std::io::stdout().write_all(banner.as_bytes());
    let _ = std::io::stdout().flush();
    let signal = stop.await;
    tracing::info!(
        target: "mktows::bridge",
        signal,
        drain_timeout_s = drain.as_secs(),
        "stopping: no new connections; finishing the calls in flight"
    );
    if tokio::time::timeout(drain, bridge.stop()).await.is_err() {
        return Err(format!(
            "calls still in flight after the drain timeout ({}s) were cut off",
            drain.as_secs()
        ));
    }
    tracing::info!(target: "mktows::bridge", "stopped: every call in flight was answered");
    Ok(ExitCode::SUCCESS)
}
