#pragma once
// Answering with a ResponseSpec (response_spec.hpp) through the plan executor
// (wire/plan_executor.hpp): the origin's answers and the ones the proxy makes itself (errors,
// refusals, status faults). The head comes from the spec; the body's parts go out in order,
// literal text as it is, representation slices read from the content source 64 KiB at a time.
// Internal to the proxy library (Asio types).
#include <boost/asio/awaitable.hpp>

#include "origin/response_spec.hpp"
#include "sisyphus/proxy/log.hpp"
#include "sisyphus/proxy/plan.hpp"
#include "wire/connection.hpp"
#include "wire/plan_executor.hpp"

namespace sisyphus::proxy {

class AdmittedTransfer;  // origin/turnaway.hpp

// What to answer: the spec, the plan that shapes it, and where its slices of the
// representation come from (nullptr when it has none: a text answer).
struct Answer {
  const ResponseSpec& spec;
  const ResponsePlan& plan;
  const ContentSource* source = nullptr;
  AdmittedTransfer* transfer = nullptr;  // its slot is given back once the body is written
};

// Executes `answer` on `connection`, logs the request into `record` and ends the connection
// as the plan and `keep_alive` say; returns whether the connection can take another request.
asio::awaitable<bool> write_answer(Connection& connection, Answer answer, bool keep_alive,
                                   LogRecord& record, Connection::Clock::time_point started,
                                   UnexecutedCut unexecuted_cut);

}  // namespace sisyphus::proxy
