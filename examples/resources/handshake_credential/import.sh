# Credentials are imported by "<id>,<type>" or "<id>,<type>,<expires_at>".
# The value itself cannot be imported: the next apply records its fingerprint.
terraform import handshake_credential.entra cred-3f2a9c1d5e7b8a60,client_secret,2027-02-01T00:00:00Z
