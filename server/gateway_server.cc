#include "server/gateway_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "base/directory_lock.h"
#include "base/log.h"
#include "base/random_id.h"
#include "base/thread_scheduler.h"
#include "http/curl/curl_multi_transport.h"
#include "server/callers/forwarding_authenticator.h"
#include "server/metrics/exposition.h"
#include "server/callers/gateway_key_authenticator.h"
#include "server/service/server_credentials.h"
#include "server/store/in_memory_task_store.h"
#include "server/store/postgres_task_store.h"
#include "server/store/sqlite_task_store.h"
#include "server/store/store_location.h"
#include "server/upstream/rest_upstream_client.h"
#include "upstream_api/status_details.h"

namespace seedance::server {
namespace {

using gateway::v1::DeliveryMode;

DeliveryMode ResolveMode(const GatewayOptions& o) {
  switch (o.delivery) {
    case GatewayOptions::Delivery::kHold: return gateway::v1::DELIVERY_MODE_HOLD;
    case GatewayOptions::Delivery::kPoll: return gateway::v1::DELIVERY_MODE_POLL;
    case GatewayOptions::Delivery::kCallback: return gateway::v1::DELIVERY_MODE_CALLBACK;
    case GatewayOptions::Delivery::kAuto:
      return o.callback_public_url.empty() ? gateway::v1::DELIVERY_MODE_HOLD
                                           : gateway::v1::DELIVERY_MODE_CALLBACK;
  }
  return gateway::v1::DELIVERY_MODE_HOLD;
}

// "host:port" -> (host, port).
// The replica id when --replica_id is not given: the host and the data
// directory, the same for every restart of one replica.
std::string ReplicaId(const GatewayOptions& o) {
  if (!o.replica_id.empty()) return o.replica_id;
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) std::snprintf(host, sizeof(host), "gateway");
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(o.data_dir, ec);
  return absl::StrCat(host, ":", ec ? o.data_dir : dir.lexically_normal().string());
}

absl::StatusOr<std::pair<std::string, int>> SplitHostPort(const std::string& address) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", address, "\" is not host:port"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, port);
}

absl::Status MakeDataDir(const std::string& dir) {
  if (mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("cannot create data directory ", dir, ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::BuildAndStart(
    GatewayOptions options) {
  std::unique_ptr<GatewayServer> server(new GatewayServer(std::move(options)));
  if (absl::Status s = server->Start(); !s.ok()) {
    server->Shutdown();
    return s;
  }
  return server;
}

absl::Status GatewayServer::Start() {
  const GatewayOptions& o = options_;
  mode_ = ResolveMode(o);
  if (o.auth_mode == GatewayOptions::AuthMode::kGatewayKeys &&
      (o.upstream_token.empty() || o.client_keys.empty())) {
    return absl::InvalidArgumentError(
        "gateway-key auth needs an upstream token and at least one client key");
  }
  // Bad TLS files fail the start before anything is opened or recovered.
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      service::MakeServerCredentials({o.tls_cert_file, o.tls_key_file, o.tls_client_ca_file});
  if (!credentials.ok()) return credentials.status();

  // Secrets and storage.
  absl::StatusOr<store::StoreLocation> where = store::ParseStoreLocation(o.store);
  if (!where.ok()) return where.status();
  store_description_ = store::DescribeStoreLocation(*where, o.data_dir);
  if (where->kind == store::StoreLocation::Kind::kMemory) {
    keyring_ = callers::Keyring::FromMasterKey(NewSecret(32));
    store_ = std::make_unique<store::InMemoryTaskStore>();
  } else {
    if (absl::Status s = MakeDataDir(o.data_dir); !s.ok()) return s;
    // One gateway per data directory: a second one would share the SQLite
    // file and the callbacks of the first one's tasks.
    absl::StatusOr<DirectoryLock> lock = DirectoryLock::Acquire(o.data_dir);
    if (!lock.ok()) return lock.status();
    data_dir_lock_.emplace(*std::move(lock));
    absl::StatusOr<callers::Keyring> keys = callers::Keyring::LoadOrCreate(o.MasterKeyPath());
    if (!keys.ok()) return keys.status();
    keyring_ = *std::move(keys);
    if (absl::Status s = OpenStore(*where); !s.ok()) return s;
  }

  // What every part counts, for /metrics.
  stats_ = std::make_unique<metrics::PrometheusGatewayStats>(registry_);

  // Upstream.
  const Clock& clock = SystemClock::Get();
  scheduler_ = std::make_unique<ThreadScheduler>(clock);
  http::curl::CurlMultiTransport::Options transport_options;
  transport_options.verify_tls = o.verify_upstream_tls;
  absl::StatusOr<std::unique_ptr<http::curl::CurlMultiTransport>> transport =
      http::curl::CurlMultiTransport::Create(transport_options);
  if (!transport.ok()) return transport.status();
  transport_ = *std::move(transport);
  upstream_ = std::make_unique<upstream::RestUpstreamClient>(
      *transport_,
      upstream::RestUpstreamClient::Options{.base_url = o.upstream_base_url,
                                            .stats = stats_.get()},
      clock);

  // The callback receiver, first: its URL goes into every submission.
  upstream::UpstreamDriverOptions driver_options = o.driver;
  if (mode_ == gateway::v1::DELIVERY_MODE_CALLBACK) {
    absl::StatusOr<std::pair<std::string, int>> listen = SplitHostPort(o.callback_listen);
    if (!listen.ok()) return listen.status();
    upstream::CallbackReceiver::Options receiver_options;
    receiver_options.address = listen->first;
    receiver_options.port = listen->second;
    receiver_options.stats = stats_.get();
    absl::StatusOr<std::unique_ptr<upstream::CallbackReceiver>> receiver = upstream::CallbackReceiver::Start(
        receiver_options,
        [this](upstream::ParsedCallback callback, std::function<void(absl::Status)> done) {
          core::TaskManager* manager = callback_target_.load();
          if (manager == nullptr) {
            stats_->CallbackReceived(stats::CallbackResult::kRetryLater);
            return done(absl::UnavailableError("starting"));
          }
          manager->OnUpstreamCallback(callback.task_id, callback.secret,
                                      std::move(callback.answer), std::move(done));
        });
    if (!receiver.ok()) return receiver.status();
    receiver_ = *std::move(receiver);
    std::string base = o.callback_public_url.empty()
                           ? absl::StrCat("http://", listen->first, ":", receiver_->port())
                           : o.callback_public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (o.callback_public_url.empty() && listen->second == 0) {
      // The upstream keeps posting to this URL after a restart, when a port
      // chosen anew would be someone else's or no one's.
      Log(LogLevel::kWarning, "callback_port_not_fixed",
          {{"port", absl::StrCat(receiver_->port())},
           {"hint", "callbacks for tasks sent now reach no one after a restart; set "
                    "--callback_listen=host:port (or --callback_public_url)"}});
    }
    driver_options.callback_url_prefix = absl::StrCat(base, upstream::CallbackReceiver::kPathPrefix);
  }

  // Callers' URLs: checked when a task is created (host names resolved on
  // the resolver's own threads), and callback_url again at each connect.
  resolver_ = std::make_unique<admission::GetaddrinfoResolver>(admission::GetaddrinfoResolver::Options{});
  admission::UrlGuardOptions guard_options;
  guard_options.allow_private_hosts = o.allow_private_url_hosts;
  guard_options.max_data_url_bytes = o.max_data_url_bytes;
  absl::StatusOr<std::unique_ptr<admission::UrlGuard>> guard =
      admission::UrlGuard::Create(std::move(guard_options), *resolver_);
  if (!guard.ok()) return guard.status();
  url_guard_ = *std::move(guard);

  // Results for callers' own callback_url, signed with a key derived from
  // the master key (`seedance-gateway --print_webhook_secret` shows it).
  webhooks::WebhookForwarderOptions webhook_options;
  webhook_options.secret = keyring_->WebhookSecret();
  webhook_options.url_guard = url_guard_.get();
  webhook_options.stats = stats_.get();
  webhooks_ = std::make_unique<webhooks::WebhookForwarder>(webhook_options, *transport_, *scheduler_,
                                                 clock);

  if (absl::Status s = StartContent(clock); !s.ok()) return s;

  // Task logic.
  core::TaskManagerOptions manager_options;
  manager_options.mode = mode_;
  manager_options.limits.max_tasks_in_flight = o.max_tasks_in_flight;
  manager_options.limits.caller_create_rate = o.caller_create_rate;
  manager_options.limits.caller_create_burst = o.caller_create_burst;
  bool forward = o.auth_mode == GatewayOptions::AuthMode::kForward;
  manager_options.seal_credentials = forward;
  manager_options.recovery_token = forward ? "" : o.upstream_token;
  manager_options.url_guard = url_guard_.get();
  std::optional<core::LeaseOptions> leases;
  if (leases_ != nullptr) {
    leases.emplace(core::LeaseOptions{.replica = ReplicaId(o), .ttl = o.lease_ttl});
  }
  core_ = std::make_unique<core::TaskCore>(
      core::TaskCoreOptions{.manager = std::move(manager_options),
                            .driver = std::move(driver_options),
                            .content = {.max_video_bytes = o.max_video_bytes,
                                        .max_image_bytes = o.max_image_bytes,
                                        .ttl = o.content_ttl},
                            .leases = std::move(leases)},
      core::TaskCoreDeps{.store = *store_,
                         .upstream = *upstream_,
                         .scheduler = *scheduler_,
                         .clock = clock,
                         .keyring = *keyring_,
                         .webhooks = webhooks_.get(),
                         .content = content_fetcher_.get(),
                         .content_store = content_store_.get(),
                         .leases = leases_,
                         .hints = hints_,
                         .stats = stats_.get()});
  core::TaskManager& manager = core_->manager();
  if (forward) {
    authenticator_ = std::make_unique<callers::ForwardingAuthenticator>(*keyring_);
  } else {
    authenticator_ = std::make_unique<callers::GatewayKeyAuthenticator>(*keyring_, o.client_keys,
                                                               o.upstream_token);
  }
  core_->loop().Start();
  loop_started_ = true;
  callback_target_ = &manager;

  // Resume what the previous process left unfinished, before serving.
  absl::Notification recovered;
  absl::StatusOr<int> count;
  if (core::LeaseKeeper* keeper = core_->leases()) {
    // With leases: this replica's own tasks and those nobody holds.
    core_->loop().Post([&] {
      count = keeper->Start();
      recovered.Notify();
    });
  } else {
    manager.Recover([&](absl::StatusOr<int> n) {
      count = std::move(n);
      recovered.Notify();
    });
  }
  recovered.WaitForNotification();
  if (!count.ok()) return count.status();
  recovered_ = *count;

  // gRPC.
  service::VideoGatewayService::Options service_options;
  service_options.watch.heartbeat_interval = o.heartbeat_interval;
  service_options.watch.max_streams = o.max_watch_streams;
  service_options.max_content_streams = o.max_content_streams;
  service_options.watch.stall_timeout = o.watch_stall_timeout;
  service_options.caller_rpc_rate = o.caller_rpc_rate;
  service_options.caller_rpc_burst = o.caller_rpc_burst;
  service_options.content_store = content_store_.get();
  service_options.content_reads = content_reads_.get();
  service_ = std::make_unique<service::VideoGatewayService>(manager, *authenticator_, *scheduler_,
                                                   clock, service_options);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(o.listen, *credentials, &grpc_port_);
  // gRPC sets SO_REUSEPORT by default, which lets a second gateway share the
  // port silently; a port in use must fail the start instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(o.max_message_bytes);
  builder.RegisterService(service_.get());
  metrics::RegisterBuildInfo(registry_, SEEDANCE_VERSION);
  grpc_metrics_ = std::make_unique<metrics::GrpcServerMetrics>(registry_, clock);
  builder.experimental().SetInterceptorCreators(grpc_metrics_->InterceptorCreators());
  grpc_server_ = builder.BuildAndStart();
  if (grpc_server_ == nullptr || grpc_port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve gRPC on ", o.listen, " (is the port in use?)"));
  }
  // The server as a whole ("") and the service by name, as balancers ask.
  grpc_server_->GetHealthCheckService()->SetServingStatus(
      v1::VideoGateway::service_full_name(), true);
  grpc_server_->GetHealthCheckService()->SetServingStatus(true);
  // While the store cannot be reached the service is NOT_SERVING (a
  // balancer sends callers elsewhere), and SERVING again once it can.
  store_probe_ = std::make_unique<admin::StoreProbe>(
      *store_, absl::Seconds(1), [this](bool reachable) {
        // Every service this server has a status for: "" and the gateway.
        // Never back to SERVING once shutting down.
        absl::MutexLock lock(&health_mu_);
        if (!stopping_) grpc_server_->GetHealthCheckService()->SetServingStatus(reachable);
      });
  if (!o.admin_listen.empty()) {
    absl::StatusOr<std::pair<std::string, int>> listen = SplitHostPort(o.admin_listen);
    if (!listen.ok()) return listen.status();
    absl::StatusOr<std::unique_ptr<admin::AdminServer>> admin = admin::AdminServer::Start(
        listen->first, listen->second,
        {.metrics =
             [this] {
               RefreshStats();
               return metrics::TextExposition(registry_);
             },
         .ready = [this]() -> absl::Status {
           if (stopping_) return absl::UnavailableError("shutting down");
           if (options_.upstream_base_url.empty()) {
             return absl::FailedPreconditionError("no upstream configured");
           }
           // Why stays in the log (store_reachability): the answer is
           // for anyone who can reach the port, and the database's
           // address and user are not theirs to know.
           if (!store_probe_->last().ok()) {
             return absl::UnavailableError("the task store is unreachable (see the log)");
           }
           return absl::OkStatus();
         }});
    if (!admin.ok()) {
      return absl::UnavailableError(absl::StrCat("cannot serve the admin port on ",
                                                 o.admin_listen, ": ", admin.status().message()));
    }
    admin_ = *std::move(admin);
  }
  if (!o.http_listen.empty()) {
    if (absl::Status s = StartHttpApi(); !s.ok()) return s;
  }
  Log(LogLevel::kInfo, "gateway_started",
      {{"grpc_port", absl::StrCat(grpc_port_)},
       {"http_port", absl::StrCat(http_port())},
       {"callback_port", absl::StrCat(callback_port())},
       {"admin_port", absl::StrCat(admin_port())},
       {"mode", gateway::v1::DeliveryMode_Name(mode_)},
       {"tls", o.tls_cert_file.empty()          ? "off"
               : o.tls_client_ca_file.empty() ? "on"
                                              : "mutual"},
       {"upstream", o.upstream_base_url},
       {"store", store_description_},
       {"replica", core_->leases() != nullptr ? core_->leases()->options().replica : "-"},
       {"recovered_tasks", absl::StrCat(recovered_)}});
  return absl::OkStatus();
}

absl::Status GatewayServer::OpenStore(const store::StoreLocation& where) {
  if (where.kind == store::StoreLocation::Kind::kPostgres) {
    absl::StatusOr<std::unique_ptr<store::PostgresTaskStore>> store =
        store::PostgresTaskStore::Open({.conninfo = where.conninfo});
    if (!store.ok()) return store.status();
    leases_ = store->get();
    hints_ = (*store)->hints();
    store_ = *std::move(store);
    return absl::OkStatus();
  }
  absl::StatusOr<std::unique_ptr<store::SqliteTaskStore>> store = store::SqliteTaskStore::Open(
      {.path = options_.data_dir + "/tasks.db",
       .durability = options_.durable_fsync ? store::SqliteTaskStore::Durability::kFull
                                            : store::SqliteTaskStore::Durability::kProcessCrash});
  if (!store.ok()) return store.status();
  store_ = *std::move(store);
  return absl::OkStatus();
}

int GatewayServer::callback_port() const {
  return receiver_ != nullptr ? receiver_->port() : 0;
}

void GatewayServer::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  Log(LogLevel::kInfo, "gateway_stopping");
  {
    // /readyz says so at once; the store probe no longer sets the health.
    absl::MutexLock lock(&health_mu_);
    stopping_ = true;
  }
  if (core_ != nullptr) core_->manager().StopAccepting();
  // Creates waiting for DNS are answered (UNAVAILABLE) and none start,
  // before gRPC's shutdown, which waits for every such create to finish.
  if (resolver_ != nullptr) resolver_->Stop();
  if (grpc_server_ != nullptr) {
    absl::MutexLock lock(&health_mu_);
    grpc_server_->GetHealthCheckService()->SetServingStatus(false);
  }
  if (service_ != nullptr) {
    // Watch streams end with UNAVAILABLE and a resume hint, and new ones
    // are refused so, while gRPC still serves: once its shutdown begins, it
    // cancels what is open and refuses new calls with CANCELLED, which a
    // client may take for its own cancellation. A stream whose client
    // stopped reading cannot take its status: after half the grace it is
    // cancelled with UNAVAILABLE, as a stalled stream is.
    size_t open = service_->open_streams();
    service_->EndStreams();
    bool all_ended = service_->AwaitStreamsEnded(options_.shutdown_grace / 2);
    if (!all_ended) service_->CancelStreams();
    Log(all_ended ? LogLevel::kInfo : LogLevel::kWarning, "watch_streams_ended",
        {{"streams", absl::StrCat(open)}, {"cancelled", all_ended ? "0" : "the rest"}});
  }
  // RPCs in flight get the whole grace of their own.
  if (grpc_server_ != nullptr) {
    grpc_server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.shutdown_grace));
  }
  // HTTP calls in flight had their gRPC calls answered (or cancelled) by
  // now; once their answers are handed over, the HTTP port closes.
  if (http_api_ != nullptr) http_api_->AwaitIdle(options_.shutdown_grace);
  if (http_server_ != nullptr) http_server_->Shutdown();
  // Let submissions in flight get their answer (quick, except held calls),
  // so that the next process knows whether the upstream accepted them.
  if (loop_started_) {
    absl::Time submissions_deadline = absl::Now() + options_.shutdown_grace;
    while (absl::Now() < submissions_deadline) {
      absl::Notification counted;
      size_t in_flight = 0;
      core_->loop().Post([&] {
        in_flight = core_->driver().SubmissionsInFlight();
        counted.Notify();
      });
      counted.WaitForNotification();
      if (in_flight == 0) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
  }
  if (receiver_ != nullptr) receiver_->Shutdown();
  callback_target_ = nullptr;
  // Upstream work stops; every task stays stored for the next start.
  if (loop_started_) {
    absl::Notification stopped;
    core_->loop().Post([&] {
      core_->driver().Shutdown();
      // Others may take this replica's tasks over at once.
      core_->StopReplicaWork();
      stopped.Notify();
    });
    stopped.WaitForNotification();
  }
  transport_.reset();  // cancels calls in flight; their callbacks are ignored
  // Downloads cut stay PENDING, for the next start; no retry starts on the
  // transport or scheduler as they go.
  if (content_fetcher_ != nullptr) content_fetcher_->Shutdown();
  content_transport_.reset();
  content_reads_.reset();  // after gRPC's shutdown: every read stream has ended
  scheduler_.reset();
  if (core_ != nullptr) core_->loop().Stop();
  Log(LogLevel::kInfo, "gateway_stopped");
}

absl::Status GatewayServer::StartHttpApi() {
  const GatewayOptions& o = options_;
  absl::StatusOr<std::pair<std::string, int>> listen = SplitHostPort(o.http_listen);
  if (!listen.ok()) return listen.status();
  const google::protobuf::ServiceDescriptor& service =
      *v1::CreateVideoTaskRequest::descriptor()->file()->FindServiceByName("VideoGateway");
  absl::StatusOr<std::unique_ptr<http_api::HttpApi>> api = http_api::HttpApi::Create(
      grpc_server_->InProcessChannel(grpc::ChannelArguments()), service,
      {.cors_origins = o.http_cors_origins});
  if (!api.ok()) return api.status();
  http_api_ = *std::move(api);
  http::ServerOptions server_options;
  server_options.address = listen->first;
  server_options.port = listen->second;
  server_options.max_body_bytes = static_cast<size_t>(o.max_message_bytes);
  absl::StatusOr<std::unique_ptr<http::Server>> server = http::Server::Start(
      server_options,
      [api = http_api_.get()](http::Request request, std::shared_ptr<http::Exchange> exchange) {
        // The web page at /, the API under /v1.
        if (std::optional<http::Response> page = web::ServeStatic(request)) {
          return exchange->Respond(*std::move(page));
        }
        api->Handle(std::move(request), std::move(exchange));
      });
  if (!server.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot serve HTTP on ", o.http_listen, ": ",
                                               server.status().message()));
  }
  http_server_ = *std::move(server);
  return absl::OkStatus();
}

absl::Status GatewayServer::StartContent(const Clock& clock) {
  const GatewayOptions& o = options_;
  if (!o.keep_content) return absl::OkStatus();
  if (o.content_dir.empty()) {
    if (absl::Status s = MakeDataDir(o.data_dir); !s.ok()) return s;
  }
  absl::StatusOr<std::unique_ptr<content::FilesystemContentStore>> store =
      content::FilesystemContentStore::Open(o.ContentDir());
  if (!store.ok()) return store.status();
  content_store_ = *std::move(store);
  content_reads_ = std::make_unique<ThreadScheduler>(clock);
  admission::UrlGuardOptions guard_options;
  guard_options.allow_private_hosts = o.allow_private_content_hosts;
  absl::StatusOr<std::unique_ptr<admission::UrlGuard>> guard =
      admission::UrlGuard::Create(std::move(guard_options), *resolver_);
  if (!guard.ok()) return guard.status();
  content_guard_ = *std::move(guard);
  http::curl::CurlMultiTransport::Options transport_options;
  transport_options.verify_tls = o.verify_upstream_tls;
  absl::StatusOr<std::unique_ptr<http::curl::CurlMultiTransport>> transport =
      http::curl::CurlMultiTransport::Create(transport_options);
  if (!transport.ok()) return transport.status();
  content_transport_ = *std::move(transport);
  content_fetcher_ = std::make_unique<content::ContentFetcher>(
      content::ContentFetcherOptions{.url_guard = content_guard_.get()}, *content_store_,
      *content_transport_, *scheduler_, clock);
  return absl::OkStatus();
}

void GatewayServer::Wait() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&shut_down_));
  if (grpc_server_ != nullptr) grpc_server_->Wait();
}

void GatewayServer::RefreshStats() {
  metrics::ServingFigures serving;
  if (service_ != nullptr) {
    service::WatchRegistry::Stats watches = service_->watch_stats();
    serving.watch_streams = static_cast<int64_t>(watches.open_streams);
    serving.watch_streams_stalled = static_cast<int64_t>(watches.stalled_closed);
    serving.content_streams = service_->content_streams();
  }
  if (core_ != nullptr) serving.loop_oldest_wait = core_->loop().oldest_wait();
  stats_->RefreshServing(serving);
  // The tasks live on the loop: counted there, in one pass, and the scrape
  // waits a moment for it (an idle loop answers in microseconds). It never
  // waits long: the admin port's one thread also answers /healthz, which
  // must not time out because a store blocks the loop. A loop that does not
  // get to it in time refreshes the figures when it does; one census at a
  // time, so that a stuck loop does not pile them up.
  if (!loop_started_ || stopping_ || census_pending_.exchange(true)) return;
  auto counted = std::make_shared<absl::Notification>();
  core_->loop().Post([this, counted] {
    tasks::TaskRegistry::Census tasks = core_->registry().Count();
    metrics::TaskCensus census{.tasks_by_state = tasks.by_state, .leases_held = tasks.leased};
    if (core::LeaseKeeper* keeper = core_->leases()) {
      census.leases_taken_over = keeper->taken_over();
      census.leases_lost = keeper->lost();
    }
    stats_->RefreshTasks(census);
    census_pending_ = false;
    counted->Notify();
  });
  counted->WaitForNotificationWithTimeout(absl::Milliseconds(100));
}

GatewayServer::~GatewayServer() { Shutdown(); }

}  // namespace seedance::server
