#include "tests/testing/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/store/postgres_handles.h"

namespace seedance::testing {
namespace {

namespace fs = std::filesystem;

// Where PostgreSQL's server programs are: $SEEDANCE_PG_BINDIR, or the
// newest major version under Debian's /usr/lib/postgresql.
absl::StatusOr<std::string> FindBindir() {
  if (const char* env = std::getenv("SEEDANCE_PG_BINDIR"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  int best = -1;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    int version = 0;
    if (absl::SimpleAtoi(e.path().filename().string(), &version) && version > best &&
        fs::exists(e.path() / "bin" / "postgres")) {
      best = version;
    }
  }
  if (best < 0) {
    return absl::FailedPreconditionError(
        "no PostgreSQL server under /usr/lib/postgresql: install Debian's postgresql "
        "package (scripts/install_deps.sh does), or set SEEDANCE_PG_BINDIR");
  }
  return absl::StrCat("/usr/lib/postgresql/", best, "/bin");
}

// The user PostgreSQL's programs run as: `postgres` when the test runs as
// root (the server refuses root), else the test's own user.
struct RunAs {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

absl::StatusOr<RunAs> ServerUser() {
  if (geteuid() != 0) return RunAs{};
  struct passwd* pw = getpwnam("postgres");
  if (pw == nullptr) {
    return absl::FailedPreconditionError(
        "running as root and there is no `postgres` user to run PostgreSQL as (Debian's "
        "postgresql package creates it)");
  }
  return RunAs{.switch_user = true, .uid = pw->pw_uid, .gid = pw->pw_gid};
}

// Starts `argv` as the server's user, its output appended to `log`. The
// child gets SIGQUIT (PostgreSQL's immediate shutdown) if the thread that
// started it ends, so a crashed test leaves no server behind.
absl::StatusOr<pid_t> Spawn(const RunAs& as, const std::vector<std::string>& argv,
                            const std::string& log) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (getppid() != parent) _exit(127);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    if (as.switch_user) {
      if (setgroups(0, nullptr) != 0 || setgid(as.gid) != 0 || setuid(as.uid) != 0) _exit(126);
    }
    // The setuid above clears the death signal; set it again for the server.
    prctl(PR_SET_PDEATHSIG, SIGQUIT);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Waits up to `timeout` for `pid`; its exit code, or 128 + signal.
absl::StatusOr<int> WaitFor(pid_t pid, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0) return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("process ", pid, " still runs"));
    }
    absl::SleepFor(absl::Milliseconds(20));  // polling a child's exit, not synchronising
  }
}

std::string Tail(const std::string& path, size_t bytes = 2000) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

absl::StatusOr<int> FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  if (port < 0) return absl::InternalError("no free loopback port");
  return port;
}

std::string RandomHex(int bytes) {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < bytes; ++i) absl::StrAppendFormat(&out, "%02x", rd() & 0xff);
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start(Options options) {
  std::unique_ptr<PostgresServer> pg(new PostgresServer());
  pg->options_ = options;
  absl::StatusOr<std::string> bindir = FindBindir();
  if (!bindir.ok()) return bindir.status();
  pg->bindir_ = *bindir;
  absl::StatusOr<RunAs> as = ServerUser();
  if (!as.ok()) return as.status();
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/seedance-pg-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", std::strerror(errno)));
  }
  pg->dir_ = pattern;
  pg->password_ = RandomHex(16);
  std::string pwfile = pg->dir_ + "/password";
  {
    std::ofstream out(pwfile);
    out << pg->password_ << "\n";
  }
  if (as->switch_user) {
    for (const std::string& path : {pg->dir_, pwfile}) {
      if (chown(path.c_str(), as->uid, as->gid) != 0) {
        return absl::InternalError(absl::StrCat("chown ", path, ": ", std::strerror(errno)));
      }
    }
  }
  std::string log = pg->dir_ + "/initdb.log";
  absl::StatusOr<pid_t> initdb =
      Spawn(*as,
            {pg->bindir_ + "/initdb", "-D", pg->dir_ + "/data", "-U", pg->user_,
             "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
             "--no-sync"},
            log);
  if (!initdb.ok()) return initdb.status();
  absl::StatusOr<int> code = WaitFor(*initdb, absl::Minutes(2));
  if (!code.ok() || *code != 0) {
    return absl::InternalError(absl::StrCat("initdb failed (exit ", code.ok() ? *code : -1,
                                            "):\n", Tail(log)));
  }
  absl::Status launched;
  for (int attempt = 0; attempt < 5; ++attempt) {
    absl::StatusOr<int> port = FreeLoopbackPort();
    if (!port.ok()) return port.status();
    pg->port_ = *port;
    launched = pg->Launch(absl::Seconds(60));
    // Another process may take the port between the probe and the bind.
    if (launched.ok() || !absl::IsUnavailable(launched)) break;
  }
  if (!launched.ok()) return launched;
  return pg;
}

PostgresServer& PostgresServer::Shared() {
  // Destroyed at exit, which stops the server and removes its files.
  static std::unique_ptr<PostgresServer> shared = [] {
    absl::StatusOr<std::unique_ptr<PostgresServer>> pg = Start();
    if (!pg.ok()) {
      std::fprintf(stderr, "cannot start PostgreSQL for the tests: %s\n",
                   pg.status().ToString().c_str());
      std::abort();
    }
    return *std::move(pg);
  }();
  return *shared;
}

PostgresServer::~PostgresServer() {
  if (pid_ > 0) (void)StopWith(SIGQUIT);
  if (!dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
}

absl::Status PostgresServer::Launch(absl::Duration timeout) {
  absl::StatusOr<RunAs> as = ServerUser();
  if (!as.ok()) return as.status();
  std::string log = dir_ + "/server.log";
  // Durability settings that cost fsyncs are off unless asked for: a test
  // server never loses power. synchronous_commit stays on, so an immediate
  // shutdown (Crash) keeps every committed transaction, as a real crash
  // would.
  const char* durable = options_.durable ? "on" : "off";
  absl::StatusOr<pid_t> pid =
      Spawn(*as,
            {bindir_ + "/postgres", "-D", dir_ + "/data", "-p", absl::StrCat(port_), "-k", dir_,
             "-c", "listen_addresses=127.0.0.1", "-c", absl::StrCat("fsync=", durable), "-c",
             absl::StrCat("full_page_writes=", durable), "-c", "max_connections=200", "-c",
             "log_min_messages=warning", "-c", "log_connections=off"},
            log);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  // Through the server's own socket directory: a server of another test
  // that took the port cannot answer for this one.
  std::string ping = absl::StrCat("host=", dir_, " port=", port_,
                                  " dbname=postgres connect_timeout=2");
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (PQping(ping.c_str()) == PQPING_OK) return absl::OkStatus();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::string tail = Tail(log);
      if (tail.find("could not bind") != std::string::npos) {
        return absl::UnavailableError(absl::StrCat("port ", port_, " is taken:\n", tail));
      }
      return absl::InternalError(absl::StrCat("PostgreSQL exited at start:\n", tail));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("PostgreSQL did not accept connections within ",
                       absl::FormatDuration(timeout), ":\n", Tail(log)));
    }
    absl::SleepFor(absl::Milliseconds(20));  // polling readiness of a separate process
  }
}

absl::Status PostgresServer::StopWith(int signal) {
  if (pid_ <= 0) return absl::FailedPreconditionError("PostgreSQL is not running");
  kill(pid_, signal);
  absl::StatusOr<int> code = WaitFor(pid_, absl::Seconds(60));
  if (!code.ok()) {
    kill(pid_, SIGKILL);
    code = WaitFor(pid_, absl::Seconds(10));
  }
  pid_ = -1;
  return code.ok() ? absl::OkStatus() : code.status();
}

absl::Status PostgresServer::Stop() { return StopWith(SIGINT); }
absl::Status PostgresServer::Crash() { return StopWith(SIGQUIT); }

absl::Status PostgresServer::Restart() {
  if (pid_ > 0) return absl::FailedPreconditionError("PostgreSQL is running");
  return Launch(absl::Seconds(60));
}

std::string PostgresServer::Uri(const std::string& dbname) const {
  return absl::StrCat("postgresql://", user_, "@127.0.0.1:", port_, "/", dbname);
}

std::string PostgresServer::UriWithPassword(const std::string& dbname) const {
  return absl::StrCat("postgresql://", user_, ":", password_, "@127.0.0.1:", port_, "/", dbname);
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase() {
  absl::StatusOr<server::store::PgConnection> conn =
      server::store::ConnectPostgres(UriWithPassword("postgres"));
  if (!conn.ok()) return conn.status();
  std::string name = absl::StrCat("test_", ++databases_);
  std::string sql = absl::StrCat("CREATE DATABASE ", name);
  if (absl::Status s = server::store::ExecCommand(conn->get(), "create a database", sql.c_str());
      !s.ok()) {
    return s;
  }
  return UriWithPassword(name);
}

absl::StatusOr<std::string> QueryOne(const std::string& uri, const std::string& sql) {
  absl::StatusOr<server::store::PgConnection> conn = server::store::ConnectPostgres(uri);
  if (!conn.ok()) return conn.status();
  absl::StatusOr<server::store::PgResult> r =
      server::store::ExecParams(conn->get(), "query", sql.c_str(), server::store::PgParams(),
                                server::store::PgFormat::kText);
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) != 1 || PQnfields(r->get()) != 1) {
    return absl::InternalError(absl::StrCat("not one value: ", sql));
  }
  return std::string(server::store::Value(r->get(), 0, 0));
}

}  // namespace seedance::testing
