// Output verification: both sides are streamed in blocks, so a 2 GiB resource costs two
// 1 MiB buffers; whole equal blocks are skipped with memcmp and only a differing block is
// walked byte by byte to find the bad ranges.
#include "sisyphus/runner/verify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "sisyphus/core/content.hpp"
#include "sisyphus/core/sha256.hpp"
#include "sisyphus/model/text_template.hpp"

namespace sisyphus::runner {
namespace {

constexpr std::size_t kBlock = 1 << 20;
// Random content matches a wrong byte by chance once in 256 bytes: a splice of two versions
// would show as hundreds of tiny ranges. Fewer than this many matching bytes between two
// wrong ones do not end a bad range (16 chance matches in a row: p = 2^-128).
constexpr std::uint64_t kRangeGap = 16;

std::uint64_t file_size_or_throw(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw std::runtime_error(fmt::format("{}: {}", path.string(), ec.message()));
  return size;
}

void read_exact(std::ifstream& in, const std::filesystem::path& path, std::uint64_t offset,
                std::span<std::byte> out) {
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
  if (static_cast<std::size_t>(in.gcount()) != out.size()) {
    throw std::runtime_error(
        fmt::format("{}: short read at byte {} (did the file change?)", path.string(), offset));
  }
}

// Collects bad bytes as ascending inclusive ranges, keeping the first kMaxBadRanges; count()
// is exact (bytes that match by chance inside a range are not counted).
class BadRanges {
 public:
  void add(std::uint64_t first, std::uint64_t last) {
    count_ += last - first + 1;
    if (!first_bad_) first_bad_ = first;
    if (!ranges_.empty() && first - ranges_.back().last <= kRangeGap) {
      ranges_.back().last = last;
    } else if (ranges_.size() < reports::kMaxBadRanges) {
      ranges_.push_back({first, last});
    }
  }
  std::uint64_t count() const { return count_; }
  std::optional<std::uint64_t> first_bad() const { return first_bad_; }
  std::vector<reports::ByteRange> take() { return std::move(ranges_); }

 private:
  std::uint64_t count_ = 0;
  std::optional<std::uint64_t> first_bad_;
  std::vector<reports::ByteRange> ranges_;
};

void compare_block(std::span<const std::byte> got, std::span<const std::byte> want,
                   std::uint64_t offset, BadRanges& bad) {
  if (std::memcmp(got.data(), want.data(), got.size()) == 0) return;
  std::size_t i = 0;
  while (i < got.size()) {
    if (got[i] == want[i]) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < got.size() && got[j] != want[j]) ++j;
    bad.add(offset + i, offset + j - 1);
    i = j;
  }
}

}  // namespace

ExpectedContent ExpectedContent::synthetic(std::uint64_t seed, std::uint64_t size) {
  ExpectedContent c;
  c.seed_ = seed;
  c.size_ = size;
  return c;
}

ExpectedContent ExpectedContent::file(const std::filesystem::path& path) {
  ExpectedContent c;
  c.size_ = file_size_or_throw(path);
  c.file_ = path;
  return c;
}

ExpectedContent ExpectedContent::of(const model::Resource& resource, std::uint64_t content_seed) {
  if (resource.is_file()) return file(resource.resolved_file);
  return synthetic(content_seed, resource.size);
}

ExpectedContent ExpectedContent::of(const model::Scenario& scenario,
                                    const model::Resource& resource, std::uint64_t content_seed) {
  if (!resource.is_text()) return of(resource, content_seed);
  const model::Resource* by = model::described_by(scenario, resource);
  if (by == nullptr) return bytes(*resource.text);
  const model::Resource& described = *by;
  const ExpectedContent content = of(described, content_seed);
  const model::DescribedResource d{described.path, content.size(),
                                   [&] { return content.sha256_hex(); }};
  return bytes(model::expand_text(*resource.text, d));
}

ExpectedContent ExpectedContent::bytes(std::string bytes) {
  ExpectedContent c;
  c.size_ = bytes.size();
  c.bytes_ = std::make_shared<const std::string>(std::move(bytes));
  return c;
}

void ExpectedContent::read(std::uint64_t offset, std::span<std::byte> out) const {
  if (bytes_) {
    if (offset > bytes_->size() || out.size() > bytes_->size() - offset) {
      throw std::runtime_error("read past the end of the expected text");
    }
    std::memcpy(out.data(), bytes_->data() + offset, out.size());
    return;
  }
  if (!file_) {
    content::fill(seed_, offset, out);
    return;
  }
  std::ifstream in(*file_, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open", file_->string()));
  read_exact(in, *file_, offset, out);
}

std::string ExpectedContent::sha256_hex() const {
  Sha256 sha;
  std::vector<std::byte> block(kBlock);
  for (std::uint64_t off = 0; off < size_; off += block.size()) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size_ - off));
    read(off, std::span(block).first(n));
    sha.update(std::span<const std::byte>(block).first(n));
  }
  return to_hex(sha.finish());
}

reports::OutputCheck compare_output(const std::filesystem::path& output,
                                    const ExpectedContent& expected) {
  reports::OutputCheck check;
  std::error_code ec;
  check.exists = std::filesystem::is_regular_file(output, ec);
  check.size = check.exists ? file_size_or_throw(output) : 0;

  const std::uint64_t want_size = expected.size();
  const std::uint64_t common = std::min(check.size, want_size);
  BadRanges bad;
  if (common > 0) {
    std::ifstream in(output, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("{}: cannot open", output.string()));
    std::vector<std::byte> got(kBlock);
    std::vector<std::byte> want(kBlock);
    for (std::uint64_t off = 0; off < common; off += kBlock) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, common - off));
      read_exact(in, output, off, std::span(got).first(n));
      expected.read(off, std::span(want).first(n));
      compare_block(std::span(got).first(n), std::span(want).first(n), off, bad);
    }
  }
  check.common_bad = bad.count();
  // Missing bytes (positions of the expected content) and extra bytes (positions of the
  // output) are bad bytes too, after any mismatch in the common part.
  if (check.size < want_size) bad.add(check.size, want_size - 1);
  if (check.size > want_size) bad.add(want_size, check.size - 1);

  const bool same = check.exists && bad.count() == 0;
  if (!same && !(want_size == 0 && check.size == 0)) {
    reports::Corruption c;
    c.kind = check.size < want_size   ? reports::CorruptionKind::truncated
             : check.size > want_size ? reports::CorruptionKind::extended
                                      : reports::CorruptionKind::mismatch;
    c.first_bad_offset = bad.first_bad().value_or(0);
    c.bad_bytes = bad.count();
    c.bad_ranges = bad.take();
    check.corruption = std::move(c);
  }
  return check;
}

}  // namespace sisyphus::runner
