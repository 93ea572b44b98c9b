#!/usr/bin/env bash
# make demo / make demo-drift / make demo-query: plan examples/demo/ (or
# apply examples/drift/ and break it, or list examples/query/'s tenant) with the provider just built (bin/), against the in-repo
# vendor sandbox and a real OAuth server (oidc-provider), all on 127.0.0.1.
# Terraform finds the provider through a dev_overrides CLI config in a
# temporary directory: no registry, no network. Everything started here is
# stopped on exit, and nothing is left in the repository.
set -euo pipefail
mode="${1:-plan}"
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  exec 3>&- 4>&- 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# wait_line FILE PATTERN: wait (up to 30 s) for a line matching PATTERN.
wait_line() {
  for _ in $(seq 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "demo: timed out waiting for $1" >&2; cat "$1" >&2 || true; return 1
}

# The vendor sandbox: serves until its standard input closes.
mkfifo "$work/sandbox.in"
"$root/bin/handshake-sandbox" -demo-files "$work" < "$work/sandbox.in" > "$work/sandbox.json" & pids+=($!)
exec 3>"$work/sandbox.in"
wait_line "$work/sandbox.json" '"url"'
sandbox_url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$work/sandbox.json")
untrusted_url=$(sed -n 's/.*"untrusted_tls_url":"\([^"]*\)".*/\1/p' "$work/sandbox.json")

# The real OAuth server, with the demo's clients.
oidc="$root/internal/testing/oidcserver"
[ -d "$oidc/node_modules" ] || npm ci --prefix "$oidc" --no-audit --no-fund --loglevel=error >/dev/null
mkfifo "$work/oidc.in"
OIDC_CONFIG_FILE="$root/examples/demo/oidc-clients.json" node "$oidc/server.mjs" < "$work/oidc.in" > "$work/oidc.out" 2>"$work/oidc.err" & pids+=($!)
exec 4>"$work/oidc.in"
wait_line "$work/oidc.out" HANDSHAKE_OIDC_LISTENING
idp_url=$(sed -n 's/^HANDSHAKE_OIDC_LISTENING //p' "$work/oidc.out")

cat > "$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "handshake-tf/handshake" = "$root/bin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export TF_VAR_sandbox_url="$sandbox_url" TF_VAR_untrusted_tls_url="$untrusted_url" TF_VAR_idp_url="$idp_url"
quiet() { grep -v -e 'Provider development overrides' -e 'dev_overrides' -e '^ - handshake-tf' -e 'The behavior may therefore' \
  -e 'applying changes may cause' -e 'published releases\.' -e '^│ *$' -e '^╷' -e '^╵' || true; }

# summary applies the saved plan to the scratch state (live results are
# known only after apply: the apply tests again and stores what it finds)
# and prints one line per connector from that state.
summary() {
  terraform apply -input=false -no-color "$1" > "$work/apply.log" 2>&1 || { cat "$work/apply.log"; echo "demo: applying the saved plan failed"; exit 1; }
  terraform show -json > "$work/state.json"
  echo
  echo "== Summary (what applying the saved plan stored)"
  (cd "$root" && go run ./tools/demosummary -provider-version "$("$root/bin/terraform-provider-handshake" -version)" "$work/state.json")
}

if [ "$mode" = plan ]; then
  cp "$root"/examples/demo/*.tf "$work/"
  cd "$work"
  echo "== terraform plan examples/demo   (sandbox $sandbox_url, OAuth server $idp_url)"
  terraform plan -input=false -no-color -out=plan.bin 2>&1 | quiet
  [ -f plan.bin ] || { echo "demo: terraform plan failed"; exit 1; }
  summary plan.bin
  exit 0
fi

# demo-query: list the sandbox tenant's apps (terraform query, Terraform
# 1.14+ from $TERRAFORM), say which credentials expire soon, generate
# configuration for every result and plan it.
if [ "$mode" = query ]; then
  tf="${TERRAFORM:-terraform}"
  cp "$root"/examples/query/*.tf "$root"/examples/query/*.tfquery.hcl "$work/"
  cd "$work"
  # The sandbox's admin credentials, as a CI job would export them.
  export DEMO_ENTRA_ADMIN_SECRET=sandbox-entra-ok-query DEMO_OKTA_ADMIN_TOKEN=healthy.00QueryOktaApiToken0123456789 \
    DEMO_KEYCLOAK_ADMIN_SECRET=sbx-keycloak-Zx8s0mXwYwq3bq9VYwJ5f0Xr1tQe7ZkA
  DEMO_GITHUB_APP_KEY=$(cat github-app.pem); export DEMO_GITHUB_APP_KEY
  echo "== terraform query examples/query   (sandbox $sandbox_url; $("$tf" version | head -1))"
  "$tf" query -no-color > query.txt 2>&1 || { cat query.txt; echo "demo-query: terraform query failed"; exit 1; }
  grep '^list\.' query.txt
  echo
  echo "== Credentials that expired or expire within 30 days"
  grep '^list\.' query.txt | grep -E 'expire[sd] on' || echo "(none)"
  echo
  echo "== terraform query -generate-config-out=generated.tf"
  "$tf" query -no-color -generate-config-out=generated.tf > generate.txt 2>&1 || { cat generate.txt; echo "demo-query: generating configuration failed"; exit 1; }
  echo "$(grep -c '^resource "handshake_connector"' generated.tf) connectors and their import blocks; the first:"
  sed -n '/^resource "handshake_connector"/,/^}/p' generated.tf | grep -v ' = null$' | sed -n '1,/^}/p'
  echo
  echo "== terraform plan -detailed-exitcode   (the generated configuration)"
  set +e
  "$tf" plan -no-color -input=false -detailed-exitcode > plan.txt 2>&1; code=$?
  set -e
  grep -E '^Plan:' plan.txt || true
  echo "$(grep -c '^Warning: ' plan.txt) warnings (a connector warns until you add its credential); exit code: $code (2 = imports and changes planned)"
  [ "$code" = 2 ] || { cat plan.txt; echo "demo-query: the generated configuration did not plan"; exit 1; }
  exit 0
fi

# demo-drift: apply a healthy fleet, revoke one credential in the sandbox,
# and show that the scheduled refresh-only plan exits 2 and says why.
cp "$root"/examples/drift/*.tf "$work/"
cd "$work"
echo "== terraform apply examples/drift   (a healthy fleet)"
terraform apply -auto-approve -input=false -no-color 2>&1 | quiet | grep -E '^(Apply complete|handshake_|Error)' || true
echo
echo "== terraform plan -refresh-only -detailed-exitcode   (nothing changed)"
set +e
terraform plan -refresh-only -detailed-exitcode -input=false -no-color > refresh0.txt 2>&1; code=$?
set -e
grep -E '^No changes' refresh0.txt || true
echo "exit code: $code (0 = no drift)"
[ "$code" = 0 ] || { cat refresh0.txt; echo "demo-drift: expected exit 0 on an unchanged fleet"; exit 1; }
echo
revoked=$(sed -n 's/^ *token *= *"\(xoxb-[^"]*\)".*/\1/p' "$work/main.tf" | head -1)
echo "== An admin revokes the Slack bot token in the sandbox"
curl -fsS -X POST --data-urlencode "credential=$revoked" "$sandbox_url/_control/revoke"
echo
echo "== terraform plan -refresh-only -detailed-exitcode   (drift)"
set +e
terraform plan -refresh-only -detailed-exitcode -input=false -no-color > refresh1.txt 2>&1; code=$?
set -e
quiet < refresh1.txt
echo "exit code: $code (2 = drift detected)"
[ "$code" = 2 ] || { echo "demo-drift: expected exit 2 after the revocation"; exit 1; }
