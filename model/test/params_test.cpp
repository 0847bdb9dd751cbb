#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "yaml_params.hpp"

namespace sisyphus::model {
namespace {

using namespace std::chrono_literals;

// Expects `f` to throw ScenarioError whose what() is exactly `expected`.
template <typename F>
void expect_error(F&& f, const std::string& expected) {
  try {
    f();
    ADD_FAILURE() << "no error, expected: " << expected;
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), expected);
  }
}

Params parse(const std::string& text, std::string section = "") {
  return Params(YAML::Load(text), "p.yaml", std::move(section));
}

TEST(ScenarioError, FormatsFileLineColumn) {
  ScenarioError e({"a/b.yaml", 7, 11}, "expected a mapping");
  EXPECT_STREQ(e.what(), "a/b.yaml:7:11: expected a mapping");
  EXPECT_EQ(e.where().line, 7);
  EXPECT_EQ(e.where().column, 11);
  EXPECT_EQ(e.message(), "expected a mapping");
}

TEST(ScenarioError, LineZeroMeansTheWholeFile) {
  ScenarioError e({"missing.yaml", 0, 0}, "cannot open: No such file or directory");
  EXPECT_STREQ(e.what(), "missing.yaml: cannot open: No such file or directory");
}

TEST(ScenarioError, IsAParseError) {
  try {
    throw ScenarioError({"x", 1, 2}, "m");
  } catch (const ParseError& e) {
    EXPECT_STREQ(e.what(), "x:1:2: m");
  }
}

TEST(ClosestMatch, SubstitutionInsertionDeletionTransposition) {
  std::vector<std::string> keys{"path", "size", "seed", "file", "etag", "last_modified", "digest"};
  EXPECT_EQ(closest_match("sied", keys), "seed");       // one substitution
  EXPECT_EQ(closest_match("sede", keys), "seed");       // adjacent transposition counts as 1
  EXPECT_EQ(closest_match("siz", keys), "size");        // deletion
  EXPECT_EQ(closest_match("digests", keys), "digest");  // insertion
  EXPECT_EQ(closest_match("lastmodified", keys), "last_modified");
  EXPECT_EQ(closest_match("ettag", keys), "etag");
  EXPECT_EQ(closest_match("pth", keys), "path");
}

TEST(ClosestMatch, NothingBeyondDistanceTwo) {
  std::vector<std::string> keys{"before_attempt", "at_time"};
  EXPECT_EQ(closest_match("before", keys), "");
  EXPECT_EQ(closest_match("attime", keys), "at_time");
  EXPECT_EQ(closest_match("at_tim3", keys), "at_time");
  EXPECT_EQ(closest_match("xyz_time", keys), "");
  EXPECT_EQ(closest_match("", keys), "");
}

TEST(ClosestMatch, AWordRewrittenEntirelyIsNotATypo) {
  EXPECT_EQ(closest_match("xy", {"ab"}), "");
  EXPECT_EQ(closest_match("m", {"s"}), "");
  EXPECT_EQ(closest_match("mx", {"ms"}), "ms");
}

TEST(ClosestMatch, TiesGoToTheFirstCandidate) {
  EXPECT_EQ(closest_match("cat", {"bat", "hat"}), "bat");
  EXPECT_EQ(closest_match("cat", {"hat", "bat"}), "hat");
  EXPECT_EQ(closest_match("cat", {"chat", "at", "cat"}), "cat");
}

TEST(Params, TypedReads) {
  Params p = parse(
      "s: hello\n"
      "n: 0.25\n"
      "u: 18446744073709551615\n"
      "neg: -1KiB\n"
      "pos: 3MiB\n"
      "pct: 95%\n"
      "d: 1500ms\n"
      "r: 1MiB/s\n"
      "yes: true\n"
      "no: false\n"
      "c: weak\n");
  EXPECT_EQ(p.string("s"), "hello");
  EXPECT_DOUBLE_EQ(p.number("n"), 0.25);
  EXPECT_EQ(p.unsigned_integer("u"), 18446744073709551615ULL);
  EXPECT_EQ(p.signed_size("neg"), -1024);
  EXPECT_EQ(p.signed_size("pos"), 3 * 1024 * 1024);
  EXPECT_EQ(p.size("pct"), SizeSpec::percent(95));
  EXPECT_EQ(p.size("pos"), SizeSpec::bytes(3 * 1024 * 1024));
  EXPECT_EQ(p.duration("d"), 1500ms);
  EXPECT_EQ(p.rate("r"), 1024u * 1024u);
  EXPECT_TRUE(p.boolean("yes", false));
  EXPECT_FALSE(p.boolean("no", true));
  EXPECT_EQ(p.choice("c", {"strong", "weak", "none"}), "weak");
}

TEST(Params, AbsentAndNullKeysTakeTheFallback) {
  Params p = parse("a: ~\nb:\nc: 1\n");
  EXPECT_FALSE(p.has("a"));
  EXPECT_FALSE(p.has("b"));
  EXPECT_FALSE(p.has("zzz"));
  EXPECT_TRUE(p.has("c"));
  EXPECT_EQ(p.optional_string("a"), std::nullopt);
  EXPECT_EQ(p.optional_number("b"), std::nullopt);
  EXPECT_EQ(p.optional_unsigned("zzz"), std::nullopt);
  EXPECT_EQ(p.optional_size("zzz"), std::nullopt);
  EXPECT_EQ(p.optional_duration("zzz"), std::nullopt);
  EXPECT_TRUE(p.boolean("a", true));
  EXPECT_FALSE(p.boolean("zzz", false));
  EXPECT_EQ(p.optional_unsigned("c"), 1u);
}

TEST(Params, NullnessAndShape) {
  EXPECT_TRUE(parse("{}").is_null());
  EXPECT_TRUE(parse("~").is_null());
  EXPECT_TRUE(Params().is_null());
  EXPECT_FALSE(parse("{a: 1}").is_null());
  EXPECT_TRUE(parse("{a: 1}").is_map());
  EXPECT_TRUE(parse("1MiB/s").is_scalar());
  EXPECT_EQ(parse("1MiB/s").scalar("a rate"), "1MiB/s");
  EXPECT_EQ(parse("{b: 1, a: 2}").keys(), (std::vector<std::string>{"b", "a"}));
  parse("~").require_map();
  parse("{}").require_map();
  parse("~").allow_only({"x"});
}

TEST(Params, LocationsAreOneBased) {
  Params p = parse("top: 1\nres:\n  size: 4XiB\n  empty:\n  seed: 2\n");
  EXPECT_EQ(p.location().line, 1);
  EXPECT_EQ(p.location().column, 1);
  Params res = p.child("res");
  EXPECT_EQ(res.section(), "res");
  EXPECT_EQ(res.location("size").line, 3);
  EXPECT_EQ(res.location("size").column, 9);
  // A null value is reported at its key (yaml-cpp marks it where the next token starts).
  EXPECT_EQ(res.location("empty").line, 4);
  EXPECT_EQ(res.location("empty").column, 3);
  Params absent = res.child("nothing");
  EXPECT_TRUE(absent.is_null());
  EXPECT_EQ(absent.section(), "res.nothing");
  EXPECT_EQ(absent.location().line, 3);  // the parent mapping's first key
  EXPECT_EQ(res.child("empty").location().line, 4);
  EXPECT_EQ(res.child("empty").location().column, 3);
}

TEST(Params, ErrorsNameWhatWasExpected) {
  Params p = parse(
      "size: 4XiB\n"
      "etag: stron\n"
      "flag: maybe\n"
      "num: 1.5.2\n"
      "count: -1\n"
      "huge: 99999999999999999999\n"
      "dur: 5 parsecs\n"
      "rate: fast\n"
      "map: {a: 1}\n"
      "list: [1, 2]\n"
      "shift: 1XB\n"
      "inf: .inf\n",
      "drop");
  expect_error([&] { p.size("size"); },
               "p.yaml:1:7: invalid size '4XiB': unknown unit 'XiB', expected one of B, KiB, MiB, "
               "GiB, KB, MB, GB");
  expect_error(
      [&] {
        p.choice("etag", {"strong", "weak", "none"});
      },
      "p.yaml:2:7: expected one of strong, weak, none, got 'stron'");
  expect_error([&] { p.boolean("flag", false); },
               "p.yaml:3:7: expected true or false, got 'maybe'");
  expect_error([&] { p.number("num"); }, "p.yaml:4:6: expected a number, got '1.5.2'");
  expect_error([&] { p.number("inf"); }, "p.yaml:12:6: expected a number, got '.inf'");
  expect_error([&] { p.unsigned_integer("count"); },
               "p.yaml:5:8: expected a non-negative integer, got '-1'");
  expect_error(
      [&] { p.unsigned_integer("huge"); },
      "p.yaml:6:7: integer '99999999999999999999' is too large (at most 18446744073709551615)");
  expect_error([&] { p.duration("dur"); },
               "p.yaml:7:6: invalid duration '5 parsecs': unknown unit 'parsecs', expected one of "
               "us, ms, s, m");
  expect_error([&] { p.rate("rate"); },
               "p.yaml:8:7: invalid rate 'fast': expected a size per second such as 1MiB/s");
  expect_error([&] { p.string("map"); }, "p.yaml:9:6: expected a string, got a mapping");
  expect_error([&] { p.size("list"); },
               "p.yaml:10:7: expected a size (e.g. 4MiB or 95%), got a sequence");
  expect_error([&] { p.signed_size("shift"); },
               "p.yaml:11:8: invalid size '1XB': expected an optionally negative size such as 1KiB "
               "or -512B");
  expect_error([&] { p.string("missing"); }, "p.yaml:1:1: missing required key 'missing' in drop");
  expect_error([&] { p.child("list").require_map(); },
               "p.yaml:10:7: expected a mapping, got a sequence");
  expect_error([&] { p.child("size").allow_only({"a"}); },
               "p.yaml:1:7: expected a mapping, got '4XiB'");
  expect_error([&] { p.fail("dur", "custom"); }, "p.yaml:7:6: custom");
  expect_error([&] { p.fail("custom"); }, "p.yaml:1:1: custom");
}

TEST(Params, AllowOnly) {
  Params p = parse("path: /x\nsied: 3\n", "resource");
  expect_error(
      [&] {
        p.allow_only({"path", "size", "seed"});
      },
      "p.yaml:2:1: unknown key 'sied' in resource, did you mean 'seed'?");
  expect_error(
      [&] {
        p.allow_only({"path", "url"});
      },
      "p.yaml:2:1: unknown key 'sied' in resource, expected one of path, url");
  p.allow_only({"path", "sied"});
  p.allow_only(std::vector<std::string>{"sied", "path"});

  Params dup = parse("a: 1\nb: 2\na: 3\n", "x");
  expect_error([&] { dup.allow_only({"a", "b"}); }, "p.yaml:3:1: duplicate key 'a' in x");

  Params complex = parse("? [a, b]\n: 1\n", "x");
  expect_error([&] { complex.allow_only({"a"}); },
               "p.yaml:1:3: expected a string key in x, got a sequence");

  Params unnamed = parse("zzz: 1\n");
  expect_error([&] { unnamed.allow_only({"aaa"}); },
               "p.yaml:1:1: unknown key 'zzz', expected one of aaa");
}

TEST(Params, AssignmentRebindsAndNeverWritesThrough) {
  YAML::Node tree = YAML::Load("a: {x: 1}\nb: {y: 2}\n");
  Params a(tree["a"], "t.yaml", "a");
  Params b(tree["b"], "t.yaml", "b");
  Params alias = a;  // shares tree["a"]
  a = b;
  EXPECT_EQ(a.keys(), (std::vector<std::string>{"y"}));
  EXPECT_EQ(a.section(), "b");
  EXPECT_EQ(alias.keys(), (std::vector<std::string>{"x"}));
  EXPECT_EQ(tree["a"]["x"].Scalar(), "1");
  Params moved = Params(tree["b"], "t.yaml");
  alias = std::move(moved);
  EXPECT_EQ(tree["a"]["x"].Scalar(), "1");
  EXPECT_EQ(alias.keys(), (std::vector<std::string>{"y"}));
}

TEST(Params, SignedSizeBounds) {
  Params p = parse("a: -9223372036854775807\nb: 9223372036854775808\nc: -0\n");
  EXPECT_EQ(p.signed_size("a"), -9223372036854775807LL);
  EXPECT_EQ(p.signed_size("c"), 0);
  expect_error([&] { p.signed_size("b"); },
               "p.yaml:2:4: invalid size '9223372036854775808': too large (at most "
               "9223372036854775807 bytes either "
               "way)");
}

TEST(Params, QuotedScalarsReadLikePlainOnes) {
  // JSON input quotes everything that is not a number or a bool.
  Params p = parse(R"({"at": "95%", "how": "close", "bytes": 1, "on": true, "d": "2s"})");
  EXPECT_EQ(p.size("at"), SizeSpec::percent(95));
  EXPECT_EQ(p.choice("how", {"close", "reset"}), "close");
  EXPECT_EQ(p.unsigned_integer("bytes"), 1u);
  EXPECT_TRUE(p.boolean("on", false));
  EXPECT_EQ(p.duration("d"), 2s);
}

}  // namespace
}  // namespace sisyphus::model
