use std::path::PathBuf;

use clap::{Parser, Subcommand};
use kamscope_server::{configuration::Settings, openapi, startup::Application, telemetry};

/// Monitoring and management for Kamailio SIP servers: REST API + web UI.
#[derive(Parser)]
#[command(name = "kamscope", version)]
struct Cli {
    /// TOML configuration file (environment variables KAMSCOPE_* override it).
    #[arg(long, short, env = "KAMSCOPE_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the web UI (the default).
    Serve,
    /// Print the OpenAPI 3.1 document.
    Openapi,
    /// Kamailio's database.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// List the indexes kamscope recommends on the tables it reads: which exist, which
    /// are missing, and the SQL for this backend. kamscope never changes Kamailio's
    /// tables by itself.
    Indexes {
        /// Create the missing ones (after saying what that does to a running Kamailio).
        #[arg(long)]
        apply: bool,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            println!("{}", openapi::json());
            Ok(())
        }
        Command::Db { command: DbCommand::Indexes { apply } } => {
            let settings = Settings::load(cli.config.as_deref())?;
            kamscope_server::cli::db_indexes(&settings, apply, &mut std::io::stdout()).await
        }
        Command::Serve => {
            telemetry::init();
            let (settings, warnings) = Settings::load_with_warnings(cli.config.as_deref())?;
            for w in warnings {
                tracing::warn!("{w}");
            }
            let app = Application::build(settings).await?;
            tracing::info!("kamscope listening on http://{}", app.address());
            app.run_until_stopped().await?;
            Ok(())
        }
    }
}
