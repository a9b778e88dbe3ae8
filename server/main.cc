// seedance-gateway: serves the seedance.v1.VideoGateway gRPC API in front of
// the SeeDance Videos Generation REST API. Flags -> GatewayOptions ->
// GatewayServer::BuildAndStart -> wait for SIGTERM/SIGINT -> graceful stop.
// Run with --help for every flag.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "base/log.h"
#include "server/gateway_server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "gRPC address, host:port (port 0: any free port, printed at start)");
ABSL_FLAG(std::string, admin_listen, "",
          "admin HTTP address, host:port, serving /metrics (Prometheus), /healthz and /readyz; "
          "empty: off. No authentication: loopback or a private network");
ABSL_FLAG(std::string, http_listen, "",
          "HTTP/JSON address, host:port: the gRPC API at the routes of the proto's "
          "google.api.http options (POST /v1/videoTasks, GET /v1/videoTasks/{task_id}, ...), "
          "same authentication; empty: off");
ABSL_FLAG(std::vector<std::string>, http_cors_origins, {},
          "origins browsers may call the HTTP/JSON port from (CORS), comma-separated, e.g. "
          "https://app.example; * for any; empty: none");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain for TLS on the gRPC port (with --tls_key_file); "
          "empty: plaintext");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key for --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA certificates; set, clients must present a certificate signed by one "
          "(mutual TLS)");
ABSL_FLAG(std::string, upstream_base_url, "https://api.xhuoapi.ai",
          "base URL of the SeeDance REST API (e.g. http://127.0.0.1:8080 for the mock)");
ABSL_FLAG(std::string, delivery, "auto",
          "how tasks learn their fate: hold (the documented blocking call), poll "
          "(async + tasks endpoint), callback (the upstream POSTs to the gateway), "
          "auto (callback if --callback_public_url is set, else hold)");
ABSL_FLAG(std::string, callback_listen, "127.0.0.1:0",
          "where the callback receiver listens, host:port (callback delivery)");
ABSL_FLAG(std::string, callback_public_url, "",
          "base URL at which the upstream reaches the callback receiver; empty: "
          "http://<callback_listen> (loopback only)");
ABSL_FLAG(std::string, auth, "forward",
          "forward: callers send their upstream token, which is forwarded; "
          "gateway_keys: callers send a key from --client_keys_file and the gateway "
          "uses $SEEDANCE_UPSTREAM_TOKEN upstream");
ABSL_FLAG(std::string, client_keys_file, "",
          "gateway_keys auth: file with one client key per line");
ABSL_FLAG(std::string, data_dir, "seedance-data",
          "directory for master.key (created 0600) and, with --store=sqlite, tasks.db");
ABSL_FLAG(std::string, store, "",
          "where tasks are kept: sqlite (<data_dir>/tasks.db), memory (lost on exit), or "
          "PostgreSQL: a postgresql://user@host:port/db URI, or postgres to take it all "
          "from the PG* variables; the password goes in $PGPASSWORD or a .pgpass file. "
          "Empty: $SEEDANCE_STORE, else sqlite");
ABSL_FLAG(bool, in_memory_store, false, "the same as --store=memory");
ABSL_FLAG(std::string, master_key_file, "",
          "the master key (32 bytes, created 0600 when missing); empty: <data_dir>/master.key. "
          "Replicas on one PostgreSQL must share it");
ABSL_FLAG(std::string, replica_id, "",
          "with PostgreSQL, several gateways share the database: this one's id, unique "
          "and stable across its restarts; empty: <hostname>:<absolute data_dir>");
ABSL_FLAG(absl::Duration, lease_ttl, absl::Seconds(10),
          "with PostgreSQL: how long a replica's lease on its tasks lasts unrenewed, i.e. "
          "how long the tasks of a dead replica wait before another takes them over");
ABSL_FLAG(bool, durable_fsync, true,
          "fsync every commit (survives power loss); false: survives process crashes");
ABSL_FLAG(int, max_tasks_in_flight, 10000, "tasks in progress at once; more are refused");
ABSL_FLAG(int, max_watch_streams, 100000, "open watch streams at once");
ABSL_FLAG(int, max_content_streams, 1000,
          "open ReadVideoContent downloads at once (each holds one chunk of 256 KiB)");
ABSL_FLAG(double, caller_create_rate, 20,
          "task creations per second per caller (token bucket; 0: no limit); more get "
          "RESOURCE_EXHAUSTED with RetryInfo");
ABSL_FLAG(double, caller_create_burst, 40, "task creations a caller may make at once");
ABSL_FLAG(double, caller_rpc_rate, 200,
          "RPCs of any kind per second per caller (token bucket; 0: no limit)");
ABSL_FLAG(double, caller_rpc_burst, 400, "RPCs a caller may make at once");
ABSL_FLAG(absl::Duration, watch_stall_timeout, absl::Minutes(5),
          "close a watch stream with UNAVAILABLE when a write to its client has waited "
          "this long (the client stopped reading; 0: never); the client resumes after its "
          "last sequence");
ABSL_FLAG(absl::Duration, heartbeat_interval, absl::Seconds(10),
          "heartbeat on idle watch streams (0: none)");
ABSL_FLAG(absl::Duration, hold_timeout, absl::ZeroDuration(),
          "hold delivery: a cap on how long the blocking upstream call may stay open "
          "(0: none, the call lasts until the task's execution_expires_after, up to 72h); "
          "a task whose call the cap cuts ends FAILED with UPSTREAM_OUTCOME_UNKNOWN, as "
          "the upstream may still generate and bill it");
ABSL_FLAG(absl::Duration, poll_initial, absl::Seconds(2),
          "poll delivery: first delay between task reads (doubles while nothing changes)");
ABSL_FLAG(absl::Duration, poll_max, absl::Seconds(30), "poll delivery: longest delay");
ABSL_FLAG(absl::Duration, callback_fallback_poll, absl::Minutes(2),
          "callback delivery: also read the task this often in case a callback is lost "
          "(0: never)");
ABSL_FLAG(absl::Duration, outcome_unknown_callback_wait, absl::ZeroDuration(),
          "callback delivery: how long a task whose submission got no answer (the call "
          "was cut, or the gateway died mid-call) waits for the upstream's callback before "
          "it ends FAILED with UPSTREAM_OUTCOME_UNKNOWN (0: until its "
          "execution_expires_after; a callback that comes later is acknowledged and "
          "dropped)");
ABSL_FLAG(int, max_submit_attempts, 5,
          "submissions refused as not processed (429, 503, refused connection) are "
          "retried up to this many attempts in all");
ABSL_FLAG(bool, verify_upstream_tls, true, "verify the upstream's TLS certificate");
ABSL_FLAG(std::vector<std::string>, allow_private_url_hosts, {},
          "callers' image URLs and callback_url must lead to public addresses; these "
          "hosts may be loopback/private/link-local: names (localhost), addresses "
          "(127.0.0.1) or CIDR ranges (10.0.0.0/8), comma-separated. Empty: none "
          "(e.g. 127.0.0.1,localhost to let callers use the bundled mock on loopback)");
ABSL_FLAG(int64_t, max_data_url_bytes,
          static_cast<int64_t>(seedance::server::admission::kDefaultMaxDataUrlBytes),
          "the longest image data URL (data:image/...;base64,...) accepted, in bytes");
ABSL_FLAG(bool, keep_content, true,
          "download each succeeded task's video (and last frame) into --content_dir, so "
          "that ReadVideoContent serves it after the provider's link expires");
ABSL_FLAG(std::string, content_dir, "",
          "where kept result files go; empty: <data_dir>/content. Replicas must share one");
ABSL_FLAG(int64_t, max_video_bytes, int64_t{512} << 20,
          "a video larger than this is not kept (its copy fails; the task still succeeds)");
ABSL_FLAG(int64_t, max_image_bytes, int64_t{32} << 20,
          "a last-frame image larger than this is not kept");
ABSL_FLAG(absl::Duration, content_ttl, absl::ZeroDuration(),
          "kept result files are removed this long after they were stored, and their task "
          "says EXPIRED (e.g. 720h); 0: kept for good");
ABSL_FLAG(std::vector<std::string>, allow_private_content_hosts, {},
          "the provider's result URLs must lead to public addresses; these hosts may be "
          "loopback/private (as --allow_private_url_hosts, for the gateway's own downloads "
          "of results; e.g. 127.0.0.1 for the bundled mock)");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(5),
          "on SIGTERM, how long RPCs in flight may take to finish");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error");
ABSL_FLAG(std::string, log_format, "text",
          "text (a line of key=value fields per event) or json (one JSON object per line, "
          "with the task and trace ids at the top, for log shippers)");
ABSL_FLAG(bool, print_webhook_secret, false,
          "print the whsec_ secret that signs results forwarded to callers' "
          "callback_url (derived from the master key) and exit");

namespace {

using seedance::server::GatewayOptions;

absl::StatusOr<std::vector<std::string>> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot read " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    std::string trimmed(absl::StripAsciiWhitespace(line));
    if (!trimmed.empty() && trimmed[0] != '#') lines.push_back(trimmed);
  }
  return lines;
}

absl::StatusOr<GatewayOptions> OptionsFromFlags() {
  GatewayOptions o;
  o.listen = absl::GetFlag(FLAGS_listen);
  o.admin_listen = absl::GetFlag(FLAGS_admin_listen);
  o.http_listen = absl::GetFlag(FLAGS_http_listen);
  o.http_cors_origins = absl::GetFlag(FLAGS_http_cors_origins);
  o.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  o.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  o.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  o.upstream_base_url = absl::GetFlag(FLAGS_upstream_base_url);
  while (!o.upstream_base_url.empty() && o.upstream_base_url.back() == '/') {
    o.upstream_base_url.pop_back();
  }
  std::string delivery = absl::GetFlag(FLAGS_delivery);
  if (delivery == "auto") {
    o.delivery = GatewayOptions::Delivery::kAuto;
  } else if (delivery == "hold") {
    o.delivery = GatewayOptions::Delivery::kHold;
  } else if (delivery == "poll") {
    o.delivery = GatewayOptions::Delivery::kPoll;
  } else if (delivery == "callback") {
    o.delivery = GatewayOptions::Delivery::kCallback;
  } else {
    return absl::InvalidArgumentError("--delivery must be auto, hold, poll or callback");
  }
  o.callback_listen = absl::GetFlag(FLAGS_callback_listen);
  o.callback_public_url = absl::GetFlag(FLAGS_callback_public_url);
  std::string auth = absl::GetFlag(FLAGS_auth);
  if (auth == "gateway_keys") {
    o.auth_mode = GatewayOptions::AuthMode::kGatewayKeys;
    const char* token = std::getenv("SEEDANCE_UPSTREAM_TOKEN");
    if (token == nullptr || *token == '\0') {
      return absl::InvalidArgumentError(
          "--auth=gateway_keys needs the upstream token in $SEEDANCE_UPSTREAM_TOKEN");
    }
    o.upstream_token = token;
    absl::StatusOr<std::vector<std::string>> keys =
        ReadLines(absl::GetFlag(FLAGS_client_keys_file));
    if (!keys.ok()) return keys.status();
    o.client_keys = *std::move(keys);
  } else if (auth != "forward") {
    return absl::InvalidArgumentError("--auth must be forward or gateway_keys");
  }
  o.data_dir = absl::GetFlag(FLAGS_data_dir);
  o.store = absl::GetFlag(FLAGS_store);
  if (o.store.empty()) {
    // From the environment, so that a URI with a password need not be on
    // the command line (where ps shows it).
    const char* env = std::getenv("SEEDANCE_STORE");
    o.store = env != nullptr && *env != '\0' ? env : "sqlite";
  }
  if (absl::GetFlag(FLAGS_in_memory_store)) o.store = "memory";
  o.replica_id = absl::GetFlag(FLAGS_replica_id);
  o.master_key_file = absl::GetFlag(FLAGS_master_key_file);
  o.lease_ttl = absl::GetFlag(FLAGS_lease_ttl);
  if (o.lease_ttl < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--lease_ttl must be at least 1s");
  }
  o.durable_fsync = absl::GetFlag(FLAGS_durable_fsync);
  o.max_tasks_in_flight = absl::GetFlag(FLAGS_max_tasks_in_flight);
  o.max_watch_streams = static_cast<size_t>(absl::GetFlag(FLAGS_max_watch_streams));
  o.max_content_streams = absl::GetFlag(FLAGS_max_content_streams);
  o.heartbeat_interval = absl::GetFlag(FLAGS_heartbeat_interval);
  o.watch_stall_timeout = absl::GetFlag(FLAGS_watch_stall_timeout);
  o.caller_create_rate = absl::GetFlag(FLAGS_caller_create_rate);
  o.caller_create_burst = absl::GetFlag(FLAGS_caller_create_burst);
  o.caller_rpc_rate = absl::GetFlag(FLAGS_caller_rpc_rate);
  o.caller_rpc_burst = absl::GetFlag(FLAGS_caller_rpc_burst);
  o.driver.hold_timeout_cap = absl::GetFlag(FLAGS_hold_timeout);
  o.driver.poll_initial = absl::GetFlag(FLAGS_poll_initial);
  o.driver.poll_max = absl::GetFlag(FLAGS_poll_max);
  o.driver.callback_fallback_poll = absl::GetFlag(FLAGS_callback_fallback_poll);
  o.driver.outcome_unknown_callback_wait = absl::GetFlag(FLAGS_outcome_unknown_callback_wait);
  o.driver.max_submit_attempts = absl::GetFlag(FLAGS_max_submit_attempts);
  o.verify_upstream_tls = absl::GetFlag(FLAGS_verify_upstream_tls);
  o.allow_private_url_hosts = absl::GetFlag(FLAGS_allow_private_url_hosts);
  if (absl::GetFlag(FLAGS_max_data_url_bytes) <= 0) {
    return absl::InvalidArgumentError("--max_data_url_bytes must be positive");
  }
  o.max_data_url_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_data_url_bytes));
  o.keep_content = absl::GetFlag(FLAGS_keep_content);
  o.content_dir = absl::GetFlag(FLAGS_content_dir);
  o.max_video_bytes = absl::GetFlag(FLAGS_max_video_bytes);
  o.max_image_bytes = absl::GetFlag(FLAGS_max_image_bytes);
  if (o.max_video_bytes <= 0 || o.max_image_bytes <= 0) {
    return absl::InvalidArgumentError("--max_video_bytes and --max_image_bytes must be positive");
  }
  o.allow_private_content_hosts = absl::GetFlag(FLAGS_allow_private_content_hosts);
  o.content_ttl = absl::GetFlag(FLAGS_content_ttl);
  if (o.content_ttl < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--content_ttl must not be negative");
  }
  o.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  // Abseil prints "<program>: " before this, and groups flags under their
  // source file, which would show the build machine's path: named instead.
  absl::SetProgramUsageMessage(
      "a gRPC gateway for the SeeDance Videos Generation API.\n"
      "  seedance-gateway --upstream_base_url=http://127.0.0.1:8080 --delivery=callback");
  absl::FlagsUsageConfig usage;
  // (The help filters see the normalized name.)
  usage.contains_help_flags = [](absl::string_view file) {
    return file == "seedance-gateway";
  };
  usage.normalize_filename = [](absl::string_view file) -> std::string {
    return absl::EndsWith(file, "server/main.cc") ? "seedance-gateway" : std::string(file);
  };
  absl::SetFlagsUsageConfig(usage);
  absl::ParseCommandLine(argc, argv);
  // Debian builds Abseil with mutex deadlock detection on; it costs a graph
  // update per lock on every request path. Tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (absl::Status logging = seedance::ConfigureLogging(absl::GetFlag(FLAGS_log_level),
                                                         absl::GetFlag(FLAGS_log_format));
      !logging.ok()) {
    std::cerr << "seedance-gateway: " << logging.message() << "\n";
    return 2;
  }

  // Signals are taken by sigwait below, before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<GatewayOptions> options = OptionsFromFlags();
  if (!options.ok()) {
    std::cerr << "seedance-gateway: " << options.status().message() << "\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_print_webhook_secret)) {
    absl::StatusOr<seedance::server::callers::Keyring> keys =
        seedance::server::callers::Keyring::LoadOrCreate(options->MasterKeyPath());
    if (!keys.ok()) {
      std::cerr << "seedance-gateway: " << keys.status() << "\n";
      return 1;
    }
    std::cout << keys->WebhookSecret() << "\n";
    return 0;
  }
  auto gateway = seedance::server::GatewayServer::BuildAndStart(*std::move(options));
  if (!gateway.ok()) {
    std::cerr << "seedance-gateway: " << gateway.status() << "\n";
    return 1;
  }
  // One line each, for scripts and tests that started us on port 0.
  std::printf("grpc_port=%d\ncallback_port=%d\nadmin_port=%d\nhttp_port=%d\n",
              (*gateway)->grpc_port(), (*gateway)->callback_port(), (*gateway)->admin_port(),
              (*gateway)->http_port());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  (*gateway)->Shutdown();
  return 0;
}
