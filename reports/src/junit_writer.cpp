// junit.xml in the layout Jenkins, GitLab and the GitHub test-report actions read:
// <testsuites><testsuite><testcase classname name time>[<failure>|<error>]<system-out>.
#include <fmt/format.h>

#include "sisyphus/reports/junit.hpp"
#include "text.hpp"

namespace sisyphus::reports {
namespace {

std::string details(const ScenarioResult& s) {
  std::string out;
  if (!s.description.empty()) out += s.description + "\n";
  out += fmt::format("{} with client {}: {}{}\n", s.name, s.client.label, to_string(s.verdict),
                     s.timed_out ? " (client killed at the deadline)" : "");
  for (const auto& e : s.expectations) {
    if (!e.passed) out += text::expectation_line(e) + "\n";
  }
  if (s.corruption) out += "corruption: " + text::corruption_line(*s.corruption) + "\n";
  if (s.error) out += "error: " + *s.error + "\n";
  out += "replay: " + s.replay + "\n";
  return out;
}

std::string system_out(const ScenarioResult& s) {
  std::string out =
      fmt::format("verdict {}, {}, {} bytes sent ({} written), {} wasted, {:.3f} s, seed {}\n",
                  to_string(s.verdict), text::count(s.attempts, "attempt"), s.bytes_sent,
                  s.bytes_written, s.bytes_wasted, s.duration_s, s.seed);
  out += s.attempt_log.empty() ? "no request reached the server\n" : text::attempt_log_table(s);
  out += "replay: " + s.replay + "\n";
  if (s.client_output && !s.client_output->empty()) {
    out += "--- client output (tail) ---\n" + *s.client_output;
    if (out.back() != '\n') out += '\n';
  }
  return out;
}

}  // namespace

std::string to_junit(const RunResults& results) {
  std::size_t failures = 0, errors = 0;
  double total_time = 0;
  for (const auto& s : results.scenarios) {
    total_time += s.duration_s;
    if (s.verdict == Verdict::error) {
      ++errors;
    } else if (!s.passed) {
      ++failures;
    }
  }
  const auto attr = [](std::string_view v) { return text::xml_escape(v, true); };
  const auto body = [](std::string_view v) { return text::xml_escape(v, false); };

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"sisyphus\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "time=\"{:.3f}\">\n",
      results.scenarios.size(), failures, errors, total_time);
  out += fmt::format(
      "  <testsuite name=\"sisyphus\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"0\" time=\"{:.3f}\"",
      results.scenarios.size(), failures, errors, total_time);
  if (!results.started_at.empty())
    out += fmt::format(" timestamp=\"{}\"", attr(results.started_at));
  out += ">\n    <properties>\n";
  const auto property = [&](std::string_view name, std::string_view value) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, attr(value));
  };
  property("seed", results.seed ? std::to_string(*results.seed) : "null");
  property("client", results.client);
  property("sisyphus_version", results.sisyphus_version);
  out += "    </properties>\n";

  for (const auto& s : results.scenarios) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">\n",
                       attr(text::junit_classname(s.client)), attr(s.name), s.duration_s);
    // A harness failure is an <error>, not a <failure>: the client was never judged.
    if (s.verdict == Verdict::error) {
      out += fmt::format("      <error message=\"{}\" type=\"harness\">{}</error>\n",
                         attr(text::failure_message(s)), body(details(s)));
    } else if (!s.passed) {
      out +=
          fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                      attr(text::failure_message(s)), attr(to_string(s.verdict)), body(details(s)));
    }
    out += fmt::format("      <system-out>{}</system-out>\n", body(system_out(s)));
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace sisyphus::reports
