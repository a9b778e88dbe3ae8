#include "mock_upstream/media.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "mock_upstream/embedded_assets.h"

namespace seedance::mock_upstream {
namespace {

constexpr absl::string_view kMediaPrefix = "/seedance/";

}  // namespace

absl::string_view SampleVideo() {
  return absl::string_view(reinterpret_cast<const char*>(kSampleMp4), kSampleMp4Size);
}

absl::string_view SampleLastFrame() {
  return absl::string_view(reinterpret_cast<const char*>(kLastFramePng),
                           kLastFramePngSize);
}

bool IsMediaPath(absl::string_view path) {
  if (!absl::StartsWith(path, kMediaPrefix)) return false;
  absl::string_view name = path.substr(kMediaPrefix.size());
  return name.find('/') == absl::string_view::npos && name.size() > 4 &&
         (absl::EndsWith(name, ".mp4") || absl::EndsWith(name, ".png"));
}

RangeSelection SelectRange(absl::string_view range_header, size_t size) {
  RangeSelection whole;
  RangeSelection unsatisfiable{RangeSelection::kUnsatisfiable};
  absl::string_view spec = absl::StripAsciiWhitespace(range_header);
  if (!absl::ConsumePrefix(&spec, "bytes=") || absl::StrContains(spec, ',')) return whole;
  size_t dash = spec.find('-');
  if (dash == absl::string_view::npos) return whole;
  absl::string_view first_text = absl::StripAsciiWhitespace(spec.substr(0, dash));
  absl::string_view last_text = absl::StripAsciiWhitespace(spec.substr(dash + 1));
  uint64_t first = 0;
  uint64_t last = 0;
  if (first_text.empty()) {  // a suffix: the last N bytes
    if (!absl::SimpleAtoi(last_text, &last)) return whole;
    if (last == 0 || size == 0) return unsatisfiable;
    return {RangeSelection::kPart, static_cast<size_t>(size - std::min<uint64_t>(last, size)),
            size - 1};
  }
  if (!absl::SimpleAtoi(first_text, &first)) return whole;
  if (!last_text.empty() && (!absl::SimpleAtoi(last_text, &last) || last < first)) {
    return whole;
  }
  if (first >= size) return unsatisfiable;
  size_t end = last_text.empty() ? size - 1
                                 : static_cast<size_t>(std::min<uint64_t>(last, size - 1));
  return {RangeSelection::kPart, static_cast<size_t>(first), end};
}

http::Response ServeMedia(const http::Request& request) {
  if (!IsMediaPath(request.path) || (request.method != "GET" && request.method != "HEAD")) {
    return http::MakeResponse(404, "text/plain", "not found\n");
  }
  bool video = absl::EndsWith(request.path, ".mp4");
  absl::string_view file = video ? SampleVideo() : SampleLastFrame();
  http::Response response;
  response.headers = {{"Content-Type", video ? "video/mp4" : "image/png"},
                      {"Accept-Ranges", "bytes"},
                      {"Cache-Control", "public, max-age=86400"}};
  const std::string* range = request.FindHeader("Range");
  RangeSelection selected =
      range == nullptr ? RangeSelection{} : SelectRange(*range, file.size());
  if (selected.kind == RangeSelection::kWhole) {
    response.status = 200;
    response.body = std::string(file);
    return response;
  }
  if (selected.kind == RangeSelection::kUnsatisfiable) {
    response.status = 416;
    response.headers.push_back({"Content-Range", absl::StrCat("bytes */", file.size())});
    return response;
  }
  size_t first = selected.first;
  size_t last = selected.last;
  response.status = 206;
  response.headers.push_back(
      {"Content-Range", absl::StrCat("bytes ", first, "-", last, "/", file.size())});
  response.body = std::string(file.substr(first, last - first + 1));
  return response;
}

}  // namespace seedance::mock_upstream
