#!/usr/bin/env bash
# Installs what building and testing seedance-gateway needs on Debian 12,
# only what is missing (idempotent; a no-op on a ready machine).
#
#   scripts/install_deps.sh          # everything: build, tests, clients
#   scripts/install_deps.sh build    # the C++ build only (docker/Dockerfile)
#   scripts/install_deps.sh demo     # the C++ build and curl (scripts/demo.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# C++ toolchain and libraries (see README.md, "Dependencies, and why").
CXX_PACKAGES=(
  build-essential cmake pkg-config ca-certificates
  protobuf-compiler libprotobuf-dev libprotoc-dev
  protobuf-compiler-grpc libgrpc++-dev libabsl-dev
  libcurl4-openssl-dev libsqlite3-dev libpq-dev libboost-dev libssl-dev
  libgtest-dev libgmock-dev prometheus-cpp-dev
)

# The mock upstream's tests run the guide's own curl and Python `requests`
# examples (tests/mock_upstream/guide_examples_test.sh); the TLS test makes
# its certificates with the openssl command (tests/e2e/tls_test.cc).
# The PostgreSQL store's tests start real PostgreSQL servers of their own
# (tests/testing/postgres_server.h), from Debian's server package.
# The metrics tests check the gateway's and the mock's /metrics with
# Prometheus's own `promtool check metrics` (the prometheus package).
# chromium: the web page's test in a real browser (headless, driven by
# puppeteer-core from tests/browser's lock file, never a downloaded browser).
TEST_PACKAGES=(curl python3 python3-requests openssl postgresql prometheus chromium)

# The fuzz targets (fuzz/, their short runs are tests): libFuzzer comes with
# clang's runtime; llvm-symbolizer turns sanitizer reports into file:line.
FUZZ_PACKAGES=(clang libclang-rt-14-dev llvm)

# The clients of clients/ and their interop test (tests/interop), plus the
# docker-compose.yml check. All from Debian, all offline once installed:
# Python on Debian's grpcio and protobuf, installed as a package with pip
# into a virtual environment (venv, pip, setuptools), tested with pytest;
# Go as a module, built offline through a workspace over Debian's grpc-go, genproto (for google.rpc) and the
# protoc-gen-go / protoc-gen-go-grpc plugins (APIv2 protobuf, hence
# golang/protobuf 1.5); docker-compose for `docker-compose config` (no Docker
# engine is needed).
CLIENT_PACKAGES=(
  python3-grpcio python3-protobuf python3-venv python3-pip python3-setuptools python3-pytest
  golang-go golang-google-grpc-dev golang-google-genproto-dev
  golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev
  protoc-gen-go protoc-gen-go-grpc
  docker-compose
)

if [ "${1:-}" = "build" ]; then
  ensure_packages "${CXX_PACKAGES[@]}"
  exit 0
fi
if [ "${1:-}" = "demo" ]; then
  ensure_packages "${CXX_PACKAGES[@]}" curl
  exit 0
fi
ensure_packages "${CXX_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${FUZZ_PACKAGES[@]}" "${CLIENT_PACKAGES[@]}"
# The Node client needs node and npm (its packages come from the npm
# registry through its lock file). Debian's nodejs and npm only when there is
# no node yet: an installed Node.js (e.g. NodeSource's, which bundles npm and
# conflicts with Debian's npm package) is used as it is.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  ensure_packages nodejs npm
fi
