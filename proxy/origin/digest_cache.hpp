#pragma once
// SHA-256 of whole representations for Repr-Digest, computed once per (content seed, size)
// on first use and cached. Hashing 2 GiB takes seconds, so callers run get() off the io
// threads; concurrent callers for the same key wait for the one computation.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "origin/representation.hpp"

namespace sisyphus::proxy {

class DigestCache {
 public:
  // "sha-256=:BASE64:" for the representation; blocks while computing.
  std::string get(const Representation& rep, const std::string& identity);

 private:
  struct Entry {
    std::once_flag once;
    std::string value;
  };
  std::mutex mutex_;
  std::map<std::pair<std::string, std::uint64_t>, std::shared_ptr<Entry>> entries_;
};

}  // namespace sisyphus::proxy
