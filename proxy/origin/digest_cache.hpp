#pragma once
// SHA-256 of whole representations for Repr-Digest, computed once per (content seed, size)
// on first use and cached, and of one response's content for Content-Digest. Hashing 2 GiB
// takes seconds, so callers run these off the io threads; concurrent callers for the same
// key wait for the one computation.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "origin/representation.hpp"
#include "origin/response_spec.hpp"
#include "sisyphus/core/sha256.hpp"

namespace sisyphus::proxy {

class DigestCache {
 public:
  // The representation's SHA-256; blocks while computing.
  Sha256::Digest digest(const Representation& rep, const std::string& identity);
  // "sha-256=:BASE64:" of digest().
  std::string get(const Representation& rep, const std::string& identity);
  // The SHA-256 of `body` (framing text and slices of `rep`, read where the slices' bytes
  // come from): what Content-Digest says. A body that is the whole representation uses the
  // cached digest(); any other (a 206 part, multipart) is hashed per call, not cached: a
  // range costs one read of its bytes.
  Sha256::Digest content(const std::vector<BodyPart>& body, const Representation& rep,
                         const std::string& identity);

 private:
  struct Entry {
    std::once_flag once;
    Sha256::Digest value{};
  };
  std::mutex mutex_;
  std::map<std::pair<std::string, std::uint64_t>, std::shared_ptr<Entry>> entries_;
};

}  // namespace sisyphus::proxy
