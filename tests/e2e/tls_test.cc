// TLS on the gateway's gRPC port, with certificates generated for the test
// by the openssl command (a throwaway CA, a server certificate for
// 127.0.0.1, a client certificate): a TLS client that trusts the CA gets
// answers; a plaintext client or one that does not trust the CA does not;
// with --tls_client_ca_file a client needs its certificate too. Bad TLS
// flags stop the gateway at start with a clear message.
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cpp/channel_credentials.h"
#include "clients/cpp/gateway_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/child_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance {
namespace {

using ::seedance::testing::IsOk;
using ::testing::HasSubstr;

constexpr char kOpenssl[] = "/usr/bin/openssl";

absl::Status RunOpenssl(const std::vector<std::string>& args) {
  testing::ChildProcess::Options options;
  options.quiet_stderr = true;
  auto child = testing::ChildProcess::Start(kOpenssl, args, options);
  if (!child.ok()) return child.status();
  absl::StatusOr<int> code = (*child)->Wait(absl::Seconds(30));
  if (!code.ok()) return code.status();
  if (*code != 0) return absl::InternalError(absl::StrCat("openssl ", args[0], " exited ", *code));
  return absl::OkStatus();
}

// A CA, and a certificate plus key signed by it for `name` (PEM files
// <dir>/<name>.pem, <dir>/<name>.key).
class Certificates {
 public:
  explicit Certificates(std::string dir) : dir_(std::move(dir)) {}

  absl::Status MakeCa() {
    return RunOpenssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                       "-nodes", "-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "2",
                       "-subj", "/CN=seedance test CA"});
  }

  absl::Status MakeSigned(const std::string& name, const std::string& extensions) {
    std::ofstream(path(name + ".ext")) << extensions << "\n";
    if (absl::Status s = RunOpenssl({"req", "-newkey", "ec", "-pkeyopt",
                                     "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                                     path(name + ".key"), "-out", path(name + ".csr"), "-subj",
                                     "/CN=" + name});
        !s.ok()) {
      return s;
    }
    return RunOpenssl({"x509", "-req", "-in", path(name + ".csr"), "-CA", path("ca.pem"), "-CAkey",
                       path("ca.key"), "-CAcreateserial", "-out", path(name + ".pem"), "-days", "2",
                       "-extfile", path(name + ".ext")});
  }

  std::string path(const std::string& file) const { return dir_ + "/" + file; }

 private:
  std::string dir_;
};

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(certs_.MakeCa(), IsOk());
    ASSERT_THAT(certs_.MakeSigned("server", "subjectAltName=IP:127.0.0.1,DNS:localhost"), IsOk());
    ASSERT_THAT(certs_.MakeSigned("client", "extendedKeyUsage=clientAuth"), IsOk());
  }

  std::unique_ptr<testing::GatewayProcess> StartGateway(std::vector<std::string> flags) {
    // No task reaches the upstream here.
    flags.push_back("--upstream_base_url=http://127.0.0.1:9");
    flags.push_back("--in_memory_store");
    auto gateway = testing::GatewayProcess::Start(flags, dir_.path() + "/data");
    EXPECT_THAT(gateway.status(), IsOk());
    return gateway.ok() ? *std::move(gateway) : nullptr;
  }

  // ListModels through a channel made from `tls`.
  absl::Status Call(const testing::GatewayProcess& gateway, const client::ClientTls& tls) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        client::MakeChannelCredentials(tls);
    if (!credentials.ok()) return credentials.status();
    client::GatewayClient::Options options;
    options.call_timeout = absl::Seconds(10);
    client::GatewayClient client(grpc::CreateChannel(gateway.address(), *credentials),
                                 "token-tls", options);
    return client.ListModels().status();
  }

  testing::TempDir dir_;
  Certificates certs_{dir_.path()};
};

TEST_F(TlsTest, ServesTlsToClientsThatTrustItsCa) {
  auto gateway = StartGateway({"--tls_cert_file=" + certs_.path("server.pem"),
                               "--tls_key_file=" + certs_.path("server.key")});
  ASSERT_NE(gateway, nullptr);

  EXPECT_THAT(Call(*gateway, {.enabled = true, .ca_file = certs_.path("ca.pem")}), IsOk());
  // Plaintext to a TLS port: no answer.
  EXPECT_EQ(Call(*gateway, {}).code(), absl::StatusCode::kUnavailable);
  // The system's roots do not include the test CA.
  EXPECT_EQ(Call(*gateway, {.enabled = true}).code(), absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificateFromTheCa) {
  auto gateway = StartGateway({"--tls_cert_file=" + certs_.path("server.pem"),
                               "--tls_key_file=" + certs_.path("server.key"),
                               "--tls_client_ca_file=" + certs_.path("ca.pem")});
  ASSERT_NE(gateway, nullptr);

  EXPECT_THAT(Call(*gateway, {.enabled = true,
                              .ca_file = certs_.path("ca.pem"),
                              .cert_file = certs_.path("client.pem"),
                              .key_file = certs_.path("client.key")}),
              IsOk());
  EXPECT_EQ(Call(*gateway, {.enabled = true, .ca_file = certs_.path("ca.pem")}).code(),
            absl::StatusCode::kUnavailable);
  // A certificate the gateway's CA did not sign: the server's own key pair
  // is signed by the same CA, so make a stranger.
  ASSERT_THAT(RunOpenssl({"req", "-x509", "-newkey", "ec", "-pkeyopt",
                          "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                          certs_.path("stranger.key"), "-out", certs_.path("stranger.pem"),
                          "-days", "2", "-subj", "/CN=stranger"}),
              IsOk());
  EXPECT_EQ(Call(*gateway, {.enabled = true,
                            .ca_file = certs_.path("ca.pem"),
                            .cert_file = certs_.path("stranger.pem"),
                            .key_file = certs_.path("stranger.key")})
                .code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, BadTlsFlagsStopTheStartWithAClearMessage) {
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  } cases[] = {
      {{"--tls_cert_file=" + certs_.path("server.pem")}, "needs both a certificate file"},
      {{"--tls_client_ca_file=" + certs_.path("ca.pem")}, "need TLS"},
      {{"--tls_cert_file=" + certs_.path("missing.pem"),
        "--tls_key_file=" + certs_.path("server.key")},
       "cannot read the TLS certificate"},
      {{"--tls_cert_file=" + certs_.path("server.pem"),
        "--tls_key_file=" + certs_.path("server.ext")},
       "is not PEM"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = c.flags;
    args.push_back("--listen=127.0.0.1:0");
    args.push_back("--in_memory_store");
    args.push_back("--upstream_base_url=http://127.0.0.1:9");
    testing::ChildProcess::Options options;
    options.stderr_to_stdout = true;
    auto child = testing::ChildProcess::Start(testing::GatewayBinary(), args, options);
    ASSERT_THAT(child.status(), IsOk());
    std::string output;
    while (true) {
      absl::StatusOr<std::string> line = (*child)->ReadLine(absl::Seconds(20));
      if (!line.ok()) break;
      output += *line + "\n";
    }
    absl::StatusOr<int> code = (*child)->Wait(absl::Seconds(20));
    ASSERT_THAT(code.status(), IsOk());
    EXPECT_NE(*code, 0) << c.flags[0];
    EXPECT_THAT(output, HasSubstr(c.message)) << c.flags[0];
    // The key's contents are never echoed.
    EXPECT_THAT(output, ::testing::Not(HasSubstr("PRIVATE KEY")));
  }
}

}  // namespace
}  // namespace seedance
