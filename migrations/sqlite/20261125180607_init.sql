-- +goose Up
-- create "audit_events" table
CREATE TABLE `audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `actor_kind` text NOT NULL, `actor_id` integer NULL, `actor_name` text NOT NULL, `actor_role` text NULL, `operation` text NOT NULL, `entity_type` text NOT NULL, `entity_id` integer NULL, `changes` json NULL, `request_id` text NULL, `client_ip` text NULL);
-- create index "auditevent_entity_type_entity_id_created_at" to table: "audit_events"
CREATE INDEX `auditevent_entity_type_entity_id_created_at` ON `audit_events` (`entity_type`, `entity_id`, `created_at`);
-- create index "auditevent_actor_kind_actor_id_created_at" to table: "audit_events"
CREATE INDEX `auditevent_actor_kind_actor_id_created_at` ON `audit_events` (`actor_kind`, `actor_id`, `created_at`);
-- create index "auditevent_operation_created_at" to table: "audit_events"
CREATE INDEX `auditevent_operation_created_at` ON `audit_events` (`operation`, `created_at`);
-- create index "auditevent_created_at" to table: "audit_events"
CREATE INDEX `auditevent_created_at` ON `audit_events` (`created_at`);
-- create "branches" table
CREATE TABLE `branches` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `name` text NOT NULL, `code` text NOT NULL, `address` text NULL, `region_id` integer NOT NULL, CONSTRAINT `branches_regions_branches` FOREIGN KEY (`region_id`) REFERENCES `regions` (`id`) ON DELETE NO ACTION);
-- set sequence for "branches" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("branches", 4294967296);
-- create index "branches_code_key" to table: "branches"
CREATE UNIQUE INDEX `branches_code_key` ON `branches` (`code`);
-- create index "branch_archived_at" to table: "branches"
CREATE INDEX `branch_archived_at` ON `branches` (`archived_at`);
-- create "couriers" table
CREATE TABLE `couriers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `last_name` text NOT NULL, `first_name` text NOT NULL, `middle_name` text NULL, `phone` text NOT NULL, `pinfl` text NOT NULL, `birth_date` datetime NOT NULL, `gender` text NULL, `transport_type` text NOT NULL, `vehicle_plate` text NULL, `document_status` text NOT NULL DEFAULT ('missing'), `status` text NOT NULL DEFAULT ('new'), `status_changed_at` datetime NULL, `hired_at` datetime NULL, `fired_at` datetime NULL, `do_not_rehire` bool NOT NULL DEFAULT (false), `branch_id` integer NULL, `partner_id` integer NULL, CONSTRAINT `couriers_branches_couriers` FOREIGN KEY (`branch_id`) REFERENCES `branches` (`id`) ON DELETE NO ACTION, CONSTRAINT `couriers_partners_couriers` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE NO ACTION);
-- set sequence for "couriers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("couriers", 8589934592);
-- create index "couriers_pinfl_key" to table: "couriers"
CREATE UNIQUE INDEX `couriers_pinfl_key` ON `couriers` (`pinfl`);
-- create index "courier_archived_at" to table: "couriers"
CREATE INDEX `courier_archived_at` ON `couriers` (`archived_at`);
-- create index "courier_partner_id_status_created_at" to table: "couriers"
CREATE INDEX `courier_partner_id_status_created_at` ON `couriers` (`partner_id`, `status`, `created_at`);
-- create index "courier_branch_id_status_created_at" to table: "couriers"
CREATE INDEX `courier_branch_id_status_created_at` ON `couriers` (`branch_id`, `status`, `created_at`);
-- create index "courier_status_created_at" to table: "couriers"
CREATE INDEX `courier_status_created_at` ON `couriers` (`status`, `created_at`);
-- create index "courier_last_name_first_name" to table: "couriers"
CREATE INDEX `courier_last_name_first_name` ON `couriers` (`last_name`, `first_name`);
-- create index "courier_phone" to table: "couriers"
CREATE INDEX `courier_phone` ON `couriers` (`phone`);
-- create index "courier_created_at" to table: "couriers"
CREATE INDEX `courier_created_at` ON `couriers` (`created_at`);
-- create "courier_documents" table
CREATE TABLE `courier_documents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `kind` text NOT NULL, `number` text NULL, `issued_at` datetime NULL, `expires_at` datetime NULL, `verification` text NOT NULL DEFAULT ('pending'), `rejection_reason` text NULL, `verified_at` datetime NULL, `storage_key` text NULL, `file_name` text NULL, `content_type` text NULL, `file_size` integer NULL, `courier_id` integer NOT NULL, `verified_by_id` integer NULL, CONSTRAINT `courier_documents_couriers_documents` FOREIGN KEY (`courier_id`) REFERENCES `couriers` (`id`) ON DELETE NO ACTION, CONSTRAINT `courier_documents_users_verified_by` FOREIGN KEY (`verified_by_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "courier_documents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("courier_documents", 12884901888);
-- create index "courierdocument_archived_at" to table: "courier_documents"
CREATE INDEX `courierdocument_archived_at` ON `courier_documents` (`archived_at`);
-- create index "courierdocument_courier_id_kind" to table: "courier_documents"
CREATE INDEX `courierdocument_courier_id_kind` ON `courier_documents` (`courier_id`, `kind`);
-- create index "courierdocument_expires_at" to table: "courier_documents"
CREATE INDEX `courierdocument_expires_at` ON `courier_documents` (`expires_at`);
-- create "courier_status_changes" table
CREATE TABLE `courier_status_changes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `from_status` text NULL, `to_status` text NOT NULL, `reason` text NULL, `comment` text NULL, `courier_id` integer NOT NULL, `actor_id` integer NULL, CONSTRAINT `courier_status_changes_couriers_status_history` FOREIGN KEY (`courier_id`) REFERENCES `couriers` (`id`) ON DELETE NO ACTION, CONSTRAINT `courier_status_changes_users_actor` FOREIGN KEY (`actor_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "courier_status_changes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("courier_status_changes", 17179869184);
-- create index "courierstatuschange_courier_id_created_at" to table: "courier_status_changes"
CREATE INDEX `courierstatuschange_courier_id_created_at` ON `courier_status_changes` (`courier_id`, `created_at`);
-- create index "courierstatuschange_to_status_created_at" to table: "courier_status_changes"
CREATE INDEX `courierstatuschange_to_status_created_at` ON `courier_status_changes` (`to_status`, `created_at`);
-- create "equipment_types" table
CREATE TABLE `equipment_types` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `name` text NOT NULL, `sku` text NOT NULL, `category` text NOT NULL, `size` text NULL, `tracking` text NOT NULL DEFAULT ('quantity'), `unit_cost` integer NOT NULL DEFAULT (0), `deposit_amount` integer NOT NULL DEFAULT (0), `service_life_months` integer NULL);
-- set sequence for "equipment_types" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("equipment_types", 21474836480);
-- create index "equipment_types_sku_key" to table: "equipment_types"
CREATE UNIQUE INDEX `equipment_types_sku_key` ON `equipment_types` (`sku`);
-- create index "equipmenttype_archived_at" to table: "equipment_types"
CREATE INDEX `equipmenttype_archived_at` ON `equipment_types` (`archived_at`);
-- create index "equipmenttype_category" to table: "equipment_types"
CREATE INDEX `equipmenttype_category` ON `equipment_types` (`category`);
-- create "items" table
CREATE TABLE `items` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `serial` text NOT NULL, `state` text NOT NULL DEFAULT ('in_stock'), `condition` text NOT NULL DEFAULT ('new'), `unit_cost` integer NOT NULL DEFAULT (0), `courier_id` integer NULL, `equipment_type_id` integer NOT NULL, `warehouse_id` integer NULL, CONSTRAINT `items_couriers_items` FOREIGN KEY (`courier_id`) REFERENCES `couriers` (`id`) ON DELETE NO ACTION, CONSTRAINT `items_equipment_types_items` FOREIGN KEY (`equipment_type_id`) REFERENCES `equipment_types` (`id`) ON DELETE NO ACTION, CONSTRAINT `items_warehouses_items` FOREIGN KEY (`warehouse_id`) REFERENCES `warehouses` (`id`) ON DELETE NO ACTION);
-- set sequence for "items" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("items", 25769803776);
-- create index "items_serial_key" to table: "items"
CREATE UNIQUE INDEX `items_serial_key` ON `items` (`serial`);
-- create index "item_archived_at" to table: "items"
CREATE INDEX `item_archived_at` ON `items` (`archived_at`);
-- create index "item_warehouse_id_equipment_type_id_state" to table: "items"
CREATE INDEX `item_warehouse_id_equipment_type_id_state` ON `items` (`warehouse_id`, `equipment_type_id`, `state`);
-- create index "item_courier_id" to table: "items"
CREATE INDEX `item_courier_id` ON `items` (`courier_id`);
-- create index "item_equipment_type_id_state" to table: "items"
CREATE INDEX `item_equipment_type_id_state` ON `items` (`equipment_type_id`, `state`);
-- create "movements" table
CREATE TABLE `movements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `kind` text NOT NULL, `quantity` integer NOT NULL, `operation_id` text NOT NULL, `document_number` text NOT NULL, `reason` text NULL, `comment` text NULL, `condition` text NULL, `unit_cost` integer NOT NULL DEFAULT (0), `courier_id` integer NULL, `equipment_type_id` integer NOT NULL, `item_id` integer NULL, `counterpart_warehouse_id` integer NULL, `actor_id` integer NULL, `warehouse_id` integer NOT NULL, CONSTRAINT `movements_couriers_movements` FOREIGN KEY (`courier_id`) REFERENCES `couriers` (`id`) ON DELETE NO ACTION, CONSTRAINT `movements_equipment_types_movements` FOREIGN KEY (`equipment_type_id`) REFERENCES `equipment_types` (`id`) ON DELETE NO ACTION, CONSTRAINT `movements_items_movements` FOREIGN KEY (`item_id`) REFERENCES `items` (`id`) ON DELETE NO ACTION, CONSTRAINT `movements_warehouses_counterpart_warehouse` FOREIGN KEY (`counterpart_warehouse_id`) REFERENCES `warehouses` (`id`) ON DELETE NO ACTION, CONSTRAINT `movements_users_actor` FOREIGN KEY (`actor_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `movements_warehouses_movements` FOREIGN KEY (`warehouse_id`) REFERENCES `warehouses` (`id`) ON DELETE NO ACTION, CONSTRAINT `movement_quantity_non_zero` CHECK (quantity <> 0));
-- set sequence for "movements" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("movements", 30064771072);
-- create index "movement_warehouse_id_equipment_type_id_created_at" to table: "movements"
CREATE INDEX `movement_warehouse_id_equipment_type_id_created_at` ON `movements` (`warehouse_id`, `equipment_type_id`, `created_at`);
-- create index "movement_equipment_type_id_created_at" to table: "movements"
CREATE INDEX `movement_equipment_type_id_created_at` ON `movements` (`equipment_type_id`, `created_at`);
-- create index "movement_courier_id_created_at" to table: "movements"
CREATE INDEX `movement_courier_id_created_at` ON `movements` (`courier_id`, `created_at`);
-- create index "movement_item_id" to table: "movements"
CREATE INDEX `movement_item_id` ON `movements` (`item_id`);
-- create index "movement_kind_created_at" to table: "movements"
CREATE INDEX `movement_kind_created_at` ON `movements` (`kind`, `created_at`);
-- create index "movement_operation_id" to table: "movements"
CREATE INDEX `movement_operation_id` ON `movements` (`operation_id`);
-- create index "movement_document_number" to table: "movements"
CREATE INDEX `movement_document_number` ON `movements` (`document_number`);
-- create index "movement_created_at" to table: "movements"
CREATE INDEX `movement_created_at` ON `movements` (`created_at`);
-- create "partners" table
CREATE TABLE `partners` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `name` text NOT NULL, `legal_name` text NULL, `inn` text NULL, `contact_name` text NULL, `contact_phone` text NULL);
-- set sequence for "partners" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("partners", 34359738368);
-- create index "partners_name_key" to table: "partners"
CREATE UNIQUE INDEX `partners_name_key` ON `partners` (`name`);
-- create index "partners_inn_key" to table: "partners"
CREATE UNIQUE INDEX `partners_inn_key` ON `partners` (`inn`);
-- create index "partner_archived_at" to table: "partners"
CREATE INDEX `partner_archived_at` ON `partners` (`archived_at`);
-- create "regions" table
CREATE TABLE `regions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `name` text NOT NULL, `code` text NOT NULL);
-- set sequence for "regions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("regions", 38654705664);
-- create index "regions_code_key" to table: "regions"
CREATE UNIQUE INDEX `regions_code_key` ON `regions` (`code`);
-- create index "region_archived_at" to table: "regions"
CREATE INDEX `region_archived_at` ON `regions` (`archived_at`);
-- create "stock_balances" table
CREATE TABLE `stock_balances` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `quantity` integer NOT NULL DEFAULT (0), `min_level` integer NOT NULL DEFAULT (0), `equipment_type_id` integer NOT NULL, `warehouse_id` integer NOT NULL, CONSTRAINT `stock_balances_equipment_types_balances` FOREIGN KEY (`equipment_type_id`) REFERENCES `equipment_types` (`id`) ON DELETE NO ACTION, CONSTRAINT `stock_balances_warehouses_balances` FOREIGN KEY (`warehouse_id`) REFERENCES `warehouses` (`id`) ON DELETE NO ACTION, CONSTRAINT `stock_balance_min_level_non_negative` CHECK (min_level >= 0), CONSTRAINT `stock_balance_quantity_non_negative` CHECK (quantity >= 0));
-- set sequence for "stock_balances" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("stock_balances", 42949672960);
-- create index "stockbalance_warehouse_id_equipment_type_id" to table: "stock_balances"
CREATE UNIQUE INDEX `stockbalance_warehouse_id_equipment_type_id` ON `stock_balances` (`warehouse_id`, `equipment_type_id`);
-- create index "stockbalance_equipment_type_id" to table: "stock_balances"
CREATE INDEX `stockbalance_equipment_type_id` ON `stock_balances` (`equipment_type_id`);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `login` text NOT NULL, `full_name` text NOT NULL, `role` text NOT NULL, `password_hash` text NULL, `active` bool NOT NULL DEFAULT (true), `telegram_user_id` integer NULL, `last_sign_in_at` datetime NULL);
-- set sequence for "users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("users", 47244640256);
-- create index "users_login_key" to table: "users"
CREATE UNIQUE INDEX `users_login_key` ON `users` (`login`);
-- create index "users_telegram_user_id_key" to table: "users"
CREATE UNIQUE INDEX `users_telegram_user_id_key` ON `users` (`telegram_user_id`);
-- create index "user_archived_at" to table: "users"
CREATE INDEX `user_archived_at` ON `users` (`archived_at`);
-- create index "user_role" to table: "users"
CREATE INDEX `user_role` ON `users` (`role`);
-- create "warehouses" table
CREATE TABLE `warehouses` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `name` text NOT NULL, `code` text NOT NULL, `address` text NULL, `branch_id` integer NOT NULL, CONSTRAINT `warehouses_branches_warehouses` FOREIGN KEY (`branch_id`) REFERENCES `branches` (`id`) ON DELETE NO ACTION);
-- set sequence for "warehouses" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("warehouses", 51539607552);
-- create index "warehouses_code_key" to table: "warehouses"
CREATE UNIQUE INDEX `warehouses_code_key` ON `warehouses` (`code`);
-- create index "warehouse_archived_at" to table: "warehouses"
CREATE INDEX `warehouse_archived_at` ON `warehouses` (`archived_at`);
-- create "user_partners" table
CREATE TABLE `user_partners` (`user_id` integer NOT NULL, `partner_id` integer NOT NULL, PRIMARY KEY (`user_id`, `partner_id`), CONSTRAINT `user_partners_user_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE, CONSTRAINT `user_partners_partner_id` FOREIGN KEY (`partner_id`) REFERENCES `partners` (`id`) ON DELETE CASCADE);
-- create "user_regions" table
CREATE TABLE `user_regions` (`user_id` integer NOT NULL, `region_id` integer NOT NULL, PRIMARY KEY (`user_id`, `region_id`), CONSTRAINT `user_regions_user_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE, CONSTRAINT `user_regions_region_id` FOREIGN KEY (`region_id`) REFERENCES `regions` (`id`) ON DELETE CASCADE);
-- create "user_warehouses" table
CREATE TABLE `user_warehouses` (`user_id` integer NOT NULL, `warehouse_id` integer NOT NULL, PRIMARY KEY (`user_id`, `warehouse_id`), CONSTRAINT `user_warehouses_user_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE, CONSTRAINT `user_warehouses_warehouse_id` FOREIGN KEY (`warehouse_id`) REFERENCES `warehouses` (`id`) ON DELETE CASCADE);

-- +goose Down
-- reverse: create "user_warehouses" table
DROP TABLE `user_warehouses`;
-- reverse: create "user_regions" table
DROP TABLE `user_regions`;
-- reverse: create "user_partners" table
DROP TABLE `user_partners`;
-- reverse: create index "warehouse_archived_at" to table: "warehouses"
DROP INDEX `warehouse_archived_at`;
-- reverse: create index "warehouses_code_key" to table: "warehouses"
DROP INDEX `warehouses_code_key`;
-- reverse: set sequence for "warehouses" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "warehouses";
-- reverse: create "warehouses" table
DROP TABLE `warehouses`;
-- reverse: create index "user_role" to table: "users"
DROP INDEX `user_role`;
-- reverse: create index "user_archived_at" to table: "users"
DROP INDEX `user_archived_at`;
-- reverse: create index "users_telegram_user_id_key" to table: "users"
DROP INDEX `users_telegram_user_id_key`;
-- reverse: create index "users_login_key" to table: "users"
DROP INDEX `users_login_key`;
-- reverse: set sequence for "users" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "users";
-- reverse: create "users" table
DROP TABLE `users`;
-- reverse: create index "stockbalance_equipment_type_id" to table: "stock_balances"
DROP INDEX `stockbalance_equipment_type_id`;
-- reverse: create index "stockbalance_warehouse_id_equipment_type_id" to table: "stock_balances"
DROP INDEX `stockbalance_warehouse_id_equipment_type_id`;
-- reverse: set sequence for "stock_balances" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "stock_balances";
-- reverse: create "stock_balances" table
DROP TABLE `stock_balances`;
-- reverse: create index "region_archived_at" to table: "regions"
DROP INDEX `region_archived_at`;
-- reverse: create index "regions_code_key" to table: "regions"
DROP INDEX `regions_code_key`;
-- reverse: set sequence for "regions" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "regions";
-- reverse: create "regions" table
DROP TABLE `regions`;
-- reverse: create index "partner_archived_at" to table: "partners"
DROP INDEX `partner_archived_at`;
-- reverse: create index "partners_inn_key" to table: "partners"
DROP INDEX `partners_inn_key`;
-- reverse: create index "partners_name_key" to table: "partners"
DROP INDEX `partners_name_key`;
-- reverse: set sequence for "partners" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "partners";
-- reverse: create "partners" table
DROP TABLE `partners`;
-- reverse: create index "movement_created_at" to table: "movements"
DROP INDEX `movement_created_at`;
-- reverse: create index "movement_document_number" to table: "movements"
DROP INDEX `movement_document_number`;
-- reverse: create index "movement_operation_id" to table: "movements"
DROP INDEX `movement_operation_id`;
-- reverse: create index "movement_kind_created_at" to table: "movements"
DROP INDEX `movement_kind_created_at`;
-- reverse: create index "movement_item_id" to table: "movements"
DROP INDEX `movement_item_id`;
-- reverse: create index "movement_courier_id_created_at" to table: "movements"
DROP INDEX `movement_courier_id_created_at`;
-- reverse: create index "movement_equipment_type_id_created_at" to table: "movements"
DROP INDEX `movement_equipment_type_id_created_at`;
-- reverse: create index "movement_warehouse_id_equipment_type_id_created_at" to table: "movements"
DROP INDEX `movement_warehouse_id_equipment_type_id_created_at`;
-- reverse: set sequence for "movements" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "movements";
-- reverse: create "movements" table
DROP TABLE `movements`;
-- reverse: create index "item_equipment_type_id_state" to table: "items"
DROP INDEX `item_equipment_type_id_state`;
-- reverse: create index "item_courier_id" to table: "items"
DROP INDEX `item_courier_id`;
-- reverse: create index "item_warehouse_id_equipment_type_id_state" to table: "items"
DROP INDEX `item_warehouse_id_equipment_type_id_state`;
-- reverse: create index "item_archived_at" to table: "items"
DROP INDEX `item_archived_at`;
-- reverse: create index "items_serial_key" to table: "items"
DROP INDEX `items_serial_key`;
-- reverse: set sequence for "items" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "items";
-- reverse: create "items" table
DROP TABLE `items`;
-- reverse: create index "equipmenttype_category" to table: "equipment_types"
DROP INDEX `equipmenttype_category`;
-- reverse: create index "equipmenttype_archived_at" to table: "equipment_types"
DROP INDEX `equipmenttype_archived_at`;
-- reverse: create index "equipment_types_sku_key" to table: "equipment_types"
DROP INDEX `equipment_types_sku_key`;
-- reverse: set sequence for "equipment_types" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "equipment_types";
-- reverse: create "equipment_types" table
DROP TABLE `equipment_types`;
-- reverse: create index "courierstatuschange_to_status_created_at" to table: "courier_status_changes"
DROP INDEX `courierstatuschange_to_status_created_at`;
-- reverse: create index "courierstatuschange_courier_id_created_at" to table: "courier_status_changes"
DROP INDEX `courierstatuschange_courier_id_created_at`;
-- reverse: set sequence for "courier_status_changes" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "courier_status_changes";
-- reverse: create "courier_status_changes" table
DROP TABLE `courier_status_changes`;
-- reverse: create index "courierdocument_expires_at" to table: "courier_documents"
DROP INDEX `courierdocument_expires_at`;
-- reverse: create index "courierdocument_courier_id_kind" to table: "courier_documents"
DROP INDEX `courierdocument_courier_id_kind`;
-- reverse: create index "courierdocument_archived_at" to table: "courier_documents"
DROP INDEX `courierdocument_archived_at`;
-- reverse: set sequence for "courier_documents" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "courier_documents";
-- reverse: create "courier_documents" table
DROP TABLE `courier_documents`;
-- reverse: create index "courier_created_at" to table: "couriers"
DROP INDEX `courier_created_at`;
-- reverse: create index "courier_phone" to table: "couriers"
DROP INDEX `courier_phone`;
-- reverse: create index "courier_last_name_first_name" to table: "couriers"
DROP INDEX `courier_last_name_first_name`;
-- reverse: create index "courier_status_created_at" to table: "couriers"
DROP INDEX `courier_status_created_at`;
-- reverse: create index "courier_branch_id_status_created_at" to table: "couriers"
DROP INDEX `courier_branch_id_status_created_at`;
-- reverse: create index "courier_partner_id_status_created_at" to table: "couriers"
DROP INDEX `courier_partner_id_status_created_at`;
-- reverse: create index "courier_archived_at" to table: "couriers"
DROP INDEX `courier_archived_at`;
-- reverse: create index "couriers_pinfl_key" to table: "couriers"
DROP INDEX `couriers_pinfl_key`;
-- reverse: set sequence for "couriers" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "couriers";
-- reverse: create "couriers" table
DROP TABLE `couriers`;
-- reverse: create index "branch_archived_at" to table: "branches"
DROP INDEX `branch_archived_at`;
-- reverse: create index "branches_code_key" to table: "branches"
DROP INDEX `branches_code_key`;
-- reverse: set sequence for "branches" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "branches";
-- reverse: create "branches" table
DROP TABLE `branches`;
-- reverse: create index "auditevent_created_at" to table: "audit_events"
DROP INDEX `auditevent_created_at`;
-- reverse: create index "auditevent_operation_created_at" to table: "audit_events"
DROP INDEX `auditevent_operation_created_at`;
-- reverse: create index "auditevent_actor_kind_actor_id_created_at" to table: "audit_events"
DROP INDEX `auditevent_actor_kind_actor_id_created_at`;
-- reverse: create index "auditevent_entity_type_entity_id_created_at" to table: "audit_events"
DROP INDEX `auditevent_entity_type_entity_id_created_at`;
-- reverse: create "audit_events" table
DROP TABLE `audit_events`;
