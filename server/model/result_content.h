// What the gateway keeps of a succeeded task's result files (the video and
// the last frame, VideoTask.video_content / last_frame_content), as plain
// functions over the task: which copies are expected when a task succeeds,
// and whether any is still being fetched (such a task is not settled: a
// restarted gateway fetches it again).
//
//   ExpectResultContent(*record.mutable_task());     // with the SUCCEEDED change
//   bool busy = HasContentPending(record.task());  // a fetch still to finish
#ifndef SEEDANCE_SERVER_MODEL_RESULT_CONTENT_H_
#define SEEDANCE_SERVER_MODEL_RESULT_CONTENT_H_

#include <string>

#include "seedance/v1/video_task.pb.h"

namespace seedance::server::model {

// The result files of a task, in the order they are fetched.
enum class ResultFile { kVideo, kLastFrame };
inline constexpr ResultFile kResultFiles[] = {ResultFile::kVideo, ResultFile::kLastFrame};

// The copy of `file` on `task`, and the provider's URL it comes from ("" for
// none).
const v1::ContentCopy& CopyOf(const v1::VideoTask& task, ResultFile file);
v1::ContentCopy& MutableCopyOf(v1::VideoTask& task, ResultFile file);
const std::string& SourceUrlOf(const v1::VideoTask& task, ResultFile file);

// "video" or "last_frame", for logs and content keys.
const char* ResultFileName(ResultFile file);

// Marks every result file the task's result has a URL for as PENDING (and
// leaves the others unset). For the change that makes a task SUCCEEDED.
void ExpectResultContent(v1::VideoTask& task);

// True while a copy is PENDING.
bool HasContentPending(const v1::VideoTask& task);

}  // namespace seedance::server::model

#endif  // SEEDANCE_SERVER_MODEL_RESULT_CONTENT_H_
