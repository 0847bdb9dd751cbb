#include "sisyphus/proxy/server.hpp"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "admin_session.hpp"
#include "endpoint.hpp"
#include "origin_session.hpp"
#include "proxy_session.hpp"
#include "server_core.hpp"
#include "sisyphus/proxy/fault.hpp"
#include "upstream.hpp"

namespace sisyphus::proxy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

enum class Kind { origin, admin };

// Accepts until the acceptor closes; each connection gets a strand of its own. With an
// upstream pool, client connections are relayed (sisyphus proxy) instead of served.
asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::shared_ptr<ServerCore> core,
                                  Kind kind, std::shared_ptr<UpstreamPool> pool) {
  auto& ioc = static_cast<asio::io_context&>(acceptor.get_executor().context());
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), nothrow);
    if (ec) {
      if (!acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
      // EMFILE and friends: back off briefly instead of spinning, keep serving.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(10));
      co_await pause.async_wait(nothrow);
      continue;
    }
    boost::system::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    tcp::socket s(std::move(socket));
    std::shared_ptr<Connection> c;
    if (kind == Kind::origin && pool) {
      c = std::make_shared<ProxySession>(std::move(s), core, pool);
    } else if (kind == Kind::origin) {
      c = std::make_shared<OriginSession>(std::move(s), core, true);
    } else {
      c = std::make_shared<AdminSession>(std::move(s), core, false);
    }
    c->start();
  }
}

tcp::acceptor open_acceptor(asio::io_context& ioc, const std::string& where) {
  tcp::endpoint ep = parse_endpoint(where);
  tcp::acceptor acceptor(ioc);
  boost::system::error_code ec;
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot listen on {}: {}", where, ec.message()));
  return acceptor;
}

std::string host_for_url(const tcp::endpoint& ep) {
  auto a = ep.address();
  if (a.is_unspecified()) return a.is_v6() ? "[::1]" : "127.0.0.1";
  return a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
}

}  // namespace

struct Server::Impl {
  std::shared_ptr<ServerCore> core;
  std::mutex mutex;  // start/stop
  bool started = false;
  bool stopped = false;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  std::uint16_t admin_port = 0;
  std::string host;
  // Acceptors are declared after the io_context so they are destroyed before it; the core,
  // declared first, outlives any coroutine frame the io_context still holds.
  std::unique_ptr<asio::io_context> ioc;
  std::shared_ptr<UpstreamPool> pool;  // sisyphus proxy only
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<tcp::acceptor> admin_acceptor;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
};

Server::Server(ServerOptions options, scenario::Scenario scenario)
    : impl_(std::make_unique<Impl>()) {
  if (options.threads == 0) options.threads = 1;
  if (options.upstream) FaultRegistry::instance().check_relayable(scenario);
  impl_->core = std::make_shared<ServerCore>(std::move(options), std::move(scenario));
}

Server::~Server() {
  stop();
}

void Server::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->started) throw std::logic_error("Server::start: already started");
  const ServerOptions& options = impl_->core->options();
  impl_->ioc = std::make_unique<asio::io_context>(static_cast<int>(options.threads));
  if (options.upstream) {
    impl_->pool = std::make_shared<UpstreamPool>(impl_->ioc->get_executor(),
                                                 UpstreamUrl::parse(*options.upstream), options);
  }
  impl_->acceptor = std::make_unique<tcp::acceptor>(open_acceptor(*impl_->ioc, options.listen));
  impl_->port = impl_->acceptor->local_endpoint().port();
  impl_->host = host_for_url(impl_->acceptor->local_endpoint());
  if (options.admin) {
    impl_->admin_acceptor =
        std::make_unique<tcp::acceptor>(open_acceptor(*impl_->ioc, *options.admin));
    impl_->admin_port = impl_->admin_acceptor->local_endpoint().port();
  }
  impl_->work.emplace(impl_->ioc->get_executor());
  asio::co_spawn(*impl_->ioc, accept_loop(*impl_->acceptor, impl_->core, Kind::origin, impl_->pool),
                 asio::detached);
  if (impl_->admin_acceptor) {
    asio::co_spawn(*impl_->ioc,
                   accept_loop(*impl_->admin_acceptor, impl_->core, Kind::admin, nullptr),
                   asio::detached);
  }
  for (unsigned i = 0; i < options.threads; ++i) {
    impl_->threads.emplace_back([ioc = impl_->ioc.get()] { ioc->run(); });
  }
  impl_->started = true;
}

void Server::stop() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  for (auto* a : {impl_->acceptor.get(), impl_->admin_acceptor.get()}) {
    if (a == nullptr) continue;
    asio::post(a->get_executor(), [a] {
      boost::system::error_code ec;
      a->close(ec);
    });
  }
  impl_->core->abort_all();
  // Give sessions a moment to unwind (close sockets, log what they were doing); whatever
  // is still suspended after that is destroyed with the io_context.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (impl_->core->tracked_connections() > 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (impl_->pool) impl_->pool->close_all();
  impl_->work.reset();
  impl_->ioc->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  impl_->acceptor.reset();
  impl_->admin_acceptor.reset();
  impl_->ioc.reset();
  impl_->core->blocking_pool().join();
}

std::uint16_t Server::port() const {
  return impl_->port;
}
std::uint16_t Server::admin_port() const {
  return impl_->admin_port;
}

std::string Server::base_url() const {
  return fmt::format("http://{}:{}", impl_->host, impl_->port);
}

std::string Server::url() const {
  const scenario::Resource& resource = impl_->core->current()->scenario().resource;
  // A relayed resource's path is a glob; the proxy's root stands for every path it matches.
  if (resource.relayed && resource.path.find_first_of("*?[") != std::string::npos) {
    return base_url() + "/";
  }
  return base_url() + resource.path;
}

scenario::Scenario Server::scenario() const {
  return impl_->core->current()->scenario();
}

void Server::set_scenario(scenario::Scenario scenario) {
  if (impl_->core->options().upstream) FaultRegistry::instance().check_relayable(scenario);
  impl_->core->set_scenario(std::move(scenario));
}

void Server::reset() {
  impl_->core->reset();
}

std::vector<LogRecord> Server::log() const {
  return impl_->core->log();
}

Stats Server::stats() const {
  return impl_->core->stats();
}

}  // namespace sisyphus::proxy
