#include "clients/cpp/partial_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace seedance::client {
namespace {

struct DigestFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

absl::StatusOr<PartialFile> PartialFile::Create(std::string path) {
  std::string partial = path + ".part";
  int fd = open(partial.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write ", partial, ": ", std::strerror(errno)));
  }
  return PartialFile(std::move(path), fd);
}

PartialFile::PartialFile(PartialFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}

PartialFile::~PartialFile() {
  if (fd_ < 0) return;
  close(fd_);
  std::remove(partial_path().c_str());
}

absl::Status PartialFile::Append(absl::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot write ", partial_path(), ": ", std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    size_ += n;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> PartialFile::Sha256() const {
  std::unique_ptr<EVP_MD_CTX, DigestFree> digest(EVP_MD_CTX_new());
  if (digest == nullptr || EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("cannot start a SHA-256");
  }
  char buffer[64 * 1024];
  for (off_t at = 0;;) {
    ssize_t n = pread(fd_, buffer, sizeof buffer, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot read ", partial_path(), ": ", std::strerror(errno)));
    }
    if (n == 0) break;
    EVP_DigestUpdate(digest.get(), buffer, static_cast<size_t>(n));
    at += n;
  }
  unsigned char bytes[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(digest.get(), bytes, &length);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(bytes), length));
}

absl::Status PartialFile::Commit() {
  if (fsync(fd_) != 0 || close(std::exchange(fd_, -1)) != 0 ||
      std::rename(partial_path().c_str(), path_.c_str()) != 0) {
    std::string error = std::strerror(errno);
    if (fd_ >= 0) close(std::exchange(fd_, -1));
    std::remove(partial_path().c_str());
    return absl::UnavailableError(absl::StrCat("cannot save ", path_, ": ", error));
  }
  return absl::OkStatus();
}

}  // namespace seedance::client
