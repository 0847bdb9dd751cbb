#include "sisyphus/client/progress_line.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "sisyphus/core/units.hpp"

namespace sisyphus::client {
namespace {

constexpr std::size_t kMinBar = 10;
constexpr std::size_t kMaxBar = 40;

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "  ") + p;
  return out;
}

}  // namespace

void ProgressLine::update(const Progress& p) {
  const double t = static_cast<double>(p.elapsed.count()) / 1e6;
  if (last_t_ < 0) {
    last_t_ = t;
    last_bytes_ = p.bytes_received;
    return;
  }
  if (t - last_t_ >= 0.25) {
    rate_ = static_cast<double>(p.bytes_received - last_bytes_) / (t - last_t_);
    last_t_ = t;
    last_bytes_ = p.bytes_received;
  }
}

std::string ProgressLine::format(const Progress& p, std::size_t width) const {
  const std::size_t room = width > 1 ? width - 1 : 0;
  const bool sized = p.total && *p.total > 0;
  const double frac =
      sized ? std::min(1.0, static_cast<double>(p.bytes_held) / static_cast<double>(*p.total)) : 0;
  // Most useful first; the tail goes first when the line does not fit.
  std::vector<std::string> parts;
  parts.push_back(
      sized ? fmt::format("{} / {}", format_size_human(p.bytes_held), format_size_human(*p.total))
            : format_size_human(p.bytes_held));
  parts.push_back(fmt::format("{}/s", format_size_human(static_cast<std::uint64_t>(rate_))));
  if (sized) {
    std::string eta = "--";
    if (rate_ > 0 && *p.total >= p.bytes_held) {
      eta = fmt::format("{:.0f}s", static_cast<double>(*p.total - p.bytes_held) / rate_);
    }
    parts.push_back("ETA " + eta);
  }
  parts.push_back(fmt::format("attempt {}", p.attempt));

  const std::string percent = sized ? fmt::format("{:>3.0f}%", frac * 100) : "";
  std::string line;
  for (;;) {
    const std::string tail = join(parts);
    if (sized) {
      // "NNN% [" + bar + "] " + tail
      const std::size_t fixed = percent.size() + 3 + (tail.empty() ? 0 : 1 + tail.size());
      if (fixed + kMinBar <= room || parts.empty()) {
        const std::size_t cells = fixed + kMinBar <= room ? std::min(kMaxBar, room - fixed) : 0;
        if (cells > 0) {
          const auto fill = static_cast<std::size_t>(frac * static_cast<double>(cells));
          line = fmt::format("{} [{}{}]{}{}", percent, std::string(fill, '#'),
                             std::string(cells - fill, ' '), tail.empty() ? "" : " ", tail);
        } else {
          line = percent;
        }
        break;
      }
    } else if (tail.size() <= room || parts.size() == 1) {
      line = tail;
      break;
    }
    parts.pop_back();
  }
  if (line.size() > room) line.resize(room);  // ASCII only: bytes are columns
  return line;
}

}  // namespace sisyphus::client
