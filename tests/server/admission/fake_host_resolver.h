// FakeHostResolver: a HostResolver that answers from a table the test fills,
// at once or (with `defer`) when the test calls Flush(). Names not in the
// table are NOT_FOUND. Single-threaded: callbacks run on the test's thread.
//
//   FakeHostResolver resolver;
//   resolver.SetAddresses("hooks.example", {"10.0.0.1"});
//   resolver.Set("flaky.example", absl::UnavailableError("EAI_AGAIN"));
#ifndef SEEDANCE_TESTS_SERVER_ADMISSION_FAKE_HOST_RESOLVER_H_
#define SEEDANCE_TESTS_SERVER_ADMISSION_FAKE_HOST_RESOLVER_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/admission/host_resolver.h"

namespace seedance::server::admission {

class FakeHostResolver : public HostResolver {
 public:
  void Set(const std::string& host, absl::StatusOr<std::vector<IpAddress>> answer) {
    answers_.insert_or_assign(host, std::move(answer));
  }
  // `addresses` as text; each must parse.
  void SetAddresses(const std::string& host, const std::vector<std::string>& addresses) {
    std::vector<IpAddress> parsed;
    for (const std::string& a : addresses) parsed.push_back(*IpAddress::Parse(a));
    Set(host, std::move(parsed));
  }

  void Resolve(std::string host, Done done) override {
    asked.push_back(host);
    if (defer) {
      deferred_.emplace_back(std::move(host), std::move(done));
      return;
    }
    done(AnswerFor(host));
  }

  // Answers every deferred lookup, in order.
  void Flush() {
    std::vector<std::pair<std::string, Done>> now;
    now.swap(deferred_);
    for (auto& [host, done] : now) done(AnswerFor(host));
  }

  // Hold lookups until Flush().
  bool defer = false;
  // Every name asked for, in order.
  std::vector<std::string> asked;

 private:
  absl::StatusOr<std::vector<IpAddress>> AnswerFor(const std::string& host) const {
    auto it = answers_.find(host);
    if (it == answers_.end()) {
      return absl::NotFoundError(absl::StrCat("cannot resolve \"", host, "\": unknown name"));
    }
    return it->second;
  }

  std::map<std::string, absl::StatusOr<std::vector<IpAddress>>> answers_;
  std::vector<std::pair<std::string, Done>> deferred_;
};

}  // namespace seedance::server::admission

#endif  // SEEDANCE_TESTS_SERVER_ADMISSION_FAKE_HOST_RESOLVER_H_
