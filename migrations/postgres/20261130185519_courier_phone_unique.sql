-- +goose Up
-- drop index "courier_phone" from table: "couriers"
DROP INDEX "courier_phone";
-- modify "couriers" table
ALTER TABLE "couriers" ADD COLUMN "phone_duplicate" boolean NOT NULL DEFAULT false;
-- Couriers who already shared a live phone keep their number (nothing is
-- lost): all but the oldest of each group are flagged phone_duplicate, which
-- keeps them outside the unique index until the number is corrected.
UPDATE "couriers" SET "phone_duplicate" = true
WHERE "status" <> 'fired' AND EXISTS (
  SELECT 1 FROM "couriers" AS "older"
  WHERE "older"."phone" = "couriers"."phone" AND "older"."status" <> 'fired' AND "older"."id" < "couriers"."id");
-- create index "courier_phone_live" to table: "couriers"
CREATE UNIQUE INDEX "courier_phone_live" ON "couriers" ("phone") WHERE (((status)::text <> 'fired'::text) AND (NOT phone_duplicate));

-- +goose Down
-- reverse: create index "courier_phone_live" to table: "couriers"
DROP INDEX "courier_phone_live";
-- reverse: modify "couriers" table
ALTER TABLE "couriers" DROP COLUMN "phone_duplicate";
-- reverse: drop index "courier_phone" from table: "couriers"
CREATE INDEX "courier_phone" ON "couriers" ("phone");
