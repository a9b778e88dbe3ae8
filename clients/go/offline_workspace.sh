#!/usr/bin/env bash
# Writes a Go workspace (go.work) that builds this module, and any module
# using it, offline on Debian's Go packages: every dependency is replaced by
# its sources under /usr/share/gocode (golang-google-grpc-dev and friends,
# scripts/install_deps.sh), and modules that only appear in dependencies'
# go.mod files, never imported by a package built here (linters, xDS, App
# Engine, ...), by a stub holding just a go.mod, since Go reads every go.mod
# of the graph. A machine with network access needs none of this: a module
# that requires this one gets the real modules with `go get`; building
# inside this module there needs `go mod tidy` first (go.sum is not
# committed: it cannot be made without the network).
#
#   clients/go/offline_workspace.sh DIR [MODULE_DIR ...]
#   GOWORK=DIR/go.work GOPROXY=off go build ./...
#
# DIR gets go.work and stubs/. The workspace uses this module, or, when
# MODULE_DIRs are given (e.g. a program of your own that requires this
# module), those, with this module replaced by its directory here.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$1"
shift
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
gocode=/usr/share/gocode/src
debian=(
  google.golang.org/grpc google.golang.org/protobuf google.golang.org/genproto
  github.com/golang/protobuf github.com/google/go-cmp
  golang.org/x/net golang.org/x/sys golang.org/x/text golang.org/x/oauth2
)
stubs=(
  golang.org/x/lint golang.org/x/tools golang.org/x/term golang.org/x/mod honnef.co/go/tools
  github.com/cncf/udpa/go github.com/envoyproxy/go-control-plane github.com/golang/glog
  github.com/google/uuid cloud.google.com/go/compute/metadata google.golang.org/appengine
)
{
  echo "go 1.19"
  echo
  echo "use ("
  if [ $# -eq 0 ]; then echo "	$here"; fi
  for m in "$@"; do echo "	$(cd "$m" && pwd)"; done
  echo ")"
  echo
  echo "replace ("
  if [ $# -gt 0 ]; then echo "	$(sed -n 's/^module //p' "$here/go.mod") => $here"; fi
  for m in "${debian[@]}"; do
    [ -f "$gocode/$m/go.mod" ] || { echo "missing $gocode/$m (Debian's Go packages)" >&2; exit 1; }
    echo "	$m => $gocode/$m"
  done
  for m in "${stubs[@]}"; do
    mkdir -p "$dir/stubs/$m"
    echo "module $m" >"$dir/stubs/$m/go.mod"
    echo "	$m => $dir/stubs/$m"
  done
  echo ")"
} >"$dir/go.work"
