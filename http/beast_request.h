// The bridge from Beast's parsed request to the Request handlers get, shared
// by the server's connections and the mock's fuzz target (which feeds bytes
// to the same parser settings without a socket).
//
//   bhttp::request_parser<bhttp::string_body> parser;
//   parser.header_limit(kRequestHeaderLimit);
//   ... parser.put(bytes, ec) ...
//   Request request = ToRequest(parser.release(), "127.0.0.1:40000");
#ifndef SEEDANCE_HTTP_BEAST_REQUEST_H_
#define SEEDANCE_HTTP_BEAST_REQUEST_H_

#include <cstddef>
#include <string>

#include "boost/beast/http/message.hpp"
#include "boost/beast/http/string_body.hpp"
#include "http/http_message.h"

namespace seedance::http {

// The most header bytes a request may have.
inline constexpr size_t kRequestHeaderLimit = 64 * 1024;

// `message` as a Request (path and query split, headers in order).
Request ToRequest(boost::beast::http::request<boost::beast::http::string_body> message,
                  std::string remote_address);

}  // namespace seedance::http

#endif  // SEEDANCE_HTTP_BEAST_REQUEST_H_
