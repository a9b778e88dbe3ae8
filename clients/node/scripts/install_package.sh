#!/usr/bin/env bash
# Packs seedance-gateway-client the way `npm publish` would (`npm pack`:
# the protos go inside, see protos.js) and installs the tarball into
# APP_DIR, as a user's project installs a package: APP_DIR/package.json
# (created if missing) gets the dependency, and `npm install` fetches the
# package's own dependencies (from npm's cache when it has them). Nothing is
# written to the source tree: the pack runs in a copy.
#
#   clients/node/scripts/install_package.sh APP_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
app="$1"
mkdir -p "$app"
app="$(cd "$app" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The repository's layout, which the prepack step reads (../../proto).
mkdir -p "$work/clients"
cp -r "$here" "$work/clients/node"
rm -rf "$work/clients/node/node_modules" "$work/clients/node/proto"
cp -r "$root/proto" "$work/proto"
tarball="$(cd "$work/clients/node" && npm pack --silent --pack-destination "$work")"
cp "$work/$tarball" "$app/"
cd "$app"
[ -f package.json ] || printf '{\n  "private": true\n}\n' >package.json
npm install --no-audit --no-fund --loglevel=error --prefer-offline "./$tarball"
