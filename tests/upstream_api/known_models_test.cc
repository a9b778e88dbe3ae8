#include "upstream_api/known_models.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance::upstream_api {
namespace {

using ::testing::HasSubstr;

// The guide's list of models, verbatim.
constexpr const char* kGuideModels[] = {
    "doubao-seedance-1-0-pro-250528", "doubao-seedance-1-0-pro-fast-251015",
    "doubao-seedance-1-5-pro-251215", "doubao-seedance-1-0-lite-t2v-250428",
    "doubao-seedance-1-0-lite-i2v-250428"};

TEST(KnownModelsTest, KnowsExactlyTheGuidesModels) {
  ASSERT_EQ(KnownModels().size(), std::size(kGuideModels));
  for (const char* id : kGuideModels) {
    SCOPED_TRACE(id);
    const ModelInfo* model = FindModel(id);
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(model->id, id);
    EXPECT_THAT(KnownModelList(), HasSubstr(id));
  }
}

TEST(KnownModelsTest, UnknownOrNearMissIdsAreNotFound) {
  EXPECT_EQ(FindModel(""), nullptr);
  EXPECT_EQ(FindModel("doubao-seedance-1-0-pro"), nullptr);
  EXPECT_EQ(FindModel("DOUBAO-SEEDANCE-1-0-PRO-250528"), nullptr);
  EXPECT_EQ(FindModel("doubao-seedance-1-0-pro-250528 "), nullptr);
}

TEST(KnownModelsTest, LiteT2vIsTextOnly) {
  const ModelInfo& m = *FindModel("doubao-seedance-1-0-lite-t2v-250428");
  EXPECT_TRUE(m.text_to_video);
  EXPECT_FALSE(m.image_to_video);
  EXPECT_FALSE(m.first_last_frame);
  EXPECT_FALSE(m.requires_image);
}

TEST(KnownModelsTest, LiteI2vNeedsAnImage) {
  const ModelInfo& m = *FindModel("doubao-seedance-1-0-lite-i2v-250428");
  EXPECT_FALSE(m.text_to_video);
  EXPECT_TRUE(m.image_to_video);
  EXPECT_TRUE(m.first_last_frame);
  EXPECT_TRUE(m.requires_image);
}

TEST(KnownModelsTest, OnlyOnePointFiveProHasAudio) {
  for (const ModelInfo& m : KnownModels()) {
    SCOPED_TRACE(m.id);
    EXPECT_EQ(m.audio, m.id == "doubao-seedance-1-5-pro-251215");
  }
}

}  // namespace
}  // namespace seedance::upstream_api
