#include "relay/recorder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <stdexcept>
#include <system_error>

#include "relay/byte_ranges.hpp"

namespace sisyphus::proxy {
namespace {

std::string_view end_text(UpstreamEnd end) {
  switch (end) {
    case UpstreamEnd::complete:
      return "complete";
    case UpstreamEnd::closed:
      return "then FIN";
    case UpstreamEnd::reset:
      return "then RST";
    case UpstreamEnd::silent:
      return "then silence";
    case UpstreamEnd::unknown:
      return "then the client went away";
  }
  return "";
}

bool all_digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// A path as part of a scenario name: [a-z0-9-] only.
std::string name_of(std::string_view path) {
  std::string out = "recorded";
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    const char lower = static_cast<char>(std::tolower(u));
    if (std::isalnum(u)) {
      out += lower;
    } else if (out.back() != '-') {
      out += '-';
    }
  }
  while (out.back() == '-') out.pop_back();
  return out;
}

// Whether If-Range held: the answer's validator is the one the request named (a weak ETag
// never holds, RFC 9110 13.1.5). A request without If-Range holds trivially.
bool if_range_held(const Observation& o) {
  if (!o.if_range) return true;
  const std::string& v = *o.if_range;
  if (v.starts_with("\"") || v.starts_with("W/")) {
    return o.etag && !o.etag->starts_with("W/") && *o.etag == v;
  }
  return o.last_modified && *o.last_modified == v;
}

// The statuses whose answers carry the representation's bytes.
bool has_body(const Observation& o) {
  return o.status == 200 || o.status == 206;
}

// The validator that names a version: the ETag, or without one the Last-Modified date.
const std::optional<std::string>& version_of(const Observation& o) {
  return o.etag ? o.etag : o.last_modified;
}

// A string as a YAML flow scalar: as it is when it is plain, double-quoted otherwise.
std::string yaml_string(std::string_view s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-';
  });
  if (plain) return std::string(s);
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

// The faults that replay one observation, as the inside of a flow mapping ("" for none),
// and what it was, for the comment beside it.
struct Entry {
  std::string faults;
  std::string comment;
};

Entry entry_for(const Observation& o, std::size_t attempt) {
  std::vector<std::string> faults;
  const bool body_status = has_body(o);
  if (!body_status) {
    std::string status = fmt::format("code: {}", o.status);
    if (o.retry_after) {
      status += all_digits(*o.retry_after) ? fmt::format(", retry_after: {}s", *o.retry_after)
                                           : fmt::format(", retry_after: \"{}\"", *o.retry_after);
    }
    faults.push_back(fmt::format("status: {{{}}}", status));
  }
  // A 200 to a Range request whose If-Range failed is what the client asked for (the
  // replay's `changes:` fail it again); only a 200 despite a holding If-Range, or to a plain
  // Range, is the upstream ignoring Range.
  const bool if_range_failed = o.status == 200 && o.range && !if_range_held(o);
  if (o.status == 200 && o.range && !if_range_failed) faults.push_back("no_range: {}");
  const bool cut = body_status && o.length && o.received < *o.length;
  if (cut && o.end != UpstreamEnd::unknown && o.end != UpstreamEnd::complete) {
    const std::string_view how = o.end == UpstreamEnd::reset    ? "reset"
                                 : o.end == UpstreamEnd::silent ? "stall"
                                                                : "close";
    faults.push_back(fmt::format("drop: {{after: {}, how: {}}}", o.received, how));
  }
  // A body that took a while says how fast the link was; a short one says little (the
  // loopback's or a buffer's pace), so only bodies of half a second or more are throttled.
  if (body_status && o.body_s >= 0.5 && o.received > 0) {
    const auto rate = static_cast<std::uint64_t>(static_cast<double>(o.received) / o.body_s);
    faults.push_back(
        fmt::format("throttle: {{rate: {}KiB/s}}", std::max<std::uint64_t>(1, rate / 1024)));
  }
  // A first byte sooner than this is the loopback's own pace, not worth replaying.
  if (o.first_byte_s >= 0.05) {
    faults.push_back(
        fmt::format("latency: {{first_byte: {}ms}}", static_cast<long>(o.first_byte_s * 1000)));
  }

  std::string comment = fmt::format("attempt {}: {}", attempt, o.status);
  if (o.range) comment += " to " + *o.range;
  if (if_range_failed) comment += " with If-Range of another version";
  if (body_status && o.length) {
    comment += fmt::format(", {} of {} body bytes", o.received, *o.length);
    if (cut) comment += fmt::format(" {}", end_text(o.end));
  }
  if (cut && o.end == UpstreamEnd::unknown) {
    comment += " (not replayed: the client, or the network beyond the proxy, ended it)";
  }
  if (o.retry_after) comment += ", Retry-After: " + *o.retry_after;
  if (o.proxy_answered) {
    comment += fmt::format(" made by this proxy, not the upstream ({}); replayed as the server's",
                           *o.proxy_answered);
  }
  if (o.body_s >= 0.5) comment += fmt::format(" in {:.1f} s", o.body_s);
  std::string joined;
  for (const auto& f : faults) joined += (joined.empty() ? "" : ", ") + f;
  return {joined, comment};
}

// The X of a Range "bytes=X-…", when it is one.
std::optional<std::uint64_t> range_start(const std::optional<std::string>& range) {
  if (!range || !range->starts_with("bytes=")) return std::nullopt;
  const std::string_view rest = std::string_view(*range).substr(6);
  const std::string_view digits = rest.substr(0, rest.find('-'));
  if (!all_digits(digits) || digits.size() > 18) return std::nullopt;
  return std::stoull(std::string(digits));
}

std::string_view shown(const std::optional<std::string>& version) {
  return version ? std::string_view(*version) : std::string_view("no validator");
}

// What the recording can tell of the recorded client's outcome, as comment lines under
// `expect:`: whether the current version's bytes all came through (if not, the client did
// not finish), and the answers a client commonly gets wrong (a resume across a version
// change without If-Range, a 200 to a resume). Only what the proxy saw: not what the client
// wrote.
std::string outcome_notes(const std::vector<const Observation*>& gets, const Observation* last_body,
                          std::uint64_t size) {
  std::string out = "  # What this recording tells of the recorded client:\n";
  if (last_body == nullptr) {
    return out + "  # - no answer had a body: it never got a byte of the file.\n";
  }
  const auto& current = version_of(*last_body);
  ByteRanges got;
  std::size_t answers = 0;
  for (const auto* o : gets) {
    if (!has_body(*o) || !o->first || version_of(*o) != current || o->received == 0) continue;
    got.add(*o->first, *o->first + o->received);
    ++answers;
  }
  const Observation& last = *gets.back();
  const std::size_t last_attempt = gets.size();
  if (const std::string holes = got.holes(size); !holes.empty()) {
    std::string how = fmt::format("{}", last.status);
    if (has_body(last) && last.length) {
      how += fmt::format(", {} of {} body bytes", last.received, *last.length);
      if (last.received < *last.length) how += fmt::format(" {}", end_text(last.end));
    }
    out += fmt::format(
        "  # - it did not get the whole current file ({}) through this proxy: bytes {}\n"
        "  #   never came (its last GET, attempt {}: {}). It stopped (gave up, failed, or\n"
        "  #   was stopped) short of `verdict: ok`: a client that resumes to the end passes.\n",
        shown(current), holes, last_attempt, how);
  } else {
    out += fmt::format(
        "  # - every byte of the current version ({}) came through this proxy, in {} answer{};\n"
        "  #   whether the client put them together right, only the replay's verdict tells.\n",
        shown(current), answers, answers == 1 ? "" : "s");
  }
  // The version of the bytes the client held before each answer.
  std::optional<std::string> held;
  for (std::size_t i = 0; i < gets.size(); ++i) {
    const Observation& o = *gets[i];
    if (!has_body(o)) continue;
    const auto start = range_start(o.range);
    const auto& version = version_of(o);
    if (o.status == 206 && o.first && *o.first > 0 && !o.if_range && held && version &&
        *held != *version) {
      out += fmt::format(
          "  # - attempt {} resumed at byte {} without If-Range and got another version ({}\n"
          "  #   after {}): unless it compared the validators itself, it spliced two versions\n"
          "  #   (a `corrupt` or `failed-dirty` verdict).\n",
          i + 1, *o.first, *version, *held);
    }
    if (o.status == 200 && start && *start > 0 && if_range_held(o)) {
      out += fmt::format(
          "  # - attempt {} got a 200 (the whole file) to Range {}: a client that appended\n"
          "  #   it at byte {} wrote a corrupt file; the recording cannot see whether it did.\n",
          i + 1, *o.range, *start);
    }
    if (o.received > 0 && version) held = version;
  }
  return out;
}

}  // namespace

Recorder::Recorder(std::string upstream, std::optional<std::filesystem::path> body_dir,
                   std::uint64_t body_limit)
    : upstream_(std::move(upstream)) {
  if (body_dir) bodies_ = std::make_unique<RecordedBodies>(std::move(*body_dir), body_limit);
}

void Recorder::start(std::filesystem::path file) {
  std::lock_guard lock(mutex_);
  if (recording()) {
    throw RecordError(
        RecordRefusal::running,
        fmt::format("a recording to {} runs already: POST /v1/record/stop first", file_.string()));
  }
  // Find out now rather than after the whole session that the file cannot be written.
  const bool existed = std::filesystem::exists(file);
  std::ofstream probe(file, std::ios::app);
  if (!probe) {
    throw RecordError(RecordRefusal::unwritable,
                      fmt::format("recording to {}: cannot write there: {}", file.string(),
                                  std::generic_category().message(errno)));
  }
  probe.close();
  if (!existed) std::filesystem::remove(file);
  file_ = std::move(file);
  observations_.clear();
  if (bodies_) bodies_->clear();
  started_ = std::chrono::steady_clock::now();
  recording_.store(true, std::memory_order_release);
}

std::filesystem::path Recorder::file() const {
  std::lock_guard lock(mutex_);
  return recording() ? file_ : std::filesystem::path();
}

void Recorder::observe(Observation o) {
  std::lock_guard lock(mutex_);
  if (!recording() || o.arrived < started_) return;
  observations_.push_back(std::move(o));
}

void Recorder::keep(const Observation& head, std::uint64_t offset,
                    std::span<const std::byte> data) {
  std::lock_guard lock(mutex_);
  if (!bodies_ || !recording() || head.arrived < started_ || !head.resource_size) return;
  bodies_->keep(head.path, version_of(head).value_or(""), *head.resource_size, head.arrived, offset,
                data);
}

// One path's part of the recording: its GETs in arrival order, its resource and its
// attempts and changes as YAML (for `resource:` and its siblings, or a `resources:` entry).
struct Recorder::PathRecord {
  std::string path;
  std::vector<const Observation*> gets;
  const Observation* last_body = nullptr;  // the last answer with a body: the current version
  std::uint64_t size = 0;
  std::filesystem::path body;  // --record-body: the file of its bytes ("" for synthetic)
  std::string body_why;        // why none, with --record-body
  // The resource's keys and values as YAML: path, size or file, validators.
  std::vector<std::pair<std::string, std::string>> resource;
  std::vector<std::string> attempts;  // "{faults}  # comment"
  std::vector<std::size_t> changes;   // before_attempt k
};

std::optional<Recorder::PathRecord> Recorder::record_path(const std::string& path) {
  PathRecord p;
  p.path = path;
  std::optional<std::uint64_t> size;
  for (const auto& o : observations_) {
    if (o.path != path) continue;
    p.gets.push_back(&o);
    if (o.resource_size) size = std::max(size.value_or(0), *o.resource_size);
  }
  // Attempts are numbered in the order the requests arrived, as the server counts them.
  std::stable_sort(p.gets.begin(), p.gets.end(), [](const Observation* a, const Observation* b) {
    return a->arrived < b->arrived;
  });
  // The resource's validators are those of the last answer with a body: a weak ETag or none
  // changes what If-Range does, so the replay must send the same kind.
  for (const auto* o : p.gets) {
    if (has_body(*o)) p.last_body = o;
  }
  if (!size) return std::nullopt;  // no resource can stand in for it
  p.size = *size;

  // --record-body: the bytes of the current version (the last answer with a body's), when
  // the upstream sent every one of them; else synthetic, and the file says why.
  if (bodies_) {
    const std::string version =
        p.last_body != nullptr ? version_of(*p.last_body).value_or("") : std::string();
    p.body_why =
        p.last_body == nullptr ? "no answer had a body" : bodies_->why_not(path, version, p.size);
    if (p.body_why.empty()) {
      p.body = bodies_->dir() / (name_of(path) + ".bin");
      try {
        bodies_->finish(path, p.body);
      } catch (const std::exception& e) {
        p.body_why = e.what();
        p.body.clear();
      }
    }
  }

  p.resource.emplace_back("path", path);
  if (p.body.empty()) {
    p.resource.emplace_back("size", std::to_string(p.size));
  } else {
    // Relative to the scenario file when the bytes are beside it or below (what `serve`
    // confines a file to by default); absolute otherwise (serve it with --root).
    const auto here = std::filesystem::absolute(file_).parent_path().lexically_normal();
    const auto there = std::filesystem::absolute(p.body).lexically_normal();
    const auto relative = there.lexically_relative(here);
    const bool below = !relative.empty() && *relative.begin() != "..";
    p.resource.emplace_back("file", yaml_string((below ? relative : there).string()));
  }
  const Observation* last_body = p.last_body;
  if (last_body != nullptr && !last_body->etag) p.resource.emplace_back("etag", "none");
  if (last_body != nullptr && last_body->etag && last_body->etag->starts_with("W/"))
    p.resource.emplace_back("etag", "weak");
  if (last_body != nullptr && !last_body->last_modified)
    p.resource.emplace_back("last_modified", "false");
  // Answers without validators (a 503 usually) say nothing of the version: a change is
  // measured against the last answer that named one.
  std::optional<std::string> version;
  for (std::size_t i = 0; i < p.gets.size(); ++i) {
    const Entry e = entry_for(*p.gets[i], i + 1);
    p.attempts.push_back(fmt::format("{{{}}}  # {}", e.faults, e.comment));
    const auto& seen = version_of(*p.gets[i]);
    if (!seen) continue;
    if (version && *version != *seen) p.changes.push_back(i + 1);
    version = seen;
  }
  return p;
}

namespace {

// A path's bytes, as a comment: kept by --record-body, or synthetic and why.
std::string bytes_comment(const Recorder::PathRecord& p, const RecordedBodies* bodies,
                          bool several) {
  if (!p.body.empty()) {
    return fmt::format(
        "# The bytes{} are the upstream's, kept by --record-body in {}:\n"
        "# those of the last answer's version ({}); every attempt replays them, also one\n"
        "# that got an earlier version (a file has one; its validators still change where\n"
        "# the upstream's did).\n",
        several ? " of " + p.path : "", p.body.string(),
        version_of(*p.last_body).value_or("no validator"));
  }
  std::string out;
  if (bodies != nullptr) {
    out += fmt::format("# --record-body {} kept no bytes of {}: {}.\n", bodies->dir().string(),
                       p.path, p.body_why);
  }
  return out;
}

// `attempts:` and `changes:` of one path, indented by `pad`.
std::string attempts_and_changes(const Recorder::PathRecord& p, std::string_view pad) {
  std::string out = fmt::format("{}attempts:\n", pad);
  for (const auto& a : p.attempts) out += fmt::format("{}  - {}\n", pad, a);
  if (!p.changes.empty()) {
    out += fmt::format("{}changes:  # the validators changed: the upstream served a new version\n",
                       pad);
    for (const auto k : p.changes) out += fmt::format("{}  - before_attempt: {}\n", pad, k);
  }
  return out;
}

// The resource's keys as a flow mapping's inside ("path: /f, size: 9") or as block lines.
std::string flow_keys(const Recorder::PathRecord& p) {
  std::string out;
  for (const auto& [k, v] : p.resource)
    out += fmt::format("{}{}: {}", out.empty() ? "" : ", ", k, v);
  return out;
}
std::string block_keys(const Recorder::PathRecord& p, std::string_view pad) {
  std::string out;
  for (const auto& [k, v] : p.resource) out += fmt::format("{}{}: {}\n", pad, k, v);
  return out;
}

// A unique resource id for each path: its name without the "recorded-" prefix.
std::vector<std::string> resource_ids(const std::vector<Recorder::PathRecord>& parts) {
  std::vector<std::string> ids;
  for (const auto& p : parts) {
    std::string id = name_of(p.path).substr(std::string_view("recorded").size());
    if (!id.empty() && id.front() == '-') id.erase(0, 1);
    if (id.empty()) id = "root";
    std::string unique = id;
    for (int n = 2; std::find(ids.begin(), ids.end(), unique) != ids.end(); ++n)
      unique = fmt::format("{}-{}", id, n);
    ids.push_back(unique);
  }
  return ids;
}

}  // namespace

Recorder::Rendered Recorder::render() {
  if (!recording()) throw RecordError(RecordRefusal::not_running, "no recording runs");
  if (observations_.empty()) {
    throw RecordError(
        RecordRefusal::nothing,
        fmt::format("recording to {}: no GET was relayed, so there is nothing to replay",
                    file_.string()));
  }
  // Every path, in the order it was first asked for: one resource each.
  std::map<std::string, std::size_t> per_path;
  std::vector<std::string> order;
  for (const auto& o : observations_) {
    if (per_path[o.path]++ == 0) order.push_back(o.path);
  }
  std::vector<PathRecord> parts;
  std::vector<std::string> unsized;
  for (const auto& path : order) {
    if (auto part = record_path(path)) {
      parts.push_back(std::move(*part));
    } else {
      unsized.push_back(path);
    }
  }
  if (parts.empty()) {
    throw RecordError(
        RecordRefusal::nothing,
        fmt::format("recording to {}: the upstream never said how large {} is (no 200 "
                    "with a length, no Content-Range), so no resource can stand in "
                    "for it",
                    file_.string(), unsized.front()));
  }
  const bool several = parts.size() > 1;
  std::size_t total = 0;
  for (const auto& p : parts) total += p.gets.size();
  const auto busiest = std::max_element(
      parts.begin(), parts.end(),
      [](const PathRecord& a, const PathRecord& b) { return a.gets.size() < b.gets.size(); });
  const std::string main_path = busiest->path;

  std::string out;
  if (!several) {
    out += fmt::format("# Recorded by sisyphus proxy --record from {}: {} GET{} of {}.\n",
                       upstream_, total, total == 1 ? "" : "s", main_path);
  } else {
    out += fmt::format(
        "# Recorded by sisyphus proxy --record from {}: {} GETs of {} paths, one\n"
        "# resource each ",
        upstream_, total, parts.size());
    std::string list;
    for (const auto& p : parts) {
      list += fmt::format("{}{} ({} GET{})", list.empty() ? "" : ", ", p.path, p.gets.size(),
                          p.gets.size() == 1 ? "" : "s");
    }
    out += "(" + list + ").\n";
  }
  for (const auto& path : unsized) {
    out += fmt::format(
        "# Also relayed, not in this scenario: {} ({} GETs): the upstream never said how large\n"
        "# it is (no 200 with a length, no Content-Range); the replay's server answers it 404.\n",
        path, per_path[path]);
  }
  out +=
      "# What a recording cannot know: whether a body that ended early was cut by the upstream\n"
      "# or by the network between it and the proxy (both look the same here: they are replayed\n"
      "# as the upstream's), and nothing of a cut between the proxy and the client (the client\n"
      "# stopping is not replayed).\n";
  bool synthetic = false;
  for (const auto& p : parts) {
    out += bytes_comment(p, bodies_.get(), several);
    synthetic = synthetic || p.body.empty();
  }
  if (synthetic) {
    out += several ? "# The bytes not kept are synthetic (seed 1), of the same size.\n"
                   : "# The bytes are synthetic (seed 1), of the same size.\n";
  }
  out += fmt::format("name: {}\n", name_of(main_path));
  if (!several) {
    out += fmt::format("description: What {} did with {} requests for {}, replayed.\n", upstream_,
                       total, main_path);
  } else {
    out += fmt::format("description: What {} did with {} requests for {} paths, replayed.\n",
                       upstream_, total, parts.size());
  }
  out += "seed: 1\n";
  const std::vector<std::string> ids = resource_ids(parts);
  if (!several) {
    out += fmt::format("resource: {{{}}}\n", flow_keys(parts.front()));
    out += attempts_and_changes(parts.front(), "");
  } else {
    out += "resources:\n";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      out += fmt::format("  - id: {}\n", ids[i]);
      out += block_keys(parts[i], "    ");
      out += attempts_and_changes(parts[i], "    ");
    }
  }
  out += "expect:  # what the client needed: the whole, current file\n";
  if (several) {
    std::string verify;
    for (const auto& id : ids) verify += (verify.empty() ? "" : ", ") + id;
    out += fmt::format("  verify: [{}]  # every path: each download is checked\n", verify);
  }
  out += "  verdict: ok\n";
  for (const auto& p : parts) {
    if (several) out += fmt::format("  # {}:\n", p.path);
    out += outcome_notes(p.gets, p.last_body, p.size);
  }
  Rendered r;
  r.yaml = std::move(out);
  r.summary.file = file_;
  r.summary.path = main_path;
  r.summary.attempts = total;
  for (const auto& p : parts) {
    if (p.path == main_path) r.summary.body = p.body;
  }
  for (const auto& [p, n] : per_path) r.summary.paths.push_back(p);
  return r;
}

RecordSummary Recorder::stop() {
  std::lock_guard lock(mutex_);
  // Whatever happens below, the recording ends: a failed write is reported, not retried by
  // the next stop.
  struct End {
    Recorder& r;
    ~End() {
      r.recording_.store(false, std::memory_order_release);
      r.observations_.clear();
      if (r.bodies_) r.bodies_->clear();
    }
  };
  const End end{*this};
  const Rendered r = render();
  const auto tmp = std::filesystem::path(file_.string() + ".tmp");
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << r.yaml;
    if (!f.flush()) {
      throw RecordError(RecordRefusal::failed,
                        fmt::format("recording to {}: writing failed: {}", file_.string(),
                                    std::generic_category().message(errno)));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file_, ec);
  if (ec) {
    throw RecordError(RecordRefusal::failed, fmt::format("recording to {}: writing failed: {}",
                                                         file_.string(), ec.message()));
  }
  return r.summary;
}

}  // namespace sisyphus::proxy
