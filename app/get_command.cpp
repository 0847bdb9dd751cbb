// `sisyphus get URL -o FILE`: the reference resumable client on the command line.
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "commands.hpp"
#include "sisyphus/client/download.hpp"
#include "sisyphus/client/progress_line.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/core/units.hpp"

namespace sisyphus::app {
namespace {

using client::AttemptRecord;
using client::Progress;

struct GetFlags {
  std::string url;
  std::string output;
  std::optional<std::string> sha256;
  std::uint32_t max_attempts = 10;
  std::string backoff = "full-jitter";
  std::string base = "100ms";
  std::string cap = "2s";
  std::uint64_t seed = 0;
  std::string resume = "if-range";
  std::string connect_timeout = "10s";
  std::string read_timeout = "30s";
  std::optional<std::string> timeout;
  bool naive = false;
  bool insecure = false;
  std::optional<std::string> ca_file;
  std::vector<std::string> headers;
  std::string client_id;
  bool json = false;
  bool progress = false;
  bool no_progress = false;
  bool no_fsync = false;
  std::string persist_interval = "1s";
};

std::string seconds_text(Duration d) {
  return fmt::format("{:.2f}s", static_cast<double>(d.count()) / 1e6);
}

// The terminal's width now (it may be resized mid-download): stderr's, else $COLUMNS, else 80.
std::size_t terminal_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    const long n = std::strtol(columns, nullptr, 10);
    if (n > 0) return static_cast<std::size_t>(n);
  }
  return 80;
}

// Redrawn in place with '\r': client::ProgressLine keeps it within the terminal's width, so it
// never wraps (a wrapped line leaves a copy of itself behind at each redraw).
class ProgressBar {
 public:
  void update(const Progress& p) {
    line_.update(p);
    fmt::print(stderr, "\r\033[K{}", line_.format(p, terminal_width()));
    std::fflush(stderr);
    shown_ = true;
  }
  void clear() {
    if (shown_) fmt::print(stderr, "\r\033[K");
    shown_ = false;
  }

 private:
  client::ProgressLine line_;
  bool shown_ = false;
};

// `-o -`: the body goes to stdout as it arrives. Bytes written there cannot be taken back,
// so the download may resume only from exactly where stdout is (Range + If-Range, answered
// by a 206 from that byte on, as every resume is checked); a retry that would have to start
// again from byte 0 once something was written (the file changed, the server ignores
// Range, a --sha256 mismatch) ends the download instead (exit 1), saying why.
class StdoutSink {
 public:
  void write(std::uint64_t offset, std::span<const std::byte> bytes) {
    if (offset != written_) {
      throw std::system_error(
          std::make_error_code(std::errc::invalid_seek),
          fmt::format("{} bytes already went to stdout and the download would start again at "
                      "byte {}",
                      written_, offset));
    }
    const char* data = reinterpret_cast<const char*>(bytes.data());
    std::size_t left = bytes.size();
    while (left > 0) {
      const ssize_t n = ::write(STDOUT_FILENO, data, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::system_error(errno, std::generic_category(), "cannot write to stdout");
      data += n;
      left -= static_cast<std::size_t>(n);
    }
    written_ += bytes.size();
  }
  std::uint64_t written() const { return written_; }

 private:
  std::uint64_t written_ = 0;
};

std::string attempt_line(const AttemptRecord& a) {
  std::string req = a.range ? fmt::format("Range {}", *a.range) : std::string("no Range");
  if (a.if_range) req += fmt::format(", If-Range {}", *a.if_range);
  std::string status = a.status ? fmt::format("{}", a.status) : std::string("no response");
  return fmt::format("attempt {}: {} -> {}, {} bytes at offset {}, {}: {} ({}{})", a.number, req,
                     status, a.bytes, a.offset, client::to_string(a.outcome), a.detail,
                     seconds_text(a.duration),
                     a.waited.count() ? ", after waiting " + seconds_text(a.waited) : "");
}

std::pair<std::string, std::string> split_header(const std::string& h) {
  auto colon = h.find(':');
  if (colon == std::string::npos || colon == 0) {
    throw ParseError(fmt::format("invalid header '{}': expected 'Name: value'", h));
  }
  std::string value = h.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
  return {h.substr(0, colon), value};
}

bool to_stdout(const GetFlags& f) {
  return f.output == "-";
}

// `sink` receives the body for `-o -`.
client::Options build_options(const GetFlags& f, StdoutSink& sink) {
  if (to_stdout(f) && f.json) throw ParseError("--json and -o - both write to stdout");
  if (to_stdout(f) && f.naive) throw ParseError("--naive writes a file in place; not with -o -");
  client::Options o;
  o.url = f.url;
  if (!to_stdout(f)) o.output = f.output;
  o.sha256 = f.sha256;
  o.max_attempts = f.max_attempts;
  o.backoff.strategy = client::parse_backoff_strategy(f.backoff);
  o.backoff.base = parse_duration(f.base);
  o.backoff.cap = parse_duration(f.cap);
  o.backoff.seed = f.seed;
  o.resume = client::parse_resume_policy(f.resume);
  o.connect_timeout = parse_duration(f.connect_timeout);
  o.read_timeout = parse_duration(f.read_timeout);
  if (f.timeout) o.timeout = parse_duration(*f.timeout);
  o.naive = f.naive;
  o.insecure = f.insecure;
  if (f.ca_file) o.ca_file = *f.ca_file;
  for (const auto& h : f.headers) o.headers.push_back(split_header(h));
  o.client_id = f.client_id;
  o.fsync = !f.no_fsync;
  o.persist_interval = parse_duration(f.persist_interval);
  if (to_stdout(f)) {
    o.on_body = [&sink](std::uint64_t offset, std::span<const std::byte> bytes) {
      sink.write(offset, bytes);
    };
  }
  if (auto problem = client::validate(o)) throw ParseError(*problem);
  return o;
}

int run_get(const GetFlags& f) {
  client::Options options;
  StdoutSink sink;
  try {
    options = build_options(f, sink);
  } catch (const ParseError& e) {
    fmt::print(stderr, "sisyphus get: {}\n", e.what());
    return kExitUsage;
  }
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  const bool bar = f.progress || (tty && !f.no_progress);
  const bool color = tty && std::getenv("NO_COLOR") == nullptr;
  ProgressBar progress;
  if (bar) options.on_progress = [&](const Progress& p) { progress.update(p); };
  options.on_attempt = [&](const AttemptRecord& a) {
    progress.clear();
    fmt::print(stderr, "{}\n", attempt_line(a));
  };

  const client::Result r = client::download(std::move(options));
  progress.clear();

  if (f.json) fmt::print("{}\n", client::to_json(r));
  auto paint = [&](std::string_view text, int code) {
    return color ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
  };
  if (r.ok) {
    fmt::print(stderr, "{} {} ({} bytes{}) in {}, {} attempt{}, {} bytes received{}\n",
               paint(to_stdout(f) ? "wrote" : "saved", 32),
               to_stdout(f) ? std::string("stdout") : r.output.string(), r.size.value_or(0),
               r.verified_by.empty() ? std::string(", not verified")
                                     : fmt::format(", verified by {}", r.verified_by),
               seconds_text(r.duration), r.attempts, r.attempts == 1 ? "" : "s", r.bytes_received,
               r.bytes_discarded ? fmt::format(", {} discarded", r.bytes_discarded) : "");
  } else {
    fmt::print(stderr, "{} {}\n", paint("failed:", 31), r.error);
  }
  return r.exit_code;
}

}  // namespace

void add_get_command(CLI::App& root, int& exit_code) {
  auto flags = std::make_shared<GetFlags>();
  auto* cmd = root.add_subcommand(
      "get",
      "Download URL to FILE with the reference resumable client (safe resume, verification, "
      "backoff). Exit codes: 0 ok, 1 gave up, 2 usage, 3 verification failed.");
  // A repeated option takes its last value (a wrapper script can append overrides).
  cmd->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_option("url", flags->url, "http:// or https:// URL")->required();
  cmd->add_option("-o,--output", flags->output,
                  "output FILE (FILE.part and FILE.part.json "
                  "hold an unfinished download); - writes the body to stdout (no part file; "
                  "a retry resumes exactly where stdout is, or the download ends)")
      ->required();
  cmd->add_option("--sha256", flags->sha256, "expected SHA-256 (64 hex digits)");
  cmd->add_option("--max-attempts", flags->max_attempts, "requests for the resource (default 10)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--backoff", flags->backoff,
                  "none | constant | exponential | full-jitter | equal-jitter | "
                  "decorrelated-jitter (default full-jitter)");
  cmd->add_option("--base", flags->base, "backoff base delay (default 100ms)");
  cmd->add_option("--cap", flags->cap, "backoff cap, also caps Retry-After (default 2s)");
  cmd->add_option("--seed", flags->seed, "seed of the backoff jitter (default 0)");
  cmd->add_option("--resume", flags->resume, "if-range | range | restart (default if-range)");
  cmd->add_option("--connect-timeout", flags->connect_timeout, "default 10s");
  cmd->add_option("--read-timeout", flags->read_timeout,
                  "silence that counts as a stall (default 30s)");
  cmd->add_option("--timeout", flags->timeout, "overall limit for the whole download");
  cmd->add_flag("--naive", flags->naive,
                "the careless client: Range without If-Range, no checks, writes FILE in place");
  cmd->add_flag("--insecure", flags->insecure, "HTTPS without certificate verification");
  cmd->add_option("--ca-file", flags->ca_file, "PEM file of trusted CAs (default: system store)");
  cmd->add_option("-H,--header", flags->headers, "extra request header 'Name: value' (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--client-id", flags->client_id,
                  "send 'Sisyphus-Client: TOKEN' so a sisyphus server numbers this client's "
                  "attempts apart (1-64 of A-Z a-z 0-9 . _ -)");
  cmd->add_flag("--json", flags->json, "print a JSON summary on stdout");
  auto* p = cmd->add_flag("--progress", flags->progress, "progress bar even when not a terminal");
  auto* np = cmd->add_flag("--no-progress", flags->no_progress, "one line per attempt only");
  p->excludes(np);
  cmd->add_flag("--no-fsync", flags->no_fsync,
                "skip fdatasync (a killed process still resumes safely; a power cut may not)");
  cmd->add_option("--persist-interval", flags->persist_interval,
                  "how often the state file counts the bytes received while streaming "
                  "(default 1s; a kill loses at most this much)");
  cmd->callback([flags, &exit_code] { exit_code = run_get(*flags); });
}

}  // namespace sisyphus::app
