// GatewayOptions: everything the gateway can be told, with its defaults. Filled
// from flags by main.cc, directly by tests and embedders.
#ifndef SEEDANCE_SERVER_GATEWAY_OPTIONS_H_
#define SEEDANCE_SERVER_GATEWAY_OPTIONS_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/upstream_driver.h"

namespace seedance::server {

struct GatewayOptions {
  // --- gRPC ---
  // Where to serve gRPC, "host:port"; port 0 picks a free one.
  std::string listen = "127.0.0.1:50051";
  // Largest request (images as data URLs are big).
  int max_message_bytes = 32 << 20;
  // Open watch streams at most.
  size_t max_watch_streams = 100000;
  // A heartbeat on idle watch streams this often (0: none).
  absl::Duration heartbeat_interval = absl::Seconds(10);

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
  UpstreamDriverOptions driver;

  // --- storage ---
  // Holds tasks.db (SQLite, WAL) and master.key (0600).
  std::string data_dir = "seedance-data";
  // Keep tasks in memory only (lost on exit).
  bool in_memory_store = false;
  // fsync every batch (power-loss safe) rather than only surviving crashes.
  bool durable_fsync = true;

  // --- limits and shutdown ---
  int max_tasks_in_flight = 10000;
  // On SIGTERM: how long in-flight RPCs get to finish.
  absl::Duration shutdown_grace = absl::Seconds(5);
};

}  // namespace seedance::server

#endif  // SEEDANCE_SERVER_GATEWAY_OPTIONS_H_
