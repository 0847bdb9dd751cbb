#pragma once
// Checks of the report pages shared by the HTML tests: structure by python3's html.parser,
// no external resources, counting markup.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "sisyphus/testing/python.hpp"

namespace sisyphus::reports::testing {

// python3's html.parser walks the page: it checks every non-void element is closed in
// order, and prints the number of <svg> elements, every href/src, and every id.
constexpr const char* kInspect = R"py(
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "hr", "img", "input", "link", "rect", "line", "path", "circle"}
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.svg = 0; s.refs = []; s.ids = []; s.bad = []
    def handle_starttag(s, tag, attrs):
        if tag == "svg": s.svg += 1
        for k, v in attrs:
            if k in ("href", "src", "xlink:href", "action"): s.refs.append(v)
            if k == "id": s.ids.append(v)
        if tag not in VOID: s.stack.append(tag)
    def handle_startendtag(s, tag, attrs):
        for k, v in attrs:
            if k == "id": s.ids.append(v)
        if tag == "svg": s.svg += 1
    def handle_endtag(s, tag):
        if tag in VOID: return
        if not s.stack or s.stack[-1] != tag: s.bad.append(f"</{tag}> closes {s.stack[-1:]}")
        else: s.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
print("unclosed", p.stack, "bad", p.bad)
print("svg", p.svg)
print("refs", sorted(set(p.refs)))
print("ids", p.ids)
)py";

inline std::string inspect(const std::string& html, const std::string& name) {
  const auto r = sisyphus::testing::python_on(kInspect, html, name);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return r.out;
}

inline std::size_t count(const std::string& haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

inline void expect_self_contained(const std::string& html) {
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

}  // namespace sisyphus::reports::testing
