// Channel credentials for the gateway: plaintext or TLS, optionally with a
// client certificate (for a gateway that requires mutual TLS).
//
//   ClientTls tls{.enabled = true, .ca_file = "ca.pem"};
//   auto creds = MakeChannelCredentials(tls);
//   auto channel = grpc::CreateChannel("gw.example.com:443", *creds);
#ifndef SEEDANCE_CLIENTS_CPP_CHANNEL_CREDENTIALS_H_
#define SEEDANCE_CLIENTS_CPP_CHANNEL_CREDENTIALS_H_

#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace seedance::client {

struct ClientTls {
  bool enabled = false;
  // Trusted roots (PEM); empty: the system's.
  std::string ca_file;
  // This client's certificate and key (PEM), both or neither.
  std::string cert_file;
  std::string key_file;
};

// INVALID_ARGUMENT for a half-given certificate pair or files given without
// `enabled`; FAILED_PRECONDITION when a file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientTls& tls);

}  // namespace seedance::client

#endif  // SEEDANCE_CLIENTS_CPP_CHANNEL_CREDENTIALS_H_
