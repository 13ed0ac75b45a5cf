-- +goose Up
-- add column "password_changed_at" to table: "users"
ALTER TABLE `users` ADD COLUMN `password_changed_at` datetime NULL;
-- create "api_tokens" table
CREATE TABLE `api_tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `prefix` text NOT NULL, `token_hash` text NOT NULL, `role` text NOT NULL DEFAULT ('integrator'), `pii_access` bool NOT NULL DEFAULT (false), `expires_at` datetime NOT NULL, `last_used_at` datetime NULL, `revoked_at` datetime NULL, `created_by_id` integer NULL, CONSTRAINT `api_tokens_users_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "api_tokens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("api_tokens", 55834574848);
-- create index "api_tokens_token_hash_key" to table: "api_tokens"
CREATE UNIQUE INDEX `api_tokens_token_hash_key` ON `api_tokens` (`token_hash`);
-- create index "apitoken_prefix" to table: "api_tokens"
CREATE INDEX `apitoken_prefix` ON `api_tokens` (`prefix`);
-- create "login_throttles" table
CREATE TABLE `login_throttles` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `key` text NOT NULL, `failures` integer NOT NULL DEFAULT (0), `last_failure_at` datetime NULL, `locked_until` datetime NULL);
-- set sequence for "login_throttles" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("login_throttles", 60129542144);
-- create index "login_throttles_key_key" to table: "login_throttles"
CREATE UNIQUE INDEX `login_throttles_key_key` ON `login_throttles` (`key`);
-- create "sessions" table
CREATE TABLE `sessions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `family_id` text NOT NULL, `token_hash` text NOT NULL, `expires_at` datetime NOT NULL, `used_at` datetime NULL, `revoked_at` datetime NULL, `client_ip` text NULL, `user_agent` text NULL, `user_id` integer NOT NULL, CONSTRAINT `sessions_users_sessions` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "sessions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("sessions", 64424509440);
-- create index "sessions_token_hash_key" to table: "sessions"
CREATE UNIQUE INDEX `sessions_token_hash_key` ON `sessions` (`token_hash`);
-- create index "session_family_id" to table: "sessions"
CREATE INDEX `session_family_id` ON `sessions` (`family_id`);
-- create index "session_user_id_revoked_at" to table: "sessions"
CREATE INDEX `session_user_id_revoked_at` ON `sessions` (`user_id`, `revoked_at`);
-- create "api_token_partners" table
CREATE TABLE `api_token_partners` (`api_token_id` integer NOT NULL, `partner_id` integer NOT NULL, PRIMARY KEY (`api_token_id`, `partner_id`), CONSTRAINT `api_token_partners_api_token_id` FOREIGN KEY (`api_token_id`) REFERENCES `api_tokens` (`id`) ON DELETE CASCADE, CONSTRAINT `api_token_partners_partner_id` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE CASCADE);
-- create "api_token_regions" table
CREATE TABLE `api_token_regions` (`api_token_id` integer NOT NULL, `region_id` integer NOT NULL, PRIMARY KEY (`api_token_id`, `region_id`), CONSTRAINT `api_token_regions_api_token_id` FOREIGN KEY (`api_token_id`) REFERENCES `api_tokens` (`id`) ON DELETE CASCADE, CONSTRAINT `api_token_regions_region_id` FOREIGN KEY (`region_id`) REFERENCES `regions` (`id`) ON DELETE CASCADE);
-- create "api_token_warehouses" table
CREATE TABLE `api_token_warehouses` (`api_token_id` integer NOT NULL, `warehouse_id` integer NOT NULL, PRIMARY KEY (`api_token_id`, `warehouse_id`), CONSTRAINT `api_token_warehouses_api_token_id` FOREIGN KEY (`api_token_id`) REFERENCES `api_tokens` (`id`) ON DELETE CASCADE, CONSTRAINT `api_token_warehouses_warehouse_id` FOREIGN KEY (`warehouse_id`) REFERENCES `warehouses` (`id`) ON DELETE CASCADE);

-- +goose Down
-- reverse: create "api_token_warehouses" table
DROP TABLE `api_token_warehouses`;
-- reverse: create "api_token_regions" table
DROP TABLE `api_token_regions`;
-- reverse: create "api_token_partners" table
DROP TABLE `api_token_partners`;
-- reverse: create index "session_user_id_revoked_at" to table: "sessions"
DROP INDEX `session_user_id_revoked_at`;
-- reverse: create index "session_family_id" to table: "sessions"
DROP INDEX `session_family_id`;
-- reverse: create index "sessions_token_hash_key" to table: "sessions"
DROP INDEX `sessions_token_hash_key`;
-- reverse: set sequence for "sessions" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "sessions";
-- reverse: create "sessions" table
DROP TABLE `sessions`;
-- reverse: create index "login_throttles_key_key" to table: "login_throttles"
DROP INDEX `login_throttles_key_key`;
-- reverse: set sequence for "login_throttles" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "login_throttles";
-- reverse: create "login_throttles" table
DROP TABLE `login_throttles`;
-- reverse: create index "apitoken_prefix" to table: "api_tokens"
DROP INDEX `apitoken_prefix`;
-- reverse: create index "api_tokens_token_hash_key" to table: "api_tokens"
DROP INDEX `api_tokens_token_hash_key`;
-- reverse: set sequence for "api_tokens" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "api_tokens";
-- reverse: create "api_tokens" table
DROP TABLE `api_tokens`;
-- reverse: add column "password_changed_at" to table: "users"
ALTER TABLE `users` DROP COLUMN `password_changed_at`;
