-- Hand-written: the PostgreSQL half creates the pg_trgm extension; SQLite
-- needs nothing (courier search scans), so this keeps the versions aligned.
-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
