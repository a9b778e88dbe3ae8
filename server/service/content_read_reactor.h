// ContentReadReactor: one server stream of ReadVideoContent. It sends the
// plan's header, then the range in chunks, one write in flight at a time:
// each chunk is read from the content store on the `reads` scheduler's
// thread (file reads block; gRPC's callback threads must not), and the next
// read starts only when the previous write is done, so a stream holds at
// most one chunk and a slow client only slows itself. A cancelled call
// ends at its next step (the read or write in flight finishes first, so
// nothing touches a reactor that is gone).
//
//   auto* reactor = new ContentReadReactor(&store, &reads, clock, {});
//   manager.Get(caller, id, [reactor, request](auto task) {
//     reactor->Start(task.ok() ? PlanContentRead(*task, request) : task.status());
//   });
//   return reactor;  // deletes itself in OnDone
#ifndef SEEDANCE_SERVER_SERVICE_CONTENT_READ_REACTOR_H_
#define SEEDANCE_SERVER_SERVICE_CONTENT_READ_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/scheduler.h"
#include "seedance/v1/video_gateway.pb.h"
#include "server/content/content_read.h"
#include "server/content/content_store.h"

namespace seedance::server::service {

class ContentReadReactor : public grpc::ServerWriteReactor<v1::ReadVideoContentResponse> {
 public:
  struct Options {
    // Bytes per chunk message (the API promises at most 1 MiB).
    int64_t chunk_bytes = int64_t{256} << 10;
    // Runs once the stream is done (the service's count of open streams).
    std::function<void()> on_done;
  };

  // `store` and `reads` may be null when the stream only ever gets an
  // error (a gateway that serves no content). All must outlive the stream.
  ContentReadReactor(content::ContentStore* store, Scheduler* reads, const Clock& clock,
                     Options options);

  // Sends `plan`, or ends the stream with its error. Any thread, once.
  void Start(absl::StatusOr<content::ContentReadPlan> plan);

  // grpc::ServerWriteReactor:
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Reads the next chunk (on the reads thread) and writes it, or ends the
  // stream when the range is sent.
  void ReadNext();

  content::ContentStore* const store_;
  Scheduler* const reads_;
  const Clock& clock_;
  const Options options_;
  content::ContentReadPlan plan_;
  // The next byte to send and the end of the range. Touched by one step at
  // a time (a read, then its write), so unguarded.
  int64_t next_ = 0;
  int64_t end_ = 0;
  v1::ReadVideoContentResponse response_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace seedance::server::service

#endif  // SEEDANCE_SERVER_SERVICE_CONTENT_READ_REACTOR_H_
