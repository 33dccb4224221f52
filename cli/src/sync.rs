//! `mktows sync FILE`: leads from CSV or JSON lines through syncMultipleLeads, over
//! [`mktows::bulk`]. Before sending, the input's columns are checked against the instance's
//! lead fields; while sending, progress on standard error (a bar on a terminal, a line every
//! few seconds elsewhere); at the end, counts by fate and the failure reasons grouped. With
//! `--json`, one JSON object per lead on standard output.
//!
//! Resuming: `--failed FILE` keeps the leads that did not sync, in input order, in the input's
//! own format (CSV with the input's header, or JSON lines) plus `_fate`, `_reason` and `_line`
//! ([`mktows::bulk::FailedFile`]). `mktows sync FILE` reads that file like any input (columns
//! starting with `_` are not sent), so it re-runs exactly those leads; a lead whose `_fate` is
//! `may_have_been_applied` (or `skipped`) is re-sent only when that cannot create a duplicate
//! (deduplication on, or keyed by Id or foreign id) or with `--resend-uncertain`, and is
//! otherwise reported `skipped` and written to the new failed file.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use mktows::bulk::{self, BulkOptions, FailedFile, Format, LeadInput, LeadResult, Summary};
use mktows::client::ClientEvent;
use mktows::operations::{SyncMultipleLeads, SyncMultipleLeadsHeaders};
use mktows::types::{ArrayOfLeadRecord, ParamsSyncMultipleLeads};
use mktows::xml::Nillable;
use mktows::{Client, ClientConfig, ErrorCode};

use crate::common::{Connection, Failure, Outcome};

/// Input formats on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum InputFormat {
    /// Comma-separated values with a header row
    Csv,
    /// One JSON object per line
    Jsonl,
}

/// What to sync and how.
#[derive(Args, Debug)]
#[command(
    after_help = "Columns `Id`, `Email`, `ForeignSysPersonId` and `ForeignSysType` are \
    keys; columns starting with _ are not sent; every other column is a lead field by its \
    SOAP name (FirstName, Company, ...).\n\n\
    Examples:\n  \
    mktows sync leads.csv --failed failed.csv\n  \
    mktows sync leads.jsonl --json | jq 'select(.fate != \"created\")'\n\n\
    Resuming: --failed writes the leads that did not sync in the input's own format (CSV: \
    the input's header plus _fate, _reason, _line; JSON lines: each object plus those \
    members), in input order. Fix what was rejected, then sync that file: columns and members \
    starting with _ are not sent, so it re-runs exactly those leads.\n  \
    mktows sync leads.csv --failed failed.csv\n  \
    # edit failed.csv (the _reason column says what was wrong)\n  \
    mktows sync failed.csv --failed failed-again.csv\n\n\
    Leads whose _fate is may_have_been_applied (the call's answer was lost) are re-sent only \
    when that cannot create a duplicate: deduplication on (the default) or the lead keyed by \
    Id or ForeignSysPersonId. Otherwise they are skipped and listed (fate skipped, kept in the \
    new failed file); check in Marketo, then add --resend-uncertain to send them anyway."
)]
pub struct SyncArgs {
    /// Input file (`.csv`, or `.jsonl`/`.json` for JSON lines); - for standard input
    pub file: PathBuf,
    #[command(flatten)]
    pub connection: Connection,
    /// Print the request envelopes instead of sending them
    #[arg(long)]
    pub dry_run: bool,
    /// Write the leads that did not sync here, in input order and in the input's format with
    /// _fate, _reason and _line added: a file `mktows sync` re-runs
    #[arg(long)]
    pub failed: Option<PathBuf>,
    /// Leads per call (at most 300)
    #[arg(long, default_value_t = 300)]
    pub batch_size: usize,
    /// Deduplicate on email (false creates a new lead for every line)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub dedup: bool,
    /// Input format (default: from the file extension; CSV for standard input)
    #[arg(long)]
    pub format: Option<InputFormat>,
    /// Send without checking the columns against the instance's lead fields
    #[arg(long)]
    pub no_check: bool,
    /// No progress and no summary (the exit code still says whether every lead synced)
    #[arg(long)]
    pub quiet: bool,
    /// One JSON object per lead on standard output: {"line","fate","leadId","reason"}
    #[arg(long)]
    pub json: bool,
    /// Send once more the leads that a lookup after a failed call found not stored
    #[arg(long)]
    pub resend_absent: bool,
    /// Re-send leads whose _fate is may_have_been_applied (or skipped) even with --dedup false
    /// and no Id or foreign id key, which can create duplicates
    #[arg(long)]
    pub resend_uncertain: bool,
    /// Seconds between progress lines when standard error is not a terminal (logs, CI)
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    pub progress_interval: f64,
}

const STDIN: &str = "-";

fn open(path: &Path) -> Result<Box<dyn BufRead>, Failure> {
    if path.as_os_str() == STDIN {
        return Ok(Box::new(BufReader::new(std::io::stdin())));
    }
    let file = File::open(path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    Ok(Box::new(BufReader::new(file)))
}

/// Syncs the file.
pub async fn run(args: SyncArgs) -> Outcome {
    let format = match args.format {
        Some(InputFormat::Csv) => Format::Csv,
        Some(InputFormat::Jsonl) => Format::Jsonl,
        None => Format::of_path(&args.file),
    };
    let name = args.file.display().to_string();
    if args.dry_run {
        return dry_run(&args, format);
    }
    // A file is read once first: the total for the progress bar, the columns for the check.
    let scan = if args.file.as_os_str() == STDIN {
        None
    } else {
        let file = File::open(&args.file).map_err(|e| Failure(format!("{name}: {e}")))?;
        Some(bulk::scan_input(file, format).map_err(|e| Failure(format!("{name}: {e}")))?)
    };
    let every = Duration::try_from_secs_f64(args.progress_interval)
        .map_err(|e| Failure(format!("--progress-interval: {e}")))?;
    let mut progress = Progress::new(scan.as_ref().map(|s| s.leads), args.quiet, every);
    let config = args
        .connection
        .config(args.batch_size)?
        .resend_absent(args.resend_absent);
    let client = Client::new(match progress.state_hook() {
        Some(hook) => config.on_event(hook),
        None => config,
    })?;
    let mut input =
        LeadInput::new(open(&args.file)?, format).map_err(|e| Failure(format!("{name}: {e}")))?;
    if !args.no_check {
        let columns = match &scan {
            Some(scan) => scan.columns.clone(),
            None => input.columns().to_vec(),
        };
        check_columns(&client, &columns, &name).await?;
    }
    if let Some(path) = args
        .failed
        .as_deref()
        .filter(|p| Format::of_path(p) != format)
    {
        if !args.quiet {
            // A file is read back by its extension: say how to read this one back.
            let (kind, flag) = match format {
                Format::Csv => ("CSV", "csv"),
                Format::Jsonl => ("JSON lines", "jsonl"),
            };
            eprintln!(
                "note: {} will hold {kind}, the input's format; re-run it with --format {flag}",
                path.display()
            );
        }
    }
    let mut failed = match &args.failed {
        Some(path) => Some(
            failed_file(path, format, input.columns())
                .map_err(|e| Failure(format!("{}: {e}", path.display())))?,
        ),
        None => None,
    };
    let mut stdout = std::io::stdout().lock();
    let mut write_error = None;
    let mut stdout_open = true;
    let options = BulkOptions {
        dedup: args.dedup,
        window: None,
        resend_uncertain: args.resend_uncertain,
    };
    let summary = bulk::sync_leads(&client, &mut input, &options, |result: &LeadResult| {
        progress.lead(result);
        if matches!(result.fate, bulk::Fate::Unreadable | bulk::Fate::Skipped) && !args.quiet {
            progress.println(&format!(
                "{name}:{}: {}",
                result.line,
                result.reason.as_deref().unwrap_or("")
            ));
        }
        if args.json && stdout_open {
            let line = serde_json::to_string(result).unwrap_or_default();
            if let Err(e) = writeln!(stdout, "{line}") {
                // A reader that went away (`| head`) ends the output, not the sync.
                stdout_open = false;
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    write_error.get_or_insert(format!("standard output: {e}"));
                }
            }
        }
        if let Some(file) = failed.as_mut() {
            if let Err(e) = file.write(result) {
                write_error.get_or_insert(format!("failed-leads file: {e}"));
            }
        }
    })
    .await;
    progress.finish();
    if let Some(file) = failed {
        file.finish()?;
    }
    if let Some(error) = write_error {
        return Err(Failure(error));
    }
    if !args.quiet {
        report(&summary, args.failed.as_deref());
    }
    Ok(if summary.all_synced() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The failed-leads file at `path`, in the input's format.
fn failed_file(
    path: &Path,
    format: Format,
    columns: &[String],
) -> std::io::Result<FailedFile<BufWriter<File>>> {
    let out = BufWriter::new(File::create(path)?);
    match format {
        Format::Csv => FailedFile::csv(out, columns),
        Format::Jsonl => Ok(FailedFile::jsonl(out)),
    }
}

/// Refuses columns that name no lead field, or an input without a key column, before anything
/// is sent.
async fn check_columns(client: &Client, columns: &[String], name: &str) -> Result<(), Failure> {
    let fields = match bulk::lead_fields(client).await {
        Ok(fields) => Some(fields),
        Err(e) if e.code() == Some(ErrorCode::UnsupportedOperation) => {
            eprintln!("note: the service cannot describe lead fields ({e}); columns not checked");
            None
        }
        Err(e) => {
            return Err(Failure(format!(
                "cannot read the lead fields to check the columns: {e} (--no-check skips the check)"
            )));
        }
    };
    if let Some(fields) = fields {
        let unknown = bulk::unknown_columns(columns.iter().map(String::as_str), &fields);
        if !unknown.is_empty() {
            let lines: Vec<String> = unknown.iter().map(|u| format!("{name}: {u}")).collect();
            return Err(Failure(format!(
                "{}\nnothing was sent (--no-check sends anyway)",
                lines.join("\nerror: ")
            )));
        }
    }
    if !columns.is_empty() && !bulk::has_key_column(columns.iter().map(String::as_str)) {
        return Err(Failure(format!(
            "{name}: no key column: a lead needs Id, Email or ForeignSysPersonId (columns: {}); nothing was sent",
            columns.join(", ")
        )));
    }
    Ok(())
}

/// The summary on standard error.
fn report(summary: &Summary, failed: Option<&Path>) {
    eprintln!("{summary}");
    if !summary.all_synced() {
        if let Some(path) = failed {
            eprintln!("leads that did not sync: {}", path.display());
        }
    }
}

/// Progress on standard error: an indicatif bar on a terminal, a plain line every few
/// seconds elsewhere (logs, CI), nothing with `--quiet`. While the client's circuit breaker
/// holds the endpoint unreachable, the bar's message and every plain line say since when.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: Option<(Instant, Instant)>,
    every: Duration,
    total: Option<u64>,
    done: u64,
    synced: u64,
    /// `endpoint unreachable since HH:MM:SS UTC` while the breaker is open.
    unreachable: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

impl Progress {
    fn new(total: Option<u64>, quiet: bool, every: Duration) -> Progress {
        let mut progress = Progress {
            bar: None,
            plain: None,
            every,
            total,
            done: 0,
            synced: 0,
            unreachable: Default::default(),
        };
        if quiet {
            return progress;
        }
        if std::io::stderr().is_terminal() {
            let bar = match total {
                Some(total) => indicatif::ProgressBar::new(total).with_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:30} {pos}/{len} leads  {per_sec}  ETA {eta}  {msg}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                ),
                None => indicatif::ProgressBar::new_spinner().with_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} {pos} leads  {per_sec}  {msg}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                ),
            };
            bar.set_message("sending");
            bar.enable_steady_tick(Duration::from_millis(200));
            progress.bar = Some(bar);
        } else {
            let now = Instant::now();
            progress.plain = Some((now, now));
        }
        progress
    }

    fn lead(&mut self, result: &LeadResult) {
        self.done += 1;
        if result.fate.is_synced() {
            self.synced += 1;
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.done);
        }
        if let Some((started, last)) = &mut self.plain {
            if last.elapsed() >= self.every {
                *last = Instant::now();
                let mut text = line(self.done, self.synced, self.total, started.elapsed());
                let unreachable = self.unreachable.lock().map(|u| u.clone()).unwrap_or(None);
                if let Some(unreachable) = unreachable {
                    text.push_str(&format!(", {unreachable}"));
                }
                eprintln!("{text}");
            }
        }
    }

    /// A client event hook that shows what the client is doing (waiting for the rate window,
    /// retrying, the endpoint unreachable and back): in the bar's message on a terminal, as a
    /// line elsewhere; `None` when quiet. While the circuit breaker is open, the bar says
    /// only `endpoint unreachable since HH:MM:SS UTC`.
    fn state_hook(&self) -> Option<impl Fn(&ClientEvent) + Send + Sync + 'static> {
        if self.bar.is_none() && self.plain.is_none() {
            return None;
        }
        let bar = self.bar.clone();
        let unreachable = self.unreachable.clone();
        Some(move |event: &ClientEvent| {
            let mut open = unreachable.lock().unwrap_or_else(|e| e.into_inner());
            let Some(text) = event_text(event, &mut open) else {
                return;
            };
            match &bar {
                Some(bar) => bar.set_message(text),
                // Off a terminal: say only what explains a pause.
                None if text != "sending" => eprintln!("{text}"),
                None => {}
            }
        })
    }

    fn println(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

/// What the progress display says for a client event, if anything; `unreachable` holds
/// `endpoint unreachable since HH:MM:SS UTC` while the circuit breaker is open, and then
/// nothing else is said until the endpoint is back.
fn event_text(event: &ClientEvent, unreachable: &mut Option<String>) -> Option<String> {
    let text = match event {
        ClientEvent::EndpointUnreachable { since } => {
            let text = format!(
                "endpoint unreachable since {} UTC",
                since.format("%H:%M:%S")
            );
            *unreachable = Some(text.clone());
            format!("{text}: calls fail at once as not sent until it answers a probe")
        }
        ClientEvent::EndpointBack => {
            *unreachable = None;
            "endpoint answers again".to_owned()
        }
        _ if unreachable.is_some() => return None,
        ClientEvent::WaitingForWindow { wait } => format!(
            "waiting {:.1}s for Marketo's rate window",
            wait.as_secs_f64()
        ),
        ClientEvent::Retrying {
            operation,
            attempt,
            delay,
            error,
        } => format!(
            "retrying {operation} in {:.1}s (attempt {attempt}: {error})",
            delay.as_secs_f64()
        ),
        ClientEvent::Sending { .. } => "sending".to_owned(),
        _ => return None,
    };
    Some(text)
}

/// `progress: 12000/50000 leads (11800 synced), 2400/s, ETA 16s`.
fn line(done: u64, synced: u64, total: Option<u64>, elapsed: Duration) -> String {
    let rate = done as f64 / elapsed.as_secs_f64().max(0.001);
    let mut text = match total {
        Some(total) => format!("progress: {done}/{total} leads ({synced} synced), {rate:.0}/s"),
        None => format!("progress: {done} leads ({synced} synced), {rate:.0}/s"),
    };
    if let Some(total) = total {
        if rate > 0.0 && total >= done {
            text.push_str(&format!(", ETA {:.0}s", (total - done) as f64 / rate));
        }
    }
    text
}

/// `--dry-run`: the envelopes that would be sent, one per call.
fn dry_run(args: &SyncArgs, format: Format) -> Outcome {
    let connection = &args.connection;
    let config = ClientConfig::from_vars(|name| match name {
        mktows::client::ENV_ENDPOINT => connection
            .endpoint
            .clone()
            .or_else(|| Some("https://dry-run.invalid/soap/mktows/2_6".into())),
        mktows::client::ENV_USER_ID => connection.user_id.clone().or(Some("dry-run".into())),
        mktows::client::ENV_ENCRYPTION_KEY => {
            connection.encryption_key.clone().or(Some("dry-run".into()))
        }
        _ => None,
    })?;
    let client = Client::new(config)?;
    let name = args.file.display().to_string();
    let mut input =
        LeadInput::new(open(&args.file)?, format).map_err(|e| Failure(format!("{name}: {e}")))?;
    let options = BulkOptions {
        dedup: args.dedup,
        window: None,
        resend_uncertain: args.resend_uncertain,
    };
    loop {
        let window = input.next_window(args.batch_size.clamp(1, 300));
        if window.is_empty() {
            break;
        }
        let mut leads = Vec::new();
        for item in window {
            if bulk::is_skipped(&item, &options) {
                eprintln!("{name}:{}: {}", item.line, bulk::SKIPPED_REASON);
                continue;
            }
            match item.lead {
                Ok(lead) => leads.push(lead.into()),
                Err(e) => eprintln!("{name}:{}: {e}", item.line),
            }
        }
        let params = ParamsSyncMultipleLeads {
            lead_record_list: ArrayOfLeadRecord { lead_record: leads },
            dedup_enabled: Some(Nillable::Value(args.dedup)),
        };
        let dry =
            client.dry_run::<SyncMultipleLeads>(&SyncMultipleLeadsHeaders::default(), &params)?;
        out!(
            "POST {}\nSOAPAction: \"{}\"\n\n{}\n",
            dry.url,
            dry.soap_action,
            dry.body
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn while_the_endpoint_is_unreachable_the_progress_says_since_when() {
        let mut open = None;
        let retrying = ClientEvent::Retrying {
            operation: "syncMultipleLeads",
            attempt: 1,
            delay: Duration::from_millis(250),
            error: "refused".into(),
        };
        assert_eq!(
            event_text(&retrying, &mut open).as_deref(),
            Some("retrying syncMultipleLeads in 0.2s (attempt 1: refused)")
        );
        let since = "2026-12-04T17:24:00Z".parse().unwrap();
        assert_eq!(
            event_text(&ClientEvent::EndpointUnreachable { since }, &mut open).as_deref(),
            Some(
                "endpoint unreachable since 17:24:00 UTC: calls fail at once as not sent until \
                 it answers a probe"
            )
        );
        assert_eq!(
            open.as_deref(),
            Some("endpoint unreachable since 17:24:00 UTC")
        );
        // Nothing else replaces it while open.
        assert_eq!(event_text(&retrying, &mut open), None);
        assert_eq!(
            event_text(&ClientEvent::EndpointBack, &mut open).as_deref(),
            Some("endpoint answers again")
        );
        assert_eq!(open, None);
        assert_eq!(
            event_text(&ClientEvent::Sending { operation: "x" }, &mut open).as_deref(),
            Some("sending")
        );
    }

    #[test]
    fn plain_progress_line_has_total_rate_and_eta() {
        assert_eq!(
            line(1000, 990, Some(3000), Duration::from_secs(2)),
            "progress: 1000/3000 leads (990 synced), 500/s, ETA 4s"
        );
        assert_eq!(
            line(10, 10, None, Duration::from_secs(1)),
            "progress: 10 leads (10 synced), 10/s"
        );
    }
}
