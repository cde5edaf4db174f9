use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use orchd::cli::{Cli, Command};
use orchd::identity::bootstrap;
use orchd::identity::operators::{OperatorService, valid_name};
use orchd::identity::signing::SigningKey;
use orchd::settings::Settings;
use orchd::startup::{self, Application};
use orchd::{readiness, redis::RedisClient, shutdown, telemetry};
use std::sync::Arc;
use std::time::Duration;

/// Exit code for settings that cannot be used (like a usage error).
const EXIT_BAD_SETTINGS: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref(), &cli.overrides.clone().into()) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("orchd: invalid settings: {err}");
            return ExitCode::from(EXIT_BAD_SETTINGS);
        }
    };
    if let Err(err) = telemetry::init(&settings.log) {
        eprintln!("orchd: {err}");
        return ExitCode::from(EXIT_BAD_SETTINGS);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("orchd: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve => serve(settings).await,
            Command::Migrate => migrate(settings).await,
            Command::Check => check(settings).await,
            Command::BootstrapAdmin { name } => bootstrap_admin(settings, &name).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "orchd failed");
            eprintln!("orchd: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    let app = Application::build(settings).await?;
    app.run_until(shutdown::signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn bootstrap_admin(settings: Settings, name: &str) -> anyhow::Result<ExitCode> {
    if !valid_name(name) {
        anyhow::bail!(
            "invalid operator name {name:?}: 1–64 of letters, digits, '.', '_', '@', '-'"
        );
    }
    let (audit_key, _) = orchd::identity::audit::load_key(&settings)?;
    let store = startup::open_store(&settings, Some(audit_key)).await?;
    store.migrate().await.context("migrating")?;
    let operators = OperatorService::new(
        store.clone(),
        Arc::new(SigningKey::load(&settings)?),
        Duration::from_secs(settings.auth.operator_token_ttl_s),
        Arc::default(),
    );
    let issued = bootstrap::create_admin(&operators, name, "created with orchd bootstrap-admin")
        .await
        .with_context(|| format!("creating operator {name:?}"))?;
    store.close().await;
    // The key goes to stdout only, for the script that asked for it.
    println!("{}", issued.api_key);
    Ok(ExitCode::SUCCESS)
}

async fn migrate(settings: Settings) -> anyhow::Result<ExitCode> {
    let store = startup::open_store(&settings, None).await?;
    let applied = store.migrate().await.context("migrating")?;
    let status = store.migration_status().await?;
    if applied.is_empty() {
        println!("schema is current (applied: {:?})", status.applied);
    } else {
        println!("applied migrations {applied:?}; schema is current");
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Settings are valid (we got here); now check connectivity, printing one line per part.
async fn check(settings: Settings) -> anyhow::Result<ExitCode> {
    println!("settings: ok");
    let store = startup::open_store(&settings, None).await?;
    let redis = settings
        .redis_url
        .as_ref()
        .map(|url| RedisClient::new(url, &settings.redis_prefix))
        .transpose()?;
    let (report, details) = readiness::check_with_details(store.as_ref(), redis.as_ref()).await;
    let mut ok = true;
    for part in &report.checks {
        let target = match part.name.as_str() {
            "storage" => format!(" ({})", settings.effective_database_url()),
            "redis" => settings
                .redis_url
                .as_ref()
                .map(|u| format!(" ({u})"))
                .unwrap_or_default(),
            _ => String::new(),
        };
        // The operator running `check` sees the detail `/readyz` keeps to the log.
        let detail = details.get(&part.name).map_or("", String::as_str);
        match &part.error {
            None => println!("{}{target}: ok ({} ms)", part.name, part.latency_ms),
            // Pending migrations are applied by `serve` or `migrate`: not a failure.
            Some(err) if err == readiness::MIGRATIONS_PENDING => {
                println!(
                    "{}: {detail} (orchd serve or orchd migrate applies them)",
                    part.name
                );
            }
            Some(err) => {
                ok = false;
                println!("{}{target}: FAILED: {err}: {detail}", part.name);
            }
        }
    }
    if settings.redis_url.is_none() {
        println!("redis: not configured (embedded dispatch)");
    }
    store.close().await;
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
