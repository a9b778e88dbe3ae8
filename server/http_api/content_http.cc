#include "server/http_api/content_http.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/rpc/error_details.pb.h"
#include "server/http_api/http_errors.h"
#include "upstream_api/status_details.h"

namespace seedance::server::http_api {

std::optional<ByteRange> ParseRange(absl::string_view header) {
  absl::string_view spec = absl::StripAsciiWhitespace(header);
  if (!absl::ConsumePrefix(&spec, "bytes=") || absl::StrContains(spec, ',')) return std::nullopt;
  size_t dash = spec.find('-');
  if (dash == absl::string_view::npos || dash == 0) return std::nullopt;  // a suffix: whole file
  int64_t first = 0;
  if (!absl::SimpleAtoi(spec.substr(0, dash), &first) || first < 0) return std::nullopt;
  absl::string_view last_text = spec.substr(dash + 1);
  if (last_text.empty()) return ByteRange{first, 0};
  int64_t last = 0;
  if (!absl::SimpleAtoi(last_text, &last) || last < first) return std::nullopt;
  return ByteRange{first, last - first + 1};
}

std::string ContentETag(absl::string_view sha256) { return absl::StrCat("\"", sha256, "\""); }

http::Response ContentHead(const v1::ContentHeader& header, bool ranged) {
  http::Response head;
  head.status = ranged ? 206 : 200;
  head.headers = {{"Content-Type", header.content_type()},
                  {"Content-Length", absl::StrCat(header.length())},
                  {"Accept-Ranges", "bytes"},
                  {"ETag", ContentETag(header.sha256())},
                  // The caller's own file: a browser may keep it, a shared
                  // cache may not.
                  {"Cache-Control", "private, max-age=3600"}};
  if (ranged) {
    head.headers.push_back({"Content-Range", absl::StrCat("bytes ", header.offset(), "-",
                                                          header.offset() + header.length() - 1,
                                                          "/", header.total_size())});
  }
  return head;
}

StreamFormat::Start ContentFormat::First(const std::string& message) {
  v1::ReadVideoContentResponse first;
  if (!first.ParseFromString(message) || !first.has_header()) {
    return {.instead =
                ErrorResponse(absl::InternalError("the content stream began without a header"))};
  }
  const v1::ContentHeader& header = first.header();
  if (!if_none_match_.empty() &&
      (if_none_match_ == ContentETag(header.sha256()) || if_none_match_ == "*")) {
    http::Response unchanged;
    unchanged.status = 304;
    unchanged.headers = {{"ETag", ContentETag(header.sha256())}};
    return {.instead = std::move(unchanged)};
  }
  if (ranged_ && header.length() == 0 && header.total_size() > 0) {
    // A range that starts at the end names no byte: unsatisfiable.
    http::Response unsatisfiable = ErrorResponse(absl::OutOfRangeError(
        absl::StrCat("the range starts at byte ", header.offset(), ", the end of the file")));
    unsatisfiable.status = 416;
    unsatisfiable.headers.push_back(
        {"Content-Range", absl::StrCat("bytes */", header.total_size())});
    return {.instead = std::move(unsatisfiable)};
  }
  return {.head = ContentHead(header, ranged_), .bytes = ""};
}

std::string ContentFormat::Next(const std::string& message) {
  v1::ReadVideoContentResponse chunk;
  if (!chunk.ParseFromString(message)) return "";
  return std::string(chunk.chunk().data());
}

http::Response ContentFormat::Ended(const google::rpc::Status& status) {
  http::Response answer = ErrorResponse(status);
  if (status.code() == static_cast<int>(absl::StatusCode::kOutOfRange)) {
    // Past the end: 416, with the size (from the ErrorInfo) as RFC 9110 says.
    answer.status = 416;
    std::optional<google::rpc::ErrorInfo> info =
        upstream_api::GetDetail<google::rpc::ErrorInfo>(upstream_api::FromRpcStatus(status));
    if (info.has_value() && info->metadata().contains("size")) {
      answer.headers.push_back(
          {"Content-Range", absl::StrCat("bytes */", info->metadata().at("size"))});
    }
  }
  return answer;
}

std::string ContentFormat::FailedAfterStart(const google::rpc::Status&) { return ""; }

}  // namespace seedance::server::http_api
