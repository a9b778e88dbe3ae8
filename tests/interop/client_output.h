// ClientOutput: what one run of a gateway client printed, read into one
// shape whatever the language, so that the interop test asserts the same
// things of every client.
//
// Two forms are read. The Python, Node and Go examples print one
// "kind key=value ..." line per thing ("message=" and "description=" run to
// the end of the line):
//   created task=ID state=PENDING seq=1
//   event task=ID seq=2 state=QUEUED
//   resumed after_sequence=2 code=UNAVAILABLE
//   done task=ID state=SUCCEEDED seq=4
//   video_url=http://...
//   cancelled task=ID state=CANCELLED
//   error code=INVALID_ARGUMENT message=...
//     field_violation field=spec.duration_seconds description=...
//     retry_delay_ms=5000
//     error_info reason=TOO_MANY_TASKS_IN_FLIGHT domain=...
// The C++ client's --json output is one JSON object per line: a task, a
// watch message ({"status": ...} or {"heartbeat": ...}) or a google.rpc.Status.
//
//   ClientOutput out;
//   for (const std::string& line : lines) ParseExampleLine(line, out);
//   EXPECT_EQ(out.final_state, "SUCCEEDED");
#ifndef SEEDANCE_TESTS_INTEROP_CLIENT_OUTPUT_H_
#define SEEDANCE_TESTS_INTEROP_CLIENT_OUTPUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seedance::testing {

// A failed call, decoded by the client.
struct ClientError {
  std::string code;                 // "INVALID_ARGUMENT"
  std::string message;
  std::vector<std::string> fields;  // BadRequest field paths
  std::optional<int64_t> retry_delay_ms;
  std::string reason;               // ErrorInfo.reason
};

struct ClientOutput {
  struct Event {
    uint64_t sequence = 0;
    std::string state;  // "QUEUED", without "TASK_STATE_"
  };

  std::vector<std::string> lines;  // everything printed, for failure messages
  int exit_code = -1;
  std::string created_task_id;
  std::vector<Event> events;       // state changes, as printed
  int resumes = 0;                 // "resumed" lines (the C++ client prints none)
  std::vector<std::string> resume_codes;  // the code each "resumed" line names
  std::string final_task_id;       // the task once it ended
  std::string final_state;
  std::string video_url;
  std::string cancelled_state;     // the task as CancelVideoTask returned it
  std::optional<ClientError> error;       // a failed call
  std::optional<ClientError> task_error;  // VideoTask.error of a task that ended badly
  // Parser state: "error" or "task_error", the block that detail lines
  // (field_violation, retry_delay_ms, error_info) belong to.
  std::string detail_block;

  // Sequence numbers of `events`, in order.
  std::vector<uint64_t> Sequences() const;
  // The lines, one per line, for a failure message.
  std::string Dump() const;
};

// Reads one line of a Python, Node or Go example into `out`.
void ParseExampleLine(const std::string& line, ClientOutput& out);

// Reads one --json line of the C++ client (`seedance`) into `out`;
// `command` is the client's command ("create", "watch", "cancel"), which
// tells what a task line is: the created task, the ended one, or the
// cancelled one.
void ParseCppJsonLine(const std::string& line, const std::string& command, ClientOutput& out);

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_INTEROP_CLIENT_OUTPUT_H_
