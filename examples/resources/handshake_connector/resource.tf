variable "entra_client_secret" {
  type      = string
  sensitive = true
}

# An Entra ID app used by a governance sync. The secret is write-only: it is
# never stored in state. Bump secret_version after rotating it.
resource "handshake_connector" "entra" {
  name    = "governance-directory"
  service = "entra_id"
  entra_id = {
    tenant_id = "72f988bf-86f1-41af-91ab-2d7cd011db47"
  }
  auth = {
    client_id        = "0f3b6a1e-2c4d-4e5f-8a9b-1c2d3e4f5a6b"
    client_secret_wo = var.entra_client_secret
    secret_version   = 3
  }
  required_permissions = ["User.Read.All", "GroupMember.Read.All"] # application permissions, checked against the token's roles
  redirect_uris   = ["https://governance.example.com/oauth/callback"]
}

# An Okta service app reading users and groups through the org authorization
# server, which only grants okta.* scopes.
resource "handshake_connector" "okta" {
  name    = "okta-users"
  service = "okta"
  okta = {
    domain = "acme.okta.com"
  }
  auth = {
    client_id   = "0oa1b2c3d4e5f6g7h8i9"
    private_key = file("${path.module}/okta-service-app.pem")
  }
  required_scopes = ["okta.users.read", "okta.groups.read"]
  on_failure      = "warn" # report problems without blocking the plan
}
