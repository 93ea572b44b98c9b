terraform {
  required_version = ">= 1.14.0" # actions
  required_providers {
    handshake = {
      source = "handshake-tf/handshake"
    }
  }
}

# Pass the secret from the environment: export TF_VAR_entra_client_secret=…
# A sensitive variable keeps it out of the plan's listing of the action.
variable "entra_client_secret" {
  type      = string
  sensitive = true
}

# Test the payroll sync's app registration on demand:
#   terraform apply -invoke=action.handshake_test_connection.payroll
action "handshake_test_connection" "payroll" {
  config {
    name                 = "payroll-sync"
    service              = "entra_id"
    entra_id             = { tenant_id = "8b5f1c2e-6f7a-4d3b-9c1e-2a4b6c8d0e1f" }
    auth                 = { client_id = "3f2a9c4e-1b7d-4e8f-a6c5-0d9e8f7a6b5c", client_secret = var.entra_client_secret }
    required_permissions = ["User.Read.All"]
  }
}

# And after every rotation of the secret: the rotation is recorded here by a
# version the team bumps (or by the resource of another provider that rotates
# it), and the test runs right after the change is applied.
variable "secret_version" {
  type    = string
  default = "2026-11"
}

resource "terraform_data" "payroll_secret" {
  input = var.secret_version
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.handshake_test_connection.payroll]
    }
  }
}
