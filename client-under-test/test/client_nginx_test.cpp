// The client against a real nginx on loopback: HTTPS with a certificate made here by
// `openssl req -x509` (trusted through ca_file, refused without it, accepted with
// insecure, refused for another host name), redirects with Range kept, a redirect loop,
// and a resume (Range + If-Range with nginx's own ETag) checked in nginx's access log.
#include <fmt/format.h>
#include <sys/stat.h>

#include <memory>

#include "sisyphus/client/state.hpp"
#include "sisyphus/testing/nginx.hpp"
#include "support.hpp"

namespace sisyphus::client::test {
namespace {

using sisyphus::testing::Nginx;

constexpr std::uint64_t kSize = 3 * 1024 * 1024 + 17;
constexpr std::uint64_t kSeed = 5;

// One server on two ports: ports[0] HTTP, ports[1] HTTPS with the certificate for 127.0.0.1.
std::string http_block(const fs::path& dir, const std::vector<std::uint16_t>& ports) {
  return fmt::format(R"(
  log_format probe escape=none '$status|$request_uri|$http_range|$http_if_range|$body_bytes_sent';
  access_log {d}/access.log probe;
  server {{
    listen 127.0.0.1:{http};
    listen 127.0.0.1:{https} ssl;
    ssl_certificate {d}/cert.pem;
    ssl_certificate_key {d}/cert-key.pem;
    root {d}/www;
    {id_location}
    location = /redirect {{ return 302 /data.bin; }}
    location = /redirect-abs {{ return 301 http://127.0.0.1:{http}/redirect; }}
    location = /loop {{ return 302 /loop; }}
  }})",
                     fmt::arg("d", dir.string()), fmt::arg("http", ports[0]),
                     fmt::arg("https", ports[1]), fmt::arg("id_location", Nginx::kIdLocation));
}

class NginxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto d = dir_->path();
    fs::create_directory(d / "www");
    write_file(d / "www" / "data.bin", content_bytes(kSeed, 0, kSize));
    try {
      // A self-signed certificate for the address 127.0.0.1 only.
      sisyphus::testing::make_certificate(d, "cert", "IP:127.0.0.1");
      nginx_ = new Nginx(d, 2, http_block);
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    delete nginx_;
    nginx_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    // Not a skip: without nginx these tests fail, saying why.
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }
  void TearDown() override {
    fs::remove(out());
    fs::remove(part_path(out()));
    fs::remove(state_path(out()));
  }

  static fs::path out() { return dir_->path() / "out.bin"; }
  static std::string https(std::string_view path, std::string_view host = "127.0.0.1") {
    return fmt::format("https://{}:{}{}", host, nginx_->port(1), path);
  }
  static std::string http(std::string_view path) {
    return fmt::format("http://127.0.0.1:{}{}", nginx_->port(0), path);
  }
  static std::vector<std::string> log_lines_since(std::size_t& seen) {
    const std::vector<std::string> lines = nginx_->access_log();
    std::vector<std::string> fresh(lines.begin() + static_cast<std::ptrdiff_t>(seen), lines.end());
    seen = lines.size();
    return fresh;
  }
  void expect_output_correct() {
    const std::string data = read_file(out());
    EXPECT_EQ(data.size(), kSize);
    EXPECT_EQ(first_mismatch(data, kSeed), std::nullopt);
  }

  static TempDir* dir_;
  static Nginx* nginx_;
  static std::string setup_error_;
};

TempDir* NginxTest::dir_ = nullptr;
Nginx* NginxTest::nginx_ = nullptr;
std::string NginxTest::setup_error_;

TEST_F(NginxTest, HttpsWithTheCaFileDownloadsAndVerifies) {
  Options o = quick_options(https("/data.bin"), out());
  o.ca_file = dir_->path() / "cert.pem";
  o.sha256 = sha256_hex_of_content(kSeed, kSize);
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.verified_by, "sha256");
  expect_output_correct();
}

TEST_F(NginxTest, HttpsWithoutTheCaFailsCleanly) {
  Options o = quick_options(https("/data.bin"), out());
  o.max_attempts = 2;
  const Result r = download(o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.attempt_log.size(), 2u);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::connect_error);
  EXPECT_EQ(r.attempt_log[0].status, 0);
  EXPECT_NE(r.attempt_log[0].detail.find("certificate verify failed"), std::string::npos)
      << r.attempt_log[0].detail;
  // Giving up with nothing held leaves nothing behind: no file, no part, no state.
  EXPECT_FALSE(fs::exists(out()));
  EXPECT_FALSE(fs::exists(part_path(out())));
}

TEST_F(NginxTest, HttpsForAnotherHostNameIsRefusedEvenWithTheCa) {
  // The certificate names 127.0.0.1 only; "localhost" is another name.
  Options o = quick_options(https("/data.bin", "localhost"), out());
  o.ca_file = dir_->path() / "cert.pem";
  o.max_attempts = 1;
  const Result r = download(o);
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.attempt_log.size(), 1u);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::connect_error);
  EXPECT_NE(r.attempt_log[0].detail.find("certificate verify failed"), std::string::npos)
      << r.attempt_log[0].detail;
}

TEST_F(NginxTest, HttpsInsecureSkipsVerification) {
  Options o = quick_options(https("/data.bin"), out());
  o.insecure = true;
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_correct();
}

TEST_F(NginxTest, AMissingCaFileIsAClearError) {
  Options o = quick_options(https("/data.bin"), out());
  o.ca_file = dir_->path() / "no-such.pem";
  const Result r = download(o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_TRUE(r.error.starts_with("attempt 1: cannot load CA file " +
                                  (dir_->path() / "no-such.pem").string()))
      << r.error;
}

TEST_F(NginxTest, ResumeWithNginxsEtagThroughTwoRedirects) {
  // A previous run left the first half, counted by its state with nginx's ETag
  // ("<mtime hex>-<size hex>").
  struct stat st {};
  ASSERT_EQ(::stat((dir_->path() / "www" / "data.bin").c_str(), &st), 0);
  const std::string etag = fmt::format("\"{:x}-{:x}\"", st.st_mtime, kSize);
  const std::uint64_t half = kSize / 2;
  PartState state;
  state.url = http("/redirect-abs");
  state.etag = etag;
  state.size = kSize;
  state.bytes = half;
  write_file(part_path(out()), content_bytes(kSeed, 0, half));
  save_part_state(state_path(out()), state);

  std::size_t seen = 0;
  log_lines_since(seen);
  Options o = quick_options(http("/redirect-abs"), out());
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_correct();
  EXPECT_EQ(r.bytes_resumed, half);
  EXPECT_EQ(r.bytes_received, kSize - half);
  ASSERT_EQ(r.attempt_log.size(), 1u);
  EXPECT_EQ(r.attempt_log[0].redirects, 2u);
  EXPECT_EQ(r.attempt_log[0].status, 206);
  // Every hop carried Range and If-Range; nginx sent exactly the missing half.
  const auto range = fmt::format("bytes={}-", half);
  auto lines = log_lines_since(seen);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[0].starts_with(fmt::format("301|/redirect-abs|{}|{}|", range, etag)))
      << lines[0];
  EXPECT_TRUE(lines[1].starts_with(fmt::format("302|/redirect|{}|{}|", range, etag))) << lines[1];
  EXPECT_EQ(lines[2], fmt::format("206|/data.bin|{}|{}|{}", range, etag, kSize - half));
}

TEST_F(NginxTest, AStaleEtagMakesNginxSendEverythingAndTheClientStartsOver) {
  PartState state;
  state.url = https("/data.bin");
  state.etag = "\"0-1\"";
  state.size = kSize;
  state.bytes = 1000;
  write_file(part_path(out()), std::string(1000, 'Z'));
  save_part_state(state_path(out()), state);
  Options o = quick_options(https("/data.bin"), out());
  o.ca_file = dir_->path() / "cert.pem";
  const Result r = download(o);
  ASSERT_TRUE(r.ok) << r.error;
  expect_output_correct();
  ASSERT_EQ(r.restarts.size(), 1u);
  EXPECT_EQ(r.restarts[0].discarded, 1000u);
  EXPECT_EQ(r.attempt_log[0].status, 200);
  EXPECT_EQ(r.attempt_log[0].if_range, "\"0-1\"");
}

TEST_F(NginxTest, ARedirectLoopIsGivenUpAfterTenRedirects) {
  std::size_t seen = 0;
  log_lines_since(seen);
  Options o = quick_options(http("/loop"), out());
  const Result r = download(o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.attempts, 1u);
  EXPECT_EQ(r.attempt_log[0].outcome, AttemptOutcome::fatal_status);
  EXPECT_TRUE(r.error.starts_with("attempt 1: more than 10 redirects (last to ")) << r.error;
  EXPECT_TRUE(r.error.ends_with("/loop)")) << r.error;
  EXPECT_EQ(log_lines_since(seen).size(), 11u);  // the first request and ten redirects
}

}  // namespace
}  // namespace sisyphus::client::test
