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
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            println!("{}", openapi::json());
            Ok(())
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
