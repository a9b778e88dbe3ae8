#include "http/curl/http_transport.h"

#include "absl/strings/cord.h"

namespace seedance::http::curl {
namespace {

constexpr absl::string_view kNeverSentPayload =
    "type.seedance.dev/seedance.server.RequestNeverSent";

}  // namespace

const std::string* HttpReply::FindHeader(absl::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

absl::Status MarkRequestNeverSent(absl::Status status) {
  status.SetPayload(kNeverSentPayload, absl::Cord("1"));
  return status;
}

bool RequestNeverSent(const absl::Status& status) {
  return status.GetPayload(kNeverSentPayload).has_value();
}

}  // namespace seedance::http::curl
