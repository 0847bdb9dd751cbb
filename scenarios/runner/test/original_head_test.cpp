// proxy::original_head, which the prefill builds FILE.part.json from, against what the
// origin server really sends to a HEAD of the same scenario: every field equal (Date within
// the second or two between the two), for each way a scenario shapes the head.
#include "sisyphus/proxy/original_head.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <map>
#include <string>

#include "sisyphus/core/http_date.hpp"
#include "sisyphus/proxy/server.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::proxy {
namespace {

struct Head {
  std::string status_line;
  std::map<std::string, std::string> fields;  // lower-case names

  std::optional<std::string> get(const std::string& name) const {
    auto it = fields.find(name);
    if (it == fields.end()) return std::nullopt;
    return it->second;
  }
};

// One HTTP/1.1 HEAD with Connection: close, read to the end (a HEAD response has no body).
Head send_head(std::uint16_t port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_GE(fd, 0);
  const timeval limit{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  std::string response;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0) {
    const std::string request =
        "HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char chunk[4096];
    for (ssize_t n; (n = ::recv(fd, chunk, sizeof chunk, 0)) > 0;) {
      response.append(chunk, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);

  Head head;
  std::size_t pos = 0;
  for (bool first = true;; first = false) {
    const std::size_t end = response.find("\r\n", pos);
    if (end == std::string::npos || end == pos) break;
    const std::string line = response.substr(pos, end - pos);
    pos = end + 2;
    if (first) {
      head.status_line = line;
      continue;
    }
    const std::size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t value = colon + 1;
    while (value < line.size() && line[value] == ' ') ++value;
    head.fields[name] = line.substr(value);
  }
  return head;
}

class OriginalHeadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream data(dir_.path() / "data.bin", std::ios::binary);
    for (int i = 0; i < 300000; ++i) data.put(static_cast<char>(i * 7 % 253));
  }

  // The scenario as YAML (name first), answered both ways.
  void expect_same_as_a_head(const std::string& yaml) {
    const auto file = dir_.path() / "scenario.yaml";
    std::ofstream(file) << yaml;
    const model::Scenario scenario = load_scenario_file(file);
    SCOPED_TRACE(scenario.name);

    ServerOptions options;
    options.threads = 1;
    options.file_root = dir_.path();
    Server server(options, scenario);
    server.start();
    const Head sent = send_head(server.port(), scenario.resource.path);
    server.stop();
    const RepresentationHead computed = original_head(scenario, dir_.path());

    EXPECT_EQ(sent.status_line, "HTTP/1.1 200 OK");
    EXPECT_EQ(computed.etag, sent.get("etag"));
    EXPECT_EQ(computed.last_modified, sent.get("last-modified"));
    EXPECT_EQ(computed.repr_digest, sent.get("repr-digest"));
    const auto length = sent.get("content-length");
    EXPECT_EQ(computed.content_length,
              length ? std::optional<std::uint64_t>(std::stoull(*length)) : std::nullopt);
    EXPECT_EQ(computed.chunked, sent.get("transfer-encoding") == "chunked");
    const auto date_sent = parse_http_date(sent.get("date").value_or(""));
    const auto date_computed = parse_http_date(computed.date);
    ASSERT_TRUE(date_sent && date_computed) << computed.date;
    EXPECT_LE(date_computed->time_since_epoch().count() - date_sent->time_since_epoch().count(), 2);
    EXPECT_GE(*date_computed, *date_sent);
  }

  test::TempDir dir_;
};

TEST_F(OriginalHeadTest, StrongEtagAndLastModified) {
  expect_same_as_a_head("name: plain\nresource: {size: 8MiB}\n");
}

TEST_F(OriginalHeadTest, WeakOrNoValidators) {
  expect_same_as_a_head("name: weak\nresource: {size: 1000, etag: weak}\n");
  expect_same_as_a_head("name: none\nresource: {size: 1000, etag: none, last_modified: false}\n");
}

TEST_F(OriginalHeadTest, ReprDigestOfTheOriginalContent) {
  expect_same_as_a_head("name: digest\nresource: {size: 100000, seed: 5, digest: true}\n");
}

TEST_F(OriginalHeadTest, ChunkedServerAnnouncesNoLength) {
  expect_same_as_a_head("name: chunked\nresource: {size: 1000}\nserver: {chunked: true}\n");
}

TEST_F(OriginalHeadTest, NoRangeServerAndEmptyResource) {
  expect_same_as_a_head("name: no-ranges\nresource: {size: 1000}\nserver: {ranges: false}\n");
  expect_same_as_a_head("name: empty\nresource: {size: 0}\n");
}

TEST_F(OriginalHeadTest, FileResourceRelativeToTheScenario) {
  expect_same_as_a_head("name: file\nresource: {file: data.bin, digest: true}\n");
  expect_same_as_a_head(
      "name: file-chunked\nresource: {file: data.bin, etag: weak}\nserver: {chunked: true}\n");
}

TEST_F(OriginalHeadTest, AttemptsFaultsAndChangesDoNotApply) {
  // The server sees HEAD as no attempt: no fault, generation 0 before the first GET.
  expect_same_as_a_head(
      "name: faults\nresource: {size: 4000}\nattempts:\n  - status: {code: 503}\n"
      "faults:\n  - latency: {first_byte: 10ms}\nchanges:\n  - before_attempt: 2\n");
  const auto file = dir_.path() / "changed.yaml";
  std::ofstream(file) << "name: changed\nresource: {size: 4000, seed: 3}\n"
                         "changes:\n  - before_attempt: 1\n";
  EXPECT_EQ(original_head(load_scenario_file(file), dir_.path()).etag, "\"3-fa0\"");
}

TEST_F(OriginalHeadTest, FileOutsideTheRootIsRefused) {
  test::TempDir other;
  const auto file = dir_.path() / "escape.yaml";
  std::ofstream(file) << "name: escape\nresource: {file: data.bin}\n";
  EXPECT_THROW(original_head(load_scenario_file(file), other.path()), std::runtime_error);
}

}  // namespace
}  // namespace sisyphus::proxy
