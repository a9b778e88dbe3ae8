// The Status -> gRPC edge: an absl::Status becomes a grpc::Status with the
// same code and message, and its google.rpc payloads (BadRequest, ErrorInfo,
// RetryInfo, ...) become the google.rpc.Status details that every gRPC
// library can decode from the grpc-status-details-bin trailer.
//
//   reactor->Finish(ToGrpcStatus(status));
#ifndef SEEDANCE_SERVER_SERVICE_GRPC_STATUS_H_
#define SEEDANCE_SERVER_SERVICE_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace seedance::server::service {

// Thread-safe.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The inverse (for clients and tests): details become payloads again.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace seedance::server::service

#endif  // SEEDANCE_SERVER_SERVICE_GRPC_STATUS_H_
