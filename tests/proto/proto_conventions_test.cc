// Conventions of the .proto files that no compiler checks: every element of
// the public API documented, language options set, enums shaped for proto3
// clients, and the google.rpc copies wire-compatible with the public ones.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/compiler/importer.h"
#include "google/protobuf/descriptor.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "seedance/v1/video_gateway.pb.h"
#include "tests/testing/fixtures.h"

namespace seedance {
namespace {

namespace pb = google::protobuf;
using ::testing::IsEmpty;

class CollectErrors : public pb::compiler::MultiFileErrorCollector {
 public:
  void AddError(const std::string& file, int line, int column,
                const std::string& message) override {
    errors.push_back(file + ":" + std::to_string(line) + ":" +
                     std::to_string(column) + ": " + message);
  }
  std::vector<std::string> errors;
};

// Loads the .proto files from the source tree, with their comments.
class ProtoConventionsTest : public ::testing::Test {
 protected:
  ProtoConventionsTest() : importer_(&tree_, &errors_) {
    tree_.MapPath("", (testing::SourceDir() / "proto").string());
    tree_.MapPath("", SEEDANCE_PROTOBUF_INCLUDE_DIR);
  }

  const pb::FileDescriptor* Load(const std::string& path) {
    const pb::FileDescriptor* file = importer_.Import(path);
    EXPECT_THAT(errors_.errors, IsEmpty());
    EXPECT_NE(file, nullptr) << path;
    return file;
  }

  pb::compiler::DiskSourceTree tree_;
  CollectErrors errors_;
  pb::compiler::Importer importer_;
};

template <typename T>
void ExpectCommented(const T& element, std::vector<std::string>& missing) {
  pb::SourceLocation location;
  if (!element.GetSourceLocation(&location) ||
      (location.leading_comments.empty() && location.trailing_comments.empty())) {
    missing.push_back(element.full_name());
  }
}

void CollectUncommented(const pb::Descriptor& message,
                        std::vector<std::string>& missing) {
  ExpectCommented(message, missing);
  for (int i = 0; i < message.field_count(); ++i) {
    ExpectCommented(*message.field(i), missing);
  }
  for (int i = 0; i < message.oneof_decl_count(); ++i) {
    // proto3 `optional` fields make synthetic oneofs, with no source.
    if (!message.oneof_decl(i)->is_synthetic()) {
      ExpectCommented(*message.oneof_decl(i), missing);
    }
  }
  for (int i = 0; i < message.nested_type_count(); ++i) {
    if (!message.nested_type(i)->options().map_entry()) {
      CollectUncommented(*message.nested_type(i), missing);
    }
  }
}

constexpr const char* kPublicFiles[] = {"seedance/v1/video_gateway.proto",
                                        "seedance/v1/video_task.proto"};
constexpr const char* kMirrorFiles[] = {"seedance/upstream/v1/videos.proto",
                                        "seedance/upstream/v1/tasks.proto"};

TEST_F(ProtoConventionsTest, EveryElementIsCommented) {
  std::vector<std::string> files(std::begin(kPublicFiles), std::end(kPublicFiles));
  files.insert(files.end(), std::begin(kMirrorFiles), std::end(kMirrorFiles));
  int elements = 0;
  for (const std::string& path : files) {
    const pb::FileDescriptor* file = Load(path);
    ASSERT_NE(file, nullptr);
    std::vector<std::string> missing;
    for (int i = 0; i < file->message_type_count(); ++i) {
      CollectUncommented(*file->message_type(i), missing);
    }
    for (int i = 0; i < file->enum_type_count(); ++i) {
      const pb::EnumDescriptor& e = *file->enum_type(i);
      ExpectCommented(e, missing);
      for (int v = 0; v < e.value_count(); ++v) ExpectCommented(*e.value(v), missing);
      elements += e.value_count();
    }
    for (int i = 0; i < file->service_count(); ++i) {
      const pb::ServiceDescriptor& s = *file->service(i);
      ExpectCommented(s, missing);
      for (int m = 0; m < s.method_count(); ++m) ExpectCommented(*s.method(m), missing);
      elements += s.method_count();
    }
    elements += file->message_type_count();
    EXPECT_THAT(missing, IsEmpty()) << path;
  }
  EXPECT_GT(elements, 40);
}

TEST_F(ProtoConventionsTest, PublicFilesSetLanguageOptions) {
  for (const char* path : kPublicFiles) {
    SCOPED_TRACE(path);
    const pb::FileDescriptor* file = Load(path);
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(file->package(), "seedance.v1");
    const pb::FileOptions& o = file->options();
    EXPECT_THAT(o.go_package(), ::testing::EndsWith(";seedancev1"));
    EXPECT_EQ(o.java_package(), "com.seedance.v1");
    EXPECT_TRUE(o.java_multiple_files());
    EXPECT_EQ(o.csharp_namespace(), "Seedance.V1");
    EXPECT_FALSE(o.objc_class_prefix().empty());
    EXPECT_FALSE(o.php_namespace().empty());
    EXPECT_FALSE(o.ruby_package().empty());
  }
}

// proto3 clients read an unset enum as its zero value, so zero must mean
// "unspecified", and values carry their enum's prefix (they share a scope).
TEST_F(ProtoConventionsTest, EnumsStartUnspecifiedAndArePrefixed) {
  const pb::FileDescriptor* file = Load("seedance/v1/video_task.proto");
  ASSERT_NE(file, nullptr);
  ASSERT_GT(file->enum_type_count(), 4);
  for (int i = 0; i < file->enum_type_count(); ++i) {
    const pb::EnumDescriptor& e = *file->enum_type(i);
    SCOPED_TRACE(e.name());
    std::string prefix;
    for (char c : e.name()) {
      if (std::isupper(static_cast<unsigned char>(c)) && !prefix.empty()) prefix += '_';
      prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    prefix += '_';
    EXPECT_EQ(e.value(0)->number(), 0);
    EXPECT_EQ(e.value(0)->name(), prefix + "UNSPECIFIED");
    for (int v = 0; v < e.value_count(); ++v) {
      EXPECT_EQ(e.value(v)->name().rfind(prefix, 0), 0u) << e.value(v)->name();
    }
  }
}

TEST(ProtoApiTest, TaskStatesCoverTheUpstreamLifeCycle) {
  const pb::EnumDescriptor& states = *v1::TaskState_descriptor();
  for (const char* name :
       {"TASK_STATE_QUEUED", "TASK_STATE_RUNNING", "TASK_STATE_SUCCEEDED",
        "TASK_STATE_FAILED", "TASK_STATE_CANCELLED", "TASK_STATE_EXPIRED"}) {
    EXPECT_NE(states.FindValueByName(name), nullptr) << name;
  }
}

TEST(ProtoApiTest, WatchRpcsAreServerStreams) {
  const pb::ServiceDescriptor& service =
      *pb::DescriptorPool::generated_pool()->FindServiceByName("seedance.v1.VideoGateway");
  for (const char* name : {"WatchVideoTask", "CreateAndWatchVideoTask"}) {
    const pb::MethodDescriptor* method = service.FindMethodByName(name);
    ASSERT_NE(method, nullptr) << name;
    EXPECT_TRUE(method->server_streaming()) << name;
    EXPECT_FALSE(method->client_streaming()) << name;
  }
  for (const char* name : {"CreateVideoTask", "GetVideoTask", "ListVideoTasks",
                           "CancelVideoTask", "ListModels"}) {
    const pb::MethodDescriptor* method = service.FindMethodByName(name);
    ASSERT_NE(method, nullptr) << name;
    EXPECT_FALSE(method->server_streaming()) << name;
  }
  EXPECT_TRUE(v1::WatchVideoTaskRequest::descriptor()
                  ->FindFieldByName("after_sequence")
                  ->has_presence());
}

// Field numbers of the public googleapis definitions; a client decodes our
// error details with its own copy of them.
TEST(ProtoApiTest, GoogleRpcCopiesUseThePublicFieldNumbers) {
  struct Expected {
    const pb::Descriptor* type;
    const char* field;
    int number;
  };
  const Expected expected[] = {
      {google::rpc::Status::descriptor(), "code", 1},
      {google::rpc::Status::descriptor(), "message", 2},
      {google::rpc::Status::descriptor(), "details", 3},
      {google::rpc::ErrorInfo::descriptor(), "reason", 1},
      {google::rpc::ErrorInfo::descriptor(), "domain", 2},
      {google::rpc::ErrorInfo::descriptor(), "metadata", 3},
      {google::rpc::RetryInfo::descriptor(), "retry_delay", 1},
      {google::rpc::BadRequest::descriptor(), "field_violations", 1},
      {google::rpc::BadRequest::FieldViolation::descriptor(), "field", 1},
      {google::rpc::BadRequest::FieldViolation::descriptor(), "description", 2},
      {google::rpc::BadRequest::FieldViolation::descriptor(), "reason", 3},
      {google::rpc::QuotaFailure::Violation::descriptor(), "subject", 1},
      {google::rpc::ResourceInfo::descriptor(), "resource_name", 2},
      {google::rpc::RequestInfo::descriptor(), "request_id", 1},
  };
  for (const Expected& e : expected) {
    SCOPED_TRACE(e.type->full_name() + "." + e.field);
    const pb::FieldDescriptor* field = e.type->FindFieldByName(e.field);
    ASSERT_NE(field, nullptr);
    EXPECT_EQ(field->number(), e.number);
  }
  EXPECT_EQ(google::rpc::Status::descriptor()->full_name(), "google.rpc.Status");
  EXPECT_EQ(google::rpc::BadRequest::descriptor()->full_name(), "google.rpc.BadRequest");
}

}  // namespace
}  // namespace seedance
