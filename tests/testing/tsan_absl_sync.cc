// ThreadSanitizer and Debian's Abseil. TSan sees the memory accesses of the
// project's (instrumented) code, but not the synchronisation inside Debian's
// libabsl_synchronization.so, which is built without TSan's annotations: to
// TSan, every access guarded by an absl::Mutex would be a race. Linked into
// the test binaries of a TSan build only (tests/CMakeLists.txt,
// scripts/test_sanitizers.sh tsan), this file interposes the Mutex, CondVar
// and Notification functions: each calls the real one (found with dlsym
// RTLD_NEXT in the shared library) and tells TSan the happens-before edge it
// implies: __tsan_acquire(mutex) once a lock is taken, __tsan_release(mutex)
// before it is given up. absl evaluates Conditions inside its own code, under
// the lock, so they are wrapped to acquire the mutex's history first.
//
// This only restores what absl guarantees; it hides no report of the
// project's own code (scripts/tsan_suppressions.txt has the one suppression,
// for absl::Status's reference count). Accesses inside gRPC and protobuf (also uninstrumented)
// are invisible to TSan either way.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/base/config.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);

namespace {

#define SEEDANCE_STRINGIFY_INNER(x) #x
#define SEEDANCE_STRINGIFY(x) SEEDANCE_STRINGIFY_INNER(x)

// The real function `name`, an Itanium-mangled member of absl's inline
// namespace given without its "_ZN[K]4absl<namespace>" prefix
// ("5Mutex4LockEv"; a leading K marks a const member function).
template <typename F>
F Real(const char* name) {
  std::string ns = SEEDANCE_STRINGIFY(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  std::string rest = name;
  std::string constness = rest[0] == 'K' ? "K" : "";
  if (!constness.empty()) rest.erase(0, 1);
  std::string symbol = "_ZN" + constness + "4absl" + std::to_string(ns.size()) + ns + rest;
  void* f = dlsym(RTLD_NEXT, symbol.c_str());
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl_sync: %s not found\n", symbol.c_str());
    std::abort();
  }
  return reinterpret_cast<F>(f);
}

// A Condition that acquires the mutex's history, evaluates the caller's
// condition, and releases what it read back into that history: absl
// evaluates conditions under the lock but then waits (an unlock TSan does
// not see) or lets another thread evaluate them for it.
struct Guarded {
  absl::Mutex* mu;
  const absl::Condition* cond;
};
bool EvalAcquired(void* arg) {
  auto* guarded = static_cast<Guarded*>(arg);
  __tsan_acquire(guarded->mu);
  bool met = guarded->cond->Eval();
  __tsan_release(guarded->mu);
  return met;
}

void* AtomicFlagOf(const absl::Notification* n) {
  // notified_yet_ follows mutex_ (absl/synchronization/notification.h); its
  // inline acquire load in HasBeenNotified() must see Notify()'s release.
  return reinterpret_cast<char*>(const_cast<absl::Notification*>(n)) + sizeof(absl::Mutex);
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  static auto real = Real<void (*)(Mutex*)>("5Mutex4LockEv");
  real(this);
  __tsan_acquire(this);
}

void Mutex::ReaderLock() {
  static auto real = Real<void (*)(Mutex*)>("5Mutex10ReaderLockEv");
  real(this);
  __tsan_acquire(this);
}

bool Mutex::TryLock() {
  static auto real = Real<bool (*)(Mutex*)>("5Mutex7TryLockEv");
  bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  static auto real = Real<bool (*)(Mutex*)>("5Mutex13ReaderTryLockEv");
  bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

void Mutex::Unlock() {
  static auto real = Real<void (*)(Mutex*)>("5Mutex6UnlockEv");
  __tsan_release(this);
  real(this);
}

void Mutex::ReaderUnlock() {
  static auto real = Real<void (*)(Mutex*)>("5Mutex12ReaderUnlockEv");
  __tsan_release(this);
  real(this);
}

void Mutex::LockWhen(const Condition& cond) {
  static auto real = Real<void (*)(Mutex*, const Condition&)>(
      "5Mutex8LockWhenERKNS0_9ConditionE");
  Guarded guarded{this, &cond};
  real(this, Condition(&EvalAcquired, &guarded));
  __tsan_acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  static auto real = Real<void (*)(Mutex*, const Condition&)>(
      "5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  Guarded guarded{this, &cond};
  real(this, Condition(&EvalAcquired, &guarded));
  __tsan_acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  static auto real = Real<bool (*)(Mutex*, const Condition&, Duration)>(
      "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  Guarded guarded{this, &cond};
  bool met = real(this, Condition(&EvalAcquired, &guarded), timeout);
  __tsan_acquire(this);
  return met;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  static auto real = Real<bool (*)(Mutex*, const Condition&, Time)>(
      "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  Guarded guarded{this, &cond};
  bool met = real(this, Condition(&EvalAcquired, &guarded), deadline);
  __tsan_acquire(this);
  return met;
}

void Mutex::Await(const Condition& cond) {
  static auto real =
      Real<void (*)(Mutex*, const Condition&)>("5Mutex5AwaitERKNS0_9ConditionE");
  Guarded guarded{this, &cond};
  __tsan_release(this);
  real(this, Condition(&EvalAcquired, &guarded));
  __tsan_acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  static auto real = Real<bool (*)(Mutex*, const Condition&, Duration)>(
      "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  Guarded guarded{this, &cond};
  __tsan_release(this);
  bool met = real(this, Condition(&EvalAcquired, &guarded), timeout);
  __tsan_acquire(this);
  return met;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  static auto real = Real<bool (*)(Mutex*, const Condition&, Time)>(
      "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  Guarded guarded{this, &cond};
  __tsan_release(this);
  bool met = real(this, Condition(&EvalAcquired, &guarded), deadline);
  __tsan_acquire(this);
  return met;
}

void CondVar::Wait(Mutex* mu) {
  static auto real = Real<void (*)(CondVar*, Mutex*)>("7CondVar4WaitEPNS0_5MutexE");
  __tsan_release(mu);
  real(this, mu);
  __tsan_acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  static auto real = Real<bool (*)(CondVar*, Mutex*, Duration)>(
      "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  __tsan_release(mu);
  bool timed_out = real(this, mu, timeout);
  __tsan_acquire(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  static auto real = Real<bool (*)(CondVar*, Mutex*, Time)>(
      "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  __tsan_release(mu);
  bool timed_out = real(this, mu, deadline);
  __tsan_acquire(mu);
  return timed_out;
}

void Notification::Notify() {
  static auto real = Real<void (*)(Notification*)>("12Notification6NotifyEv");
  __tsan_release(this);
  __tsan_release(AtomicFlagOf(this));
  real(this);
}

void Notification::WaitForNotification() const {
  static auto real =
      Real<void (*)(const Notification*)>("K12Notification19WaitForNotificationEv");
  real(this);
  __tsan_acquire(const_cast<Notification*>(this));
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  static auto real = Real<bool (*)(const Notification*, Duration)>(
      "K12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  bool notified = real(this, timeout);
  if (notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  static auto real = Real<bool (*)(const Notification*, Time)>(
      "K12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  bool notified = real(this, deadline);
  if (notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl
