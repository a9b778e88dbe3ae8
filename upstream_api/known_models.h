// The models the upstream knows and what each accepts. The gateway checks
// VideoSpec.model against this table (and serves it as ListModels); the mock
// answers 400 api_not_implemented for a model not in it.
//
//   const ModelInfo* m = FindModel("doubao-seedance-1-0-lite-t2v-250428");
//   if (m != nullptr && !m->image_to_video) { /* reject images */ }
#ifndef SEEDANCE_UPSTREAM_API_KNOWN_MODELS_H_
#define SEEDANCE_UPSTREAM_API_KNOWN_MODELS_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/types/span.h"

namespace seedance::upstream_api {

struct ModelInfo {
  absl::string_view id;
  // Generates from a prompt alone.
  bool text_to_video;
  // Generates from a first-frame image.
  bool image_to_video;
  // Generates between a first and a last frame.
  bool first_last_frame;
  // Needs at least one image (the lite i2v model).
  bool requires_image;
  // Honours generate_audio; other models ignore it without an error.
  bool audio;
};

// Every known model, in the guide's order. Thread-safe (immutable).
absl::Span<const ModelInfo> KnownModels();

// The model with this exact id, or nullptr. Thread-safe.
const ModelInfo* FindModel(absl::string_view id);

// "a, b, c": the known ids, for error messages.
std::string KnownModelList();

}  // namespace seedance::upstream_api

#endif  // SEEDANCE_UPSTREAM_API_KNOWN_MODELS_H_
