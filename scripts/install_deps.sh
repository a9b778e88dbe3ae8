#!/usr/bin/env bash
# Installs what building and testing seedance-gateway needs on Debian 12,
# only what is missing (idempotent; a no-op on a ready machine).
#
#   scripts/install_deps.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# C++ toolchain and libraries (see README.md, "Dependencies").
CXX_PACKAGES=(
  build-essential cmake pkg-config ca-certificates
  protobuf-compiler libprotobuf-dev libprotoc-dev
  protobuf-compiler-grpc libgrpc++-dev libabsl-dev
  libcurl4-openssl-dev libsqlite3-dev libboost-dev libssl-dev
  libgtest-dev libgmock-dev
)

# The mock upstream's tests run the guide's own curl and Python `requests`
# examples (tests/mock_upstream/guide_examples_test.sh).
TEST_PACKAGES=(curl python3 python3-requests)

ensure_packages "${CXX_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
