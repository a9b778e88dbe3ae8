#include "base/proto_time.h"

#include <cstdint>

namespace seedance {

absl::Time FromProtoTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

void SetProtoTime(absl::Time t, google::protobuf::Timestamp* to) {
  // ToUnixSeconds rounds towards the past, so the remainder is never negative.
  int64_t seconds = absl::ToUnixSeconds(t);
  to->set_seconds(seconds);
  to->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

absl::Duration FromProtoDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

void SetProtoDuration(absl::Duration d, google::protobuf::Duration* to) {
  // IDivDuration truncates towards zero: the remainder has the sign of `d`.
  absl::Duration rest;
  to->set_seconds(absl::IDivDuration(d, absl::Seconds(1), &rest));
  to->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(rest)));
}

}  // namespace seedance
