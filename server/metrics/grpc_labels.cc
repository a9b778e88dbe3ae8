#include "server/metrics/grpc_labels.h"

#include <google/protobuf/descriptor.h>

#include "absl/strings/str_cat.h"

namespace seedance::server::metrics {

using Type = grpc::experimental::ServerRpcInfo::Type;

std::string GrpcTypeLabel(Type type) {
  switch (type) {
    case Type::UNARY:
      return "unary";
    case Type::CLIENT_STREAMING:
      return "client_stream";
    case Type::SERVER_STREAMING:
      return "server_stream";
    case Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

std::string GrpcCodeLabel(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "Canceled";
    case grpc::StatusCode::UNKNOWN:
      return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND:
      return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FailedPrecondition";
    case grpc::StatusCode::ABORTED:
      return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "Unimplemented";
    case grpc::StatusCode::INTERNAL:
      return "Internal";
    case grpc::StatusCode::UNAVAILABLE:
      return "Unavailable";
    case grpc::StatusCode::DATA_LOSS:
      return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "Unauthenticated";
    case grpc::StatusCode::DO_NOT_USE:
      break;
  }
  return "Unknown";
}

MethodLabels LabelsOfPath(absl::string_view path) {
  MethodLabels unknown{"unknown", "unknown"};
  if (path.size() < 4 || path[0] != '/') return unknown;
  size_t slash = path.find('/', 1);
  if (slash == absl::string_view::npos || slash + 1 >= path.size()) return unknown;
  absl::string_view service = path.substr(1, slash - 1);
  absl::string_view method = path.substr(slash + 1);
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          absl::StrCat(service, ".", method));
  // gRPC's own health service has no protobuf descriptor in the process.
  bool health = service == "grpc.health.v1.Health" && (method == "Check" || method == "Watch");
  if (descriptor == nullptr && !health) return unknown;
  return {std::string(service), std::string(method)};
}

}  // namespace seedance::server::metrics
