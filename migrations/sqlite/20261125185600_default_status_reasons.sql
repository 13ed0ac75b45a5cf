-- Hand-written: a starting list of block and fire reasons, so a fresh
-- installation can block and fire at once. The owner edits the list
-- (createStatusReason/updateStatusReason); codes are what history stores.
-- +goose Up
INSERT INTO status_reasons (created_at, updated_at, kind, code, title_ru, title_en, comment_required, sort_order) VALUES
  (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'block', 'no_show', 'Невыход на смену', 'Did not show up for a shift', true, 10),
  (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'block', 'customer_complaint', 'Жалоба клиента', 'Customer complaint', true, 20),
  (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'block', 'documents_expired', 'Истекли документы', 'Documents expired', false, 30),
  (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'block', 'security_check', 'Проверка СБ', 'Security check', true, 40),
  (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'block', 'other', 'Другое', 'Other', true, 90),
  (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'fire', 'own_wish', 'По собственному желанию', 'At own request', false, 10),
  (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'fire', 'discipline', 'Нарушение дисциплины', 'Breach of discipline', true, 20),
  (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'fire', 'fraud', 'Мошенничество', 'Fraud', true, 30),
  (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'fire', 'other', 'Другое', 'Other', true, 90)
ON CONFLICT (kind, code) DO NOTHING;

-- +goose Down
SELECT 1;
