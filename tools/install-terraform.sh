#!/usr/bin/env bash
# Builds Terraform from the Go module proxy into DEST (default: $HOME/.local/bin)
# for machines that have no terraform. A plain `go install` fails: the module's
# go.mod replaces nested modules that are not in the module zip and carries a
# godebug line newer Go rejects. So: copy the module, drop the remote-state
# backends (not needed by the provider tests; 1.14 added oci), and build.
# Reuses a terraform of the same version already in DEST.
set -euo pipefail
VERSION="${TERRAFORM_VERSION:-1.11.4}"
DEST="${1:-$HOME/.local/bin}"
mkdir -p "$DEST"
# (The version is read into a variable: grep -q in a pipe under pipefail can
# fail on SIGPIPE.)
if [ -x "$DEST/terraform" ] && [[ "$("$DEST/terraform" version 2>/dev/null || true)" == "Terraform v${VERSION}"[[:space:]]* ]]; then
  echo "install-terraform: terraform v${VERSION} already in $DEST"; exit 0
fi

dir=$(go mod download -json "github.com/hashicorp/terraform@v${VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "install-terraform: could not download terraform v${VERSION}" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$dir/." "$work/src"
chmod -R u+w "$work/src"
cd "$work/src"

# go.mod: drop the nested-module requires/replaces and the godebug lines.
sed -i -E \
  -e '/github.com\/hashicorp\/terraform\/internal\/(backend\/remote-state\/(azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3)|legacy)[[:space:]]/d' \
  -e '/^replace github.com\/hashicorp\/terraform\/internal\//d' \
  -e '/^godebug /d' go.mod
# init.go: keep only the backends that live in the main module.
sed -i -E \
  -e '/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[[:space:]]+"github.com/d' \
  -e '/"(azurerm|consul|cos|gcs|kubernetes|oci|oss|pg|s3)":[[:space:]]+func/d' \
  internal/backend/init/init.go

echo "install-terraform: building terraform v${VERSION} (two to four minutes on 2 cores)…"
GOFLAGS=-mod=mod go build -ldflags "-X github.com/hashicorp/terraform/version.dev=no" -o "$DEST/terraform" .
"$DEST/terraform" version
