#include "sisyphus/proxy/server.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "admin/admin_session.hpp"
#include "origin/origin_session.hpp"
#include "relay/proxy_session.hpp"
#include "relay/upstream.hpp"
#include "server/server_core.hpp"
#include "sisyphus/proxy/fault.hpp"
#include "tls/server_context.hpp"
#include "tls/tls_front.hpp"
#include "wire/endpoint.hpp"

namespace sisyphus::proxy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

enum class Kind { origin, admin };

// What an accept loop does with each socket it accepts (on the strand it was accepted on).
using SessionStarter =
    std::function<void(tcp::socket socket, std::shared_ptr<std::atomic<int>> load)>;

// One io_context per io thread, each with its own epoll: a connection's readiness events
// wake only the thread that serves it. (With one io_context run by several threads, the
// idle ones woke for every packet of a relayed body that another thread was busy moving.)
// New connections go to the context serving the fewest.
class ContextPool {
 public:
  explicit ContextPool(unsigned n) {
    for (unsigned i = 0; i < n; ++i) slots_.push_back(std::make_unique<Slot>());
  }
  asio::io_context& front() { return slots_.front()->ioc; }
  // The context for a new connection, and the count to decrement when it ends.
  std::pair<asio::io_context*, std::shared_ptr<std::atomic<int>>> least_loaded() {
    Slot* best = slots_.front().get();
    for (auto& s : slots_) {
      if (s->load->load() < best->load->load()) best = s.get();
    }
    return {&best->ioc, best->load};
  }
  void run_threads(std::vector<std::thread>& threads) {
    for (auto& s : slots_) {
      s->work.emplace(s->ioc.get_executor());
      threads.emplace_back([ioc = &s->ioc] {
        // splice(2) into a socket the client has closed fails with EPIPE and raises SIGPIPE,
        // which would end the whole process (sisyphus proxy, or a user's test binary that
        // embeds the server). splice has no MSG_NOSIGNAL: blocked here, the signal stays
        // pending on this thread and the call just fails with EPIPE.
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        ioc->run();
      });
    }
  }
  void stop() {
    for (auto& s : slots_) {
      s->work.reset();
      s->ioc.stop();
    }
  }
  // Coroutine frames still suspended in one context may own sockets of another (an upstream
  // connection reused across contexts), so every context drops its pending work before any
  // is destroyed.
  ~ContextPool() {
    for (auto& s : slots_) s->ioc.shutdown_now();
  }

 private:
  struct Context : asio::io_context {
    Context() : asio::io_context(1) {}
    void shutdown_now() { shutdown(); }
  };
  struct Slot {
    Context ioc;
    std::shared_ptr<std::atomic<int>> load = std::make_shared<std::atomic<int>>(0);
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  };
  std::vector<std::unique_ptr<Slot>> slots_;
};

// Sockets taken per wake-up of the accept loop, at most: every connection the kernel has
// queued, up to this many, before the loop lets the rest of its thread's work run.
constexpr int kAcceptBatch = 256;
// The listen backlog asked for: the kernel caps it at net.core.somaxconn.
constexpr int kListenBacklog = 65535;

// A session for a socket just accepted: with an upstream pool, client connections are
// relayed (sisyphus proxy) instead of served.
// `tls`: the link of the TLS front the connection comes from (HTTPS), else null.
void start_session(tcp::socket socket, std::shared_ptr<std::atomic<int>> load,
                   const std::shared_ptr<ServerCore>& core, Kind kind,
                   const std::shared_ptr<UpstreamPool>& pool, std::shared_ptr<TlsLink> tls) {
  boost::system::error_code opt_ec;
  socket.set_option(tcp::no_delay(true), opt_ec);
  std::shared_ptr<Connection> c;
  if (kind == Kind::origin && pool) {
    c = std::make_shared<ProxySession>(std::move(socket), core, pool);
  } else if (kind == Kind::origin) {
    c = std::make_shared<OriginSession>(std::move(socket), core, true);
  } else {
    c = std::make_shared<AdminSession>(std::move(socket), core, false);
  }
  if (tls) c->relay_tls(std::move(tls));
  c->count_on(std::move(load));
  c->start();
}

// Accepts until the acceptor closes; each connection gets a strand of its own on the least
// loaded context. Each wake-up takes every connection queued (up to kAcceptBatch), not one:
// the loop's completion waits in its thread's queue behind whatever the connections served
// there have queued (a herd of throttled bodies), so one socket per wake-up accepted tens a
// second while thousands overflowed the listen queue (docs/server.md "Holding a herd").
asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, ContextPool& contexts,
                                  SessionStarter start) {
  while (acceptor.is_open()) {
    auto [ioc, load] = contexts.least_loaded();
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(*ioc), nothrow);
    // A connection the kernel handed over before stop() closed the acceptor, whose
    // completion ran after that close, is dropped with its socket: stop() has already
    // looked for the connections to abort and would not find it.
    if (!acceptor.is_open()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // EMFILE and friends: back off briefly instead of spinning, keep serving.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(10));
      co_await pause.async_wait(nothrow);
      continue;
    }
    start(tcp::socket(std::move(socket)), std::move(load));
    // The acceptor is non-blocking (open_acceptor()): these fail with would_block once the
    // queue is empty, and any other failure is met again by the next async_accept.
    for (int i = 1; i < kAcceptBatch; ++i) {
      auto [more_ioc, more_load] = contexts.least_loaded();
      tcp::socket more(asio::make_strand(*more_ioc));
      boost::system::error_code more_ec;
      acceptor.accept(more, more_ec);
      if (more_ec) break;
      start(std::move(more), std::move(more_load));
    }
  }
}

tcp::acceptor open_acceptor(asio::io_context& ioc, const std::string& where) {
  tcp::endpoint ep = parse_endpoint(where);
  tcp::acceptor acceptor(ioc);
  boost::system::error_code ec;
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  // Asio's max_listen_connections is SOMAXCONN (4096); the kernel caps whatever is asked at
  // net.core.somaxconn, so asking for more takes a raised sysctl when there is one.
  if (!ec) acceptor.listen(kListenBacklog, ec);
  if (!ec) acceptor.non_blocking(true, ec);
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
  bool admin_remote = false;
  std::string host;
  // Acceptors are declared after the contexts so they are destroyed before them; the core,
  // declared first, outlives any coroutine frame the contexts still hold.
  std::unique_ptr<ContextPool> contexts;
  std::shared_ptr<UpstreamPool> pool;  // sisyphus proxy only
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<tcp::acceptor> admin_acceptor;
  std::string record_error;
  // HTTPS (options.tls, a certificate file, or the scenario's server.tls): the context the
  // fronts accept with, the loopback listener of the sessions they relay to, their links.
  bool tls = false;
  ServerTls server_tls;
  std::unique_ptr<tcp::acceptor> inner_acceptor;
  std::shared_ptr<TlsLinks> links;

  // The starters of the accept loops: a plain session, a TLS front, a session behind one.
  SessionStarter sessions(Kind kind) {
    return [core = core, kind, pool = pool](tcp::socket socket,
                                            std::shared_ptr<std::atomic<int>> load) {
      start_session(std::move(socket), std::move(load), core, kind, pool, nullptr);
    };
  }
  SessionStarter fronts() {
    return [core = core, ctx = server_tls.ctx.get(), inner = inner_acceptor->local_endpoint(),
            links = links](tcp::socket socket, std::shared_ptr<std::atomic<int>>) {
      boost::system::error_code ec;
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<TlsFront>(std::move(socket), core, ctx, inner, links)->start();
    };
  }
  SessionStarter sessions_behind_fronts() {
    return [core = core, pool = pool, links = links](tcp::socket socket,
                                                     std::shared_ptr<std::atomic<int>> load) {
      boost::system::error_code ec;
      const auto peer = socket.remote_endpoint(ec);
      std::shared_ptr<TlsLink> link = ec ? nullptr : links->take(peer.port());
      // Only the fronts connect here; anyone else who found the port is not served.
      if (!link) return;
      start_session(std::move(socket), std::move(load), core, Kind::origin, pool, std::move(link));
    };
  }
};

namespace {

bool serves_tls(const ServerOptions& options, const model::Scenario& scenario) {
  // HTTP/2 is served over HTTPS (h2 by ALPN); h2c is not served.
  return options.tls || options.tls_cert || options.tls_key || options.http2 || scenario.server.tls;
}

// The listen address, when the made certificate must name it besides the loopback ones.
std::vector<std::string> extra_certificate_ips(const tcp::endpoint& listening) {
  const auto a = listening.address();
  if (a.is_unspecified() || a.is_loopback()) return {};
  return {a.to_string()};
}

}  // namespace

Server::Server(ServerOptions options, model::Scenario scenario) : impl_(std::make_unique<Impl>()) {
  if (options.threads == 0) options.threads = 1;
  if (options.upstream) FaultRegistry::instance().check_relayable(scenario);
  impl_->tls = serves_tls(options, scenario);
  if (!impl_->tls) FaultRegistry::instance().check_plain_http(scenario);
  impl_->core = std::make_shared<ServerCore>(std::move(options), std::move(scenario));
}

Server::~Server() {
  stop();
}

void Server::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->started) throw std::logic_error("Server::start: already started");
  const ServerOptions& options = impl_->core->options();
  impl_->contexts = std::make_unique<ContextPool>(options.threads);
  asio::io_context& first = impl_->contexts->front();
  if (options.upstream) {
    impl_->pool = std::make_shared<UpstreamPool>(UpstreamUrl::parse(*options.upstream), options);
  }
  impl_->acceptor = std::make_unique<tcp::acceptor>(open_acceptor(first, options.listen));
  impl_->port = impl_->acceptor->local_endpoint().port();
  impl_->host = host_for_url(impl_->acceptor->local_endpoint());
  if (impl_->tls) {
    if (options.ca_out && options.tls_cert) {
      throw std::runtime_error(
          "--ca-out writes the CA of a certificate made at start; with --tls-cert there is "
          "none to write (give clients the CA that signed that certificate)");
    }
    impl_->server_tls =
        make_server_tls(options.tls_cert, options.tls_key,
                        extra_certificate_ips(impl_->acceptor->local_endpoint()), options.http2);
    if (options.ca_out && !impl_->server_tls.ca_pem.empty()) {
      std::ofstream out(*options.ca_out, std::ios::binary | std::ios::trunc);
      out << impl_->server_tls.ca_pem;
      if (!out.flush()) {
        throw std::runtime_error(
            fmt::format("--ca-out {}: cannot write the CA certificate", options.ca_out->string()));
      }
    }
    impl_->inner_acceptor = std::make_unique<tcp::acceptor>(open_acceptor(first, "127.0.0.1:0"));
    impl_->links = std::make_shared<TlsLinks>();
  }
  if (options.admin) {
    impl_->admin_remote = !parse_endpoint(*options.admin).address().is_loopback();
    if (impl_->admin_remote && !options.admin_allow_remote) {
      throw std::runtime_error(fmt::format(
          "admin API on {} refused: it replaces the scenario and has no authentication, so it "
          "listens on loopback only (127.0.0.1, [::1]) unless remote access is allowed "
          "(--admin-allow-remote)",
          *options.admin));
    }
    impl_->admin_acceptor = std::make_unique<tcp::acceptor>(open_acceptor(first, *options.admin));
    impl_->admin_port = impl_->admin_acceptor->local_endpoint().port();
  }
  // The accept loops run on the first context's one thread, as do the acceptors' closes
  // in stop(): nothing else touches an acceptor while the threads run.
  if (impl_->tls) {
    asio::co_spawn(first, accept_loop(*impl_->acceptor, *impl_->contexts, impl_->fronts()),
                   asio::detached);
    asio::co_spawn(
        first,
        accept_loop(*impl_->inner_acceptor, *impl_->contexts, impl_->sessions_behind_fronts()),
        asio::detached);
  } else {
    asio::co_spawn(first,
                   accept_loop(*impl_->acceptor, *impl_->contexts, impl_->sessions(Kind::origin)),
                   asio::detached);
  }
  if (impl_->admin_acceptor) {
    asio::co_spawn(
        first, accept_loop(*impl_->admin_acceptor, *impl_->contexts, impl_->sessions(Kind::admin)),
        asio::detached);
  }
  impl_->contexts->run_threads(impl_->threads);
  impl_->started = true;
}

void Server::stop() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  // The acceptors are closed on the thread of their accept loops (closing them here would
  // race with the loops), and stop() waits for that: once they are closed no connection is
  // accepted any more, so abort_all() finds every one there will be.
  std::packaged_task<void()> close_acceptors([impl = impl_.get()] {
    for (auto* a : {impl->acceptor.get(), impl->admin_acceptor.get(), impl->inner_acceptor.get()}) {
      boost::system::error_code ec;
      if (a != nullptr) a->close(ec);
    }
  });
  std::future<void> closed = close_acceptors.get_future();
  asio::post(impl_->contexts->front(), std::move(close_acceptors));
  closed.wait();
  impl_->core->abort_all();
  // Give sessions a moment to unwind (close sockets, log what they were doing); whatever
  // is still suspended after that is destroyed with the io_context.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (impl_->core->tracked_connections() > 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (impl_->pool) impl_->pool->close_all();
  impl_->contexts->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  // Work on the blocking pool (hashing a representation, malloc_trim) ends by handing its
  // result to a connection's executor: it must finish while the contexts still exist, stopped
  // or not, or that executor's destructor reads a freed io_context.
  impl_->core->blocking_pool().join();
  impl_->acceptor.reset();
  impl_->admin_acceptor.reset();
  impl_->inner_acceptor.reset();
  impl_->contexts.reset();
  if (auto* recorder = impl_->core->recording()) {
    try {
      recorder->stop();
    } catch (const std::exception& e) {
      impl_->record_error = e.what();
    }
  }
}

std::string Server::record_error() const {
  return impl_->record_error;
}

std::uint16_t Server::port() const {
  return impl_->port;
}
std::uint16_t Server::admin_port() const {
  return impl_->admin_port;
}

bool Server::admin_remote() const {
  return impl_->admin_remote;
}

std::string Server::base_url() const {
  return fmt::format("{}://{}:{}", impl_->tls ? "https" : "http", impl_->host, impl_->port);
}

std::string Server::ca_pem() const {
  return impl_->server_tls.ca_pem;
}

std::string Server::url() const {
  const model::Resource& resource = impl_->core->current()->scenario().resource();
  // A relayed resource's path is a glob; the proxy's root stands for every path it matches.
  if (resource.relayed && resource.path.find_first_of("*?[") != std::string::npos) {
    return base_url() + "/";
  }
  return base_url() + resource.path;
}

model::Scenario Server::scenario() const {
  return impl_->core->current()->scenario();
}

void Server::set_scenario(model::Scenario scenario) {
  if (impl_->core->options().upstream) FaultRegistry::instance().check_relayable(scenario);
  if (!impl_->tls) FaultRegistry::instance().check_plain_http(scenario);
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
