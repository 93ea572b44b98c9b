terraform {
  required_providers {
    handshake = {
      source = "handshake-tf/handshake"
    }
  }
}

# Pass the secret from the environment: export TF_VAR_entra_client_secret=…
variable "entra_client_secret" {
  type      = string
  sensitive = true
}

# An Entra client secret does not say when it expires, so expires_at is set by
# hand. Handshake warns 14 days before and fails the plan once it has expired.
resource "handshake_credential" "entra" {
  type             = "client_secret"
  value_wo         = var.entra_client_secret # write-only: never in state or plan
  value_wo_version = 3                       # bump to rotate
  expires_at       = "2027-02-01T00:00:00Z"
  rotate_before    = "336h"
}

# A certificate describes its own expiry (NotAfter); expires_at is derived.
# saml-signing.pem is your identity provider's SAML signing certificate (the
# public PEM certificate, not its key), saved next to this file.
resource "handshake_credential" "saml_signing" {
  type  = "certificate"
  value = file("${path.module}/saml-signing.pem")
}

output "entra_secret_status" {
  value = handshake_credential.entra.expiry_status # valid | expiring | expired | unknown
}
