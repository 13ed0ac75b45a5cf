-- +goose Up
-- create "courier_activation_stats" table
CREATE TABLE `courier_activation_stats` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `day` integer NOT NULL, `partner_id` integer NOT NULL DEFAULT (0), `branch_id` integer NOT NULL DEFAULT (0), `transport_type` text NOT NULL, `delay_days` integer NOT NULL, `n` integer NOT NULL DEFAULT (0));
-- set sequence for "courier_activation_stats" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("courier_activation_stats", 107374182400);
-- create index "courier_activation_stats_cell" to table: "courier_activation_stats"
CREATE UNIQUE INDEX `courier_activation_stats_cell` ON `courier_activation_stats` (`day`, `partner_id`, `branch_id`, `transport_type`, `delay_days`);
-- create "courier_counts" table
CREATE TABLE `courier_counts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `partner_id` integer NOT NULL DEFAULT (0), `branch_id` integer NOT NULL DEFAULT (0), `transport_type` text NOT NULL, `status` text NOT NULL, `n` integer NOT NULL DEFAULT (0));
-- set sequence for "courier_counts" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("courier_counts", 111669149696);
-- create index "couriercount_partner_id_branch_id_transport_type_status" to table: "courier_counts"
CREATE UNIQUE INDEX `couriercount_partner_id_branch_id_transport_type_status` ON `courier_counts` (`partner_id`, `branch_id`, `transport_type`, `status`);
-- create "courier_day_stats" table
CREATE TABLE `courier_day_stats` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `day` integer NOT NULL, `partner_id` integer NOT NULL DEFAULT (0), `branch_id` integer NOT NULL DEFAULT (0), `transport_type` text NOT NULL, `registered` integer NOT NULL DEFAULT (0), `submitted` integer NOT NULL DEFAULT (0), `activated` integer NOT NULL DEFAULT (0), `blocked` integer NOT NULL DEFAULT (0), `unblocked` integer NOT NULL DEFAULT (0), `fired` integer NOT NULL DEFAULT (0), `rehired` integer NOT NULL DEFAULT (0), `active_delta` integer NOT NULL DEFAULT (0), `fired_within_7d` integer NOT NULL DEFAULT (0), `fired_within_30d` integer NOT NULL DEFAULT (0));
-- set sequence for "courier_day_stats" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("courier_day_stats", 115964116992);
-- create index "courierdaystat_day_partner_id_branch_id_transport_type" to table: "courier_day_stats"
CREATE UNIQUE INDEX `courierdaystat_day_partner_id_branch_id_transport_type` ON `courier_day_stats` (`day`, `partner_id`, `branch_id`, `transport_type`);
-- create "courier_reason_stats" table
CREATE TABLE `courier_reason_stats` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `day` integer NOT NULL, `partner_id` integer NOT NULL DEFAULT (0), `branch_id` integer NOT NULL DEFAULT (0), `transport_type` text NOT NULL, `to_status` text NOT NULL, `reason` text NOT NULL, `n` integer NOT NULL DEFAULT (0));
-- set sequence for "courier_reason_stats" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("courier_reason_stats", 120259084288);
-- create index "courier_reason_stats_cell" to table: "courier_reason_stats"
CREATE UNIQUE INDEX `courier_reason_stats_cell` ON `courier_reason_stats` (`day`, `partner_id`, `branch_id`, `transport_type`, `to_status`, `reason`);
-- create "stock_day_stats" table
CREATE TABLE `stock_day_stats` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `day` integer NOT NULL, `warehouse_id` integer NOT NULL, `equipment_type_id` integer NOT NULL, `kind` text NOT NULL, `reason` text NOT NULL DEFAULT (''), `rows` integer NOT NULL DEFAULT (0), `quantity` integer NOT NULL DEFAULT (0), `value` integer NOT NULL DEFAULT (0));
-- set sequence for "stock_day_stats" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("stock_day_stats", 124554051584);
-- create index "stockdaystat_day_warehouse_id_equipment_type_id_kind_reason" to table: "stock_day_stats"
CREATE UNIQUE INDEX `stockdaystat_day_warehouse_id_equipment_type_id_kind_reason` ON `stock_day_stats` (`day`, `warehouse_id`, `equipment_type_id`, `kind`, `reason`);
-- create index "stockdaystat_kind_day" to table: "stock_day_stats"
CREATE INDEX `stockdaystat_kind_day` ON `stock_day_stats` (`kind`, `day`);

-- +goose Down
-- reverse: create index "stockdaystat_kind_day" to table: "stock_day_stats"
DROP INDEX `stockdaystat_kind_day`;
-- reverse: create index "stockdaystat_day_warehouse_id_equipment_type_id_kind_reason" to table: "stock_day_stats"
DROP INDEX `stockdaystat_day_warehouse_id_equipment_type_id_kind_reason`;
-- reverse: set sequence for "stock_day_stats" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "stock_day_stats";
-- reverse: create "stock_day_stats" table
DROP TABLE `stock_day_stats`;
-- reverse: create index "courier_reason_stats_cell" to table: "courier_reason_stats"
DROP INDEX `courier_reason_stats_cell`;
-- reverse: set sequence for "courier_reason_stats" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "courier_reason_stats";
-- reverse: create "courier_reason_stats" table
DROP TABLE `courier_reason_stats`;
-- reverse: create index "courierdaystat_day_partner_id_branch_id_transport_type" to table: "courier_day_stats"
DROP INDEX `courierdaystat_day_partner_id_branch_id_transport_type`;
-- reverse: set sequence for "courier_day_stats" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "courier_day_stats";
-- reverse: create "courier_day_stats" table
DROP TABLE `courier_day_stats`;
-- reverse: create index "couriercount_partner_id_branch_id_transport_type_status" to table: "courier_counts"
DROP INDEX `couriercount_partner_id_branch_id_transport_type_status`;
-- reverse: set sequence for "courier_counts" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "courier_counts";
-- reverse: create "courier_counts" table
DROP TABLE `courier_counts`;
-- reverse: create index "courier_activation_stats_cell" to table: "courier_activation_stats"
DROP INDEX `courier_activation_stats_cell`;
-- reverse: set sequence for "courier_activation_stats" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "courier_activation_stats";
-- reverse: create "courier_activation_stats" table
DROP TABLE `courier_activation_stats`;
