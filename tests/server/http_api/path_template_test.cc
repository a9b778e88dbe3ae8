// PathTemplate, table-driven: what parses, what matches and what it binds.
#include "server/http_api/path_template.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::http_api {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Pair;

TEST(PathTemplateTest, RefusesWhatItCannotServe) {
  for (const char* text : {"v1/tasks", "/v1//tasks", "/v1/{task_id", "/v1/{}", "/v1/{a.b}",
                           "/v1/{name=**}", "/v1/{name=tasks/*}", "/v1/x{id}", "/v1/tasks:"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(PathTemplate::Parse(text), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST(PathTemplateTest, MatchesAndBinds) {
  struct Case {
    std::string text;
    std::string path;
    std::optional<PathTemplate::Bindings> bindings;
  };
  const std::vector<Case> cases = {
      {"/v1/videoTasks", "/v1/videoTasks", PathTemplate::Bindings{}},
      {"/v1/videoTasks", "/v1/videoTasks/", std::nullopt},
      {"/v1/videoTasks", "/v1/videoTasks:createAndWatch", std::nullopt},
      {"/v1/videoTasks:createAndWatch", "/v1/videoTasks:createAndWatch", PathTemplate::Bindings{}},
      {"/v1/videoTasks:createAndWatch", "/v1/videoTasks", std::nullopt},
      {"/v1/videoTasks/{task_id}", "/v1/videoTasks/abc",
       PathTemplate::Bindings{{"task_id", "abc"}}},
      {"/v1/videoTasks/{task_id=*}", "/v1/videoTasks/abc",
       PathTemplate::Bindings{{"task_id", "abc"}}},
      {"/v1/videoTasks/{task_id}", "/v1/videoTasks/a%20b",
       PathTemplate::Bindings{{"task_id", "a b"}}},
      {"/v1/videoTasks/{task_id}", "/v1/videoTasks/a%2",
       PathTemplate::Bindings{{"task_id", "a%2"}}},
      {"/v1/videoTasks/{task_id}", "/v1/videoTasks/", std::nullopt},
      {"/v1/videoTasks/{task_id}", "/v1/videoTasks/abc/content", std::nullopt},
      // A ':' at the end is a custom verb this template has not.
      {"/v1/videoTasks/{task_id}", "/v1/videoTasks/abc:cancel", std::nullopt},
      {"/v1/videoTasks/{task_id}:cancel", "/v1/videoTasks/abc:cancel",
       PathTemplate::Bindings{{"task_id", "abc"}}},
      {"/v1/videoTasks/{task_id}:cancel", "/v1/videoTasks/abc:watch", std::nullopt},
      {"/v1/videoTasks/{task_id}:cancel", "/v1/videoTasks/abc", std::nullopt},
      {"/v1/videoTasks/{task_id}/content", "/v1/videoTasks/abc/content",
       PathTemplate::Bindings{{"task_id", "abc"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text + " " + c.path);
    absl::StatusOr<PathTemplate> parsed = PathTemplate::Parse(c.text);
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(parsed->Match(c.path), c.bindings);
  }
}

}  // namespace
}  // namespace seedance::server::http_api
