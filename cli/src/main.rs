//! `mktows`: the command-line tool. Syncs leads into Marketo (or the embedded sandbox), reads
//! them back, manages static list membership, serves the sandbox, and converts SOAP envelopes
//! of this API to JSON and back, and bridges SOAP clients to Marketo's REST API. A thin layer:
//! one module per command over the library.

/// `println!` that ends the program quietly when the reader of standard output has gone away
/// (`mktows get-lead ... | head -1`) instead of panicking. Defined before the modules so they
/// all see it.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("error: standard output: {e}");
            std::process::exit(1);
        }
    }};
}

/// mimalloc rather than the system allocator: the bridge and the sandbox make and drop many
/// small values per call (XML and JSON text, lead fields). With it, a 300-lead
/// `syncMultipleLeads` through the bridge takes about a quarter less time
/// (`tests/benches/bridge.rs` uses the same allocator).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bridge;
mod codec;
mod common;
mod demo;
mod get_lead;
mod list;
mod sandbox;
mod sync;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use common::{Failure, Outcome};

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

#[derive(Subcommand)]
enum Command {
    /// Start the embedded sandbox, sync the specification's sample leads, update one, read them back.
    #[command(after_help = "Example:\n  mktows demo")]
    Demo,
    /// Serve the Marketo-compatible sandbox.
    #[command(after_help = "Examples:\n  \
        mktows sandbox --port 8086 --data leads.sqlite --list \"Trade Show\"\n  \
        mktows sandbox --port 0 --limits   # any free port, Marketo's limits enforced")]
    Sandbox(sandbox::SandboxArgs),
    /// Serve Marketo's SOAP API and carry each call out on Marketo's REST API.
    #[command(after_help = "Examples:\n  \
        MKTOWS_REST_ENDPOINT=https://123-ABC-456.mktorest.com/rest \\\n    \
        MKTOWS_IDENTITY_ENDPOINT=https://123-ABC-456.mktorest.com/identity \\\n    \
        MKTOWS_CLIENT_ID=... MKTOWS_CLIENT_SECRET=... \\\n    \
        mktows bridge --port 8087 --user-id legacy_user --encryption-key ...\n  \
        # then point the legacy SOAP client at the printed endpoint (or its ?WSDL)")]
    Bridge(bridge::BridgeArgs),
    /// Sync leads from a CSV file (header row) or JSON lines with syncMultipleLeads.
    Sync(sync::SyncArgs),
    /// Read one lead by email or Marketo id.
    GetLead(get_lead::GetLeadArgs),
    /// Add leads to a static list, remove them, or check that they are members (by Marketo id).
    /// Exits with 1 unless it was carried out for every lead.
    List(list::ListArgs),
    /// Print SOAP envelopes of this API (requests, responses, faults) as JSON lines.
    #[command(after_help = "Examples:\n  \
        mktows decode captured.xml                  # one JSON line per envelope\n  \
        mktows decode captured.xml | mktows encode -   # and back to XML\n  \
        curl -s ... | mktows decode - | jq .envelope.body")]
    Decode {
        /// Files, or - for standard input (captured logs with REQUEST:/RESPONSE: markers are split)
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Exit 0 even when elements this API version does not know were skipped (they are
        /// still named on standard error)
        #[arg(long)]
        lenient: bool,
    },
    /// Write SOAP envelopes for JSON: `decode`'s lines, {"headers","body"} or a bare body.
    #[command(
        after_help = "ARGS is [OPERATION DIRECTION] FILE: FILE is a JSON file or - for \
        standard input, with one or more JSON values (one envelope is written per value); \
        OPERATION (e.g. syncLead) and DIRECTION (request or response) check each body.\n\n\
        Examples:\n  \
        mktows decode captured.xml | mktows encode -\n  \
        mktows encode syncLead request body.json\n  \
        echo '{\"paramsGetLead\":{\"leadKey\":{\"keyType\":\"EMAIL\",\"keyValue\":\"t@t.com\"}}}' | mktows encode -"
    )]
    Encode {
        /// [OPERATION DIRECTION] FILE (see below)
        #[arg(required = true, num_args = 1..=3, value_name = "ARGS")]
        args: Vec<String>,
    },
}

/// Which message of an operation `encode` checks the body against.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `mktows bridge` sets its logging up itself (`--log-format`).
    if std::env::var_os("RUST_LOG").is_some() && !matches!(cli.command, Command::Bridge(_)) {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
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

async fn run(command: Command) -> Outcome {
    match command {
        Command::Demo => demo::run().await,
        Command::Sandbox(args) => sandbox::run(args).await,
        Command::Bridge(args) => Ok(bridge::run(args).await?),
        Command::Sync(args) => sync::run(args).await,
        Command::GetLead(args) => get_lead::run(args).await,
        Command::List(args) => list::run(args).await,
        Command::Decode { files, lenient } => codec::decode(&files, lenient),
        Command::Encode { args } => encode(&args),
    }
}

/// `encode [OPERATION DIRECTION] FILE`.
fn encode(args: &[String]) -> Outcome {
    let (expect, file) = match args {
        [file] => (None, file),
        [operation, direction, file] => {
            let direction = Direction::from_str(direction, true).map_err(|_| {
                Failure(format!(
                    "direction must be request or response, not {direction:?}"
                ))
            })?;
            let expect = codec::Expect {
                operation,
                direction,
            };
            (Some(expect), file)
        }
        _ => {
            return Err(Failure(
                "encode takes FILE, or OPERATION DIRECTION FILE".into(),
            ));
        }
    };
    codec::encode(expect, Path::new(file))
}
