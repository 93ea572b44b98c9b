terraform {
  required_providers {
    handshake = {
      source = "handshake-tf/handshake"
    }
  }
}

provider "handshake" {
  expiry_warning = "720h" # warn 30 days before a credential expires
  live_checks    = true   # false: offline rules only, no network calls
  timeout        = "15s"
}
