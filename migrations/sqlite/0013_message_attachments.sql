-- Attachments on customer messages (Issue 6): files either side of a conversation uploads. The
-- bytes live in platform/files (content-addressed, like deliverables); a row belongs to a store
-- and to the side that uploaded it (the store's seller, or one buyer writing to the store). An
-- upload is linked to the messages and saved replies that carry it; links are append-only for
-- messages, so an attachment a message references is never removed.

CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY,
  public_id    TEXT NOT NULL UNIQUE,
  store_id     INTEGER NOT NULL REFERENCES stores(id),
  side         TEXT NOT NULL CHECK (side IN ('seller', 'buyer')),
  user_id      INTEGER NOT NULL REFERENCES users(id),  -- the uploading account
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,                          -- sniffed by the server, never the client's
  is_image     INTEGER NOT NULL CHECK (is_image IN (0, 1)),
  size_bytes   BIGINT NOT NULL CHECK (size_bytes > 0),
  sha256       TEXT NOT NULL,
  storage_key  TEXT NOT NULL,
  created_at   BIGINT NOT NULL
);
-- The owner's recent uploads (the unsent-uploads cap).
CREATE INDEX attachments_owner ON attachments(store_id, side, user_id, created_at);

CREATE TABLE message_attachments (
  message_id    INTEGER NOT NULL REFERENCES messages(id),
  attachment_id INTEGER NOT NULL REFERENCES attachments(id),
  position      INTEGER NOT NULL,
  PRIMARY KEY (message_id, attachment_id)
);
CREATE INDEX message_attachments_attachment ON message_attachments(attachment_id);

CREATE TABLE saved_reply_attachments (
  saved_reply_id INTEGER NOT NULL REFERENCES saved_replies(id),
  attachment_id  INTEGER NOT NULL REFERENCES attachments(id),
  position       INTEGER NOT NULL,
  PRIMARY KEY (saved_reply_id, attachment_id)
);
CREATE INDEX saved_reply_attachments_attachment ON saved_reply_attachments(attachment_id);
