#pragma once
// The two download coroutines behind async_download(): the reference client and the
// careless one. Both take validated options.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "sisyphus/client/options.hpp"
#include "sisyphus/client/result.hpp"

namespace sisyphus::client::detail {

boost::asio::awaitable<Result> reference_download(Options options);
boost::asio::awaitable<Result> naive_download(Options options);

}  // namespace sisyphus::client::detail
