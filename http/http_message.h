// The plain data of one HTTP/1.1 exchange: a parsed Request, the Response a
// handler gives back, and helpers to read headers and to write a response as
// raw bytes (for fault injection, where the server must send exactly what the
// caller chose).
//
//   const std::string* auth = request.FindHeader("Authorization");
//   Response response{.status = 200, .headers = {{"Content-Type", "text/plain"}},
//                     .body = "ok"};
//   std::string wire = SerializeResponse(response);  // "HTTP/1.1 200 OK\r\n..."
//
// Plain values: thread-compatible.
#ifndef SEEDANCE_HTTP_HTTP_MESSAGE_H_
#define SEEDANCE_HTTP_HTTP_MESSAGE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace seedance::http {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method;          // "POST"
  std::string target;          // "/v1/seedance/videos?x=1"
  std::string path;            // "/v1/seedance/videos"
  std::string query;           // "x=1" (no '?')
  std::vector<Header> headers;
  std::string body;
  std::string remote_address;  // "127.0.0.1:54321"

  // First header with this name, case-insensitive; nullptr if absent.
  const std::string* FindHeader(absl::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;

  // First header with this name, case-insensitive; nullptr if absent.
  const std::string* FindHeader(absl::string_view name) const;
};

// The first header named `name` (case-insensitive) in `headers`, or nullptr.
const std::string* FindHeader(const std::vector<Header>& headers,
                              absl::string_view name);

// "OK", "Not Found", ...; "Unknown" for codes without a standard phrase.
absl::string_view ReasonPhrase(int status);

// `response` as HTTP/1.1 bytes: status line, its headers, a Content-Length
// (unless it has one) and "Connection: close" (unless it has a Connection
// header), then the body.
std::string SerializeResponse(const Response& response);

// The head alone: status line, its headers as they are, "Connection: close"
// (unless it has a Connection header) and the blank line; for an answer
// whose body follows in pieces.
std::string SerializeHead(const Response& response);

// A response with one Content-Type header and `body`.
Response MakeResponse(int status, absl::string_view content_type, std::string body);

}  // namespace seedance::http

#endif  // SEEDANCE_HTTP_HTTP_MESSAGE_H_
