#include "mock_upstream/media.h"

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/const_init.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "http/http_url.h"
#include "mock_upstream/embedded_assets.h"

namespace seedance::mock_upstream {
namespace {

constexpr absl::string_view kMediaPrefix = "/seedance/";

// The `free` box that pads the sample to `total` bytes: its size, its type,
// then filler from a fixed xorshift sequence (not all zeros, so that a
// transfer that compresses or drops a run of bytes shows in the digest).
std::string FreeBox(uint32_t total) {
  std::string box;
  box.reserve(total);
  for (int shift = 24; shift >= 0; shift -= 8) box.push_back(static_cast<char>(total >> shift));
  box.append("free");
  uint64_t x = 0x9E3779B97F4A7C15ull;
  while (box.size() < total) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    box.push_back(static_cast<char>(x >> 56));
  }
  return box;
}

// The link's ?expires= in unix seconds, if it has one.
std::optional<int64_t> ExpiresOf(absl::string_view query) {
  const std::vector<http::QueryParam> params = http::ParseQuery(query);
  const std::string* text = http::FindQueryParam(params, "expires");
  int64_t seconds = 0;
  if (text == nullptr || !absl::SimpleAtoi(*text, &seconds)) return std::nullopt;
  return seconds;
}

}  // namespace

int64_t MinVideoBytes() { return static_cast<int64_t>(SampleVideo().size()) + 8; }

absl::StatusOr<std::shared_ptr<const std::string>> VideoOfSize(int64_t bytes) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* made = new std::map<int64_t, std::shared_ptr<const std::string>>();
  if (bytes != 0 && (bytes < MinVideoBytes() || bytes >= (int64_t{1} << 32))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "video_bytes must be 0 (the sample) or from ", MinVideoBytes(), " to 4 GiB"));
  }
  absl::MutexLock lock(&mu);
  std::shared_ptr<const std::string>& video = (*made)[bytes];
  if (video == nullptr) {
    std::string file(SampleVideo());
    if (bytes != 0) file += FreeBox(static_cast<uint32_t>(bytes - file.size()));
    video = std::make_shared<const std::string>(std::move(file));
  }
  return video;
}

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

http::Response ServeMedia(const http::Request& request, const MediaSettings& settings) {
  if (!IsMediaPath(request.path) || (request.method != "GET" && request.method != "HEAD")) {
    return http::MakeResponse(404, "text/plain", "not found\n");
  }
  if (std::optional<int64_t> expires = ExpiresOf(request.query);
      expires.has_value() && settings.now >= absl::FromUnixSeconds(*expires)) {
    // What a CDN's signed link answers once it expired.
    return http::MakeResponse(
        403, "application/xml",
        "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>\n");
  }
  bool video = absl::EndsWith(request.path, ".mp4");
  std::shared_ptr<const std::string> sized;
  if (video && settings.video_bytes != 0) {
    absl::StatusOr<std::shared_ptr<const std::string>> made = VideoOfSize(settings.video_bytes);
    if (made.ok()) sized = *std::move(made);
  }
  absl::string_view file = sized != nullptr ? absl::string_view(*sized)
                           : video          ? SampleVideo()
                                            : SampleLastFrame();
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
