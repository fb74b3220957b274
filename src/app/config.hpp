// Configuration of a shopdesk process: flags first, then environment, then defaults.
#pragma once

#include <string>

namespace sd::app {

struct Config {
  std::string database_url;  // --database, SHOPDESK_DATABASE_URL, else sqlite:data/shopdesk.db
  std::string data_dir = "data";
  std::string web_dir;       // built web app; default: <binary dir>/web
  std::string host = "127.0.0.1";
  int port = 8080;
  bool test_mode = false;
  bool secure_cookies = false;  // SHOPDESK_SECURE_COOKIES=1 behind TLS
  bool access_log = true;       // SHOPDESK_ACCESS_LOG=0 silences per-request lines
  bool sales_cache = true;      // SHOPDESK_SALES_CACHE=0: Sales answers made afresh every time
  std::string public_url;       // SHOPDESK_PUBLIC_URL, else http://host:port
  std::string tax_table;        // --tax-table / SHOPDESK_TAX_TABLE: a CSV replacing the default
  std::string smtp_url;         // SHOPDESK_SMTP_URL (smtp://host:port); empty = .eml folder
  std::string smtp_username;    // SHOPDESK_SMTP_USERNAME
  std::string smtp_password;    // SHOPDESK_SMTP_PASSWORD
  bool smtp_starttls = false;   // SHOPDESK_SMTP_STARTTLS=1
  std::string mail_from = "receipts@shopdesk.local";  // SHOPDESK_MAIL_FROM
  // SHOPDESK_BROADCAST_BATCH: recipients per broadcast transaction. When set, the job also
  // waits its interval between batches (a paced send; the crash test uses 1).
  int broadcast_batch = 0;  // 0 = limits::broadcast_batch, back to back
};

// Fills what flags left empty from the environment and defaults.
void resolve(Config& config);

}  // namespace sd::app
