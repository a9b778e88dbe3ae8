#include "server/admission/getaddrinfo_resolver.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"

namespace seedance::server::admission {
namespace {

struct AddrinfoDeleter {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};

// getaddrinfo's error as a Status, by retry meaning.
absl::Status LookupError(int code, const std::string& host) {
  std::string what = absl::StrCat("cannot resolve \"", host, "\": ", gai_strerror(code));
  switch (code) {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY:
#endif
    case EAI_FAIL:  // a permanent failure of the name server for this name
      return absl::NotFoundError(what);
    default:  // EAI_AGAIN (timeout, SERVFAIL), EAI_MEMORY, EAI_SYSTEM, ...
      return absl::UnavailableError(what);
  }
}

}  // namespace

GetaddrinfoResolver::GetaddrinfoResolver(Options options) : options_(options) {
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    threads_.emplace_back([this] { WorkerMain(); });
  }
}

GetaddrinfoResolver::~GetaddrinfoResolver() { Stop(); }

absl::StatusOr<std::vector<IpAddress>> GetaddrinfoResolver::ResolveNow(
    const std::string& host) {
  addrinfo hints = {};
  // Both families, without AI_ADDRCONFIG: every address the name has is
  // checked, not only those this host could use today.
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  int code = getaddrinfo(host.c_str(), nullptr, &hints, &raw);
  std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
  if (code != 0) return LookupError(code, host);
  std::vector<IpAddress> addresses;
  for (const addrinfo* info = list.get(); info != nullptr; info = info->ai_next) {
    if (info->ai_addr == nullptr) continue;
    std::optional<IpAddress> ip = IpAddress::FromSockaddr(*info->ai_addr);
    if (ip.has_value() && std::find(addresses.begin(), addresses.end(), *ip) == addresses.end()) {
      addresses.push_back(*ip);
    }
  }
  if (addresses.empty()) {
    return absl::NotFoundError(absl::StrCat("\"", host, "\" has no IP address"));
  }
  return addresses;
}

void GetaddrinfoResolver::Resolve(std::string host, Done done) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      refused = absl::UnavailableError("the resolver is shutting down");
    } else if (queue_.size() >= options_.max_queued) {
      refused = absl::UnavailableError(
          absl::StrCat("too many host name lookups in progress; cannot resolve \"", host,
                       "\" now"));
    } else {
      queue_.emplace_back(std::move(host), std::move(done));
      return;
    }
  }
  done(refused);
}

void GetaddrinfoResolver::WorkerMain() {
  while (true) {
    std::pair<std::string, Done> job;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &GetaddrinfoResolver::HasWorkOrStopping));
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job.second(ResolveNow(job.first));
  }
}

bool GetaddrinfoResolver::HasWorkOrStopping() const { return stopping_ || !queue_.empty(); }

void GetaddrinfoResolver::Stop() {
  std::deque<std::pair<std::string, Done>> dropped;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  for (auto& [host, done] : dropped) {
    done(absl::UnavailableError(
        absl::StrCat("the resolver stopped before resolving \"", host, "\"")));
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

}  // namespace seedance::server::admission
