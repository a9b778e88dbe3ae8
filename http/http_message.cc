#include "http/http_message.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace seedance::http {

const std::string* FindHeader(const std::vector<Header>& headers,
                              absl::string_view name) {
  for (const Header& header : headers) {
    if (absl::EqualsIgnoreCase(header.name, name)) return &header.value;
  }
  return nullptr;
}

const std::string* Request::FindHeader(absl::string_view name) const {
  return http::FindHeader(headers, name);
}

const std::string* Response::FindHeader(absl::string_view name) const {
  return http::FindHeader(headers, name);
}

absl::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

std::string SerializeHead(const Response& response) {
  std::string out = absl::StrCat("HTTP/1.1 ", response.status, " ",
                                 ReasonPhrase(response.status), "\r\n");
  for (const Header& header : response.headers) {
    absl::StrAppend(&out, header.name, ": ", header.value, "\r\n");
  }
  if (response.FindHeader("Connection") == nullptr) {
    absl::StrAppend(&out, "Connection: close\r\n");
  }
  absl::StrAppend(&out, "\r\n");
  return out;
}

std::string SerializeResponse(const Response& response) {
  if (response.FindHeader("Content-Length") != nullptr) {
    return SerializeHead(response) + response.body;
  }
  Response sized = response;
  sized.headers.push_back({"Content-Length", absl::StrCat(response.body.size())});
  return SerializeHead(sized) + response.body;
}

Response MakeResponse(int status, absl::string_view content_type, std::string body) {
  Response response;
  response.status = status;
  response.headers.push_back({"Content-Type", std::string(content_type)});
  response.body = std::move(body);
  return response;
}

}  // namespace seedance::http
