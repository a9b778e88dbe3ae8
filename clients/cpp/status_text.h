// A gateway error as text a person can read: the code and message, then
// the details the gateway attached (every bad field with its path, when to
// retry, the reason and its metadata such as the upstream's trace id).
//
//   absl::StatusOr<seedance::v1::VideoTask> task = client.Create(request);
//   if (!task.ok()) std::cerr << seedance::client::DescribeStatus(task.status());
//   // INVALID_ARGUMENT: invalid request: spec.duration_seconds: ...
//   //   spec.duration_seconds: must be from 2 to 12 seconds, got 30
//
// A failed task's error (VideoTask.error, a google.rpc.Status) reads the
// same through DescribeRpcStatus.
#ifndef SEEDANCE_CLIENTS_CPP_STATUS_TEXT_H_
#define SEEDANCE_CLIENTS_CPP_STATUS_TEXT_H_

#include <string>

#include "absl/status/status.h"
#include "google/rpc/status.pb.h"

namespace seedance::client {

// "CODE: message\n" then one indented line per detail; "" for OK.
std::string DescribeStatus(const absl::Status& status);
std::string DescribeRpcStatus(const google::rpc::Status& status);

}  // namespace seedance::client

#endif  // SEEDANCE_CLIENTS_CPP_STATUS_TEXT_H_
