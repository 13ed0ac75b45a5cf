-- Hand-written: trigram matching for the courier search index (GIN,
-- gin_trgm_ops on couriers.search_key, declared in ent/schema/courier.go).
-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- +goose Down
-- The extension stays: other objects may use it.
SELECT 1;
