// Route matching: patterns are split into segments at add(); match() splits the request path
// into string_views and scans the routes. With the few dozen routes of the API a linear scan
// that rejects on the first differing literal is cheaper than any tree's bookkeeping.
#include <array>

#include "core/assert.hpp"
#include "platform/http/http.hpp"

namespace sd::http {
namespace {

constexpr size_t path_segments_max = 64;  // deeper paths are 404 (no route is that deep)

struct PathSegments {
  std::array<std::string_view, path_segments_max> items;
  size_t size = 0;
};

// "/a/b/" → ["a","b",""]; "/" → []. False when the path is not absolute or too deep.
bool split_path(std::string_view path, PathSegments& out) {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  if (path.empty()) return true;
  for (;;) {
    if (out.size == path_segments_max) return false;
    size_t slash = path.find('/');
    out.items[out.size++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

unsigned method_bit(Method m) { return 1u << static_cast<unsigned>(m); }

// A HEAD request is served by a HEAD route if one exists, else by the GET route.
bool method_accepts(Method route, Method request) {
  return route == request || (request == Method::head && route == Method::get);
}

std::string allow_header(unsigned allowed) {
  if (allowed & method_bit(Method::get)) allowed |= method_bit(Method::head);
  std::string out;
  for (Method m : {Method::get, Method::head, Method::post, Method::put, Method::patch,
                   Method::delete_, Method::options}) {
    if (!(allowed & method_bit(m))) continue;
    if (!out.empty()) out += ", ";
    out += method_name(m);
  }
  return out;
}

}  // namespace

void Router::add(Route route) {
  std::vector<Segment> segs;
  PathSegments parts;
  SD_ASSERT(split_path(route.pattern, parts));
  for (size_t i = 0; i < parts.size; ++i) {
    std::string_view p = parts.items[i];
    Segment s;
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
      std::string_view name = p.substr(1, p.size() - 2);
      bool rest = name.starts_with('*');
      if (rest) name.remove_prefix(1);
      SD_ASSERT(!name.empty());
      SD_ASSERT(!rest || i + 1 == parts.size);  // {*rest} only as the last segment
      s.kind = rest ? Segment::Kind::rest : Segment::Kind::param;
      s.text = std::string(name);
    } else {
      s.text = std::string(p);
    }
    segs.push_back(std::move(s));
  }
  routes_.push_back(std::move(route));
  segments_.push_back(std::move(segs));
}

namespace {

template <class Segments>
bool pattern_matches(const Segments& pattern, const PathSegments& path) {
  using Kind = typename Segments::value_type::Kind;
  size_t j = 0;
  for (; j < pattern.size(); ++j) {
    const auto& seg = pattern[j];
    if (seg.kind == Kind::rest) return true;  // the remainder, possibly empty
    if (j >= path.size) return false;
    if (seg.kind == Kind::literal ? path.items[j] != seg.text : path.items[j].empty()) {
      return false;
    }
  }
  return j == path.size;
}

// Literal beats {param} beats {*rest}, compared left to right.
template <class Segments>
bool more_specific(const Segments& a, const Segments& b) {
  using Kind = typename Segments::value_type::Kind;
  auto rank = [](Kind k) { return k == Kind::literal ? 2 : k == Kind::param ? 1 : 0; };
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int ra = rank(a[i].kind), rb = rank(b[i].kind);
    if (ra != rb) return ra > rb;
  }
  return a.size() > b.size();
}

template <class Segments>
void fill_params(const Segments& pattern, const PathSegments& path, std::string_view full,
                 Request& req) {
  using Kind = typename Segments::value_type::Kind;
  for (size_t j = 0; j < pattern.size(); ++j) {
    const auto& seg = pattern[j];
    if (seg.kind == Kind::param) {
      req.path_params.emplace_back(seg.text, std::string(path.items[j]));
    } else if (seg.kind == Kind::rest) {
      std::string_view rest;
      if (j < path.size) {
        rest = full.substr(static_cast<size_t>(path.items[j].data() - full.data()));
      }
      req.path_params.emplace_back(seg.text, std::string(rest));
    }
  }
}

}  // namespace

Router::Match Router::match(Request& req) const {
  req.path_params.clear();
  PathSegments path;
  size_t best = routes_.size();
  unsigned allowed = 0;
  if (split_path(req.path, path)) {
    for (size_t i = 0; i < routes_.size(); ++i) {
      if (!pattern_matches(segments_[i], path)) continue;
      Method m = routes_[i].method;
      allowed |= method_bit(m);
      if (!method_accepts(m, req.method)) continue;
      bool better = best == routes_.size() || more_specific(segments_[i], segments_[best]) ||
                    (!more_specific(segments_[best], segments_[i]) && m == req.method &&
                     routes_[best].method != req.method);
      if (better) best = i;
    }
  }
  if (best < routes_.size()) {
    fill_params(segments_[best], path, req.path, req);
    return {&routes_[best], std::nullopt};
  }
  if (allowed != 0) {
    Response r = error_response(405, "method_not_allowed",
                                "This path does not accept the request's method.");
    r.headers.emplace_back("Allow", allow_header(allowed));
    return {nullptr, std::move(r)};
  }
  if (fallback_ && (req.method == Method::get || req.method == Method::head)) {
    return {&*fallback_, std::nullopt};
  }
  return {nullptr, error_response(404, "route_not_found", "No route matches this path.")};
}

}  // namespace sd::http
