// Micro-benchmarks of the core vocabulary that sits on every byte's path: content
// generation and verification (runs over every served and every downloaded byte), SHA-256
// and Range parsing (every request).
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "sisyphus/core/content.hpp"
#include "sisyphus/core/range.hpp"
#include "sisyphus/core/sha256.hpp"

namespace {

constexpr std::size_t kMiB = 1 << 20;

// Arg: the starting offset's remainder mod 8, so unaligned heads are measured too.
void BM_ContentFill(benchmark::State& state) {
  std::vector<std::byte> buf(kMiB);
  std::uint64_t offset = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    sisyphus::content::fill(7, offset, buf);
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
    offset += kMiB;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(kMiB));
}
BENCHMARK(BM_ContentFill)->Arg(0)->Arg(3);

// A full scan of matching data: the verification cost of a downloaded file.
void BM_FirstMismatch(benchmark::State& state) {
  std::vector<std::byte> buf(kMiB);
  sisyphus::content::fill(7, 0, buf);
  for (auto _ : state) {
    auto r = sisyphus::content::first_mismatch(7, 0, buf);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(kMiB));
}
BENCHMARK(BM_FirstMismatch);

void BM_Sha256(benchmark::State& state) {
  std::vector<std::byte> buf(static_cast<std::size_t>(state.range(0)));
  sisyphus::content::fill(7, 0, buf);
  for (auto _ : state) {
    auto d = sisyphus::Sha256::of(std::span<const std::byte>(buf));
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(buf.size()));
}
BENCHMARK(BM_Sha256)->Arg(4096)->Arg(kMiB);

void BM_ParseRange(benchmark::State& state) {
  static constexpr std::array<std::string_view, 6> kHeaders{
      "bytes=0-499",      "bytes=1992294400-",          "bytes=-500",
      "Bytes= 0-1 , 5-6", "bytes=0-99,200-299,100-199", "bytes=99999999999999999999-"};
  std::size_t header_bytes = 0;
  for (auto h : kHeaders) header_bytes += h.size();
  for (auto _ : state) {
    for (auto h : kHeaders) {
      auto r = sisyphus::range::decide(h, std::uint64_t{2} << 30);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * header_bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kHeaders.size()));
}
BENCHMARK(BM_ParseRange);

}  // namespace
