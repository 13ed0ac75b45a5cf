-- Hand-written: the audit trail, the stock ledger and courier status history
-- are append-only. The application never changes them; the database refuses to
-- as well. A later migration that rebuilds one of these tables must recreate
-- its triggers (a test checks they exist at head).
-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements BEGIN SELECT RAISE(ABORT, 'movements is append-only: UPDATE refused'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements BEGIN SELECT RAISE(ABORT, 'movements is append-only: DELETE refused'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER courier_status_changes_no_update BEFORE UPDATE ON courier_status_changes BEGIN SELECT RAISE(ABORT, 'courier_status_changes is append-only: UPDATE refused'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER courier_status_changes_no_delete BEFORE DELETE ON courier_status_changes BEGIN SELECT RAISE(ABORT, 'courier_status_changes is append-only: DELETE refused'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_events_no_update;
DROP TRIGGER audit_events_no_delete;
DROP TRIGGER movements_no_update;
DROP TRIGGER movements_no_delete;
DROP TRIGGER courier_status_changes_no_update;
DROP TRIGGER courier_status_changes_no_delete;
