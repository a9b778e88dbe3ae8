// The upstream body of a task: VideoSpec (the public API's) -> VideosRequest
// (the REST API's), enums to wire strings, prompt and images to content[].
// The record stores the spec only; the driver derives the body from it when
// it sends, and admission validates the same body before a task is created.
//
//   seedance::upstream::v1::VideosRequest body = ToUpstreamRequest(task.spec());
//
// Pure and thread-safe.
#ifndef SEEDANCE_SERVER_MODEL_UPSTREAM_BODY_H_
#define SEEDANCE_SERVER_MODEL_UPSTREAM_BODY_H_

#include <string>

#include "seedance/upstream/v1/videos.pb.h"
#include "seedance/v1/video_task.pb.h"

namespace seedance::server::model {

// The upstream body for `spec` (without callback_url/async, which depend on
// the delivery mode), without validation. Unknown enum values are left out.
seedance::upstream::v1::VideosRequest ToUpstreamRequest(const v1::VideoSpec& spec);

// Wire strings of the enums ("" for UNSPECIFIED or unknown values).
std::string ResolutionToWire(v1::Resolution value);
std::string AspectRatioToWire(v1::AspectRatio value);
std::string ServiceTierToWire(v1::ServiceTier value);
std::string FrameRoleToWire(v1::FrameRole value);

}  // namespace seedance::server::model

#endif  // SEEDANCE_SERVER_MODEL_UPSTREAM_BODY_H_
