// Conversions between Abseil's time types and protobuf's well-known
// Timestamp and Duration, written once for every module that stores or sends
// times (task records, heartbeats, RetryInfo).
//
//   SetProtoTime(clock.Now(), task.mutable_create_time());
//   absl::Time created = FromProtoTime(task.create_time());
//   SetProtoDuration(absl::Milliseconds(1500), retry.mutable_retry_delay());
#ifndef SEEDANCE_BASE_PROTO_TIME_H_
#define SEEDANCE_BASE_PROTO_TIME_H_

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include "absl/time/time.h"

namespace seedance {

// The instant of `t`.
absl::Time FromProtoTime(const google::protobuf::Timestamp& t);

// Sets `to` to `t` (nanos in [0, 1e9), as protobuf requires).
void SetProtoTime(absl::Time t, google::protobuf::Timestamp* to);

// The length of `d`.
absl::Duration FromProtoDuration(const google::protobuf::Duration& d);

// Sets `to` to `d` (seconds and nanos of the same sign, as protobuf
// requires).
void SetProtoDuration(absl::Duration d, google::protobuf::Duration* to);

}  // namespace seedance

#endif  // SEEDANCE_BASE_PROTO_TIME_H_
