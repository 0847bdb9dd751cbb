#pragma once
// The reference resumable download (and, with Options::naive, the careless one).
#include <functional>

#include "sisyphus/client/options.hpp"
#include "sisyphus/client/result.hpp"

namespace boost::asio {
class io_context;
}

namespace sisyphus::client {

// Starts a download on `io`; `done` runs on `io` when it ends. Many downloads may share one
// io_context (and one thread). Invalid options complete with exit_code kExitUsage.
// File hashing and fdatasync run on a small shared thread pool, not on `io`.
void async_download(boost::asio::io_context& io, Options options, std::function<void(Result)> done);

// Blocking: runs the download on a private io_context.
Result download(Options options);

}  // namespace sisyphus::client
