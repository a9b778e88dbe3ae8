// FullSpec: a VideoSpec with every field set (both frames, one a data URL),
// for the tests of the spec's mapping and checks.
#ifndef SEEDANCE_TESTS_SERVER_MODEL_FULL_SPEC_H_
#define SEEDANCE_TESTS_SERVER_MODEL_FULL_SPEC_H_

#include "seedance/v1/video_task.pb.h"

namespace seedance::server::model {

inline v1::VideoSpec FullSpec() {
  v1::VideoSpec s;
  s.set_model("doubao-seedance-1-0-pro-250528");
  s.set_prompt("360 degree shot --rs 480p");
  v1::ImageInput* first = s.add_images();
  first->set_url("https://example.com/first.png");
  first->set_role(v1::FRAME_ROLE_FIRST_FRAME);
  v1::ImageInput* last = s.add_images();
  last->set_url("data:image/png;base64,iVBORw0K");
  last->set_role(v1::FRAME_ROLE_LAST_FRAME);
  s.set_resolution(v1::RESOLUTION_1080P);
  s.set_ratio(v1::ASPECT_RATIO_21_9);
  s.set_duration_seconds(7);
  s.set_frames_per_second(24);
  s.set_seed(4294967295);
  s.set_camera_fixed(true);
  s.set_watermark(false);
  s.set_service_tier(v1::SERVICE_TIER_FLEX);
  s.set_return_last_frame(true);
  s.set_execution_expires_after_seconds(3600);
  s.set_callback_url("https://me.example/hook");
  return s;
}

}  // namespace seedance::server::model

#endif  // SEEDANCE_TESTS_SERVER_MODEL_FULL_SPEC_H_
