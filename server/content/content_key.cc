#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/content/content_store.h"

namespace seedance::server::content {

absl::Status CheckContentKey(absl::string_view key) {
  bool valid = !key.empty() && key.size() <= 200 && key.front() != '.' &&
               !absl::StrContains(key, ".partial-");
  for (char c : key) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' &&
        c != '-') {
      valid = false;
    }
  }
  if (valid) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "a content key is 1-200 letters, digits, '.', '_' or '-', not starting with '.'");
}

}  // namespace seedance::server::content
