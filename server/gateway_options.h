// GatewayOptions: everything the gateway can be told, with its defaults. Filled
// from flags by main.cc, directly by tests and embedders.
#ifndef SEEDANCE_SERVER_GATEWAY_OPTIONS_H_
#define SEEDANCE_SERVER_GATEWAY_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/admission/url_guard.h"
#include "server/upstream/upstream_driver.h"

namespace seedance::server {

struct GatewayOptions {
  // The content store's directory: content_dir, else <data_dir>/content.
  std::string ContentDir() const {
    return content_dir.empty() ? data_dir + "/content" : content_dir;
  }
  // The master key's path: master_key_file, else <data_dir>/master.key.
  std::string MasterKeyPath() const {
    return master_key_file.empty() ? data_dir + "/master.key" : master_key_file;
  }

  // --- gRPC ---
  // Where to serve gRPC, "host:port"; port 0 picks a free one.
  std::string listen = "127.0.0.1:50051";
  // TLS for the gRPC port (PEM files; empty: plaintext). A client CA file
  // makes client certificates required (mutual TLS).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // The admin HTTP port (/metrics, /healthz, /readyz), "host:port"; empty:
  // none. No authentication: keep it on loopback or a private network.
  std::string admin_listen;
  // The HTTP/JSON port (the gRPC API for browsers and curl), "host:port";
  // empty: none.
  std::string http_listen;
  // Origins browsers may call the HTTP/JSON port from (CORS); empty: none.
  std::vector<std::string> http_cors_origins;
  // Largest request (images as data URLs are big).
  int max_message_bytes = 32 << 20;
  // Open watch streams at most.
  size_t max_watch_streams = 100000;
  // ReadVideoContent downloads open at once (each holds one chunk).
  int max_content_streams = 1000;
  // A heartbeat on idle watch streams this often (0: none).
  absl::Duration heartbeat_interval = absl::Seconds(10);
  // A watch stream whose client has taken nothing for this long while a
  // message waits is closed with RESOURCE_EXHAUSTED (0: never).
  absl::Duration watch_stall_timeout = absl::Minutes(5);

  // --- upstream ---
  // The REST API's base URL (the provider's by default).
  std::string upstream_base_url = "https://api.xhuoapi.ai";
  // Verify the upstream's TLS certificate (keep on outside tests).
  bool verify_upstream_tls = true;

  // --- auth ---
  enum class AuthMode {
    // Callers send their own upstream token; it is forwarded.
    kForward,
    // Callers send a gateway key (client_keys); the gateway uses
    // upstream_token for every upstream call.
    kGatewayKeys,
  };
  AuthMode auth_mode = AuthMode::kForward;
  std::string upstream_token;             // kGatewayKeys only; never logged
  std::vector<std::string> client_keys;   // kGatewayKeys only

  // --- how tasks learn their fate ---
  enum class Delivery { kAuto, kHold, kPoll, kCallback };
  // kAuto: callback when callback_public_url is set, else hold (which needs
  // nothing but the documented API).
  Delivery delivery = Delivery::kAuto;
  // Where the callback receiver listens, "host:port" (CALLBACK mode).
  std::string callback_listen = "127.0.0.1:0";
  // The base URL the upstream reaches the receiver at, e.g.
  // "https://gw.example.com"; empty: http://<callback_listen> (loopback,
  // e.g. with the bundled mock).
  std::string callback_public_url;
  upstream::UpstreamDriverOptions driver;

  // --- storage ---
  // Holds master.key (0600) and, with the SQLite store, tasks.db (WAL).
  std::string data_dir = "seedance-data";
  // The master key (32 bytes; created 0600 if missing); empty:
  // <data_dir>/master.key. Replicas sharing a database must share this key
  // (owner ids, sealed credentials and the webhook secret derive from it).
  std::string master_key_file;
  // Where tasks are kept, as store/store_location.h parses it: "sqlite"
  // (<data_dir>/tasks.db), "memory" (lost on exit), or a PostgreSQL URI.
  std::string store = "sqlite";
  // With PostgreSQL, several gateways may share the database: each drives
  // the tasks it holds a lease on and takes over those of a replica that
  // stopped renewing (server/core/lease_keeper.h).
  // This replica's id; empty: "<hostname>:<absolute data_dir>", stable
  // across restarts of the same replica.
  std::string replica_id;
  // How long a dead replica's tasks wait before another takes them over.
  absl::Duration lease_ttl = absl::Seconds(10);
  // fsync every batch (power-loss safe) rather than only surviving crashes.
  bool durable_fsync = true;

  // --- callers' URLs (image URLs, callback_url) ---
  // Hosts that may be loopback/private/link-local: names ("localhost"),
  // addresses ("127.0.0.1") or CIDR ranges ("10.0.0.0/8"). Empty: callers'
  // URLs must lead to public addresses only (url_guard.h).
  std::vector<std::string> allow_private_url_hosts;
  // The longest image data URL accepted, in bytes.
  size_t max_data_url_bytes = admission::kDefaultMaxDataUrlBytes;

  // --- result files kept past the provider's URL expiry ---
  // Download each succeeded task's video (and last frame) into the content
  // store (server/content/), so that it can be served after the provider's
  // link expires.
  bool keep_content = true;
  // The content store's directory; empty: <data_dir>/content. Several
  // replicas must share one (a shared volume), so that any of them can
  // serve what another fetched.
  std::string content_dir;
  // Size caps of kept files: a larger one fails its copy, not the task.
  int64_t max_video_bytes = int64_t{512} << 20;
  int64_t max_image_bytes = int64_t{32} << 20;
  // Kept files are removed this long after they were stored (the task's
  // copy then says EXPIRED); 0: kept for good.
  absl::Duration content_ttl = absl::ZeroDuration();
  // Hosts of the provider's result URLs that may be loopback/private (as
  // allow_private_url_hosts, but for the gateway's own downloads of
  // results: e.g. 127.0.0.1 for the bundled mock). Empty: public only.
  std::vector<std::string> allow_private_content_hosts;

  // --- limits and shutdown ---
  int max_tasks_in_flight = 10000;
  // Per caller (the keyed hash of its credential), token buckets: creates
  // per second and the burst after idling, and RPCs of any kind likewise.
  // Past them: RESOURCE_EXHAUSTED + RetryInfo. A rate of 0 turns one off.
  double caller_create_rate = 20;
  double caller_create_burst = 40;
  double caller_rpc_rate = 200;
  double caller_rpc_burst = 400;
  // On SIGTERM: how long in-flight RPCs get to finish.
  absl::Duration shutdown_grace = absl::Seconds(5);
};

}  // namespace seedance::server

#endif  // SEEDANCE_SERVER_GATEWAY_OPTIONS_H_
