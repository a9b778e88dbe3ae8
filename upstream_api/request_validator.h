// The strong validation of a POST /v1/seedance/videos body: every documented
// field, range and combination, each violation named by its JSON path.
// Inline "--params" in the prompt are weakly validated (see inline_params.h):
// a bad one is never a violation, only a note.
//
//   ValidationResult r = ValidateVideosRequest(request);
//   if (!r.ok()) return r.ToStatus();  // INVALID_ARGUMENT + BadRequest
//   for (const std::string& note : r.notes) { /* tell the user */ }
//
// The gateway runs this before anything goes upstream; the mock runs it to
// answer 400 the way the provider does. Pure and thread-safe.
#ifndef SEEDANCE_UPSTREAM_API_REQUEST_VALIDATOR_H_
#define SEEDANCE_UPSTREAM_API_REQUEST_VALIDATOR_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "seedance/upstream/v1/videos.pb.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/inline_params.h"

namespace seedance::upstream_api {

struct ValidationResult {
  // Every rule broken, in field order. Empty means valid.
  std::vector<FieldViolation> violations;
  // Accepted but ignored or overridden things, in plain English.
  std::vector<std::string> notes;
  // The settings that take effect: top-level fields, then the prompt's
  // inline parameters where no top-level field is set.
  InlineParams effective;

  bool ok() const { return violations.empty(); }
  // OK, or INVALID_ARGUMENT carrying the violations.
  absl::Status ToStatus() const;
};

ValidationResult ValidateVideosRequest(const upstream::v1::VideosRequest& request);

}  // namespace seedance::upstream_api

#endif  // SEEDANCE_UPSTREAM_API_REQUEST_VALIDATOR_H_
