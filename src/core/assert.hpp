// Assertions that stay on in release builds: a failed one is a bug, never user input.
#pragma once

namespace sd {
[[noreturn]] void assertion_failed(const char* expr, const char* file, int line);
}

#define SD_ASSERT(expr) \
  ((expr) ? static_cast<void>(0) : ::sd::assertion_failed(#expr, __FILE__, __LINE__))
