#include "sisyphus/client/download.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <exception>

#include "downloads.hpp"

namespace sisyphus::client {
namespace asio = boost::asio;

void async_download(asio::io_context& io, Options options, std::function<void(Result)> done) {
  if (auto problem = validate(options)) {
    Result r;
    r.exit_code = kExitUsage;
    r.error = *problem;
    r.output = options.output;
    asio::post(io, [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
    return;
  }
  const auto output = options.output;
  auto body = options.naive ? detail::naive_download(std::move(options))
                            : detail::reference_download(std::move(options));
  // A strand per download: its coroutine and the hasher's completions never run at once,
  // even when the io_context runs on several threads.
  asio::co_spawn(asio::make_strand(io), std::move(body),
                 [done = std::move(done), output](std::exception_ptr e, Result r) {
                   if (e) {
                     r = Result{};
                     r.exit_code = kExitGaveUp;
                     r.output = output;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       r.error = ex.what();
                     } catch (...) {
                       r.error = "unknown error";
                     }
                   }
                   done(std::move(r));
                 });
}

Result download(Options options) {
  asio::io_context io;
  Result result;
  async_download(io, std::move(options), [&](Result r) { result = std::move(r); });
  io.run();
  return result;
}

}  // namespace sisyphus::client
