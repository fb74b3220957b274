#include "app/config.hpp"

#include <algorithm>
#include <cstdlib>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace sd::app {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::filesystem::path binary_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : exe.parent_path();
}

}  // namespace

void resolve(Config& c) {
  if (c.database_url.empty()) c.database_url = env("SHOPDESK_DATABASE_URL");
  if (c.database_url.empty()) c.database_url = "sqlite:" + c.data_dir + "/shopdesk.db";
  if (c.web_dir.empty()) c.web_dir = env("SHOPDESK_WEB_DIR");
  if (c.web_dir.empty()) {
    const auto candidate = binary_dir() / "web";
    if (std::filesystem::exists(candidate / "index.html")) c.web_dir = candidate.string();
  }
  if (env("SHOPDESK_SECURE_COOKIES") == "1") c.secure_cookies = true;
  if (env("SHOPDESK_ACCESS_LOG") == "0") c.access_log = false;
  if (env("SHOPDESK_SALES_CACHE") == "0") c.sales_cache = false;
  if (c.public_url.empty()) c.public_url = env("SHOPDESK_PUBLIC_URL");
  if (c.public_url.empty()) c.public_url = "http://" + c.host + ":" + std::to_string(c.port);
  if (c.tax_table.empty()) c.tax_table = env("SHOPDESK_TAX_TABLE");
  c.smtp_url = env("SHOPDESK_SMTP_URL");
  if (const auto b = env("SHOPDESK_BROADCAST_BATCH"); !b.empty())
    c.broadcast_batch = std::clamp(std::atoi(b.c_str()), 1, 10000);
  c.smtp_username = env("SHOPDESK_SMTP_USERNAME");
  c.smtp_password = env("SHOPDESK_SMTP_PASSWORD");
  c.smtp_starttls = env("SHOPDESK_SMTP_STARTTLS") == "1";
  if (!env("SHOPDESK_MAIL_FROM").empty()) c.mail_from = env("SHOPDESK_MAIL_FROM");
}

}  // namespace sd::app
