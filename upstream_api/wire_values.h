// The closed sets and ranges of the upstream REST API, as the provider's guide
// states them (shared/upstream-api/). One place, so that the validator, the
// inline parameter parser, the mock and the gateway's enum mapping agree.
#ifndef SEEDANCE_UPSTREAM_API_WIRE_VALUES_H_
#define SEEDANCE_UPSTREAM_API_WIRE_VALUES_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include "absl/strings/string_view.h"

namespace seedance::upstream_api {

inline constexpr std::array<absl::string_view, 3> kResolutions = {
    "480p", "720p", "1080p"};
inline constexpr std::array<absl::string_view, 7> kRatios = {
    "16:9", "4:3", "1:1", "3:4", "9:16", "21:9", "adaptive"};
inline constexpr std::array<absl::string_view, 2> kServiceTiers = {"default",
                                                                   "flex"};
inline constexpr absl::string_view kRoleFirstFrame = "first_frame";
inline constexpr absl::string_view kRoleLastFrame = "last_frame";
inline constexpr std::array<absl::string_view, 2> kFrameRoles = {
    kRoleFirstFrame, kRoleLastFrame};
inline constexpr absl::string_view kContentText = "text";
inline constexpr absl::string_view kContentImageUrl = "image_url";
inline constexpr std::array<absl::string_view, 2> kContentTypes = {
    kContentText, kContentImageUrl};

// Image formats the provider accepts in data URLs ("data:image/<fmt>;base64,").
inline constexpr std::array<absl::string_view, 9> kDataUrlImageTypes = {
    "png", "jpeg", "jpg", "webp", "bmp", "tiff", "gif", "heic", "heif"};

inline constexpr int kMinDurationSeconds = 2;
inline constexpr int kMaxDurationSeconds = 12;
inline constexpr int64_t kMinSeed = -1;
inline constexpr int64_t kMaxSeed = 4294967295;
inline constexpr int kMinExpiresAfterSeconds = 3600;
inline constexpr int kMaxExpiresAfterSeconds = 259200;
// Frame counts are 25 + 4n within [29, 289].
inline constexpr int kMinFrames = 29;
inline constexpr int kMaxFrames = 289;
inline constexpr int kFramesBase = 25;
inline constexpr int kFramesStep = 4;
inline constexpr int kOnlyFramesPerSecond = 24;

// Upstream task statuses. The guide shows only "succeeded"; the others are
// the provider family's (upstream-api/README.md). "processing" is a synonym
// of "running" seen in some sources, "pending" one of "queued" (assumed:
// accepted, not started). cancelled, succeeded, failed and expired are
// terminal.
inline constexpr absl::string_view kStatusQueued = "queued";
inline constexpr absl::string_view kStatusPending = "pending";
inline constexpr absl::string_view kStatusRunning = "running";
inline constexpr absl::string_view kStatusProcessing = "processing";
inline constexpr absl::string_view kStatusSucceeded = "succeeded";
inline constexpr absl::string_view kStatusFailed = "failed";
inline constexpr absl::string_view kStatusCancelled = "cancelled";
inline constexpr absl::string_view kStatusExpired = "expired";

// Upstream error codes (ErrorResponse.error.code), by HTTP status.
inline constexpr absl::string_view kErrorTokenMismatched = "token_mismatched";   // 400
inline constexpr absl::string_view kErrorApiNotImplemented = "api_not_implemented";  // 400
inline constexpr absl::string_view kErrorInvalidToken = "invalid_token";         // 401
inline constexpr absl::string_view kErrorTooManyRequests = "too_many_requests";  // 429
inline constexpr absl::string_view kErrorApiError = "api_error";                 // 500

template <size_t N>
constexpr bool Contains(const std::array<absl::string_view, N>& set,
                        absl::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

// True for 25 + 4n within [kMinFrames, kMaxFrames].
constexpr bool IsValidFrameCount(int64_t frames) {
  return frames >= kMinFrames && frames <= kMaxFrames &&
         (frames - kFramesBase) % kFramesStep == 0;
}

}  // namespace seedance::upstream_api

#endif  // SEEDANCE_UPSTREAM_API_WIRE_VALUES_H_
