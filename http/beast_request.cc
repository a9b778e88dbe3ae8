#include "http/beast_request.h"

#include <utility>

namespace seedance::http {
namespace {

std::string ToStd(boost::beast::string_view s) { return std::string(s.data(), s.size()); }

}  // namespace

Request ToRequest(boost::beast::http::request<boost::beast::http::string_body> message,
                  std::string remote_address) {
  Request request;
  request.method = ToStd(message.method_string());
  request.target = ToStd(message.target());
  size_t question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  for (const auto& field : message) {
    request.headers.push_back({ToStd(field.name_string()), ToStd(field.value())});
  }
  request.body = std::move(message.body());
  request.remote_address = std::move(remote_address);
  return request;
}

}  // namespace seedance::http
