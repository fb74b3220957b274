-- Broadcast progress on the broadcast itself (R-MSG-2): the job adds to sent_count and
-- skipped_count in the transaction that finishes those recipients, so the seller's progress
-- screen (polled every second) and the history list read one row instead of counting up to
-- 100,000 recipient rows. Invariant: sent_count / skipped_count = the broadcast's recipients
-- in state sent / skipped. The store's broadcasts newest first, for the history; and the
-- broadcasts still sending, which the job looks at every second to complete them.
ALTER TABLE broadcasts ADD COLUMN sent_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE broadcasts ADD COLUMN skipped_count INTEGER NOT NULL DEFAULT 0;
UPDATE broadcasts SET
  sent_count = (SELECT COUNT(*) FROM broadcast_recipients r
                WHERE r.broadcast_id = broadcasts.id AND r.state = 'sent'),
  skipped_count = (SELECT COUNT(*) FROM broadcast_recipients r
                   WHERE r.broadcast_id = broadcasts.id AND r.state = 'skipped');
CREATE INDEX broadcasts_store_created ON broadcasts(store_id, created_at, public_id);
CREATE INDEX broadcasts_sending ON broadcasts(id) WHERE completed_at IS NULL;
