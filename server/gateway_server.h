// GatewayServer: the whole gateway, wired and running: task store, task
// loop, upstream client, callback receiver, gRPC service with health
// checking and reflection. main.cc and end-to-end tests use it the same way.
//
//   absl::StatusOr<std::unique_ptr<GatewayServer>> gateway =
//       GatewayServer::BuildAndStart(options);
//   ... (*gateway)->grpc_port() ...
//   (*gateway)->Shutdown();  // graceful; also done by the destructor
#ifndef SEEDANCE_SERVER_GATEWAY_SERVER_H_
#define SEEDANCE_SERVER_GATEWAY_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/directory_lock.h"
#include "base/scheduler.h"
#include "http/curl/http_transport.h"
#include "seedance/gateway/v1/stored_task.pb.h"
#include "prometheus/registry.h"
#include "server/admin/admin_server.h"
#include "server/admin/store_probe.h"
#include "server/admission/getaddrinfo_resolver.h"
#include "server/admission/url_guard.h"
#include "server/callers/authenticator.h"
#include "server/callers/keyring.h"
#include "server/content/content_fetcher.h"
#include "server/content/filesystem_content_store.h"
#include "server/core/task_core.h"
#include "server/core/task_manager.h"
#include "http/http_server.h"
#include "server/gateway_options.h"
#include "server/http_api/http_api.h"
#include "server/web/web_assets.h"
#include "server/metrics/grpc_server_metrics.h"
#include "server/metrics/prometheus_gateway_stats.h"
#include "server/service/video_gateway_service.h"
#include "server/store/event_hints.h"
#include "server/store/store_location.h"
#include "server/store/task_store.h"
#include "server/upstream/callback_receiver.h"
#include "server/upstream/upstream_client.h"
#include "server/webhooks/webhook_forwarder.h"

namespace seedance::server {

class GatewayServer {
 public:
  // Opens the store, recovers unfinished tasks, starts serving. Errors: bad
  // options (INVALID_ARGUMENT), an unusable data directory or port
  // (UNAVAILABLE), a corrupt store (DATA_LOSS).
  static absl::StatusOr<std::unique_ptr<GatewayServer>> BuildAndStart(
      GatewayOptions options);

  ~GatewayServer();

  // The bound gRPC port, and the callback receiver's (0 when not in
  // CALLBACK mode).
  int grpc_port() const { return grpc_port_; }
  int callback_port() const;
  // The admin port (0 without --admin_listen).
  int admin_port() const { return admin_ != nullptr ? admin_->port() : 0; }
  // The HTTP/JSON port (0 without --http_listen).
  int http_port() const { return http_server_ != nullptr ? http_server_->port() : 0; }
  // The delivery mode in use.
  gateway::v1::DeliveryMode mode() const { return mode_; }
  // Tasks recovered from the store at start.
  int recovered_tasks() const { return recovered_; }
  // The secret that signs results forwarded to callers' callback_url.
  std::string webhook_secret() const { return keyring_->WebhookSecret(); }

  // Graceful stop: refuse new tasks, end watch streams with UNAVAILABLE,
  // let RPCs in flight finish (up to shutdown_grace), stop upstream work
  // (tasks stay stored, to be resumed by the next start). Idempotent.
  void Shutdown();

  // Blocks until Shutdown (from another thread) completes.
  void Wait();

 private:
  explicit GatewayServer(GatewayOptions options) : options_(std::move(options)) {}
  absl::Status Start();
  // Opens the SQLite or PostgreSQL store `where` names into store_.
  absl::Status OpenStore(const store::StoreLocation& where);
  // Opens the content store and the downloader of result files
  // (keep_content).
  absl::Status StartContent(const Clock& clock);
  // Serves the HTTP/JSON face on http_listen.
  absl::Status StartHttpApi();
  // Reads what the parts hold now into stats_ (before each /metrics).
  void RefreshStats();

  const GatewayOptions options_;
  // The store as logged (store_location.h: never a password).
  std::string store_description_;
  gateway::v1::DeliveryMode mode_ = gateway::v1::DELIVERY_MODE_HOLD;
  int grpc_port_ = 0;
  int recovered_ = 0;
  bool loop_started_ = false;

  std::optional<callers::Keyring> keyring_;
  // Held while the store is open (none with the in-memory store).
  std::optional<DirectoryLock> data_dir_lock_;
  std::unique_ptr<store::TaskStore> store_;
  // store_'s leases when it has them (PostgreSQL): several replicas.
  store::TaskLeases* leases_ = nullptr;
  store::EventHints* hints_ = nullptr;
  // The metrics every part reports to, declared before the parts so that
  // it outlives them (the interceptor's families outlive the gRPC server).
  prometheus::Registry registry_;
  std::unique_ptr<metrics::PrometheusGatewayStats> stats_;
  // Used by the transport's calls and the manager: destroyed after them.
  std::unique_ptr<admission::GetaddrinfoResolver> resolver_;
  std::unique_ptr<admission::UrlGuard> url_guard_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<http::curl::HttpTransport> transport_;
  std::unique_ptr<upstream::UpstreamClient> upstream_;
  std::unique_ptr<webhooks::WebhookForwarder> webhooks_;
  // Result files kept (keep_content): downloads have a transport of their
  // own, so that large files never queue behind upstream calls, and their
  // own URL guard (allow_private_content_hosts).
  std::unique_ptr<content::FilesystemContentStore> content_store_;
  std::unique_ptr<admission::UrlGuard> content_guard_;
  std::unique_ptr<http::curl::HttpTransport> content_transport_;
  std::unique_ptr<content::ContentFetcher> content_fetcher_;
  // ReadVideoContent's file reads run on this thread (they block).
  std::unique_ptr<Scheduler> content_reads_;
  // The task engine: loop, registry, driver, webhooks, manager
  // (task_core.h). Declared after what it uses, so destroyed before them;
  // Shutdown (the destructor runs it) has stopped the transport, the
  // scheduler and the loop by then.
  std::unique_ptr<core::TaskCore> core_;
  std::unique_ptr<callers::Authenticator> authenticator_;
  std::unique_ptr<upstream::CallbackReceiver> receiver_;
  std::unique_ptr<service::VideoGatewayService> service_;
  // Set at Shutdown; with health_mu_ held, so that the probe cannot set
  // the health back to SERVING after Shutdown set NOT_SERVING. Declared
  // before the probe and the admin port, which use them: destroyed after.
  absl::Mutex health_mu_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<metrics::GrpcServerMetrics> grpc_metrics_;
  std::unique_ptr<grpc::Server> grpc_server_;
  // After the gRPC server: destroyed before it (the probe sets its
  // health), and the admin port before the probe (/readyz reads it).
  std::unique_ptr<admin::StoreProbe> store_probe_;
  std::unique_ptr<admin::AdminServer> admin_;
  // The HTTP/JSON face (--http_listen): calls the gRPC service in process.
  std::unique_ptr<http_api::HttpApi> http_api_;
  std::unique_ptr<http::Server> http_server_;

  // A task census is posted to the loop and has not run yet.
  std::atomic<bool> census_pending_{false};
  // Where callbacks go; null until the manager exists (503 meanwhile).
  std::atomic<core::TaskManager*> callback_target_{nullptr};

  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace seedance::server

#endif  // SEEDANCE_SERVER_GATEWAY_SERVER_H_
