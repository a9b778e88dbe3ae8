#include "server/http_api/cors.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/http_api/http_errors.h"

namespace seedance::server::http_api {
namespace {

// What a browser page may send, and read back, beyond the simple headers.
constexpr char kAllowedHeaders[] =
    "Authorization, Content-Type, Last-Event-ID, traceparent, Range, If-None-Match";
constexpr char kExposedHeaders[] =
    "traceparent, Retry-After, Content-Range, Content-Length, ETag, Accept-Ranges";

// Adds headers to every answer of the exchange it wraps.
class CorsExchange : public http::Exchange {
 public:
  CorsExchange(std::shared_ptr<http::Exchange> inner, std::vector<http::Header> headers)
      : inner_(std::move(inner)), headers_(std::move(headers)) {}

  void Respond(http::Response response) override { inner_->Respond(With(std::move(response))); }
  void ResetConnection() override { inner_->ResetConnection(); }
  void CloseWithoutResponse() override { inner_->CloseWithoutResponse(); }
  void WriteRawAndClose(std::string bytes) override { inner_->WriteRawAndClose(std::move(bytes)); }
  void Drip(std::string bytes, size_t chunk_bytes, absl::Duration interval) override {
    inner_->Drip(std::move(bytes), chunk_bytes, interval);
  }
  std::shared_ptr<http::ResponseStream> StartStream(http::Response head) override {
    return inner_->StartStream(With(std::move(head)));
  }
  void OnClientGone(std::function<void()> callback) override {
    inner_->OnClientGone(std::move(callback));
  }

 private:
  http::Response With(http::Response response) const {
    response.headers.insert(response.headers.end(), headers_.begin(), headers_.end());
    return response;
  }

  std::shared_ptr<http::Exchange> inner_;
  const std::vector<http::Header> headers_;
};

}  // namespace

bool CorsPolicy::Allows(const http::Request& request) const {
  const std::string* origin = request.FindHeader("Origin");
  if (origin == nullptr) return false;
  return std::any_of(origins_.begin(), origins_.end(), [origin](const std::string& allowed) {
    return allowed == "*" || allowed == *origin;
  });
}

std::vector<http::Header> CorsPolicy::ResponseHeaders(const http::Request& request) const {
  if (!Allows(request)) return {};
  return {{"Access-Control-Allow-Origin", *request.FindHeader("Origin")},
          {"Access-Control-Expose-Headers", kExposedHeaders},
          {"Vary", "Origin"}};
}

http::Response CorsPolicy::Preflight(const http::Request& request,
                                     const std::vector<std::string>& verbs) const {
  const std::string* wanted = request.FindHeader("Access-Control-Request-Method");
  if (!Allows(request)) {
    return ErrorResponse(
        absl::PermissionDeniedError("this origin may not call the gateway (--http_cors_origins)"));
  }
  if (wanted == nullptr || std::find(verbs.begin(), verbs.end(), *wanted) == verbs.end()) {
    return ErrorResponse(
        absl::PermissionDeniedError(absl::StrCat("this path takes ", absl::StrJoin(verbs, ", "))));
  }
  http::Response answer;
  answer.status = 204;
  answer.headers = ResponseHeaders(request);
  answer.headers.push_back({"Access-Control-Allow-Methods", absl::StrJoin(verbs, ", ")});
  answer.headers.push_back({"Access-Control-Allow-Headers", kAllowedHeaders});
  answer.headers.push_back({"Access-Control-Max-Age", "600"});
  return answer;
}

std::shared_ptr<http::Exchange> CorsPolicy::Wrap(const http::Request& request,
                                                 std::shared_ptr<http::Exchange> exchange) const {
  std::vector<http::Header> headers = ResponseHeaders(request);
  if (headers.empty()) return exchange;
  return std::make_shared<CorsExchange>(std::move(exchange), std::move(headers));
}

}  // namespace seedance::server::http_api
