// HostResolver: turns a host name into the addresses it stands for (DNS,
// /etc/hosts, ...), asynchronously. The URL guard (url_guard.h) resolves the
// hosts of callers' URLs through it; tests use a fake that answers from a
// table.
//
//   resolver.Resolve("hooks.example.com",
//                    [](absl::StatusOr<std::vector<IpAddress>> addresses) {
//                      // on a resolver thread, or at once on the caller's
//                    });
#ifndef SEEDANCE_SERVER_ADMISSION_HOST_RESOLVER_H_
#define SEEDANCE_SERVER_ADMISSION_HOST_RESOLVER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/admission/address_class.h"

namespace seedance::server::admission {

class HostResolver {
 public:
  using Done = std::function<void(absl::StatusOr<std::vector<IpAddress>>)>;

  virtual ~HostResolver() = default;

  // Resolves `host` (a name; literal addresses need no resolver). `done`
  // runs exactly once, on a thread of the resolver or on the calling thread
  // (it must not block), with every address of the host, or:
  //   kNotFound     the name does not exist or has no address (permanent);
  //   kUnavailable  the lookup failed for now (timeout, server failure,
  //                 too many lookups queued, shutting down): retry later.
  // Thread-safe.
  virtual void Resolve(std::string host, Done done) = 0;
};

}  // namespace seedance::server::admission

#endif  // SEEDANCE_SERVER_ADMISSION_HOST_RESOLVER_H_
