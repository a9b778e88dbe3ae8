// UTF-8 validity. JSON text and proto3 `string` fields must be valid UTF-8,
// but error messages sometimes quote what a client sent (protobuf's JSON
// parser quotes the bytes around a syntax error, the validator quotes a bad
// value), and those bytes can be anything. Whatever ends up in a BadRequest
// or a JSON answer goes through ToValidUtf8 first:
//
//   ToValidUtf8("caf\xc3\xa9 \xff")  // "café \uFFFD" (as UTF-8 bytes)
//
// Pure and thread-safe. (Added with the fuzz targets, which found raw input
// bytes in BadRequest descriptions and in the mock's admin answers.)
#ifndef SEEDANCE_BASE_UTF8_H_
#define SEEDANCE_BASE_UTF8_H_

#include <string>

#include "absl/strings/string_view.h"

namespace seedance {

// True if `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(absl::string_view text);

// `text` with each byte that does not belong to a well-formed UTF-8
// sequence replaced by U+FFFD; valid text comes back unchanged.
std::string ToValidUtf8(absl::string_view text);

}  // namespace seedance

#endif  // SEEDANCE_BASE_UTF8_H_
