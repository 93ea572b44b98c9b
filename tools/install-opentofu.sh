#!/usr/bin/env bash
# Builds OpenTofu from the Go module proxy into DEST (default: $HOME/.local/bin)
# for `make testacc-tofu`. `go install` fails (a replace directive points at
# OpenTofu's hcl fork), so build from a writable copy of the module.
set -euo pipefail
VERSION="${TOFU_VERSION:-1.12.6}"
DEST="${1:-$HOME/.local/bin}"
mkdir -p "$DEST"
# Reuse a tofu of this version (read into a variable: grep -q in a pipe
# under pipefail can fail on SIGPIPE).
if [ -x "$DEST/tofu" ] && [[ "$("$DEST/tofu" version 2>/dev/null || true)" == *"OpenTofu v${VERSION}"* ]]; then
  echo "install-opentofu: tofu v${VERSION} already in $DEST"; exit 0
fi
dir=$(go mod download -json "github.com/opentofu/opentofu@v${VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "install-opentofu: could not download opentofu v${VERSION}" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$dir/." "$work/src"
chmod -R u+w "$work/src"
cd "$work/src"
go mod download
echo "install-opentofu: building tofu v${VERSION} (three to six minutes on 2 cores)…"
go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$DEST/tofu" ./cmd/tofu
"$DEST/tofu" version
