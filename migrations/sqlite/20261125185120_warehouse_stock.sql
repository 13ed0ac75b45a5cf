-- +goose Up
-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- create "new_equipment_types" table
CREATE TABLE `new_equipment_types` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `name` text NOT NULL, `sku` text NOT NULL, `category` text NOT NULL, `size` text NULL, `variant_group` text NULL, `tracking` text NOT NULL DEFAULT ('quantity'), `unit_cost` integer NOT NULL DEFAULT (0), `deposit_amount` integer NOT NULL DEFAULT (0), `service_life_months` integer NULL);
-- set sequence for "new_equipment_types" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_equipment_types", 21474836480);
-- copy rows from old table "equipment_types" to new temporary table "new_equipment_types"
INSERT INTO `new_equipment_types` (`id`, `created_at`, `updated_at`, `archived_at`, `name`, `sku`, `category`, `size`, `tracking`, `unit_cost`, `deposit_amount`, `service_life_months`) SELECT `id`, `created_at`, `updated_at`, `archived_at`, `name`, `sku`, `category`, `size`, `tracking`, `unit_cost`, `deposit_amount`, `service_life_months` FROM `equipment_types`;
-- drop "equipment_types" table after copying rows
DROP TABLE `equipment_types`;
-- rename temporary table "new_equipment_types" to "equipment_types"
ALTER TABLE `new_equipment_types` RENAME TO `equipment_types`;
-- create index "equipment_types_sku_key" to table: "equipment_types"
CREATE UNIQUE INDEX `equipment_types_sku_key` ON `equipment_types` (`sku`);
-- create index "equipmenttype_archived_at" to table: "equipment_types"
CREATE INDEX `equipmenttype_archived_at` ON `equipment_types` (`archived_at`);
-- create index "equipmenttype_category" to table: "equipment_types"
CREATE INDEX `equipmenttype_category` ON `equipment_types` (`category`);
-- create index "equipmenttype_variant_group" to table: "equipment_types"
CREATE INDEX `equipmenttype_variant_group` ON `equipment_types` (`variant_group`);
-- create "new_stock_balances" table
CREATE TABLE `new_stock_balances` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `quantity` integer NOT NULL DEFAULT (0), `quarantined` integer NOT NULL DEFAULT (0), `min_level` integer NOT NULL DEFAULT (0), `equipment_type_id` integer NOT NULL, `warehouse_id` integer NOT NULL, CONSTRAINT `stock_balances_equipment_types_balances` FOREIGN KEY (`equipment_type_id`) REFERENCES `equipment_types` (`id`) ON DELETE NO ACTION, CONSTRAINT `stock_balances_warehouses_balances` FOREIGN KEY (`warehouse_id`) REFERENCES `warehouses` (`id`) ON DELETE NO ACTION, CONSTRAINT `stock_balance_min_level_non_negative` CHECK (min_level >= 0), CONSTRAINT `stock_balance_quantity_non_negative` CHECK (quantity >= 0), CONSTRAINT `stock_balance_quarantined_in_range` CHECK (quarantined >= 0 AND quarantined <= quantity));
-- set sequence for "new_stock_balances" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_stock_balances", 42949672960);
-- copy rows from old table "stock_balances" to new temporary table "new_stock_balances"
INSERT INTO `new_stock_balances` (`id`, `created_at`, `updated_at`, `quantity`, `min_level`, `equipment_type_id`, `warehouse_id`) SELECT `id`, `created_at`, `updated_at`, `quantity`, `min_level`, `equipment_type_id`, `warehouse_id` FROM `stock_balances`;
-- drop "stock_balances" table after copying rows
DROP TABLE `stock_balances`;
-- rename temporary table "new_stock_balances" to "stock_balances"
ALTER TABLE `new_stock_balances` RENAME TO `stock_balances`;
-- create index "stockbalance_warehouse_id_equipment_type_id" to table: "stock_balances"
CREATE UNIQUE INDEX `stockbalance_warehouse_id_equipment_type_id` ON `stock_balances` (`warehouse_id`, `equipment_type_id`);
-- create index "stockbalance_equipment_type_id" to table: "stock_balances"
CREATE INDEX `stockbalance_equipment_type_id` ON `stock_balances` (`equipment_type_id`);
-- create "courier_debts" table
CREATE TABLE `courier_debts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `quantity` integer NOT NULL, `amount` integer NOT NULL, `reason` text NOT NULL, `document_number` text NOT NULL, `status` text NOT NULL DEFAULT ('open'), `settled_at` datetime NULL, `courier_id` integer NOT NULL, `equipment_type_id` integer NOT NULL, `item_id` integer NULL, `actor_id` integer NULL, CONSTRAINT `courier_debts_couriers_courier` FOREIGN KEY (`courier_id`) REFERENCES `couriers` (`id`) ON DELETE NO ACTION, CONSTRAINT `courier_debts_equipment_types_equipment_type` FOREIGN KEY (`equipment_type_id`) REFERENCES `equipment_types` (`id`) ON DELETE NO ACTION, CONSTRAINT `courier_debts_items_item` FOREIGN KEY (`item_id`) REFERENCES `items` (`id`) ON DELETE NO ACTION, CONSTRAINT `courier_debts_users_actor` FOREIGN KEY (`actor_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `courier_debt_amount_non_negative` CHECK (amount >= 0));
-- set sequence for "courier_debts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("courier_debts", 73014444032);
-- create index "courierdebt_courier_id_status" to table: "courier_debts"
CREATE INDEX `courierdebt_courier_id_status` ON `courier_debts` (`courier_id`, `status`);
-- create "courier_holdings" table
CREATE TABLE `courier_holdings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `quantity` integer NOT NULL DEFAULT (0), `courier_id` integer NOT NULL, `equipment_type_id` integer NOT NULL, CONSTRAINT `courier_holdings_couriers_courier` FOREIGN KEY (`courier_id`) REFERENCES `couriers` (`id`) ON DELETE NO ACTION, CONSTRAINT `courier_holdings_equipment_types_equipment_type` FOREIGN KEY (`equipment_type_id`) REFERENCES `equipment_types` (`id`) ON DELETE NO ACTION, CONSTRAINT `courier_holding_quantity_non_negative` CHECK (quantity >= 0));
-- set sequence for "courier_holdings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("courier_holdings", 77309411328);
-- create index "courierholding_courier_id_equipment_type_id" to table: "courier_holdings"
CREATE UNIQUE INDEX `courierholding_courier_id_equipment_type_id` ON `courier_holdings` (`courier_id`, `equipment_type_id`);
-- create index "courierholding_equipment_type_id" to table: "courier_holdings"
CREATE INDEX `courierholding_equipment_type_id` ON `courier_holdings` (`equipment_type_id`);
-- create "document_counters" table
CREATE TABLE `document_counters` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `prefix` text NOT NULL, `year` integer NOT NULL, `last` integer NOT NULL DEFAULT (0));
-- set sequence for "document_counters" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("document_counters", 81604378624);
-- create index "documentcounter_prefix_year" to table: "document_counters"
CREATE UNIQUE INDEX `documentcounter_prefix_year` ON `document_counters` (`prefix`, `year`);
-- create "kits" table
CREATE TABLE `kits` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `archived_at` datetime NULL, `name` text NOT NULL, `transport_type` text NOT NULL, `description` text NULL);
-- set sequence for "kits" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("kits", 85899345920);
-- create index "kits_name_key" to table: "kits"
CREATE UNIQUE INDEX `kits_name_key` ON `kits` (`name`);
-- create index "kit_archived_at" to table: "kits"
CREATE INDEX `kit_archived_at` ON `kits` (`archived_at`);
-- create index "kit_transport_type" to table: "kits"
CREATE INDEX `kit_transport_type` ON `kits` (`transport_type`);
-- create "kit_items" table
CREATE TABLE `kit_items` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `quantity` integer NOT NULL DEFAULT (1), `kit_id` integer NOT NULL, `equipment_type_id` integer NOT NULL, CONSTRAINT `kit_items_kits_lines` FOREIGN KEY (`kit_id`) REFERENCES `kits` (`id`) ON DELETE NO ACTION, CONSTRAINT `kit_items_equipment_types_equipment_type` FOREIGN KEY (`equipment_type_id`) REFERENCES `equipment_types` (`id`) ON DELETE NO ACTION);
-- set sequence for "kit_items" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("kit_items", 90194313216);
-- create index "kititem_kit_id_equipment_type_id" to table: "kit_items"
CREATE UNIQUE INDEX `kititem_kit_id_equipment_type_id` ON `kit_items` (`kit_id`, `equipment_type_id`);
-- create "transfers" table
CREATE TABLE `transfers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `document_number` text NOT NULL, `status` text NOT NULL DEFAULT ('in_transit'), `dispatch_operation_id` text NOT NULL, `receive_operation_id` text NULL, `received_at` datetime NULL, `has_discrepancy` bool NOT NULL DEFAULT (false), `comment` text NULL, `from_warehouse_id` integer NOT NULL, `to_warehouse_id` integer NOT NULL, `dispatched_by_id` integer NULL, `received_by_id` integer NULL, CONSTRAINT `transfers_warehouses_from_warehouse` FOREIGN KEY (`from_warehouse_id`) REFERENCES `warehouses` (`id`) ON DELETE NO ACTION, CONSTRAINT `transfers_warehouses_to_warehouse` FOREIGN KEY (`to_warehouse_id`) REFERENCES `warehouses` (`id`) ON DELETE NO ACTION, CONSTRAINT `transfers_users_dispatched_by` FOREIGN KEY (`dispatched_by_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `transfers_users_received_by` FOREIGN KEY (`received_by_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "transfers" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("transfers", 98784247808);
-- create index "transfers_document_number_key" to table: "transfers"
CREATE UNIQUE INDEX `transfers_document_number_key` ON `transfers` (`document_number`);
-- create index "transfer_status_to_warehouse_id" to table: "transfers"
CREATE INDEX `transfer_status_to_warehouse_id` ON `transfers` (`status`, `to_warehouse_id`);
-- create index "transfer_from_warehouse_id_created_at" to table: "transfers"
CREATE INDEX `transfer_from_warehouse_id_created_at` ON `transfers` (`from_warehouse_id`, `created_at`);
-- create index "transfer_to_warehouse_id_created_at" to table: "transfers"
CREATE INDEX `transfer_to_warehouse_id_created_at` ON `transfers` (`to_warehouse_id`, `created_at`);
-- create "transfer_lines" table
CREATE TABLE `transfer_lines` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `quantity_sent` integer NOT NULL, `quantity_received` integer NULL, `shortage_resolution` text NULL, `note` text NULL, `transfer_id` integer NOT NULL, `equipment_type_id` integer NOT NULL, `item_id` integer NULL, CONSTRAINT `transfer_lines_transfers_lines` FOREIGN KEY (`transfer_id`) REFERENCES `transfers` (`id`) ON DELETE NO ACTION, CONSTRAINT `transfer_lines_equipment_types_equipment_type` FOREIGN KEY (`equipment_type_id`) REFERENCES `equipment_types` (`id`) ON DELETE NO ACTION, CONSTRAINT `transfer_lines_items_item` FOREIGN KEY (`item_id`) REFERENCES `items` (`id`) ON DELETE NO ACTION);
-- set sequence for "transfer_lines" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("transfer_lines", 103079215104);
-- create index "transferline_transfer_id" to table: "transfer_lines"
CREATE INDEX `transferline_transfer_id` ON `transfer_lines` (`transfer_id`);
-- create index "transferline_item_id" to table: "transfer_lines"
CREATE INDEX `transferline_item_id` ON `transfer_lines` (`item_id`);
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;

-- +goose Down
-- reverse: create index "transferline_item_id" to table: "transfer_lines"
DROP INDEX `transferline_item_id`;
-- reverse: create index "transferline_transfer_id" to table: "transfer_lines"
DROP INDEX `transferline_transfer_id`;
-- reverse: set sequence for "transfer_lines" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "transfer_lines";
-- reverse: create "transfer_lines" table
DROP TABLE `transfer_lines`;
-- reverse: create index "transfer_to_warehouse_id_created_at" to table: "transfers"
DROP INDEX `transfer_to_warehouse_id_created_at`;
-- reverse: create index "transfer_from_warehouse_id_created_at" to table: "transfers"
DROP INDEX `transfer_from_warehouse_id_created_at`;
-- reverse: create index "transfer_status_to_warehouse_id" to table: "transfers"
DROP INDEX `transfer_status_to_warehouse_id`;
-- reverse: create index "transfers_document_number_key" to table: "transfers"
DROP INDEX `transfers_document_number_key`;
-- reverse: set sequence for "transfers" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "transfers";
-- reverse: create "transfers" table
DROP TABLE `transfers`;
-- reverse: create index "kititem_kit_id_equipment_type_id" to table: "kit_items"
DROP INDEX `kititem_kit_id_equipment_type_id`;
-- reverse: set sequence for "kit_items" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "kit_items";
-- reverse: create "kit_items" table
DROP TABLE `kit_items`;
-- reverse: create index "kit_transport_type" to table: "kits"
DROP INDEX `kit_transport_type`;
-- reverse: create index "kit_archived_at" to table: "kits"
DROP INDEX `kit_archived_at`;
-- reverse: create index "kits_name_key" to table: "kits"
DROP INDEX `kits_name_key`;
-- reverse: set sequence for "kits" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "kits";
-- reverse: create "kits" table
DROP TABLE `kits`;
-- reverse: create index "documentcounter_prefix_year" to table: "document_counters"
DROP INDEX `documentcounter_prefix_year`;
-- reverse: set sequence for "document_counters" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "document_counters";
-- reverse: create "document_counters" table
DROP TABLE `document_counters`;
-- reverse: create index "courierholding_equipment_type_id" to table: "courier_holdings"
DROP INDEX `courierholding_equipment_type_id`;
-- reverse: create index "courierholding_courier_id_equipment_type_id" to table: "courier_holdings"
DROP INDEX `courierholding_courier_id_equipment_type_id`;
-- reverse: set sequence for "courier_holdings" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "courier_holdings";
-- reverse: create "courier_holdings" table
DROP TABLE `courier_holdings`;
-- reverse: create index "courierdebt_courier_id_status" to table: "courier_debts"
DROP INDEX `courierdebt_courier_id_status`;
-- reverse: set sequence for "courier_debts" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "courier_debts";
-- reverse: create "courier_debts" table
DROP TABLE `courier_debts`;
-- reverse: create index "stockbalance_equipment_type_id" to table: "stock_balances"
DROP INDEX `stockbalance_equipment_type_id`;
-- reverse: create index "stockbalance_warehouse_id_equipment_type_id" to table: "stock_balances"
DROP INDEX `stockbalance_warehouse_id_equipment_type_id`;
-- reverse: set sequence for "new_stock_balances" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_stock_balances";
-- reverse: create "new_stock_balances" table
DROP TABLE `new_stock_balances`;
-- reverse: create index "equipmenttype_variant_group" to table: "equipment_types"
DROP INDEX `equipmenttype_variant_group`;
-- reverse: create index "equipmenttype_category" to table: "equipment_types"
DROP INDEX `equipmenttype_category`;
-- reverse: create index "equipmenttype_archived_at" to table: "equipment_types"
DROP INDEX `equipmenttype_archived_at`;
-- reverse: create index "equipment_types_sku_key" to table: "equipment_types"
DROP INDEX `equipment_types_sku_key`;
-- reverse: set sequence for "new_equipment_types" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_equipment_types";
-- reverse: create "new_equipment_types" table
DROP TABLE `new_equipment_types`;
