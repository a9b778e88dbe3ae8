#!/usr/bin/env python3
"""Turns the usage example in a header's opening comment (its lines
indented "//   ") into a C++ file that must compile, so that the examples
the client's headers show stay true.

    header_example.py SOURCE_DIR/clients/cpp/gateway_client.h OUT.cc clients/cpp/gateway_client.h

The example runs inside a function that gives it the names examples lean
on (token, spec, request, task, client); its own declarations shadow them.
"""
import sys

header, out = sys.argv[1], sys.argv[2]
example = []
with open(header, encoding="utf-8") as f:
    for line in f:
        if not line.startswith("//"):
            break
        if line.startswith("//   "):
            example.append(line[5:].rstrip("\n"))
if not example:
    sys.exit(f"{header}: no usage example (lines indented '//   ') in its opening comment")
with open(out, "w", encoding="utf-8") as f:
    f.write(f"""// Generated from {header} by tests/clients/cpp/header_example.py.
#include "{sys.argv[3]}"

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "clients/cpp/gateway_client.h"

namespace {{

[[maybe_unused]] void Example(const std::string& token, seedance::v1::VideoSpec& spec,
                              const seedance::v1::CreateVideoTaskRequest& request,
                              const seedance::v1::VideoTask& task,
                              seedance::client::GatewayClient& client) {{
  (void)token; (void)spec; (void)request; (void)task; (void)client;
  {{
""")
    for line in example:
        f.write(f"    {line}\n")
    f.write("""  }
}

}  // namespace
""")
