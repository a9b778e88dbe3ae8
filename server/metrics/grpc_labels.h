// The labels of the gRPC server metrics, as go-grpc-prometheus names them
// (the dashboards operators already have read these): grpc_type,
// grpc_service, grpc_method and grpc_code. Pure mappings.
//
//   GrpcTypeLabel(ServerRpcInfo::Type::SERVER_STREAMING)   // "server_stream"
//   GrpcCodeLabel(grpc::StatusCode::INVALID_ARGUMENT)      // "InvalidArgument"
//   MethodLabels("/seedance.v1.VideoGateway/GetVideoTask") // {"seedance.v1.VideoGateway", "GetVideoTask"}
#ifndef SEEDANCE_SERVER_METRICS_GRPC_LABELS_H_
#define SEEDANCE_SERVER_METRICS_GRPC_LABELS_H_

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include <string>

#include "absl/strings/string_view.h"

namespace seedance::server::metrics {

std::string GrpcTypeLabel(grpc::experimental::ServerRpcInfo::Type type);

// Go's codes.Code names ("OK", "Canceled", ...); "Unknown" for a number
// that is no code.
std::string GrpcCodeLabel(grpc::StatusCode code);

struct MethodLabels {
  std::string service;
  std::string method;
};

// The service and method of a gRPC path ("/pkg.Service/Method"). Only a
// method the process has a descriptor for (a service it serves, linked in)
// gets its name; anything else is "unknown"/"unknown", so that a caller
// inventing paths cannot grow the label set.
MethodLabels LabelsOfPath(absl::string_view path);

}  // namespace seedance::server::metrics

#endif  // SEEDANCE_SERVER_METRICS_GRPC_LABELS_H_
