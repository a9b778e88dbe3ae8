// A kept result file over HTTP (GET /v1/videoTasks/{task_id}/content): the
// ReadVideoContent stream as the file's bytes, with what browsers and
// download tools expect: Range (one "bytes=a-b" or "bytes=a-") answered 206
// with Content-Range, Accept-Ranges, Content-Length, an ETag from the
// SHA-256 (If-None-Match answered 304), 416 for a range past the end. Usable
// as a <video src> (the token then as ?access_token=, see http_api.h).
//
//   std::optional<ByteRange> range = ParseRange(*request.FindHeader("Range"));
//   request.set_offset(range->offset); request.set_length(range->length);
//   auto format = std::make_unique<ContentFormat>(range.has_value(), if_none_match);
#ifndef SEEDANCE_SERVER_HTTP_API_CONTENT_HTTP_H_
#define SEEDANCE_SERVER_HTTP_API_CONTENT_HTTP_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "seedance/v1/video_gateway.pb.h"
#include "server/http_api/stream_call.h"

namespace seedance::server::http_api {

struct ByteRange {
  int64_t offset = 0;
  int64_t length = 0;  // 0: to the end
};

// The one range of a Range header ("bytes=100-199", "bytes=100-"); nullopt
// for none or a form not served (a suffix "bytes=-500", several ranges,
// garbage: the whole file is sent, as RFC 9110 allows).
std::optional<ByteRange> ParseRange(absl::string_view header);

// "\"<sha256>\"": the ETag of a file with that digest.
std::string ContentETag(absl::string_view sha256);

// The head of the answer for `header` (206 with Content-Range when `ranged`).
http::Response ContentHead(const v1::ContentHeader& header, bool ranged);

class ContentFormat : public StreamFormat {
 public:
  // `ranged`: the request had a Range served. `if_none_match`: its
  // If-None-Match header ("" if none).
  ContentFormat(bool ranged, std::string if_none_match)
      : ranged_(ranged), if_none_match_(std::move(if_none_match)) {}

  Start First(const std::string& message) override;
  std::string Next(const std::string& message) override;
  http::Response Ended(const google::rpc::Status& status) override;
  // Nothing: the body falls short of its Content-Length, which clients see.
  std::string FailedAfterStart(const google::rpc::Status& status) override;

 private:
  const bool ranged_;
  const std::string if_none_match_;
};

}  // namespace seedance::server::http_api

#endif  // SEEDANCE_SERVER_HTTP_API_CONTENT_HTTP_H_
