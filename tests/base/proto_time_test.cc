#include "base/proto_time.h"

#include "gtest/gtest.h"

namespace seedance {
namespace {

TEST(ProtoTimeTest, TimestampsRoundTripWithNanosInRange) {
  const absl::Time cases[] = {
      absl::UnixEpoch(),
      absl::FromUnixSeconds(1766361600),
      absl::FromUnixSeconds(1766361600) + absl::Nanoseconds(123456789),
      // Before the epoch: seconds go down, nanos stay positive.
      absl::UnixEpoch() - absl::Milliseconds(1500),
  };
  for (absl::Time t : cases) {
    SCOPED_TRACE(absl::FormatTime(t));
    google::protobuf::Timestamp proto;
    SetProtoTime(t, &proto);
    EXPECT_GE(proto.nanos(), 0);
    EXPECT_LT(proto.nanos(), 1000000000);
    EXPECT_EQ(FromProtoTime(proto), t);
  }
  google::protobuf::Timestamp before;
  SetProtoTime(absl::UnixEpoch() - absl::Milliseconds(1500), &before);
  EXPECT_EQ(before.seconds(), -2);
  EXPECT_EQ(before.nanos(), 500000000);
}

TEST(ProtoTimeTest, DurationsRoundTripWithSecondsAndNanosOfOneSign) {
  struct Case {
    absl::Duration d;
    int64_t seconds;
    int32_t nanos;
  };
  const Case cases[] = {
      {absl::ZeroDuration(), 0, 0},
      {absl::Milliseconds(1500), 1, 500000000},
      {absl::Seconds(90), 90, 0},
      {-absl::Milliseconds(1500), -1, -500000000},
      {absl::Nanoseconds(7), 0, 7},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::FormatDuration(c.d));
    google::protobuf::Duration proto;
    SetProtoDuration(c.d, &proto);
    EXPECT_EQ(proto.seconds(), c.seconds);
    EXPECT_EQ(proto.nanos(), c.nanos);
    EXPECT_EQ(FromProtoDuration(proto), c.d);
  }
}

}  // namespace
}  // namespace seedance
