terraform {
  required_version = ">= 1.8.0"
  required_providers {
    handshake = {
      source = "handshake-tf/handshake"
    }
  }
}

variable "error_text" {
  description = "An error body or exception text copied from a failed sync job's log."
  type        = string
  default     = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: The provided client secret keys for app '0f3b1c2d-0000-4000-8000-000000000001' are expired.\\r\\nTrace ID: 6a1e2f3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c\",\"error_codes\":[7000222]}"
}

# Explain an error from a known service and status.
output "why" {
  value = provider::handshake::diagnose("entra_id", 401, var.error_text)
}

# Let Handshake infer the service, and read a transport error (status 0: unknown).
output "network" {
  value = provider::handshake::diagnose("", 0, "Get \"https://acme.okta.com/api/v1/users/me\": dial tcp: lookup acme.okta.com: no such host")
}

# Warn when a logged error will not go away by retrying.
check "sync_error_is_transient" {
  assert {
    condition     = provider::handshake::diagnose("", 0, var.error_text).retryable
    error_message = provider::handshake::diagnose("", 0, var.error_text).summary
  }
}
