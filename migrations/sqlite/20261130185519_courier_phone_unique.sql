-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_couriers" table
CREATE TABLE `new_couriers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `last_name` text NOT NULL, `first_name` text NOT NULL, `middle_name` text NULL, `phone` text NOT NULL, `phone_duplicate` bool NOT NULL DEFAULT (false), `pinfl` text NOT NULL, `birth_date` datetime NOT NULL, `gender` text NULL, `transport_type` text NOT NULL, `vehicle_plate` text NULL, `document_status` text NOT NULL DEFAULT ('missing'), `status` text NOT NULL DEFAULT ('new'), `status_changed_at` datetime NULL, `hired_at` datetime NULL, `fired_at` datetime NULL, `do_not_rehire` bool NOT NULL DEFAULT (false), `search_key` text NOT NULL DEFAULT (''), `branch_id` integer NULL, `partner_id` integer NULL, CONSTRAINT `couriers_branches_couriers` FOREIGN KEY (`branch_id`) REFERENCES `branches` (`id`) ON DELETE NO ACTION, CONSTRAINT `couriers_partners_couriers` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- set sequence for "new_couriers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_couriers", 8589934592);
-- copy rows from old table "couriers" to new temporary table "new_couriers"
INSERT INTO `new_couriers` (`id`, `created_at`, `updated_at`, `archived_at`, `last_name`, `first_name`, `middle_name`, `phone`, `pinfl`, `birth_date`, `gender`, `transport_type`, `vehicle_plate`, `document_status`, `status`, `status_changed_at`, `hired_at`, `fired_at`, `do_not_rehire`, `search_key`, `branch_id`, `partner_id`) SELECT `id`, `created_at`, `updated_at`, `archived_at`, `last_name`, `first_name`, `middle_name`, `phone`, `pinfl`, `birth_date`, `gender`, `transport_type`, `vehicle_plate`, `document_status`, `status`, `status_changed_at`, `hired_at`, `fired_at`, `do_not_rehire`, `search_key`, `branch_id`, `partner_id` FROM `couriers`;
-- drop "couriers" table after copying rows
DROP TABLE `couriers`;
-- rename temporary table "new_couriers" to "couriers"
ALTER TABLE `new_couriers` RENAME TO `couriers`;
-- Couriers who already shared a live phone keep their number (nothing is
-- lost): all but the oldest of each group are flagged phone_duplicate, which
-- keeps them outside the unique index until the number is corrected.
UPDATE "couriers" SET "phone_duplicate" = 1
WHERE "status" <> 'fired' AND EXISTS (
  SELECT 1 FROM "couriers" AS "older"
  WHERE "older"."phone" = "couriers"."phone" AND "older"."status" <> 'fired' AND "older"."id" < "couriers"."id");
-- create index "couriers_pinfl_key" to table: "couriers"
CREATE UNIQUE INDEX `couriers_pinfl_key` ON `couriers` (`pinfl`);
-- create index "courier_archived_at" to table: "couriers"
CREATE INDEX `courier_archived_at` ON `couriers` (`archived_at`);
-- create index "courier_partner_id_status_created_at_id" to table: "couriers"
CREATE INDEX `courier_partner_id_status_created_at_id` ON `couriers` (`partner_id`, `status`, `created_at`, `id`);
-- create index "courier_branch_id_status_created_at_id" to table: "couriers"
CREATE INDEX `courier_branch_id_status_created_at_id` ON `couriers` (`branch_id`, `status`, `created_at`, `id`);
-- create index "courier_status_created_at_id" to table: "couriers"
CREATE INDEX `courier_status_created_at_id` ON `couriers` (`status`, `created_at`, `id`);
-- create index "courier_last_name_first_name" to table: "couriers"
CREATE INDEX `courier_last_name_first_name` ON `couriers` (`last_name`, `first_name`);
-- create index "courier_phone_live" to table: "couriers"
CREATE UNIQUE INDEX `courier_phone_live` ON `couriers` (`phone`) WHERE status <> 'fired' AND NOT phone_duplicate;
-- create index "courier_created_at" to table: "couriers"
CREATE INDEX `courier_created_at` ON `couriers` (`created_at`);
-- create index "courier_search_key" to table: "couriers"
CREATE INDEX `courier_search_key` ON `couriers` (`search_key`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "courier_search_key" to table: "couriers"
DROP INDEX `courier_search_key`;
-- reverse: create index "courier_created_at" to table: "couriers"
DROP INDEX `courier_created_at`;
-- reverse: create index "courier_phone_live" to table: "couriers"
DROP INDEX `courier_phone_live`;
-- reverse: create index "courier_last_name_first_name" to table: "couriers"
DROP INDEX `courier_last_name_first_name`;
-- reverse: create index "courier_status_created_at_id" to table: "couriers"
DROP INDEX `courier_status_created_at_id`;
-- reverse: create index "courier_branch_id_status_created_at_id" to table: "couriers"
DROP INDEX `courier_branch_id_status_created_at_id`;
-- reverse: create index "courier_partner_id_status_created_at_id" to table: "couriers"
DROP INDEX `courier_partner_id_status_created_at_id`;
-- reverse: create index "courier_archived_at" to table: "couriers"
DROP INDEX `courier_archived_at`;
-- reverse: create index "couriers_pinfl_key" to table: "couriers"
DROP INDEX `couriers_pinfl_key`;
-- reverse: set sequence for "new_couriers" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_couriers";
-- reverse: create "new_couriers" table
DROP TABLE `new_couriers`;
