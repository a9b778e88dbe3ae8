#include "server/model/result_content.h"

namespace seedance::server::model {

const v1::ContentCopy& CopyOf(const v1::VideoTask& task, ResultFile file) {
  return file == ResultFile::kVideo ? task.video_content() : task.last_frame_content();
}

v1::ContentCopy& MutableCopyOf(v1::VideoTask& task, ResultFile file) {
  return *(file == ResultFile::kVideo ? task.mutable_video_content()
                                      : task.mutable_last_frame_content());
}

const std::string& SourceUrlOf(const v1::VideoTask& task, ResultFile file) {
  return file == ResultFile::kVideo ? task.result().video_url() : task.result().last_frame_url();
}

const char* ResultFileName(ResultFile file) {
  return file == ResultFile::kVideo ? "video" : "last_frame";
}

void ExpectResultContent(v1::VideoTask& task) {
  for (ResultFile file : kResultFiles) {
    if (SourceUrlOf(task, file).empty()) continue;
    v1::ContentCopy& copy = MutableCopyOf(task, file);
    copy.Clear();
    copy.set_state(v1::CONTENT_STATE_PENDING);
  }
}

bool HasContentPending(const v1::VideoTask& task) {
  for (ResultFile file : kResultFiles) {
    if (CopyOf(task, file).state() == v1::CONTENT_STATE_PENDING) return true;
  }
  return false;
}

}  // namespace seedance::server::model
