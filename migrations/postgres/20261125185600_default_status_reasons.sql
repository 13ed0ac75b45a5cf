-- Hand-written: a starting list of block and fire reasons, so a fresh
-- installation can block and fire at once. The owner edits the list
-- (createStatusReason/updateStatusReason); codes are what history stores.
-- +goose Up
INSERT INTO status_reasons (created_at, updated_at, kind, code, title_ru, title_en, comment_required, sort_order) VALUES
  (now(), now(), 'block', 'no_show', 'Невыход на смену', 'Did not show up for a shift', true, 10),
  (now(), now(), 'block', 'customer_complaint', 'Жалоба клиента', 'Customer complaint', true, 20),
  (now(), now(), 'block', 'documents_expired', 'Истекли документы', 'Documents expired', false, 30),
  (now(), now(), 'block', 'security_check', 'Проверка СБ', 'Security check', true, 40),
  (now(), now(), 'block', 'other', 'Другое', 'Other', true, 90),
  (now(), now(), 'fire', 'own_wish', 'По собственному желанию', 'At own request', false, 10),
  (now(), now(), 'fire', 'discipline', 'Нарушение дисциплины', 'Breach of discipline', true, 20),
  (now(), now(), 'fire', 'fraud', 'Мошенничество', 'Fraud', true, 30),
  (now(), now(), 'fire', 'other', 'Другое', 'Other', true, 90)
ON CONFLICT (kind, code) DO NOTHING;

-- +goose Down
SELECT 1;
