#include "upstream_api/known_models.h"

#include <array>

#include "absl/strings/str_join.h"

namespace seedance::upstream_api {
namespace {

// Capabilities per the guide and the provider behind it: lite-t2v is
// text-to-video only, lite-i2v needs an image (first, or first + last
// frame), only 1.5 pro generates audio.
constexpr std::array<ModelInfo, 5> kModels = {{
    {"doubao-seedance-1-0-pro-250528", true, true, true, false, false},
    {"doubao-seedance-1-0-pro-fast-251015", true, true, true, false, false},
    {"doubao-seedance-1-5-pro-251215", true, true, true, false, true},
    {"doubao-seedance-1-0-lite-t2v-250428", true, false, false, false, false},
    {"doubao-seedance-1-0-lite-i2v-250428", false, true, true, true, false},
}};

}  // namespace

absl::Span<const ModelInfo> KnownModels() { return kModels; }

const ModelInfo* FindModel(absl::string_view id) {
  for (const ModelInfo& model : kModels) {
    if (model.id == id) return &model;
  }
  return nullptr;
}

std::string KnownModelList() {
  return absl::StrJoin(kModels, ", ", [](std::string* out, const ModelInfo& m) {
    out->append(m.id.data(), m.id.size());
  });
}

}  // namespace seedance::upstream_api
