#!/usr/bin/env bash
# make demo: plan examples/demo/ with the provider just built (bin/), through a
# dev_overrides CLI config in a temporary directory. Needs no registry and no
# network, and leaves nothing behind.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root"/examples/demo/*.tf "$work/"
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "handshake-tf/handshake" = "$root/bin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
cd "$work"

echo "== terraform plan examples/demo (offline checks)"
terraform plan -input=false -no-color -out=plan.bin 2>&1 | grep -v -e 'Provider development overrides' -e 'dev_overrides' -e '^ - handshake-tf' -e 'The behavior may therefore' -e 'applying changes may cause' -e 'published releases\.' || true
[ -f plan.bin ] || { echo "demo: terraform plan failed"; exit 1; }
terraform show -json plan.bin > plan.json
echo
echo "== Summary"
(cd "$root" && go run ./tools/demosummary "$work/plan.json")
