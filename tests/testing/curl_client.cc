#include "tests/testing/curl_client.h"


#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace seedance::testing {
namespace {

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  absl::string_view line(data, size * count);
  if (absl::StartsWith(line, "HTTP/")) {
    headers->clear();  // a new answer (after 100 Continue or a redirect)
  } else if (size_t colon = line.find(':'); colon != absl::string_view::npos) {
    headers->emplace_back(
        std::string(absl::StripAsciiWhitespace(line.substr(0, colon))),
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  }
  return size * count;
}

}  // namespace

std::string HttpResult::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

CurlClient::CurlClient() {
  // A test has no use for a client without a handle: fail loudly.
  absl::StatusOr<http::curl::EasyHandle> easy = http::curl::NewEasyHandle();
  if (!easy.ok()) std::abort();
  easy_ = *std::move(easy);
}

HttpResult CurlClient::Perform(const HttpCall& call) {
  HttpResult result;
  CURL* easy = easy_.get();
  curl_easy_reset(easy);
  http::curl::HeaderList headers;
  for (const std::string& line : call.headers) {
    http::curl::AppendHeader(headers, line.c_str()).IgnoreError();
  }
  // libcurl adds "Expect: 100-continue" to large bodies; tests want one round.
  http::curl::AppendHeader(headers, "Expect:").IgnoreError();
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(easy, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, call.timeout_ms);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &result.headers);
  if (call.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (call.method != "GET" || !call.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(call.body.size()));
  }
  result.code = curl_easy_perform(easy);
  if (result.code != CURLE_OK) {
    result.error = error[0] != '\0' ? error : curl_easy_strerror(result.code);
  }
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &result.status);
  curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &result.new_connections);
  curl_easy_getinfo(easy, CURLINFO_LOCAL_PORT, &result.local_port);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
  return result;
}

HttpResult PerformHttp(const HttpCall& call) {
  CurlClient client;
  return client.Perform(call);
}

}  // namespace seedance::testing
