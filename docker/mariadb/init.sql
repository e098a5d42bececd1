-- The operator's own MariaDB table the compose change-sink captures (docker/compose.yaml:
-- TABLE_NAMES=shipments, TENANT_COLUMN=tenant_id). MariaDB runs this once, into MARIADB_DATABASE,
-- when its volume is first initialised. A row's change reaches the socket.io and GraphQL `changes`
-- clients holding an API key of the tenant whose id is in tenant_id (docs/deploy.md shows how).
CREATE TABLE shipments (
  id INT AUTO_INCREMENT PRIMARY KEY,
  tenant_id CHAR(36) NOT NULL,
  reference VARCHAR(64) NOT NULL,
  status VARCHAR(32) NOT NULL,
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  KEY shipments_tenant (tenant_id)
);
