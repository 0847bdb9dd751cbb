#include "sisyphus/client/state.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sisyphus/core/error.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::client {
namespace {

namespace fs = std::filesystem;

using sisyphus::testing::TempDir;

PartState full_state() {
  PartState s;
  s.url = "http://127.0.0.1:8080/file?x=1";
  s.etag = "\"2-4000000\"";
  s.last_modified = "Mon, 01 Jan 2024 00:00:00 GMT";
  s.last_modified_strong = true;
  s.size = 64ull << 20;
  s.bytes = 31457280;
  s.repr_digest = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  return s;
}

TEST(PartState, PathsAreBesideTheOutput) {
  EXPECT_EQ(part_path("/tmp/x/big.iso"), fs::path("/tmp/x/big.iso.part"));
  EXPECT_EQ(state_path("/tmp/x/big.iso"), fs::path("/tmp/x/big.iso.part.json"));
}

TEST(PartState, JsonRoundTripWithEveryFieldAndWithNone) {
  const PartState s = full_state();
  EXPECT_EQ(part_state_from_json(to_json(s)), s);
  EXPECT_EQ(
      to_json(s),
      "{\"schema\":1,\"url\":\"http://127.0.0.1:8080/file?x=1\",\"etag\":\"\\\"2-4000000\\\"\","
      "\"last_modified\":\"Mon, 01 Jan 2024 00:00:00 GMT\",\"last_modified_strong\":true,"
      "\"size\":67108864,\"bytes\":31457280,"
      "\"repr_digest\":\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"}");
  PartState bare;
  bare.url = "https://example.com/";
  EXPECT_EQ(part_state_from_json(to_json(bare)), bare);
}

TEST(PartState, FileRoundTripReplacesAtomically) {
  TempDir dir;
  const auto file = dir.path() / "out.part.json";
  EXPECT_FALSE(load_part_state(file).has_value());
  PartState s = full_state();
  save_part_state(file, s);
  EXPECT_EQ(load_part_state(file), s);
  s.bytes = 62914560;
  save_part_state(file, s, /*sync=*/false);
  EXPECT_EQ(load_part_state(file), s);
  // Only the state itself is left: the temp file was renamed over it.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(PartState, BadFilesAreErrorsThatSayWhy) {
  auto expect_error = [](std::string_view text, std::string_view message) {
    try {
      part_state_from_json(text);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ParseError& e) {
      EXPECT_EQ(std::string(e.what()), message) << text;
    }
  };
  expect_error("{", "part state: not JSON (incomplete JSON)");
  expect_error("[]", "part state: expected a JSON object");
  expect_error("{\"schema\":2}", "part state: unsupported schema (expected 1)");
  expect_error("{\"schema\":1}", "part state: missing field 'url'");
  expect_error(
      "{\"schema\":1,\"url\":\"u\",\"etag\":5,\"last_modified\":null,"
      "\"last_modified_strong\":false,\"size\":null,\"bytes\":0,\"repr_digest\":null}",
      "part state: 'etag' must be a string or null");
  expect_error(
      "{\"schema\":1,\"url\":\"u\",\"etag\":null,\"last_modified\":null,"
      "\"last_modified_strong\":false,\"size\":null,\"bytes\":-1,\"repr_digest\":null}",
      "part state: 'bytes' must be a non-negative integer");
  expect_error(
      "{\"schema\":1,\"url\":\"u\",\"etag\":null,\"last_modified\":null,"
      "\"last_modified_strong\":false,\"size\":10,\"bytes\":11,\"repr_digest\":null}",
      "part state: bytes 11 exceed size 10");

  TempDir dir;
  const auto file = dir.path() / "x.part.json";
  std::ofstream(file) << "not json";
  try {
    load_part_state(file);
    ADD_FAILURE() << "accepted a corrupt state file";
  } catch (const ParseError& e) {
    EXPECT_EQ(std::string(e.what()), file.string() + ": part state: not JSON (syntax error)");
  }
}

}  // namespace
}  // namespace sisyphus::client
