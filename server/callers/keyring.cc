#include "server/callers/keyring.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace seedance::server::callers {
namespace {

constexpr size_t kMasterKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(data), data.size(),
       out, &length);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(Bytes(data), data.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

absl::StatusOr<Keyring> Keyring::LoadOrCreate(const std::string& path) {
  std::string key(kMasterKeyBytes, '\0');
  Fd existing(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (existing.get() >= 0) {
    ssize_t n = read(existing.get(), key.data(), key.size());
    if (n != static_cast<ssize_t>(key.size())) {
      return absl::DataLossError(absl::StrCat("master key ", path, " is not ",
                                              kMasterKeyBytes, " bytes"));
    }
    return FromMasterKey(key);
  }
  if (errno != ENOENT) return Errno("cannot read", path);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()),
                 static_cast<int>(key.size())) != 1) {
    return absl::InternalError("no randomness for a master key");
  }
  // Written whole to a file of its own, then linked into place: link()
  // never replaces, so of gateways starting at once (replicas sharing the
  // key file) one key wins and every other reads it, never half of it.
  std::string temp = absl::StrCat(path, ".new.XXXXXX");
  Fd created(mkostemp(temp.data(), O_CLOEXEC));  // mode 0600
  if (created.get() < 0) return Errno("cannot create", temp);
  if (write(created.get(), key.data(), key.size()) != static_cast<ssize_t>(key.size()) ||
      fsync(created.get()) != 0) {
    unlink(temp.c_str());
    return Errno("cannot write", temp);
  }
  int linked = link(temp.c_str(), path.c_str());
  int link_errno = errno;
  unlink(temp.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) return LoadOrCreate(path);
    errno = link_errno;
    return Errno("cannot create", path);
  }
  return FromMasterKey(key);
}

Keyring Keyring::FromMasterKey(absl::string_view master_key) {
  return Keyring(HmacSha256(master_key, "seedance owner id v1"),
                 HmacSha256(master_key, "seedance credential vault v1"),
                 HmacSha256(master_key, "seedance webhook signing v1"));
}

std::string Keyring::WebhookSecret() const {
  return absl::StrCat("whsec_", absl::Base64Escape(webhook_key_));
}

std::string Keyring::OwnerId(absl::string_view token) const {
  std::string mac = HmacSha256(owner_key_, token);
  return absl::BytesToHexString(absl::string_view(mac).substr(0, 16));
}

absl::StatusOr<std::string> Keyring::Seal(absl::string_view plaintext) const {
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  unsigned char* nonce = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(nonce, kNonceBytes) != 1) return absl::InternalError("no randomness");
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  unsigned char* cipher = nonce + kNonceBytes;
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(vault_key_), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher, &length, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          cipher + plaintext.size()) != 1) {
    return absl::InternalError("AES-GCM sealing failed");
  }
  return out;
}

absl::StatusOr<std::string> Keyring::Open(absl::string_view sealed) const {
  if (sealed.size() < kNonceBytes + kTagBytes) {
    return absl::DataLossError("sealed credential is too short");
  }
  size_t text_size = sealed.size() - kNonceBytes - kTagBytes;
  std::string out(text_size, '\0');
  std::string tag(sealed.substr(kNonceBytes + text_size));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  unsigned char* plain = reinterpret_cast<unsigned char*>(out.data());
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(vault_key_),
                         Bytes(sealed)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), plain, &length, Bytes(sealed) + kNonceBytes,
                        static_cast<int>(text_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), plain + length, &length) != 1) {
    return absl::DataLossError("sealed credential does not open with this key");
  }
  return out;
}

}  // namespace seedance::server::callers
