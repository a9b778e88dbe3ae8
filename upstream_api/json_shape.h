// Descriptor-guided checks and fixes of a JSON tree before protobuf's own JSON
// mapping reads it. protobuf's parser stops at the first problem with a
// message that names no field path, and it quietly accepts "5" for 5; the
// upstream API wants every wrong field named. So a JSON body is first read
// into a google.protobuf.Value and walked against the target message type:
//
//   google::protobuf::Value tree = ...;  // JsonStringToMessage(json, &tree)
//   std::vector<FieldViolation> v;
//   CheckJsonShape(tree, *VideosRequest::descriptor(), "", v);
//   // v: {"content[0].image_url", "must be an object like {\"url\": ...}"}
//
// Keys the message does not know are ignored (the upstream ignores them too);
// JSON null counts as absent everywhere, as in proto3's JSON mapping.
#ifndef SEEDANCE_UPSTREAM_API_JSON_SHAPE_H_
#define SEEDANCE_UPSTREAM_API_JSON_SHAPE_H_

#include <string>

#include "absl/strings/string_view.h"
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "upstream_api/field_violation.h"

namespace seedance::upstream_api {

// Appends to `out` one violation per value in `value` whose JSON type does
// not fit `type` (strings for numbers, fractions or out-of-range numbers for
// integer fields, a string where an object belongs, ...). `path` prefixes
// every reported field path. Thread-safe.
void CheckJsonShape(const google::protobuf::Value& value,
                    const google::protobuf::Descriptor& type,
                    absl::string_view path, std::vector<FieldViolation>& out);

// Rewrites `value` in place so that each repeated message field given as a
// single object becomes a list of that one object (the upstream sends `data`
// both ways). Thread-safe for distinct values.
void WrapSingleObjectsInLists(google::protobuf::Value& value,
                              const google::protobuf::Descriptor& type);

// Rewrites `value` in place so that each of the `fields` (full names, e.g.
// "seedance.upstream.v1.VideosResponse.data") holding a one-element list
// holds that element itself, the documented wire form.
void UnwrapSingleElementLists(google::protobuf::Value& value,
                              const google::protobuf::Descriptor& type,
                              const std::vector<absl::string_view>& fields);

// Removes from `value`, at every depth `type` describes, the keys its
// message does not know, and appends their paths to `dropped` when given, in no
// set order ("durtion", "content[0].colour"). protobuf's parser would ignore them
// (ignore_unknown_fields) but for "", which it refuses with no field named;
// the upstream ignores unknown keys, so the gateway does too, and the mock can
// report them. Free-form values and maps are left whole. Thread-safe for
// distinct values.
void DropUnknownKeys(google::protobuf::Value& value, const google::protobuf::Descriptor& type,
                     absl::string_view path, std::vector<std::string>* dropped);

// Writes `value` as compact JSON with the keys of each object in the order
// of `type`'s fields (field number order, as protobuf writes messages), keys
// `type` does not know after them in byte order. Deterministic, unlike
// protobuf's printing of a Value, whose map order is unspecified. Numbers are
// written in their shortest exact form (4294967295, 83.827).
std::string WriteOrderedJson(const google::protobuf::Value& value,
                             const google::protobuf::Descriptor& type);

}  // namespace seedance::upstream_api

#endif  // SEEDANCE_UPSTREAM_API_JSON_SHAPE_H_
