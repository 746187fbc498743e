// A WebSocket session's connection: the TCP socket, which first yields the bytes the HTTP reader
// had received past the upgrade request (a client may send its first frames right behind the
// request, in the same segment, without waiting for the 101). Beast 1.74 cannot take those into a
// websocket::stream accepted from an already parsed request, so the stream reads them from here.
#pragma once

#include <utility>  // Boost 1.74 asio needs std::exchange declared before it under C++20

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace rex::gateway {

class UpgradedSocket {
 public:
  using socket_type = boost::asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;

  UpgradedSocket(socket_type&& socket, boost::beast::flat_buffer&& received)
      : socket_(std::move(socket)), received_(std::move(received)) {}

  executor_type get_executor() { return socket_.get_executor(); }
  // Beast's get_lowest_layer() finds the socket through this (to close it on a timeout).
  socket_type& next_layer() { return socket_; }

  // Once the received bytes are read, straight to the socket: one test per read, nothing allocated.
  template <class MutableBuffers, class ReadHandler>
  auto async_read_some(const MutableBuffers& buffers, ReadHandler&& handler) {
    return boost::asio::async_initiate<ReadHandler, void(boost::beast::error_code, std::size_t)>(
        [this](auto&& h, const MutableBuffers& b) {
          if (received_.size() == 0) return socket_.async_read_some(b, std::forward<decltype(h)>(h));
          const std::size_t n = boost::asio::buffer_copy(b, received_.data());
          received_.consume(n);
          if (received_.size() == 0) received_.shrink_to_fit();
          boost::asio::post(socket_.get_executor(),
                            boost::beast::bind_front_handler(std::forward<decltype(h)>(h), boost::beast::error_code{}, n));
        },
        handler, buffers);
  }

  template <class ConstBuffers, class WriteHandler>
  auto async_write_some(const ConstBuffers& buffers, WriteHandler&& handler) {
    return socket_.async_write_some(buffers, std::forward<WriteHandler>(handler));
  }

 private:
  socket_type socket_;
  boost::beast::flat_buffer received_;
};

// How Beast's WebSocket closing shuts the connection down: as for the socket itself.
inline void teardown(boost::beast::role_type role, UpgradedSocket& s, boost::beast::error_code& ec) {
  boost::beast::websocket::teardown(role, s.next_layer(), ec);
}

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, UpgradedSocket& s, TeardownHandler&& handler) {
  boost::beast::websocket::async_teardown(role, s.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace rex::gateway
