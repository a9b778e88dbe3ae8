#include "server/content/filesystem_content_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/random_id.h"
#include "base/scoped_fd.h"

namespace seedance::server::content {
namespace {

constexpr absl::string_view kPartialMarker = ".partial-";

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// The directory's entries reach the disk (a rename is durable only then).
absl::Status SyncDirectory(const std::string& directory) {
  ScopedFd dir(open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || fsync(dir.get()) != 0) return Errno("cannot sync", directory);
  return absl::OkStatus();
}

// The names of the directory's entries.
absl::StatusOr<std::vector<std::string>> NamesIn(const std::string& directory) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir(directory.c_str()), closedir);
  if (dir == nullptr) return Errno("cannot list the content directory", directory);
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir.get())) names.emplace_back(entry->d_name);
  return names;
}

struct DigestDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

class FileWriter : public ContentWriter {
 public:
  FileWriter(std::string directory, std::string partial, std::string final_path, ScopedFd fd,
             int64_t max_bytes, std::unique_ptr<EVP_MD_CTX, DigestDeleter> digest)
      : directory_(std::move(directory)),
        partial_(std::move(partial)),
        final_(std::move(final_path)),
        fd_(std::move(fd)),
        max_bytes_(max_bytes),
        digest_(std::move(digest)) {}

  ~FileWriter() override {
    if (!committed_) unlink(partial_.c_str());  // abandoned: nothing kept
  }

  absl::Status Append(absl::string_view bytes) override {
    if (spent_) return absl::FailedPreconditionError("the content writer was already used up");
    if (size_ + static_cast<int64_t>(bytes.size()) > max_bytes_) {
      spent_ = true;
      return absl::ResourceExhaustedError(
          absl::StrCat("the content is larger than its cap of ", max_bytes_, " bytes"));
    }
    while (!bytes.empty()) {
      ssize_t n = write(fd_.get(), bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        spent_ = true;
        return Errno("cannot write", partial_);
      }
      EVP_DigestUpdate(digest_.get(), bytes.data(), static_cast<size_t>(n));
      size_ += n;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<ContentInfo> Commit() override {
    if (spent_) return absl::FailedPreconditionError("the content writer was already used up");
    spent_ = true;
    if (fsync(fd_.get()) != 0) return Errno("cannot sync", partial_);
    if (rename(partial_.c_str(), final_.c_str()) != 0) return Errno("cannot rename", partial_);
    committed_ = true;
    if (absl::Status synced = SyncDirectory(directory_); !synced.ok()) return synced;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(digest_.get(), digest, &length);
    return ContentInfo{.size = size_,
                       .sha256 = absl::BytesToHexString(absl::string_view(
                           reinterpret_cast<const char*>(digest), length))};
  }

 private:
  const std::string directory_;
  const std::string partial_;
  const std::string final_;
  ScopedFd fd_;
  const int64_t max_bytes_;
  std::unique_ptr<EVP_MD_CTX, DigestDeleter> digest_;
  int64_t size_ = 0;
  bool spent_ = false;
  bool committed_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FilesystemContentStore>> FilesystemContentStore::Open(
    std::string directory) {
  if (mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("cannot create the content directory", directory);
  }
  absl::StatusOr<std::vector<std::string>> names = NamesIn(directory);
  if (!names.ok()) return names.status();
  // Left by a process that died mid-write (another replica's writer may
  // still be at it on a shared directory: its rename then fails, and it
  // reports the item as not stored).
  for (const std::string& name : *names) {
    if (absl::StrContains(name, kPartialMarker)) {
      unlink(absl::StrCat(directory, "/", name).c_str());
    }
  }
  return std::unique_ptr<FilesystemContentStore>(new FilesystemContentStore(std::move(directory)));
}

std::string FilesystemContentStore::PathOf(absl::string_view key) const {
  return absl::StrCat(directory_, "/", key);
}

absl::StatusOr<std::unique_ptr<ContentWriter>> FilesystemContentStore::Create(
    absl::string_view key, int64_t max_bytes) {
  if (absl::Status checked = CheckContentKey(key); !checked.ok()) return checked;
  std::string partial = absl::StrCat(PathOf(key), kPartialMarker, NewSecret(8));
  ScopedFd fd(open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return Errno("cannot create", partial);
  std::unique_ptr<EVP_MD_CTX, DigestDeleter> digest(EVP_MD_CTX_new());
  if (digest == nullptr || EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr) != 1) {
    unlink(partial.c_str());
    return absl::InternalError("cannot start a SHA-256 digest");
  }
  return std::make_unique<FileWriter>(directory_, std::move(partial), PathOf(key), std::move(fd),
                                      max_bytes, std::move(digest));
}

absl::StatusOr<int64_t> FilesystemContentStore::Size(absl::string_view key) {
  if (absl::Status checked = CheckContentKey(key); !checked.ok()) return checked;
  struct stat info;
  std::string path = PathOf(key);
  if (stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no content ", key));
    return Errno("cannot stat", path);
  }
  return static_cast<int64_t>(info.st_size);
}

absl::StatusOr<std::string> FilesystemContentStore::Read(absl::string_view key, int64_t offset,
                                                         int64_t length) {
  if (absl::Status checked = CheckContentKey(key); !checked.ok()) return checked;
  if (offset < 0 || length < 0) {
    return absl::InvalidArgumentError("offset and length must not be negative");
  }
  std::string path = PathOf(key);
  ScopedFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no content ", key));
    return Errno("cannot open", path);
  }
  struct stat info;
  if (fstat(fd.get(), &info) != 0) return Errno("cannot stat", path);
  if (offset > info.st_size) {
    return absl::OutOfRangeError(absl::StrCat("offset ", offset, " is past the content's end (",
                                              info.st_size, " bytes)"));
  }
  std::string bytes(static_cast<size_t>(std::min<int64_t>(length, info.st_size - offset)), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = pread(fd.get(), bytes.data() + done, bytes.size() - done,
                      static_cast<off_t>(offset + static_cast<int64_t>(done)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot read", path);
    if (n == 0) break;  // shorter than when it was looked at: what there is
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

absl::Status FilesystemContentStore::Remove(absl::string_view key) {
  if (absl::Status checked = CheckContentKey(key); !checked.ok()) return checked;
  std::string path = PathOf(key);
  if (unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("cannot remove", path);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> FilesystemContentStore::List() {
  absl::StatusOr<std::vector<std::string>> names = NamesIn(directory_);
  if (!names.ok()) return names.status();
  // Partial files and whatever else is there (".", "..", a stray file of a
  // person's) are not items.
  std::erase_if(*names, [](const std::string& name) {
    return absl::StrContains(name, kPartialMarker) || !CheckContentKey(name).ok();
  });
  return names;
}

}  // namespace seedance::server::content
