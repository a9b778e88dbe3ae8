#include "mock_upstream/replies.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/random_id.h"
#include "base/utf8.h"
#include "seedance/upstream/v1/videos.pb.h"
#include "upstream_api/upstream_json.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {
namespace {

constexpr char kHtml502[] =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n";

}  // namespace

int HttpStatusOfError(absl::string_view code) {
  if (code == upstream_api::kErrorInvalidToken) return 401;
  if (code == upstream_api::kErrorTooManyRequests) return 429;
  if (code == upstream_api::kErrorApiError) return 500;
  return 400;  // token_mismatched, api_not_implemented
}

http::Response ErrorReply(absl::string_view code, absl::string_view message,
                          absl::Duration retry_after) {
  upstream::v1::ErrorResponse error;
  error.set_success(false);
  error.mutable_error()->set_code(std::string(code));
  // Messages may quote the client's bytes (a path, a value); a proto3
  // string must be UTF-8 or the JSON written from it is not JSON (found by
  // fuzz/mock_http_fuzzer).
  error.mutable_error()->set_message(ToValidUtf8(message));
  error.set_trace_id(NewUuid());
  http::Response response = JsonReply(HttpStatusOfError(code), error);
  if (code == upstream_api::kErrorTooManyRequests) {
    int64_t seconds = std::max<int64_t>(
        1, static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(retry_after))));
    response.headers.push_back({"Retry-After", absl::StrCat(seconds)});
  }
  return response;
}

http::Response JsonReply(int status, const google::protobuf::Message& message) {
  return RawJsonReply(status, upstream_api::ToWireJson(message));
}

http::Response RawJsonReply(int status, std::string json) {
  return http::MakeResponse(status, "application/json", std::move(json));
}

void DeliverFault(Fault fault, http::Response intended, DripPace pace,
                  http::Exchange& exchange) {
  switch (fault) {
    case Fault::kNone:
      exchange.Respond(std::move(intended));
      return;
    case Fault::kReset:
      exchange.ResetConnection();
      return;
    case Fault::kEmptyReply:
      exchange.CloseWithoutResponse();
      return;
    case Fault::kTruncated: {
      // The full Content-Length, half the body.
      std::string wire = http::SerializeResponse(intended);
      size_t body_start = wire.size() - intended.body.size();
      exchange.WriteRawAndClose(wire.substr(0, body_start + intended.body.size() / 2));
      return;
    }
    case Fault::kMalformedJson: {
      intended.status = 200;
      intended.body.resize(intended.body.size() / 2);
      exchange.Respond(std::move(intended));
      return;
    }
    case Fault::kHtml502:
      exchange.Respond(http::MakeResponse(502, "text/html", kHtml502));
      return;
    case Fault::kSlowDrip:
      exchange.Drip(http::SerializeResponse(intended), pace.chunk_bytes, pace.interval);
      return;
  }
}

absl::string_view FaultName(Fault fault) {
  switch (fault) {
    case Fault::kNone: return "";
    case Fault::kReset: return "reset";
    case Fault::kEmptyReply: return "empty_reply";
    case Fault::kTruncated: return "truncated";
    case Fault::kMalformedJson: return "malformed_json";
    case Fault::kHtml502: return "html_502";
    case Fault::kSlowDrip: return "slow_drip";
  }
  return "";
}

}  // namespace seedance::mock_upstream
