// The gRPC port's credentials: plaintext, TLS, or TLS that requires client
// certificates (mutual TLS), from PEM files named in GatewayOptions.
//
//   TlsFiles files{.cert_file = "server.pem", .key_file = "server.key"};
//   absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> creds =
//       MakeServerCredentials(files);
#ifndef SEEDANCE_SERVER_SERVICE_SERVER_CREDENTIALS_H_
#define SEEDANCE_SERVER_SERVICE_SERVER_CREDENTIALS_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace seedance::server::service {

struct TlsFiles {
  // The server's certificate chain and private key (PEM). Both empty:
  // plaintext (fine on loopback or behind a TLS-terminating proxy).
  std::string cert_file;
  std::string key_file;
  // CA certificates (PEM) that client certificates must chain to; set, it
  // makes client certificates required (mutual TLS). Needs cert/key.
  std::string client_ca_file;
};

// Credentials for `files`. INVALID_ARGUMENT for a half-given pair or a
// client CA without a server certificate; FAILED_PRECONDITION when a file
// cannot be read or is not PEM. The key's bytes appear in no message.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files);

}  // namespace seedance::server::service

#endif  // SEEDANCE_SERVER_SERVICE_SERVER_CREDENTIALS_H_
