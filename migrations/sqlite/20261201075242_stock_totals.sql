-- +goose Up
-- create "stock_totals" table
CREATE TABLE `stock_totals` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `warehouse_id` integer NOT NULL, `equipment_type_id` integer NOT NULL, `kind` text NOT NULL, `rows` integer NOT NULL DEFAULT (0), `quantity` integer NOT NULL DEFAULT (0), `value` integer NOT NULL DEFAULT (0));
-- set sequence for "stock_totals" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("stock_totals", 150323855360);
-- create index "stock_totals_cell" to table: "stock_totals"
CREATE UNIQUE INDEX `stock_totals_cell` ON `stock_totals` (`warehouse_id`, `equipment_type_id`, `kind`);
-- fill it from the ledger already stored
INSERT INTO `stock_totals` (`warehouse_id`, `equipment_type_id`, `kind`, `rows`, `quantity`, `value`)
SELECT warehouse_id, equipment_type_id, kind, COUNT(*), SUM(quantity), SUM(quantity * unit_cost)
FROM `movements`
GROUP BY warehouse_id, equipment_type_id, kind;

-- +goose Down
-- reverse: create index "stock_totals_cell" to table: "stock_totals"
DROP INDEX `stock_totals_cell`;
-- reverse: set sequence for "stock_totals" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "stock_totals";
-- reverse: create "stock_totals" table
DROP TABLE `stock_totals`;
