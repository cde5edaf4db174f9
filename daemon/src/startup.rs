//! Building and running the application. `Application::build` takes settings and binds the
//! listener (port 0 works, for tests); `run_until` serves until the shutdown future
//! resolves, then drains in-flight requests, flushes the request log and closes the pool.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use orch_core::audit::AuditKey;
use tokio::net::TcpListener;

use crate::batch::BatchTask;
use crate::dispatch::Dispatcher;
use crate::dispatch::keeper::spawn_keeper;
use crate::events::feed::EventFeed;
use crate::executor::Executor;
use crate::http::{self, AppState};
use crate::idempotency::IdempotencyService;
use crate::identity::IdentityError;
use crate::identity::audit::AuditService;
use crate::identity::bootstrap;
use crate::identity::clients::ClientService;
use crate::identity::console_sessions::{ConsoleSessionService, SessionLimits};
use crate::identity::impersonations::ImpersonationService;
use crate::identity::limiter::CredentialLimiter;
use crate::identity::operators::OperatorService;
use crate::identity::signing::SigningKey;
use crate::identity::tenant_tokens::TenantTokenVerifier;
use crate::jobs::worker::{Workers, spawn_reaper};
use crate::redis::{RedisClient, RedisError};
use crate::request_log;
use crate::resilience::breakers::BreakerRegistry;
use crate::resilience::rate_limit::RateLimiter;
use crate::secrets::{SecretPolicy, SecretResolver};
use crate::settings::{Settings, SettingsError};
use crate::store::{self, Store, StoreError, StoreOptions};
use crate::tenant_config::active::ActiveConfigs;
use crate::tenant_config::notify::ConfigNotifier;
use crate::tenant_config::service::ConfigService;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("storage ({url}): {source}")]
    Store { url: String, source: StoreError },
    #[error(transparent)]
    Redis(#[from] RedisError),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(std::io::Error),
    #[error("cannot create data_dir {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

/// How often the reconciler deletes console sessions that ended.
const CONSOLE_SESSION_PURGE: Duration = Duration::from_secs(600);

/// How often each node re-reads the newest event id, in case an announcement was lost.
const EVENT_FEED_REREAD: Duration = Duration::from_secs(2);

pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    state: AppState,
    request_log_task: BatchTask,
    event_task: BatchTask,
    background: Background,
}

/// Long-running tasks (config change listeners, rechecks); stopped after the server.
struct Background {
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Background {
    async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

impl Application {
    /// Opens storage (applying pending migrations), prepares Redis, binds the listener.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        crate::tls::install_tls_provider();
        crate::private_files::create_private_dir(&settings.data_dir).map_err(|source| {
            StartupError::DataDir {
                path: settings.data_dir.display().to_string(),
                source,
            }
        })?;
        let (audit_key, audit_key_source) = crate::identity::audit::load_key(&settings)?;
        let store = open_store(&settings, Some(audit_key.clone())).await?;
        let applied = store
            .migrate()
            .await
            .map_err(|source| StartupError::Store {
                url: settings.effective_database_url().redacted(),
                source,
            })?;
        if !applied.is_empty() {
            tracing::info!(versions = ?applied, "applied database migrations");
        }
        let redis = match &settings.redis_url {
            Some(url) => Some(RedisClient::new(url, &settings.redis_prefix)?),
            None => None,
        };
        let signing_key = Arc::new(SigningKey::load(&settings)?);
        let tenant_tokens = Arc::new(TenantTokenVerifier::new(
            &settings.auth,
            signing_key.clone(),
        )?);
        // One failure budget for both credential exchanges: a source failing at one counts
        // against the other too.
        let limiter = Arc::new(CredentialLimiter::default());
        let clients = ClientService::new(store.clone(), tenant_tokens.clone(), limiter.clone());
        let impersonations = ImpersonationService::new(store.clone(), tenant_tokens.clone());
        let operators = OperatorService::new(
            store.clone(),
            signing_key,
            Duration::from_secs(settings.auth.operator_token_ttl_s),
            limiter,
        );
        let console_sessions = ConsoleSessionService::new(
            store.clone(),
            operators.clone(),
            SessionLimits {
                idle_timeout: settings.console.session_idle_timeout.as_duration(),
                max_age: settings.console.session_max_age.as_duration(),
            },
        );
        crate::identity::audit::announce_key(
            &audit_key,
            audit_key_source,
            store.backend() == store::Backend::Postgres,
        );
        let audit = AuditService::new(store.clone(), audit_key);
        let secrets = Arc::new(
            SecretResolver::new(&settings.secrets).with_policy(SecretPolicy::new(&settings)),
        );
        let active_configs = ActiveConfigs::new(store.clone());
        let notifier = ConfigNotifier::new(redis.as_ref());
        let configs = ConfigService::new(
            store.clone(),
            secrets.clone(),
            active_configs.clone(),
            notifier.clone(),
        );
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut background = notifier.spawn_listeners(
            active_configs,
            settings.config.recheck_interval.as_duration(),
            stop_rx.clone(),
        );
        let event_feed = EventFeed::new(redis.as_ref());
        background.extend(event_feed.spawn(store.clone(), EVENT_FEED_REREAD, stop_tx.subscribe()));
        let (events, event_task) = crate::events::spawn_writer(store.clone(), event_feed.clone());
        let breakers = BreakerRegistry::new(redis.as_ref(), Some(events.clone()));
        background.extend(breakers.spawn_listener(stop_rx));
        let redis_for_limits = redis.clone();
        let metrics = crate::metrics::install();
        if let Some(handle) = &metrics {
            background.push(tokio::spawn(crate::metrics::upkeep(
                handle.clone(),
                stop_tx.subscribe(),
            )));
        }
        let idempotency =
            IdempotencyService::new(store.clone(), settings.idempotency.ttl.as_duration());
        background.push(tokio::spawn(purge_idempotency_keys(
            idempotency.clone(),
            stop_tx.subscribe(),
        )));
        if settings.roles.api {
            bootstrap::ensure_first_admin(&operators, &settings.data_dir).await?;
        }
        let (request_log, request_log_task) = request_log::spawn_writer(
            store.clone(),
            settings.storage.request_log_batch,
            settings.storage.request_log_flush.as_duration(),
        );
        let addr = settings.listen_addr()?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { addr, source })?;
        tracing::info!(
            addr = %local_addr,
            backend = store.backend().as_str(),
            database = %settings.effective_database_url(),
            redis = settings.redis_url.as_ref().map(|u| u.redacted()),
            roles = %settings.roles,
            version = env!("CARGO_PKG_VERSION"),
            "orchd listening"
        );
        let executor = Arc::new(
            Executor::new(
                secrets.clone(),
                breakers,
                RateLimiter::new(redis_for_limits.as_ref()),
            )
            .with_max_response_bytes(settings.api.max_upstream_response_bytes.bytes()),
        );
        let dispatch = Dispatcher::for_deployment(redis.as_ref());
        if settings.roles.worker || settings.roles.reconciler {
            background.push(spawn_keeper(
                dispatch.clone(),
                store.clone(),
                settings.worker.reclaim_interval.as_duration(),
                stop_tx.subscribe(),
            ));
        }
        if settings.roles.worker {
            background.push(dispatch.spawn_remote_wakeups(stop_tx.subscribe()));
            let workers = Workers {
                store: store.clone(),
                executor: executor.clone(),
                configs: configs.active_configs().clone(),
                events: events.clone(),
                dispatch: dispatch.clone(),
                worker_id: worker_id(local_addr),
                concurrency: settings.worker.concurrency,
                lease: settings.worker.lease.as_duration(),
                poll_interval: settings.worker.poll_interval.as_duration(),
                drain_grace: settings.shutdown_grace.as_duration(),
                dispatch_down: Arc::default(),
            };
            background.push(workers.spawn(stop_tx.subscribe()));
        }
        // The same limiter as connector calls (Redis bucket or in process); its own keys.
        let quotas = crate::quotas::QuotaService::new(
            store.clone(),
            RateLimiter::new(redis_for_limits.as_ref()),
            &settings.quotas,
        );
        if settings.roles.reconciler {
            background.push(
                console_sessions
                    .clone()
                    .spawn_purge(CONSOLE_SESSION_PURGE, stop_tx.subscribe()),
            );
            background.push(quotas.spawn_folder(crate::quotas::FOLD_INTERVAL, stop_tx.subscribe()));
            background.push(audit.clone().spawn_checkpoints(
                settings.audit.checkpoint_interval.as_duration(),
                stop_tx.subscribe(),
            ));
            background.push(spawn_reaper(
                store.clone(),
                events.clone(),
                dispatch.clone(),
                settings.worker.reclaim_interval.as_duration(),
                stop_tx.subscribe(),
            ));
        }
        let ingress = crate::webhooks::ingress::Ingress::new(
            store.clone(),
            configs.active_configs().clone(),
            secrets.clone(),
            events.clone(),
            dispatch.clone(),
            settings.webhooks.payload_inline_max.as_usize(),
            quotas.clone(),
        );
        let inbox = crate::webhooks::inbox::InboxService::new(
            store.clone(),
            events.clone(),
            dispatch.clone(),
        );
        let jobs = crate::jobs::service::JobService::new(
            store.clone(),
            configs.active_configs().clone(),
            idempotency.clone(),
            quotas.clone(),
            dispatch.clone(),
            events.clone(),
            audit.clone(),
        );
        let event_log = crate::events::log::EventLog::new(store.clone());
        let traces = crate::traces::TraceService::new(store.clone());
        let execute = crate::executor::service::ExecuteService::new(
            configs.active_configs().clone(),
            executor.clone(),
            idempotency.clone(),
            events.clone(),
            crate::events::Sampler::default(),
        );
        let streams = http::event_stream::StreamSlots::new(settings.api.max_streams_per_caller);
        let console_origin = Arc::from(settings.console_origin(local_addr));
        let state = AppState {
            settings: Arc::new(settings),
            store,
            redis,
            request_log,
            operators,
            audit,
            tenant_tokens,
            clients,
            impersonations,
            configs,
            idempotency: idempotency.clone(),
            metrics,
            events,
            event_feed,
            event_log,
            streams,
            executor,
            secrets,
            dispatch,
            ingress,
            inbox,
            quotas,
            jobs,
            traces,
            execute,
            console_sessions,
            console_origin,
        };
        Ok(Self {
            listener,
            local_addr,
            state,
            request_log_task,
            event_task,
            background: Background {
                stop: stop_tx,
                tasks: background,
            },
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves; in-flight requests get `shutdown_grace` to finish.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        let Self {
            listener,
            state,
            request_log_task,
            event_task,
            background,
            ..
        } = self;
        let grace = state.settings.shutdown_grace.as_duration();
        let store = state.store.clone();
        let event_feed = state.event_feed.clone();
        let limits = http::server::ServerLimits {
            header_read_timeout: state.settings.http.header_read_timeout.as_duration(),
            max_connections: state.settings.http.max_connections,
        };
        let console = crate::console::router(&state.settings);
        let app = http::router(state, console);
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let mut server = tokio::spawn(http::server::serve(listener, app, limits, async {
            let _ = stop_rx.await;
        }));
        let served = tokio::select! {
            result = &mut server => result,
            () = shutdown => {
                // Open event streams end now, so they do not hold up the drain.
                event_feed.close();
                let _ = stop_tx.send(());
                match tokio::time::timeout(grace, &mut server).await {
                    Ok(result) => result,
                    Err(_) => {
                        tracing::warn!(grace_ms = grace.as_millis() as u64, "requests still running after the grace period; closing them");
                        // Dropping the server's future aborts the connections it holds.
                        server.abort();
                        Ok(())
                    }
                }
            }
        };
        background.stop().await;
        request_log_task.shutdown().await;
        event_task.shutdown().await;
        store.close().await;
        tracing::info!("orchd stopped");
        match served {
            Ok(()) => Ok(()),
            Err(join) => Err(StartupError::Serve(std::io::Error::other(join.to_string()))),
        }
    }
}

/// Names this process in run rows and leases: host, pid and listen port, so the runs of a
/// killed worker are told apart from its successor's.
fn worker_id(addr: SocketAddr) -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "orchd".to_owned());
    format!("{host}:{}:{}", std::process::id(), addr.port())
}

/// Deletes expired idempotency keys every few minutes.
async fn purge_idempotency_keys(
    service: IdempotencyService,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            _ = tick.tick() => match service.purge_expired().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "expired idempotency keys deleted"),
                Err(err) => tracing::warn!(error = %err, "purging idempotency keys failed"),
            },
        }
    }
}

/// Opens the configured store without migrating. Without `audit_key` it cannot append
/// audit rows (enough for `migrate` and `check`).
pub async fn open_store(
    settings: &Settings,
    audit_key: Option<AuditKey>,
) -> Result<Arc<dyn Store>, StartupError> {
    let url = settings.effective_database_url();
    let options = StoreOptions {
        max_connections: settings.storage.max_connections,
        acquire_timeout: settings.storage.acquire_timeout.as_duration(),
        audit_key,
    };
    store::connect(&url, &options)
        .await
        .map_err(|source| StartupError::Store {
            url: url.redacted(),
            source,
        })
}
