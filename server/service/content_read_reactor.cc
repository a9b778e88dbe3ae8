#include "server/service/content_read_reactor.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/model/gateway_errors.h"
#include "server/service/grpc_status.h"
#include "upstream_api/status_details.h"

namespace seedance::server::service {

ContentReadReactor::ContentReadReactor(content::ContentStore* store, Scheduler* reads,
                                       const Clock& clock, Options options)
    : store_(store), reads_(reads), clock_(clock), options_(std::move(options)) {}

void ContentReadReactor::Start(absl::StatusOr<content::ContentReadPlan> plan) {
  if (!plan.ok()) return Finish(ToGrpcStatus(plan.status()));
  if (store_ == nullptr || reads_ == nullptr) {
    return Finish(ToGrpcStatus(content::NotServingContent()));
  }
  plan_ = *std::move(plan);
  next_ = plan_.header.offset();
  end_ = next_ + plan_.header.length();
  *response_.mutable_header() = plan_.header;
  StartWrite(&response_);
}

void ContentReadReactor::OnWriteDone(bool ok) {
  if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the stream broke"));
  if (next_ >= end_) return Finish(grpc::Status::OK);
  if (cancelled_.load()) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
  reads_->RunAt(clock_.Now(), [this] { ReadNext(); });
}

void ContentReadReactor::ReadNext() {
  if (cancelled_.load()) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
  const int64_t want = std::min(options_.chunk_bytes, end_ - next_);
  absl::StatusOr<std::string> bytes = store_->Read(plan_.key, next_, want);
  absl::Status failure;
  if (!bytes.ok()) {
    // The task says STORED but the store cannot give it (a replica without
    // the shared content directory, a disk fault): a replica that can may
    // answer a retry.
    failure = absl::UnavailableError(
        absl::StrCat("the gateway's copy could not be read: ", bytes.status().message()));
  } else if (bytes->empty()) {
    failure = absl::DataLossError(absl::StrCat("the gateway's copy ends at byte ", next_,
                                               ", before its recorded size ",
                                               plan_.header.total_size()));
  }
  if (!failure.ok()) {
    return Finish(ToGrpcStatus(upstream_api::WithErrorInfo(
        std::move(failure), "CONTENT_UNREADABLE", model::kGatewayErrorDomain)));
  }
  response_.Clear();
  v1::ContentChunk& chunk = *response_.mutable_chunk();
  chunk.set_offset(next_);
  next_ += static_cast<int64_t>(bytes->size());
  chunk.set_data(*std::move(bytes));
  StartWrite(&response_);
}

void ContentReadReactor::OnCancel() { cancelled_.store(true); }

void ContentReadReactor::OnDone() {
  if (options_.on_done) options_.on_done();
  delete this;
}

}  // namespace seedance::server::service
