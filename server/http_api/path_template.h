// PathTemplate: the path part of a google.api.http rule (AIP-127), e.g.
// "/v1/videoTasks/{task_id}:cancel": literal segments, single-segment
// variables ({name}, {name=*}) and an optional custom verb after the last
// segment. Matching a request path gives each variable's (percent-decoded)
// value. Only what the gateway's routes use is supported: multi-segment
// variables ({name=**}) and nested field paths are refused at parse time.
//
//   absl::StatusOr<PathTemplate> t =
//   PathTemplate::Parse("/v1/videoTasks/{task_id}");
//   std::optional<PathTemplate::Bindings> b = t->Match("/v1/videoTasks/abc");
//   // {task_id: abc}
#ifndef SEEDANCE_SERVER_HTTP_API_PATH_TEMPLATE_H_
#define SEEDANCE_SERVER_HTTP_API_PATH_TEMPLATE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace seedance::server::http_api {

class PathTemplate {
 public:
  // (variable, value) pairs in the order the template names them.
  using Bindings = std::vector<std::pair<std::string, std::string>>;

  // INVALID_ARGUMENT for a template that does not start with '/', has an
  // empty segment, an unclosed or empty variable, or a form not supported.
  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // The variables' values if `path` (no query) matches, else nullopt. A
  // value must be a non-empty segment; percent-escapes are decoded.
  std::optional<Bindings> Match(absl::string_view path) const;

  const std::string& text() const { return text_; }

 private:
  struct Segment {
    std::string literal;   // when not a variable
    std::string variable;  // the field it binds, when one
  };
  std::string text_;
  std::vector<Segment> segments_;
  std::string verb_;  // after ':', or empty
};

}  // namespace seedance::server::http_api

#endif  // SEEDANCE_SERVER_HTTP_API_PATH_TEMPLATE_H_
