// Target: the userinfo becomes Basic credentials and leaves the URL; what one origin is.
#include "target.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sisyphus::client::detail {
namespace {

Target parse(std::string_view url) {
  std::string why;
  auto t = parse_target(url, why);
  EXPECT_TRUE(t) << why;
  return t.value_or(Target{});
}

TEST(Target, UserinfoBecomesBasicCredentialsAndLeavesTheUrl) {
  const Target t = parse("http://user:p%40ss@127.0.0.1:8080/f?q=1#frag");
  EXPECT_EQ(t.url, "http://127.0.0.1:8080/f?q=1");
  EXPECT_EQ(t.authorization, "Basic dXNlcjpwQHNz");  // base64("user:p@ss")
  EXPECT_EQ(t.host_header, "127.0.0.1:8080");
  EXPECT_EQ(t.request_target, "/f?q=1");
  EXPECT_EQ(parse("http://user@h/").authorization, "Basic dXNlcjo=");  // "user:"
  EXPECT_EQ(parse("http://h/").authorization, std::nullopt);
}

TEST(Target, ARelativeLocationCarriesNoCredentialsOfItsOwn) {
  const Target base = parse("https://u:p@example.com/a/b");
  std::string why;
  const auto next = resolve_location(base, "../c?d", why);
  ASSERT_TRUE(next) << why;
  EXPECT_EQ(next->url, "https://example.com/c?d");
  EXPECT_EQ(next->authorization, std::nullopt);
  EXPECT_TRUE(same_origin(*next, base));
  const auto other = resolve_location(base, "http://x:y@mirror.example/c", why);
  ASSERT_TRUE(other) << why;
  EXPECT_EQ(other->authorization, "Basic eDp5");  // base64("x:y"), for the mirror only
  EXPECT_FALSE(same_origin(*other, base));
}

TEST(Target, AnOriginIsTheSchemeTheHostInAnyCaseAndThePort) {
  EXPECT_TRUE(same_origin(parse("http://Example.COM/x"), parse("http://example.com:80/y")));
  EXPECT_TRUE(same_origin(parse("https://h/"), parse("https://h:443/")));
  EXPECT_FALSE(same_origin(parse("http://h/"), parse("https://h/")));
  EXPECT_FALSE(same_origin(parse("http://h:8080/"), parse("http://h:8081/")));
  EXPECT_FALSE(same_origin(parse("http://h/"), parse("http://h2/")));
  EXPECT_FALSE(same_origin(parse("http://127.0.0.1/"), parse("http://localhost/")));
}

}  // namespace
}  // namespace sisyphus::client::detail
