#include "worker_pool.hpp"

#include <algorithm>
#include <thread>

namespace sisyphus::client::detail {

boost::asio::thread_pool& worker_pool() {
  static boost::asio::thread_pool pool(std::max(4u, std::thread::hardware_concurrency()));
  return pool;
}

}  // namespace sisyphus::client::detail
