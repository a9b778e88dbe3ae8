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
// WriteRawAndClose, Drip) takes effect; later ones are ignored. An exchange
// dropped without a terminal call is answered 500.
#ifndef SEEDANCE_HTTP_EXCHANGE_H_
#define SEEDANCE_HTTP_EXCHANGE_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "http/http_message.h"

namespace seedance::http {

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
