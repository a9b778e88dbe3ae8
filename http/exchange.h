// Exchange: one request awaiting its answer, and Handler, the function a
// Server calls for each request. The handler may answer at once or keep the
// exchange and answer later from any thread (a held request costs no thread):
//
//   Handler handler = [&](Request request, std::shared_ptr<Exchange> exchange) {
//     exchange->OnClientGone([id] { Forget(id); });
//     Hold(id, std::move(exchange));      // answered later by a timer
//   };
//   ...
//   exchange->Respond(MakeResponse(200, "application/json", body));
//
// Every method is thread-safe: the work is posted to the connection's strand.
// Exactly one terminal call (Respond, ResetConnection, CloseWithoutResponse,
// WriteRawAndClose, Drip, StartStream) takes effect; later ones are ignored.
// An exchange dropped without a terminal call is answered 500.
//
// A streamed answer (Server-Sent Events) is written piece by piece:
//
//   std::shared_ptr<ResponseStream> stream = exchange->StartStream(head);
//   stream->Write(event, [](bool ok) { /* next piece from here, if ok */ });
//   stream->End();
#ifndef SEEDANCE_HTTP_EXCHANGE_H_
#define SEEDANCE_HTTP_EXCHANGE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "http/http_message.h"

namespace seedance::http {

// The writing end of a streamed answer (Exchange::StartStream). Thread-safe.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;

  // Sends `bytes` after what was sent before. `written(ok)` runs on an IO
  // thread once they left (or at once if the stream is already over): false
  // when the client is gone, or took nothing for a minute (then the stream is
  // over). Send the next piece from there: one in flight at a time bounds
  // what a slow client costs.
  virtual void Write(std::string bytes, std::function<void(bool ok)> written) = 0;

  // Ends the answer once what was written has left, and closes the
  // connection (the body is close-delimited).
  virtual void End() = 0;
};

class Exchange {
 public:
  virtual ~Exchange() = default;

  // Sends `response`; the connection stays open if both sides allow it.
  virtual void Respond(Response response) = 0;

  // Fault injection. Abortive close: the client sees a TCP RST.
  virtual void ResetConnection() = 0;
  // Closes (FIN) without sending a byte: the client sees an empty reply.
  virtual void CloseWithoutResponse() = 0;
  // Sends `bytes` as they are (e.g. a response with a truncated body), then
  // closes.
  virtual void WriteRawAndClose(std::string bytes) = 0;
  // Sends `bytes` in pieces of `chunk_bytes`, one every `interval`, then
  // closes.
  virtual void Drip(std::string bytes, size_t chunk_bytes,
                    absl::Duration interval) = 0;

  // Starts a streamed answer: `head`'s status and headers at once, the body
  // through the returned stream; the connection closes after it (a
  // Content-Length in `head` is sent as given: the writes must add up to
  // it). If another terminal call came first, the stream's writes fail.
  virtual std::shared_ptr<ResponseStream> StartStream(Response head) = 0;

  // Runs `callback` once, on an IO thread, if the client disconnects before
  // the answer (so that a held request can be dropped). Runs it soon if the
  // client is already gone.
  virtual void OnClientGone(std::function<void()> callback) = 0;
};

// Called on an IO thread for each request; must not block.
using Handler =
    std::function<void(Request request, std::shared_ptr<Exchange> exchange)>;

}  // namespace seedance::http

#endif  // SEEDANCE_HTTP_EXCHANGE_H_
