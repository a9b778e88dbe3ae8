// A small libcurl wrapper for tests, over the gateway's own RAII handles
// (http/curl/curl_handles.h): one call that performs a request and
// returns everything a test looks at, including transport errors
// (CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, ...).
//
//   CurlClient client;  // one easy handle: reuses its keep-alive connection
//   HttpResult r = client.Perform({.method = "POST", .url = base + "/v1/seedance/videos",
//                                  .headers = {"Authorization: Bearer t"},
//                                  .body = json});
//   EXPECT_EQ(r.code, CURLE_OK); EXPECT_EQ(r.status, 200);
//   r.Header("Content-Type");  // "application/json"
//
// A CurlClient is not thread-safe; use one per thread.
#ifndef SEEDANCE_TESTS_TESTING_CURL_CLIENT_H_
#define SEEDANCE_TESTS_TESTING_CURL_CLIENT_H_

#include <curl/curl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/curl/curl_handles.h"

namespace seedance::testing {


struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  long timeout_ms = 15000;
};

struct HttpResult {
  CURLcode code = CURLE_OK;  // transport outcome
  std::string error;         // curl's message when code != CURLE_OK
  long status = 0;           // HTTP status, 0 when none was read
  std::vector<std::pair<std::string, std::string>> headers;  // of the last answer
  std::string body;
  long new_connections = 0;  // connections opened for this call (0: reused)
  long local_port = 0;

  // The first header named `name` (case-insensitive), or "".
  std::string Header(const std::string& name) const;
};

class CurlClient {
 public:
  CurlClient();
  // Performs `call` on this client's handle (keep-alive connections are
  // reused between calls).
  HttpResult Perform(const HttpCall& call);

 private:
  http::curl::EasyHandle easy_;
};

// One call on a fresh handle.
HttpResult PerformHttp(const HttpCall& call);

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_CURL_CLIENT_H_
