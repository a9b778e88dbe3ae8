// CheckSpec: a VideoSpec checked with the upstream's rules on the body it
// becomes (model/upstream_body.h), violations found on the upstream form
// renamed to the fields the gRPC caller actually sent ("duration" -> "spec.duration_seconds",
// "content[1].image_url.url" -> "spec.images[0].url").
//
//   absl::StatusOr<CheckedSpec> checked = CheckSpec(request.spec());
//   if (!checked.ok()) return checked.status();  // INVALID_ARGUMENT + BadRequest
//   task.notes = checked->notes;  // the body itself is derived when sent
#ifndef SEEDANCE_SERVER_ADMISSION_SPEC_CONVERSION_H_
#define SEEDANCE_SERVER_ADMISSION_SPEC_CONVERSION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "seedance/upstream/v1/videos.pb.h"
#include "seedance/v1/video_task.pb.h"

namespace seedance::server::admission {

struct CheckedSpec {
  // Accepted but ignored things (ignored inline parameters, generate_audio
  // on a model without audio), in plain English.
  std::vector<std::string> notes;
};

// Validates `spec` with the upstream's rules (upstream_api/request_validator.h) plus
// the gRPC-only ones (known enum values, callback_url syntax). On failure:
// INVALID_ARGUMENT with a BadRequest naming fields as "<prefix>.<field>".
// Pure and thread-safe.
absl::StatusOr<CheckedSpec> CheckSpec(const v1::VideoSpec& spec,
                                      absl::string_view prefix = "spec");

// The path in `spec` (prefixed) of the upstream field at `upstream_path`,
// for a request built by model::ToUpstreamRequest(spec).
std::string SpecPathOf(absl::string_view upstream_path, const v1::VideoSpec& spec,
                       absl::string_view prefix = "spec");

}  // namespace seedance::server::admission

#endif  // SEEDANCE_SERVER_ADMISSION_SPEC_CONVERSION_H_
