// AdminServer: the admin HTTP port (--admin_listen) on the project's own
// HTTP server (http/http_server.h), one IO thread, serving admin_routes.h.
// Meant for loopback or a private network: it has no authentication, and
// shows nothing secret (metric labels are bounded and hold no ids, tokens
// or URLs).
//
//   absl::StatusOr<std::unique_ptr<AdminServer>> admin =
//       AdminServer::Start("127.0.0.1", 9090, sources);
//   int port = (*admin)->port();
#ifndef SEEDANCE_SERVER_ADMIN_ADMIN_SERVER_H_
#define SEEDANCE_SERVER_ADMIN_ADMIN_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "http/http_server.h"
#include "server/admin/admin_routes.h"

namespace seedance::server::admin {

class AdminServer {
 public:
  // Listens on `address`:`port` (0 picks one). Errors: the address cannot
  // be parsed or bound.
  static absl::StatusOr<std::unique_ptr<AdminServer>> Start(const std::string& address, int port,
                                                            AdminSources sources);
  int port() const { return server_->port(); }
  // Closes the port; also done by the destructor.
  void Shutdown() { server_->Shutdown(); }

 private:
  explicit AdminServer(AdminSources sources) : sources_(std::move(sources)) {}
  const AdminSources sources_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace seedance::server::admin

#endif  // SEEDANCE_SERVER_ADMIN_ADMIN_SERVER_H_
