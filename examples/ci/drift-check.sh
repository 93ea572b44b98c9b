#!/usr/bin/env bash
# Scheduled drift check for Handshake connectors and credentials.
#
# Runs one ordinary `terraform plan`, which refreshes every resource (Read
# re-tests connectors whose secrets are in state and recomputes credential
# expiry) and tests every connector live with the secrets from the
# configuration (write-only ones included), then reads the saved plan as
# JSON. It does not rely on `-detailed-exitcode`: a data source in a check
# block always plans a read (exit 2 on every run), a failing check block
# never changes the exit code, and some OpenTofu versions are reported never
# to return 2 from a refresh-only plan (opentofu/opentofu#3107).
#
# Exit code: 0 = nothing changed and every check passes;
#            2 = drift or breakage (printed below);
#            1 = the check could not run (a Terraform or configuration error).
# Needs terraform (or TERRAFORM=tofu) and jq. Run it in the root module.
set -uo pipefail
tf=${TERRAFORM:-terraform}
plan=drift.tfplan
rm -f "$plan"

"$tf" plan -input=false -no-color -lock=false -out="$plan" >drift-plan.txt 2>&1
code=$?
cat drift-plan.txt
if [ "$code" -ne 0 ]; then
  # A connector with on_failure = "error" (the default) that fails its live
  # test, or an expired credential, fails the plan with its diagnostic.
  if grep -q '^[│ ]*Category: ' drift-plan.txt; then
    echo "BREAKAGE: a connector or credential failed its checks (the errors above name the cause and the fix)."
    exit 2
  fi
  echo "terraform plan failed: the drift check could not run." >&2
  exit 1
fi

"$tf" show -json "$plan" >drift-plan.json || exit 1
report=$(jq -r '
  def result: [.status, .expiry_status] | map(select(. != null)) | join(", ");
  # The arguments: everything but what a live test or the clock computes.
  def args: del(.status, .findings, .granted_scopes, .expiry_status);
  ( .resource_drift[]?
    | select(.change.actions != ["no-op"])
    | "DRIFT    \(.address): \(.change.before | result) -> \(.change.after | result) (changed outside Terraform)" ),
  ( .resource_changes[]?
    | select(.mode == "managed" and .change.actions != ["no-op"])
    | if (.change.actions == ["update"] and (.change.before | args) == (.change.after | args))
      then "DRIFT    \(.address): its live test no longer finds \(.change.before | result) (a write-only secret revoked or expired, a scope removed, ...)"
      else "CHANGE   \(.address): \(.change.actions | join("/")) pending (the configuration is not applied)" end ),
  ( .checks[]?
    | select(.status == "fail" or .status == "error")
    | "BROKEN   \(.address.to_display): \([.instances[]?.problems[]?.message] | join("; "))" )
' drift-plan.json) || exit 1

if [ -n "$report" ]; then
  echo
  echo "$report"
  exit 2
fi
echo "No drift: every connector and credential is as it was, and every check passes."
