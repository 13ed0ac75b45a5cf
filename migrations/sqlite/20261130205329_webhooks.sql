-- +goose Up
-- create "webhook_attempts" table
CREATE TABLE `webhook_attempts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `status_code` integer NULL, `error` text NULL, `duration_ms` integer NOT NULL, `delivery_id` integer NOT NULL, CONSTRAINT `webhook_attempts_webhook_deliveries_attempt_log` FOREIGN KEY (`delivery_id`) REFERENCES `webhook_deliveries` (`id`) ON DELETE NO ACTION);
-- set sequence for "webhook_attempts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_attempts", 128849018880);
-- create "webhook_deliveries" table
CREATE TABLE `webhook_deliveries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `ordering_key` text NOT NULL, `status` text NOT NULL DEFAULT ('pending'), `attempts` integer NOT NULL DEFAULT (0), `next_attempt_at` datetime NOT NULL, `lease_until` datetime NULL, `delivered_at` datetime NULL, `endpoint_id` integer NOT NULL, `event_id` integer NOT NULL, CONSTRAINT `webhook_deliveries_webhook_endpoints_deliveries` FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints` (`id`) ON DELETE NO ACTION, CONSTRAINT `webhook_deliveries_webhook_events_deliveries` FOREIGN KEY (`event_id`) REFERENCES `webhook_events` (`id`) ON DELETE NO ACTION);
-- set sequence for "webhook_deliveries" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_deliveries", 133143986176);
-- create index "webhookdelivery_status_next_attempt_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_status_next_attempt_at` ON `webhook_deliveries` (`status`, `next_attempt_at`);
-- create index "webhookdelivery_endpoint_id_ordering_key_status" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_endpoint_id_ordering_key_status` ON `webhook_deliveries` (`endpoint_id`, `ordering_key`, `status`);
-- create index "webhookdelivery_event_id" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_event_id` ON `webhook_deliveries` (`event_id`);
-- create "webhook_endpoints" table
CREATE TABLE `webhook_endpoints` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `url` text NOT NULL, `description` text NULL, `enabled` bool NOT NULL DEFAULT (true), `signing_secret` text NOT NULL, `secret_hint` text NOT NULL, `created_by_id` integer NULL, CONSTRAINT `webhook_endpoints_users_created_by` FOREIGN KEY (`created_by_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "webhook_endpoints" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_endpoints", 137438953472);
-- create "webhook_events" table
CREATE TABLE `webhook_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `type` text NOT NULL, `ordering_key` text NOT NULL, `payload` json NOT NULL);
-- set sequence for "webhook_events" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("webhook_events", 141733920768);

-- +goose Down
-- reverse: set sequence for "webhook_events" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "webhook_events";
-- reverse: create "webhook_events" table
DROP TABLE `webhook_events`;
-- reverse: set sequence for "webhook_endpoints" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "webhook_endpoints";
-- reverse: create "webhook_endpoints" table
DROP TABLE `webhook_endpoints`;
-- reverse: create index "webhookdelivery_event_id" to table: "webhook_deliveries"
DROP INDEX `webhookdelivery_event_id`;
-- reverse: create index "webhookdelivery_endpoint_id_ordering_key_status" to table: "webhook_deliveries"
DROP INDEX `webhookdelivery_endpoint_id_ordering_key_status`;
-- reverse: create index "webhookdelivery_status_next_attempt_at" to table: "webhook_deliveries"
DROP INDEX `webhookdelivery_status_next_attempt_at`;
-- reverse: set sequence for "webhook_deliveries" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "webhook_deliveries";
-- reverse: create "webhook_deliveries" table
DROP TABLE `webhook_deliveries`;
-- reverse: set sequence for "webhook_attempts" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "webhook_attempts";
-- reverse: create "webhook_attempts" table
DROP TABLE `webhook_attempts`;
