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
    /// Build, serve the site on 127.0.0.1 with search, and rebuild when files change.
    Serve {
        #[command(flatten)]
        common: Common,
        #[arg(long, default_value = "public")]
        output: PathBuf,
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Do not watch content/ and the theme for changes.
        #[arg(long)]
        no_watch: bool,
    },
    /// Search the built site's index, as the site's search page does.
    Search {
        /// What to look for, such as "swimming on saturday".
        #[arg(default_value = "")]
        query: String,
        /// The built site to search (made by `signpost build`).
        #[arg(long, default_value = "public")]
        site: PathBuf,
        /// Only sessions on this day (repeat for more days).
        #[arg(long)]
        day: Vec<String>,
        #[arg(long)]
        morning: bool,
        #[arg(long)]
        afternoon: bool,
        /// Only sessions that end after 6pm.
        #[arg(long)]
        evening: bool,
        /// Only Saturday and Sunday sessions.
        #[arg(long)]
        weekend: bool,
        /// An access facility id, such as changing-places (repeat: all must be there).
        #[arg(long)]
        facility: Vec<String>,
        /// Who it is for, such as autism (repeat: any of them).
        #[arg(long = "for")]
        who_for: Vec<String>,
        /// An area id (repeat: any of them).
        #[arg(long)]
        area: Vec<String>,
        /// A type of support id.
        #[arg(long)]
        support: Vec<String>,
        /// Only free sessions.
        #[arg(long)]
        free: bool,
        /// A cost band: free, upto5 or upto10.
        #[arg(long)]
        cost: Option<String>,
        /// A way to pay, such as direct-payment.
        #[arg(long)]
        pay: Vec<String>,
        #[arg(long, default_value_t = 1)]
        page: usize,
        /// Print results as JSON.
        #[arg(long)]
        json: bool,
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
    /// Write a made-up directory of listings, to try a site at scale (and for benchmarks).
    Synthetic {
        /// How many activities (3 for each provider).
        activities: usize,
        /// The new content folder to write; it must not exist yet.
        #[arg(long)]
        output: PathBuf,
        /// The folder whose site settings, vocabulary and pages are copied.
        #[arg(long, default_value = "content")]
        sample: PathBuf,
        /// The same seed writes the same listings.
        #[arg(long, default_value_t = 42)]
        seed: u64,
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
                    eprintln!("  (pages, exports and the search index are made side by side, so the stages add up to more than the total)");
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
        Command::Serve {
            common,
            output,
            port,
            no_watch,
        } => match signpost::serve::serve(options(common), output, port, !no_watch) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Search {
            query,
            site,
            day,
            morning,
            afternoon,
            evening,
            weekend,
            facility,
            who_for,
            area,
            support,
            free,
            cost,
            pay,
            page,
            json,
        } => {
            let index = match signpost::search::index::SearchIndex::open(&site) {
                Ok(i) => i,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let request = signpost::search::query::Request {
                text: query,
                days: day,
                morning,
                afternoon,
                evening,
                weekend,
                facilities: facility,
                who_for,
                areas: area,
                support,
                cost: if free { Some("free".into()) } else { cost },
                pay,
                page,
            };
            let results = signpost::search::query::run(&index, &request);
            // Written in one go, and a closed pipe (`| head`) is not an error.
            let mut out = String::new();
            if json {
                out = serde_json::to_string_pretty(&results).unwrap_or_default();
                out.push('\n');
            } else {
                for note in &results.notes {
                    eprintln!("note: {note}");
                }
                if let Some(s) = &results.suggestion {
                    eprintln!("Did you mean \"{s}\"?");
                }
                out.push_str(&format!(
                    "{} result{} (page {} of {})\n",
                    results.total,
                    if results.total == 1 { "" } else { "s" },
                    results.page.max(1),
                    results.pages.max(1)
                ));
                for h in &results.hits {
                    out.push_str(&format!("\n{} [{}]\n", h.name, h.kind));
                    if !h.provider.is_empty() {
                        out.push_str(&format!("  by {}\n", h.provider));
                    }
                    for w in &h.when {
                        out.push_str(&format!("  when: {w}\n"));
                    }
                    out.push_str(&format!("  where: {}\n  /{}\n", h.place, h.path));
                }
            }
            let _ = std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes());
            ExitCode::SUCCESS
        }
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
        Command::Synthetic {
            activities,
            output,
            sample,
            seed,
        } => {
            if output.exists() {
                eprintln!(
                    "error: {} already exists; name a new folder, so nothing is overwritten",
                    output.display()
                );
                return ExitCode::FAILURE;
            }
            if !sample.join("site.yaml").is_file() || !sample.join("vocabulary.yaml").is_file() {
                eprintln!(
                    "error: {} has no site.yaml and vocabulary.yaml to copy\n  fix: name a content folder with --sample",
                    sample.display()
                );
                return ExitCode::FAILURE;
            }
            match signpost::synthetic::generate(&output, &sample, activities, seed) {
                Ok(()) => {
                    println!(
                        "Wrote {activities} activities into {}; build them with: signpost build --content {}",
                        output.display(),
                        output.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: writing {}: {e}", output.display());
                    // The folder is new: what was written of it is of no use.
                    let _ = std::fs::remove_dir_all(&output);
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
