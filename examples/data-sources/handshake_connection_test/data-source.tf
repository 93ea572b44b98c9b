terraform {
  required_providers {
    handshake = {
      source = "handshake-tf/handshake"
    }
  }
}

variable "okta_token" {
  type      = string
  sensitive = true
}

# A check block warns when the connector is unhealthy and never blocks an
# apply: the data source returns failures as data.
check "okta_healthy" {
  data "handshake_connection_test" "okta" {
    name    = "okta-users"
    service = "okta"
    okta    = { domain = "acme.okta.com" }
    auth    = { token = var.okta_token }
  }

  assert {
    condition     = data.handshake_connection_test.okta.status == "healthy"
    error_message = data.handshake_connection_test.okta.summary
  }
}
