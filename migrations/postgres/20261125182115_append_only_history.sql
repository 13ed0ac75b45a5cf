-- Hand-written: the audit trail, the stock ledger and courier status history
-- are append-only. The application never changes them; the database refuses to
-- as well, whoever connects.
-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION mycourier_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION mycourier_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION mycourier_append_only();
CREATE TRIGGER movements_append_only BEFORE UPDATE OR DELETE ON movements FOR EACH ROW EXECUTE FUNCTION mycourier_append_only();
CREATE TRIGGER movements_no_truncate BEFORE TRUNCATE ON movements FOR EACH STATEMENT EXECUTE FUNCTION mycourier_append_only();
CREATE TRIGGER courier_status_changes_append_only BEFORE UPDATE OR DELETE ON courier_status_changes FOR EACH ROW EXECUTE FUNCTION mycourier_append_only();
CREATE TRIGGER courier_status_changes_no_truncate BEFORE TRUNCATE ON courier_status_changes FOR EACH STATEMENT EXECUTE FUNCTION mycourier_append_only();

-- +goose Down
DROP TRIGGER courier_status_changes_no_truncate ON courier_status_changes;
DROP TRIGGER courier_status_changes_append_only ON courier_status_changes;
DROP TRIGGER movements_no_truncate ON movements;
DROP TRIGGER movements_append_only ON movements;
DROP TRIGGER audit_events_no_truncate ON audit_events;
DROP TRIGGER audit_events_append_only ON audit_events;
DROP FUNCTION mycourier_append_only();
