// AdminEndpoint: the mock's control plane for tests, under /__mock/ (see
// docs/testing-with-the-mock.md, "The mock upstream"): health, the journal and a wait on it,
// reset, the run-time config, token rules, and the scenario list. It works
// through MockState's public interface only, as the API endpoints do.
// Answers are JSON (JsonWriter); bodies are read with protobuf's JSON
// parser into google.protobuf.Struct. Admin calls are not journaled.
//
//   AdminEndpoint admin(state);
//   admin.Handle(request, exchange);  // GET /__mock/journal?kind=callback
//
// Thread-safe.
#ifndef SEEDANCE_MOCK_UPSTREAM_ADMIN_ENDPOINT_H_
#define SEEDANCE_MOCK_UPSTREAM_ADMIN_ENDPOINT_H_

#include <memory>

#include "http/exchange.h"
#include "http/http_message.h"
#include "mock_upstream/mock_state.h"

namespace seedance::mock_upstream {

// The admin API's paths start with this.
inline constexpr char kAdminPrefix[] = "/__mock/";

class AdminEndpoint {
 public:
  // `state` must outlive the endpoint.
  explicit AdminEndpoint(MockState& state) : state_(state) {}

  // Answers `request` (a path under kAdminPrefix), or 404 naming it; a
  // journal wait is answered later, from the admin scheduler or the journal.
  void Handle(const http::Request& request, std::shared_ptr<http::Exchange> exchange);

 private:
  void HandleJournalWait(const http::Request& request,
                         std::shared_ptr<http::Exchange> exchange);
  http::Response HandleConfig(const http::Request& request);
  http::Response HandleRules(const http::Request& request);

  MockState& state_;
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_ADMIN_ENDPOINT_H_
