// MockMetrics: the mock's own Prometheus metrics, counted from its journal
// (Journal::SetObserver), so that they say what the journal says and a test
// harness or a dashboard can read them at GET /metrics:
//
//   seedance_mock_requests_received_total{route}         as they arrive
//   seedance_mock_requests_total{route,status,error_code,fault}
//                                                        as they are answered
//   seedance_mock_task_transitions_total{status}         tasks' status changes
//   seedance_mock_callbacks_total{outcome}               callback attempts
//
// route is videos, tasks, media or other; status the HTTP status ("none"
// when the client left before a held answer); error_code the documented
// error code of an error envelope, or "none"; fault the injected fault, or
// "none". Together, error_code and fault are the scenario a call met. Every
// label comes from a closed list ("other" for anything else): no task id,
// token or URL is ever a label.
//
//   MockMetrics metrics(journal);
//   journal.SetObserver([&](const JournalEntry& e) { metrics.Count(e); });
//   std::string body = metrics.Exposition();
//
// Thread-safe.
#ifndef SEEDANCE_MOCK_UPSTREAM_MOCK_METRICS_H_
#define SEEDANCE_MOCK_UPSTREAM_MOCK_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "mock_upstream/journal.h"

namespace seedance::mock_upstream {

// The Content-Type of MockMetrics::Exposition (Prometheus text format 0.0.4).
inline constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// The path the mock serves its metrics at.
inline constexpr char kMetricsPath[] = "/metrics";

// The route label of a request: "videos", "tasks", "media" or "other".
absl::string_view RouteLabel(absl::string_view method, absl::string_view path);

// A value as it may appear in a label: itself if in `known`, else "other";
// "none" for "".
absl::string_view BoundedLabel(absl::string_view value,
                               std::initializer_list<absl::string_view> known);

class MockMetrics {
 public:
  // `journal` (whose entries' requests the answers are looked up in) must
  // outlive the metrics.
  explicit MockMetrics(const Journal& journal);

  MockMetrics(const MockMetrics&) = delete;
  MockMetrics& operator=(const MockMetrics&) = delete;

  // Counts what `entry` records, if anything.
  void Count(const JournalEntry& entry);

  // The text exposition of every metric.
  std::string Exposition() const;

 private:
  void CountResponse(const JournalEntry& entry);

  const Journal& journal_;
  prometheus::Registry registry_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& answered_;
  prometheus::Family<prometheus::Counter>& transitions_;
  prometheus::Family<prometheus::Counter>& callbacks_;
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_MOCK_METRICS_H_
