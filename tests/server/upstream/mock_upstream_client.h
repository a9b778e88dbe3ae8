// A GoogleMock UpstreamClient. Tests keep the `done` callbacks (SaveArg)
// and complete calls when they choose, as the real client would later.
#ifndef SEEDANCE_TESTS_SERVER_UPSTREAM_MOCK_UPSTREAM_CLIENT_H_
#define SEEDANCE_TESTS_SERVER_UPSTREAM_MOCK_UPSTREAM_CLIENT_H_

#include <functional>
#include <string>

#include "gmock/gmock.h"
#include "server/upstream/upstream_client.h"

namespace seedance::server::upstream {

class MockUpstreamClient : public UpstreamClient {
 public:
  MOCK_METHOD(CallId, Submit,
              (const seedance::upstream::v1::VideosRequest& request, const CallContext& context,
               absl::Duration timeout,
               std::function<void(absl::StatusOr<SubmitResult>)> done),
              (override));
  MOCK_METHOD(CallId, Retrieve,
              (const std::string& upstream_task_id, const CallContext& context,
               absl::Duration timeout,
               std::function<void(absl::StatusOr<seedance::upstream::v1::TaskRecord>)> done),
              (override));
  MOCK_METHOD(void, Cancel, (CallId id), (override));
};

}  // namespace seedance::server::upstream

#endif  // SEEDANCE_TESTS_SERVER_UPSTREAM_MOCK_UPSTREAM_CLIENT_H_
