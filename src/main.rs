//! The `signpost` command: parses arguments and calls the library.

use clap::{Parser, Subcommand};
use signpost::diagnostics::Diagnostic;
use signpost::{build, check, BuildError, Options};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "signpost",
    version,
    about = "Builds an accessible, Easy Read directory of day activities from listing files."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Common {
    /// The folder of listings.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// The theme folder (templates, CSS, pictures).
    #[arg(long, default_value = "themes/default")]
    theme: PathBuf,
    /// Treat this date (YYYY-MM-DD) as today, for previews and repeatable builds.
    #[arg(long, value_parser = parse_today)]
    today: Option<jiff::civil::Date>,
}

#[derive(Subcommand)]
enum Command {
    /// Check the listings and build the website.
    Build {
        #[command(flatten)]
        common: Common,
        /// Where to write the site. Replaced only when the build succeeds.
        #[arg(long, default_value = "public")]
        output: PathBuf,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Check the listings without building; exits 1 when there are errors.
    Check {
        #[command(flatten)]
        common: Common,
    },
    /// Turn an existing directory (Open Referral UK JSON or a sessions CSV) into listings.
    Import {
        /// openreferral or csv.
        format: String,
        /// The files to read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The folder of listings to write into (it must have vocabulary.yaml).
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Replace listing files that already exist.
        #[arg(long)]
        force: bool,
        /// Treat this date (YYYY-MM-DD) as today.
        #[arg(long, value_parser = parse_today)]
        today: Option<jiff::civil::Date>,
    },
    /// Print the JSON Schema of a listing file, for editors.
    Schema {
        /// provider, venue, changing-place, page, site or vocabulary.
        #[arg(default_value = "provider")]
        kind: String,
    },
}

fn parse_today(s: &str) -> Result<jiff::civil::Date, String> {
    signpost::schedule::parse_date(s)
}

fn options(common: Common) -> Options {
    Options {
        content: common.content,
        theme: common.theme,
        today: common.today.unwrap_or_else(signpost::today_in_london),
    }
}

fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if !diags.is_empty() {
        eprintln!(
            "{errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { common } => {
            let (_, diags) = check(&options(common));
            print_diagnostics(&diags);
            if diags.iter().any(Diagnostic::is_error) {
                ExitCode::FAILURE
            } else {
                eprintln!("The listings are ready to build.");
                ExitCode::SUCCESS
            }
        }
        Command::Build {
            common,
            output,
            timings,
        } => match build(&options(common), &output) {
            Ok(report) => {
                print_diagnostics(&report.warnings);
                eprintln!(
                    "Built {} pages ({} files, {:.1} MB) into {}",
                    report.pages,
                    report.files,
                    report.bytes as f64 / 1_000_000.0,
                    output.display()
                );
                if timings {
                    for (stage, t) in &report.timings {
                        eprintln!("  {stage:<20} {:>8.1} ms", t.as_secs_f64() * 1000.0);
                    }
                }
                ExitCode::SUCCESS
            }
            Err(BuildError::Content(diags)) => {
                print_diagnostics(&diags);
                eprintln!("The site was not built; {} is unchanged.", output.display());
                ExitCode::FAILURE
            }
            Err(BuildError::Theme(errors)) => {
                for e in errors {
                    eprintln!("error: {e}");
                }
                eprintln!("The site was not built; {} is unchanged.", output.display());
                ExitCode::FAILURE
            }
            Err(BuildError::Output(e)) => {
                eprintln!("error: cannot write {}: {e}", output.display());
                ExitCode::FAILURE
            }
        },
        Command::Import {
            format,
            files,
            content,
            force,
            today,
        } => {
            let today = today.unwrap_or_else(signpost::today_in_london);
            match signpost::import::run(&format, &files, &content, force, today) {
                Ok(report) => {
                    for n in &report.notes {
                        eprintln!("note: {n}");
                    }
                    eprintln!(
                        "Imported {} service{} into {} file{} in {}. Run `signpost check` next.",
                        report.services,
                        if report.services == 1 { "" } else { "s" },
                        report.written.len(),
                        if report.written.len() == 1 { "" } else { "s" },
                        content.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Schema { kind } => match signpost::content::schema_check::schema_of(&kind) {
            Some(schema) => {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&schema).unwrap_or_default()
                );
                ExitCode::SUCCESS
            }
            None => {
                eprintln!(
                    "error: \"{kind}\" is not a kind of listing; use one of: {}",
                    signpost::content::schema_check::KINDS.join(", ")
                );
                ExitCode::FAILURE
            }
        },
    }
}
