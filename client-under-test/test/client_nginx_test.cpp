// The client against a real nginx on loopback: HTTPS with a certificate made here by
// `openssl req -x509` (trusted through ca_file, refused without it, accepted with
// insecure, refused for another host name), redirects with Range kept, a redirect loop,
// and a resume (Range + If-Range with nginx's own ETag) checked in nginx's access log.
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "process.hpp"
#include "sisyphus/client/state.hpp"
#include "sisyphus/testing/loopback.hpp"
#include "support.hpp"

namespace sisyphus::client::test {
namespace {

using sisyphus::test::accepts;
using sisyphus::test::free_port;
using sisyphus::test::serves_body;

constexpr const char* kNginx = "/usr/sbin/nginx";
constexpr const char* kOpenssl = "/usr/bin/openssl";
constexpr std::uint64_t kSize = 3 * 1024 * 1024 + 17;
constexpr std::uint64_t kSeed = 5;

// One nginx (single process, foreground) serving DIR/www over HTTP and HTTPS.
class Nginx {
 public:
  explicit Nginx(const TempDir& dir) : dir_(dir) {}
  ~Nginx() {
    if (child_) {
      child_->signal(SIGTERM);
      child_->wait(5s);
    }
  }

  // Empty on success, else why nginx could not be started.
  std::string start() {
    for (int attempt = 0; attempt < 5; ++attempt) {
      http_port_ = free_port();
      https_port_ = free_port();
      if (http_port_ == https_port_) continue;
      write_config();
      write_file(dir_ / "www" / ".sisyphus-id", dir_.path().string());
      child_.emplace(std::vector<std::string>{kNginx, "-p", dir_.path().string(), "-c",
                                              (dir_ / "nginx.conf").string()},
                     dir_ / "nginx.out", dir_ / "nginx.err");
      const auto deadline = std::chrono::steady_clock::now() + 5s;
      while (std::chrono::steady_clock::now() < deadline) {
        if (accepts(http_port_) && accepts(https_port_)) {
          // nginx binds both ports before it serves: our file on one means both are ours.
          if (serves_body(http_port_, "/.sisyphus-id", dir_.path().string())) return "";
          break;  // another test's server answered there: try other ports
        }
        if (auto code = child_->wait(0ms)) break;  // exited: a port was taken, try others
        std::this_thread::sleep_for(10ms);
      }
      child_.reset();
    }
    return "nginx did not start: " + read_file(dir_ / "error.log") + read_file(dir_ / "nginx.err");
  }

  std::uint16_t http_port() const { return http_port_; }
  std::uint16_t https_port() const { return https_port_; }
  std::string access_log() const { return read_file(dir_ / "access.log"); }

 private:
  void write_config() {
    const auto d = dir_.path().string();
    write_file(dir_ / "nginx.conf", fmt::format(R"(
daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
  client_body_temp_path {d}/tmp-body;
  proxy_temp_path {d}/tmp-proxy;
  fastcgi_temp_path {d}/tmp-fastcgi;
  uwsgi_temp_path {d}/tmp-uwsgi;
  scgi_temp_path {d}/tmp-scgi;
  log_format probe escape=none '$status|$request_uri|$http_range|$http_if_range|$body_bytes_sent';
  access_log {d}/access.log probe;
  default_type application/octet-stream;
  server {{
    listen 127.0.0.1:{http};
    listen 127.0.0.1:{https} ssl;
    ssl_certificate {d}/cert.pem;
    ssl_certificate_key {d}/key.pem;
    root {d}/www;
    location = /.sisyphus-id {{ access_log off; }}  # start()'s check: is it ours?
    location = /redirect {{ return 302 /data.bin; }}
    location = /redirect-abs {{ return 301 http://127.0.0.1:{http}/redirect; }}
    location = /loop {{ return 302 /loop; }}
  }}
}}
)",
                                                fmt::arg("d", d), fmt::arg("http", http_port_),
                                                fmt::arg("https", https_port_)));
  }

  const TempDir& dir_;
  std::optional<Child> child_;
  std::uint16_t http_port_ = 0, https_port_ = 0;
};

class NginxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto d = dir_->path();
    fs::create_directory(d / "www");
    write_file(d / "www" / "data.bin", content_bytes(kSeed, 0, kSize));
    if (!fs::exists(kOpenssl)) {
      setup_error_ = std::string(kOpenssl) + " not found: run scripts/bootstrap";
      return;
    }
    // A self-signed certificate for the address 127.0.0.1 only.
    auto r = run_process({kOpenssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                          "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                          "/CN=sisyphus-test", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                          (d / "key.pem").string(), "-out", (d / "cert.pem").string()},
                         d, 30s);
    if (r.exit_code != 0) {
      setup_error_ = "openssl req failed: " + r.err;
      return;
    }
    if (!fs::exists(kNginx)) {
      setup_error_ = std::string(kNginx) + " not found: run scripts/bootstrap (it installs nginx)";
      return;
    }
    nginx_ = new Nginx(*dir_);
    setup_error_ = nginx_->start();
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
    return fmt::format("https://{}:{}{}", host, nginx_->https_port(), path);
  }
  static std::string http(std::string_view path) {
    return fmt::format("http://127.0.0.1:{}{}", nginx_->http_port(), path);
  }
  static std::vector<std::string> log_lines_since(std::size_t& seen) {
    const std::string log = nginx_->access_log();
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < log.size()) {
      auto nl = log.find('\n', pos);
      if (nl == std::string::npos) break;
      lines.push_back(log.substr(pos, nl - pos));
      pos = nl + 1;
    }
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
  EXPECT_FALSE(fs::exists(out()));
  EXPECT_EQ(fs::file_size(part_path(out())), 0u);
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
