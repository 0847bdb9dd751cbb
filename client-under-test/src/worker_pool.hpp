#pragma once
// Blocking work (SHA-256 of a chunk, fdatasync, re-hashing a resumed prefix) runs on a
// small process-wide thread pool so that one io_context can drive hundreds of downloads,
// and so that hashing a chunk overlaps with reading the next one.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>
#include <utility>

namespace sisyphus::client::detail {

boost::asio::thread_pool& worker_pool();

// Runs f() on the pool and resumes the awaiting coroutine on its own executor; an
// exception thrown by f is rethrown in the coroutine.
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> on_pool(F f) {
  using R = std::invoke_result_t<F&>;
  co_return co_await boost::asio::co_spawn(
      worker_pool().get_executor(),
      [f = std::move(f)]() mutable -> boost::asio::awaitable<R> { co_return f(); },
      boost::asio::use_awaitable);
}

}  // namespace sisyphus::client::detail
