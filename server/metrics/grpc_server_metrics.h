// GrpcServerMetrics: the gRPC server metrics of go-grpc-prometheus, from a
// server interceptor, so that every RPC of every service is counted the
// same way without a line in the services:
//
//   grpc_server_started_total{grpc_type,grpc_service,grpc_method}
//   grpc_server_handled_total{grpc_type,grpc_service,grpc_method,grpc_code}
//   grpc_server_msg_received_total{grpc_type,grpc_service,grpc_method}
//   grpc_server_msg_sent_total{grpc_type,grpc_service,grpc_method}
//   grpc_server_handling_seconds{grpc_type,grpc_service,grpc_method} (histogram)
//
//   GrpcServerMetrics metrics(registry);
//   builder.experimental().SetInterceptorCreators(metrics.InterceptorCreators());
#ifndef SEEDANCE_SERVER_METRICS_GRPC_SERVER_METRICS_H_
#define SEEDANCE_SERVER_METRICS_GRPC_SERVER_METRICS_H_

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <vector>

#include "base/clock.h"

namespace seedance::server::metrics {

class GrpcServerMetrics {
 public:
  // Registers the families in `registry`; both must outlive the server.
  GrpcServerMetrics(prometheus::Registry& registry, const Clock& clock);

  // One interceptor factory for ServerBuilder::experimental().
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
  InterceptorCreators();

  // The families, for the interceptor.
  prometheus::Family<prometheus::Counter>& started() { return started_; }
  prometheus::Family<prometheus::Counter>& handled() { return handled_; }
  prometheus::Family<prometheus::Counter>& received() { return received_; }
  prometheus::Family<prometheus::Counter>& sent() { return sent_; }
  prometheus::Family<prometheus::Histogram>& handling_seconds() { return handling_seconds_; }
  const Clock& clock() const { return clock_; }

 private:
  const Clock& clock_;
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
};

}  // namespace seedance::server::metrics

#endif  // SEEDANCE_SERVER_METRICS_GRPC_SERVER_METRICS_H_
