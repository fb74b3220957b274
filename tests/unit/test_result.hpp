// Results in unit tests: an error described in one line, and unwrapping a result that must
// succeed (an error throws, so gtest fails the test and shows it).
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "core/error.hpp"

namespace sd::test {

inline std::string describe(const Error& e) {
  return std::string(to_string(e.kind)) + " " + e.code + ": " + e.message;
}

template <class T>
T must(Result<T> r) {
  if (!r) throw std::runtime_error(describe(r.error()));
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

}  // namespace sd::test
