// Every limit of the system in one place. Change a number here, never a literal elsewhere.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sd::limits {

// HTTP
inline constexpr size_t http_header_bytes_max = 16 * 1024;
inline constexpr size_t http_body_bytes_max = 1024 * 1024;  // JSON bodies
inline constexpr int http_header_timeout_seconds = 10;       // to receive a request's head
inline constexpr int http_request_timeout_seconds = 30;      // to receive a whole request
inline constexpr int http_idle_timeout_seconds = 60;         // keep-alive between requests
inline constexpr int http_connections_max = 10000;
inline constexpr int http_shutdown_drain_seconds = 10;       // graceful shutdown budget
inline constexpr int http_worker_threads = 32;               // blocking handlers run here
inline constexpr size_t http_url_bytes_max = 8 * 1024;

// Lists
inline constexpr int list_limit_default = 50;
inline constexpr int list_limit_max = 100;

// Database
inline constexpr int db_reader_connections = 8;
inline constexpr int db_pg_connections = 16;
inline constexpr int db_retry_attempts_max = 8;           // busy / serialization conflicts
inline constexpr int db_pool_wait_ms_max = 10000;         // waiting for a free connection
inline constexpr size_t db_group_commit_batch_max = 256;  // transactions per SQLite commit
// For this long after a commit group in which a work failed, groups run each work in a savepoint.
inline constexpr int db_group_savepoints_after_failure_ms = 2000;
// SQLite page caches (KiB): the writer's holds the indexes that every order touches.
inline constexpr int db_sqlite_writer_cache_kib = 64 * 1024;
inline constexpr int db_sqlite_reader_cache_kib = 16 * 1024;
// Long scans (CSV exports) read through connections of their own with a small page cache, so
// that exporting a million sales does not grow memory by the readers' caches.
inline constexpr int db_sqlite_scan_connections = 2;
inline constexpr int db_sqlite_scan_cache_kib = 2 * 1024;
// seed-demo's bulk load (OpenOptions::bulk_load): the random-key unique indexes of ten million
// orders stay in memory, so each of their pages is written once.
inline constexpr int db_sqlite_bulk_cache_kib = 3 * 1024 * 1024;
// Pages in the WAL before a checkpoint starts on the checkpointer thread (SQLite's own default
// is 1000, run by the committing writer); at four times this the writer checkpoints itself.
inline constexpr int db_sqlite_wal_autocheckpoint_pages = 8000;
// The writer gathers a transaction's WAL frames up to this size before writing them at once
// (platform/db/sqlite_wal_buffer.hpp); a commit group of 16 orders is about 1 MiB.
inline constexpr size_t db_sqlite_wal_write_buffer_bytes = 4 * 1024 * 1024;

// Sales view: answers of the list kept in memory (per process, bytes), and summaries by filter.
inline constexpr size_t sales_cache_bytes_max = 8 * 1024 * 1024;
inline constexpr size_t sales_cached_summaries_max = 4096;
// Answers of the API's fast path replayed while the database is unchanged (per route; see
// api/v1/context.cpp): at most this many, holding at most this many body bytes.
inline constexpr size_t fast_path_memo_entries_max = 1024;
inline constexpr size_t fast_path_memo_bytes_max = 8 * 1024 * 1024;

// Accounts
inline constexpr size_t password_bytes_min = 8;
inline constexpr size_t password_bytes_max = 1024;
inline constexpr size_t email_bytes_max = 254;
inline constexpr size_t name_bytes_max = 200;
inline constexpr size_t store_name_bytes_max = 100;
inline constexpr int64_t session_idle_seconds = 7 * 24 * 3600;
inline constexpr int64_t session_absolute_seconds = 30 * 24 * 3600;
inline constexpr int64_t session_touch_interval_seconds = 300;  // last_seen write granularity
inline constexpr int login_failures_per_account_max = 5;        // per window
inline constexpr int login_failures_per_ip_max = 20;            // per window
inline constexpr int64_t login_throttle_window_seconds = 15 * 60;
inline constexpr size_t api_token_name_bytes_max = 100;
inline constexpr int api_tokens_per_user_max = 50;

// Idempotency
inline constexpr size_t idempotency_key_bytes_max = 255;
inline constexpr int64_t idempotency_retention_seconds = 24 * 3600;
inline constexpr int idempotency_wait_ms_max = 5000;  // a retry waits this long for the first

// Catalog
inline constexpr size_t product_title_bytes_max = 200;
// Refunds (issue 5).
inline constexpr size_t refund_reason_bytes_max = 1000;
inline constexpr size_t refund_lines_max = 100;
inline constexpr int64_t refund_evidence_repeat_days = 30;   // R-REF-8 "bought twice"
inline constexpr int64_t refund_rate_window_days = 90;       // R-REF-8 refund rate
inline constexpr int64_t refund_submit_grace_seconds = 60;   // before the job retries a provider call
inline constexpr int64_t refund_request_window_days = 14;    // R-REF-9 default
inline constexpr int64_t refund_request_reply_hours = 48;    // R-REF-9 default reply deadline
inline constexpr size_t product_description_bytes_max = 20000;
inline constexpr size_t tier_name_bytes_max = 60;
inline constexpr size_t tier_terms_bytes_max = 5000;
inline constexpr int tiers_per_product_max = 10;
inline constexpr int64_t price_minor_max = 100'000'000;  // 1,000,000.00 in a 2-digit currency
inline constexpr size_t deliverable_bytes_max = 64 * 1024 * 1024;  // one uploaded file
inline constexpr int files_per_product_max = 50;
inline constexpr int links_per_product_max = 20;
inline constexpr size_t url_bytes_max = 2048;
inline constexpr int bundle_items_max = 50;
inline constexpr size_t support_material_body_bytes_max = 50000;

// Checkout
inline constexpr size_t checkout_items_max = 20;
inline constexpr int64_t checkout_quantity_max = 1000;
inline constexpr int64_t download_link_seconds = 15 * 60;  // R-CHK-4: links expire within 15 min

// Blocking (R-BLK-1): how far a block reaches through shared payment-method fingerprints.
// Depth 3 catches a buyer's other accounts and their other cards; 200 accounts bounds the
// work of one block (a card shared by thousands, e.g. a family's, must not block a crowd).
inline constexpr int block_link_depth_max = 3;
inline constexpr size_t block_accounts_max = 200;
inline constexpr size_t block_reason_bytes_max = 1000;

// Messaging (R-MSG-1..3)
inline constexpr size_t message_body_bytes_max = 20000;
inline constexpr size_t saved_reply_title_bytes_max = 200;
inline constexpr int thread_messages_shown_max = 500;   // a thread view's newest messages
inline constexpr int thread_purchases_shown_max = 20;   // purchases beside a thread
inline constexpr size_t broadcast_product_ids_max = 100;
inline constexpr int broadcast_batch = 200;             // recipients posted per transaction
// Attachments on messages (Issue 6): one file's bytes (413 body_too_large above it), files per
// message or saved reply, and uploads not yet sent that one owner may hold from the last day.
inline constexpr size_t attachment_bytes_max = 10 * 1024 * 1024;
inline constexpr size_t message_attachments_max = 10;
inline constexpr int attachment_unsent_per_day_max = 50;
inline constexpr size_t broadcast_preview_sample = 10;  // recipients a preview lists

// Store settings
inline constexpr int hold_period_days_max = 90;
inline constexpr int refund_window_days_max = 365;
inline constexpr int64_t fee_percent_bp_max = 5000;  // 50%
inline constexpr int64_t fee_fixed_minor_max = 100000;
inline constexpr int refund_policy_days_max = 365;

}  // namespace sd::limits
