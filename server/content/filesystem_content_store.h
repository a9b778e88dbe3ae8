// FilesystemContentStore: content items as files in one directory (by
// default <data_dir>/content). An item is written to "<key>.partial-<random>"
// (O_EXCL), flushed with fsync, then renamed over "<key>" and the directory
// fsynced: a crash leaves at most a partial file, which never reads as the
// item, and Open() removes the partial files a crashed process left. Several
// replicas may share the directory (a network file system with atomic
// rename): two writers of one key each write their own partial file, and the
// last rename wins whole.
//
//   absl::StatusOr<std::unique_ptr<FilesystemContentStore>> store =
//       FilesystemContentStore::Open(data_dir + "/content");
#ifndef SEEDANCE_SERVER_CONTENT_FILESYSTEM_CONTENT_STORE_H_
#define SEEDANCE_SERVER_CONTENT_FILESYSTEM_CONTENT_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/content/content_store.h"

namespace seedance::server::content {

class FilesystemContentStore : public ContentStore {
 public:
  // Creates `directory` if needed (mode 0700) and removes partial files left
  // by a crash. UNAVAILABLE if it cannot be made or listed.
  static absl::StatusOr<std::unique_ptr<FilesystemContentStore>> Open(std::string directory);

  absl::StatusOr<std::unique_ptr<ContentWriter>> Create(absl::string_view key,
                                                         int64_t max_bytes) override;
  absl::StatusOr<int64_t> Size(absl::string_view key) override;
  absl::StatusOr<std::string> Read(absl::string_view key, int64_t offset,
                                   int64_t length) override;
  absl::Status Remove(absl::string_view key) override;
  absl::StatusOr<std::vector<std::string>> List() override;

  const std::string& directory() const { return directory_; }

 private:
  explicit FilesystemContentStore(std::string directory) : directory_(std::move(directory)) {}
  std::string PathOf(absl::string_view key) const;

  const std::string directory_;
};

}  // namespace seedance::server::content

#endif  // SEEDANCE_SERVER_CONTENT_FILESYSTEM_CONTENT_STORE_H_
