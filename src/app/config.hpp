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
};

// Fills what flags left empty from the environment and defaults.
void resolve(Config& config);

}  // namespace sd::app
