#include "server/admin/admin_server.h"

#include <utility>

namespace seedance::server::admin {

absl::StatusOr<std::unique_ptr<AdminServer>> AdminServer::Start(const std::string& address,
                                                                int port, AdminSources sources) {
  std::unique_ptr<AdminServer> admin(new AdminServer(std::move(sources)));
  http::ServerOptions options;
  options.address = address;
  options.port = port;
  options.max_body_bytes = 4096;  // nothing here takes a body
  options.header_timeout = absl::Seconds(10);
  options.max_connections = 64;
  absl::StatusOr<std::unique_ptr<http::Server>> server = http::Server::Start(
      options, [a = admin.get()](http::Request request, std::shared_ptr<http::Exchange> exchange) {
        exchange->Respond(AnswerAdmin(request, a->sources_));
      });
  if (!server.ok()) return server.status();
  admin->server_ = *std::move(server);
  return admin;
}

}  // namespace seedance::server::admin
