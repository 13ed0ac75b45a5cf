-- +goose Up
-- Month rollups: next to each day's row, one row per month (day = yyyymm00)
-- summing its days, so the dashboard reads a long period a month at a time.
-- The code writes both from now on; this adds the months of the rows
-- already stored. Data only: no table or index changes.
INSERT INTO courier_day_stats (day, partner_id, branch_id, transport_type, registered, submitted, activated, blocked, unblocked, fired, rehired, active_delta, fired_within_7d, fired_within_30d)
SELECT day / 100 * 100, partner_id, branch_id, transport_type, SUM(registered), SUM(submitted), SUM(activated), SUM(blocked), SUM(unblocked), SUM(fired), SUM(rehired), SUM(active_delta), SUM(fired_within_7d), SUM(fired_within_30d)
FROM courier_day_stats WHERE day % 100 <> 0
GROUP BY day / 100 * 100, partner_id, branch_id, transport_type;
INSERT INTO courier_activation_stats (day, partner_id, branch_id, transport_type, delay_days, n)
SELECT day / 100 * 100, partner_id, branch_id, transport_type, delay_days, SUM(n)
FROM courier_activation_stats WHERE day % 100 <> 0
GROUP BY day / 100 * 100, partner_id, branch_id, transport_type, delay_days;
INSERT INTO courier_loss_stats (day, partner_id, branch_id, transport_type, warehouse_id, rows, quantity, value)
SELECT day / 100 * 100, partner_id, branch_id, transport_type, warehouse_id, SUM(rows), SUM(quantity), SUM(value)
FROM courier_loss_stats WHERE day % 100 <> 0
GROUP BY day / 100 * 100, partner_id, branch_id, transport_type, warehouse_id;
INSERT INTO stock_day_stats (day, warehouse_id, equipment_type_id, kind, reason, rows, quantity, value)
SELECT day / 100 * 100, warehouse_id, equipment_type_id, kind, reason, SUM(rows), SUM(quantity), SUM(value)
FROM stock_day_stats WHERE day % 100 <> 0
GROUP BY day / 100 * 100, warehouse_id, equipment_type_id, kind, reason;

-- +goose Down
-- the month rows only; every day row stays
DELETE FROM courier_day_stats WHERE day % 100 = 0;
DELETE FROM courier_activation_stats WHERE day % 100 = 0;
DELETE FROM courier_loss_stats WHERE day % 100 = 0;
DELETE FROM stock_day_stats WHERE day % 100 = 0;
