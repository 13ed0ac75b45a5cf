-- +goose Up
-- create "courier_loss_stats" table
CREATE TABLE `courier_loss_stats` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `day` integer NOT NULL, `partner_id` integer NOT NULL DEFAULT (0), `branch_id` integer NOT NULL DEFAULT (0), `transport_type` text NOT NULL, `warehouse_id` integer NOT NULL, `rows` integer NOT NULL DEFAULT (0), `quantity` integer NOT NULL DEFAULT (0), `value` integer NOT NULL DEFAULT (0));
-- set sequence for "courier_loss_stats" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("courier_loss_stats", 146028888064);
-- create index "courier_loss_stats_cell" to table: "courier_loss_stats"
CREATE UNIQUE INDEX `courier_loss_stats_cell` ON `courier_loss_stats` (`day`, `partner_id`, `branch_id`, `transport_type`, `warehouse_id`);
-- fill it from the ledger: write-offs of units a courier held, in the
-- courier's current cell, by Tashkent day (UTC+5, the default
-- MYCOURIER_TIMEZONE; with another zone run mycourier summaries backfill)
INSERT INTO `courier_loss_stats` (`day`, `partner_id`, `branch_id`, `transport_type`, `warehouse_id`, `rows`, `quantity`, `value`)
SELECT CAST(strftime('%Y%m%d', m.created_at, '+5 hours') AS INTEGER), COALESCE(c.partner_id, 0), COALESCE(c.branch_id, 0), c.transport_type,
       m.warehouse_id, COUNT(*), SUM(m.quantity), SUM(m.quantity * m.unit_cost)
FROM `movements` m JOIN `couriers` c ON c.id = m.courier_id
WHERE m.kind = 'write_off'
GROUP BY 1, 2, 3, 4, 5;

-- +goose Down
-- reverse: create index "courier_loss_stats_cell" to table: "courier_loss_stats"
DROP INDEX `courier_loss_stats_cell`;
-- reverse: set sequence for "courier_loss_stats" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "courier_loss_stats";
-- reverse: create "courier_loss_stats" table
DROP TABLE `courier_loss_stats`;
