#include "server/metrics/grpc_server_metrics.h"

#include <grpcpp/support/interceptor.h>

#include <string>

#include "absl/time/time.h"
#include "server/metrics/grpc_labels.h"

namespace seedance::server::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Prometheus's default buckets, as go-grpc-prometheus uses them.
const prometheus::Histogram::BucketBoundaries& HandlingBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

// One per RPC: counts it as it goes. Runs on gRPC's threads; the counters
// are atomic, the families' Add is locked.
class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(grpc::experimental::ServerRpcInfo* info, GrpcServerMetrics& metrics)
      : metrics_(metrics), start_(metrics.clock().Now()) {
    MethodLabels method = LabelsOfPath(info->method());
    labels_ = {{"grpc_type", GrpcTypeLabel(info->type())},
               {"grpc_service", std::move(method.service)},
               {"grpc_method", std::move(method.method)}};
    metrics_.started().Add(labels_).Increment();
    received_ = &metrics_.received().Add(labels_);
    sent_ = &metrics_.sent().Add(labels_);
  }

  ~MetricsInterceptor() override {
    // A call that ended without a status of ours (the client went away
    // first) is counted as the client saw it.
    if (!handled_) Handled(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      received_->Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      sent_->Increment();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        !handled_) {
      Handled(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Handled(grpc::StatusCode code) {
    handled_ = true;
    prometheus::Labels with_code = labels_;
    with_code.emplace("grpc_code", GrpcCodeLabel(code));
    metrics_.handled().Add(with_code).Increment();
    metrics_.handling_seconds()
        .Add(labels_, HandlingBuckets())
        .Observe(absl::ToDoubleSeconds(metrics_.clock().Now() - start_));
  }

  GrpcServerMetrics& metrics_;
  const absl::Time start_;
  prometheus::Labels labels_;
  prometheus::Counter* received_ = nullptr;
  prometheus::Counter* sent_ = nullptr;
  bool handled_ = false;
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(GrpcServerMetrics& metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info, metrics_);
  }

 private:
  GrpcServerMetrics& metrics_;
};

}  // namespace

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry, const Clock& clock)
    : clock_(clock),
      started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("Total number of RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("Total number of RPCs completed on the server, regardless of success "
                         "or failure.")
                   .Register(registry)),
      received_(prometheus::BuildCounter()
                    .Name("grpc_server_msg_received_total")
                    .Help("Total number of RPC stream messages received on the server.")
                    .Register(registry)),
      sent_(prometheus::BuildCounter()
                .Name("grpc_server_msg_sent_total")
                .Help("Total number of gRPC stream messages sent by the server.")
                .Register(registry)),
      handling_seconds_(prometheus::BuildHistogram()
                            .Name("grpc_server_handling_seconds")
                            .Help("Histogram of response latency (seconds) of gRPC that had "
                                  "been application-level handled by the server.")
                            .Register(registry)) {}

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
GrpcServerMetrics::InterceptorCreators() {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<MetricsInterceptorFactory>(*this));
  return out;
}

}  // namespace seedance::server::metrics
