# make demo-query: list the sandbox tenant's apps with terraform query
# (Terraform 1.14+), then plan the configuration it generates. Everything
# runs on 127.0.0.1: the vendor sandbox (tools/sandbox) emulates Microsoft
# Graph, Okta, Keycloak and GitHub.
terraform {
  required_version = ">= 1.14.0"
  required_providers {
    handshake = {
      source = "handshake-tf/handshake"
    }
  }
}

provider "handshake" {
  expiry_warning = "720h"
  timeout        = "10s"
}
