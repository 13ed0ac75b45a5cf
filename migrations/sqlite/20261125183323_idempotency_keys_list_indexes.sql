-- +goose Up
-- drop index "courier_partner_id_status_created_at" from table: "couriers"
DROP INDEX `courier_partner_id_status_created_at`;
-- drop index "courier_branch_id_status_created_at" from table: "couriers"
DROP INDEX `courier_branch_id_status_created_at`;
-- drop index "courier_status_created_at" from table: "couriers"
DROP INDEX `courier_status_created_at`;
-- create index "courier_partner_id_status_created_at_id" to table: "couriers"
CREATE INDEX `courier_partner_id_status_created_at_id` ON `couriers` (`partner_id`, `status`, `created_at`, `id`);
-- create index "courier_branch_id_status_created_at_id" to table: "couriers"
CREATE INDEX `courier_branch_id_status_created_at_id` ON `couriers` (`branch_id`, `status`, `created_at`, `id`);
-- create index "courier_status_created_at_id" to table: "couriers"
CREATE INDEX `courier_status_created_at_id` ON `couriers` (`status`, `created_at`, `id`);
-- create "idempotency_keys" table
CREATE TABLE `idempotency_keys` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `key` text NOT NULL, `operation` text NOT NULL, `actor` text NOT NULL, `request_hash` text NOT NULL, `result` json NULL);
-- set sequence for "idempotency_keys" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("idempotency_keys", 68719476736);
-- create index "idempotencykey_actor_operation_key" to table: "idempotency_keys"
CREATE UNIQUE INDEX `idempotencykey_actor_operation_key` ON `idempotency_keys` (`actor`, `operation`, `key`);

-- +goose Down
-- reverse: create index "idempotencykey_actor_operation_key" to table: "idempotency_keys"
DROP INDEX `idempotencykey_actor_operation_key`;
-- reverse: set sequence for "idempotency_keys" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "idempotency_keys";
-- reverse: create "idempotency_keys" table
DROP TABLE `idempotency_keys`;
-- reverse: create index "courier_status_created_at_id" to table: "couriers"
DROP INDEX `courier_status_created_at_id`;
-- reverse: create index "courier_branch_id_status_created_at_id" to table: "couriers"
DROP INDEX `courier_branch_id_status_created_at_id`;
-- reverse: create index "courier_partner_id_status_created_at_id" to table: "couriers"
DROP INDEX `courier_partner_id_status_created_at_id`;
-- reverse: drop index "courier_status_created_at" from table: "couriers"
CREATE INDEX `courier_status_created_at` ON `couriers` (`status`, `created_at`);
-- reverse: drop index "courier_branch_id_status_created_at" from table: "couriers"
CREATE INDEX `courier_branch_id_status_created_at` ON `couriers` (`branch_id`, `status`, `created_at`);
-- reverse: drop index "courier_partner_id_status_created_at" from table: "couriers"
CREATE INDEX `courier_partner_id_status_created_at` ON `couriers` (`partner_id`, `status`, `created_at`);
