// Boost.Asio, Asio SSL and Beast compiled once for the whole project (separate
// compilation): every other translation unit includes only their headers, so touching one
// file does not recompile the networking stack.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
