// seedance-lint: checks POST /v1/seedance/videos bodies the way the gateway
// and the mock upstream do, before a paid call is made.
//
//   seedance-lint body.json other.json   # or "-" / nothing for stdin
//
// For each body prints "ok" with the effective settings and any notes, or
// each violation as "field: description". Exit status: 0 all valid, 1 some
// invalid, 2 a file could not be read.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "upstream_api/field_violation.h"
#include "upstream_api/inline_params.h"
#include "upstream_api/request_validator.h"
#include "upstream_api/upstream_json.h"

namespace {

bool ReadAll(const std::string& path, std::string& out) {
  if (path == "-") {
    out.assign(std::istreambuf_iterator<char>(std::cin), {});
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

// Returns true when the body is valid.
bool Lint(const std::string& name, const std::string& body) {
  auto request = seedance::upstream_api::ParseVideosRequest(body);
  if (!request.ok()) {
    std::cout << name << ": invalid\n";
    for (const auto& v : seedance::upstream_api::ViolationsFromStatus(request.status())) {
      std::cout << "  " << seedance::upstream_api::ToString(v) << "\n";
    }
    if (seedance::upstream_api::ViolationsFromStatus(request.status()).empty()) {
      std::cout << "  " << request.status().message() << "\n";
    }
    return false;
  }
  seedance::upstream_api::ValidationResult result =
      seedance::upstream_api::ValidateVideosRequest(*request);
  std::cout << name << ": " << (result.ok() ? "ok" : "invalid") << "\n";
  for (const auto& v : result.violations) {
    std::cout << "  " << seedance::upstream_api::ToString(v) << "\n";
  }
  if (result.ok()) {
    std::string settings = seedance::upstream_api::RenderInlineParams("", result.effective);
    std::cout << "  model: " << request->model() << "\n"
              << "  effective settings: "
              << (settings.empty() ? "(provider defaults)" : settings) << "\n";
  }
  for (const auto& note : result.notes) std::cout << "  note: " << note << "\n";
  return result.ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> paths(argv + 1, argv + argc);
  if (!paths.empty() && (paths[0] == "--help" || paths[0] == "-h")) {
    std::cout << "usage: seedance-lint [FILE...]   (no FILE or \"-\": stdin)\n"
                 "Checks POST /v1/seedance/videos JSON bodies against the "
                 "upstream's rules.\nExit status: 0 all valid, 1 some invalid, "
                 "2 unreadable file.\n";
    return 0;
  }
  if (paths.empty()) paths.push_back("-");
  bool all_valid = true;
  for (const std::string& path : paths) {
    std::string body;
    if (!ReadAll(path, body)) {
      std::cerr << "seedance-lint: cannot read " << path << "\n";
      return 2;
    }
    all_valid = Lint(path, body) && all_valid;
  }
  return all_valid ? 0 : 1;
}
