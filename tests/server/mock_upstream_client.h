// A GoogleMock UpstreamClient. Tests keep the `done` callbacks (SaveArg)
// and complete calls when they choose, as the real client would later.
#ifndef SEEDANCE_TESTS_SERVER_MOCK_UPSTREAM_CLIENT_H_
#define SEEDANCE_TESTS_SERVER_MOCK_UPSTREAM_CLIENT_H_

#include <functional>
#include <string>

#include "gmock/gmock.h"
#include "server/upstream_client.h"

namespace seedance::server {

class MockUpstreamClient : public UpstreamClient {
 public:
  MOCK_METHOD(CallId, Submit,
              (const upstream::v1::VideosRequest& request, const std::string& token,
               absl::Duration timeout,
               std::function<void(absl::StatusOr<SubmitResult>)> done),
              (override));
  MOCK_METHOD(CallId, Retrieve,
              (const std::string& upstream_task_id, const std::string& token,
               absl::Duration timeout,
               std::function<void(absl::StatusOr<upstream::v1::TaskRecord>)> done),
              (override));
  MOCK_METHOD(void, Cancel, (CallId id), (override));
};

}  // namespace seedance::server

#endif  // SEEDANCE_TESTS_SERVER_MOCK_UPSTREAM_CLIENT_H_
