# Connectors are imported by "<service>/<name>".
terraform import handshake_connector.entra entra_id/governance-directory
