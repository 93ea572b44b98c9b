terraform {
  required_version = ">= 1.14.0" # list resources and terraform query
  required_providers {
    handshake = {
      source = "handshake-tf/handshake"
    }
  }
}

# Listing calls the vendor's admin API, so live checks stay on (the default).
provider "handshake" {
  expiry_warning = "720h"
}
