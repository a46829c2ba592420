#include "server/net/http_server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <list>
#include <mutex>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "engine/core/log.hpp"

namespace scl::server {
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// After an error answer the client may still be sending (a body over --max-body-bytes, the rest
// of a malformed request). Closing with unread input makes the kernel send RST, which can destroy
// the answer before the client reads it, so an SDK would see "connection reset" or "broken pipe"
// instead of the 413. Like nginx's lingering close: stop sending, then read and discard for a
// while before closing.
constexpr std::size_t kLingerMaxBytes = 64 * 1024 * 1024;
constexpr std::chrono::seconds kLingerTimeout{5};

class Session;

// Every open connection, and the idle ones in the order they became idle (issue 11, finding 12:
// 1,100 idle sockets at 1,024 descriptors locked everyone out until the 30 s first-request
// timeout). Shared by the acceptor and the sessions, which run on different strands.
class Connections {
 public:
  explicit Connections(std::size_t cap) : cap_(cap) {}
  using Idle = std::list<std::weak_ptr<Session>>;

  void opened() {
    std::lock_guard lock(mu_);
    ++open_;
  }
  void closed() {
    std::lock_guard lock(mu_);
    --open_;
  }
  // On accept: nullptr while under the cap; else the longest-idle session to close (already out
  // of the list), or an empty pointer with `full` set when none is idle.
  std::shared_ptr<Session> make_room(bool& full);

  std::mutex mu_;  // guards everything below, and each session's in_idle_list_
  std::size_t cap_;
  std::size_t open_ = 0;
  Idle idle_;
  bool warned_ = false;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<const Handler> handler, const HttpLimits& limits,
          std::shared_ptr<Connections> connections)
      : stream_(std::move(socket)),
        handler_(std::move(handler)),
        limits_(limits),
        connections_(std::move(connections)) {
    connections_->opened();
  }
  ~Session() { connections_->closed(); }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // The connection cap was reached and this session is the longest idle: close it.
  void evict() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->waiting_first_byte_) self->close();
    });
  }

  // At the cap with no idle connection to give up: answer 503 without reading, then close.
  void refuse() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->linger_ = true;
      self->linger_timeout_ = std::chrono::seconds(1);  // hold no descriptor for long
      self->send_error(503, "ServiceUnavailableException",
                       "Too many open connections (the limit is " +
                           std::to_string(self->limits_.max_connections) +
                           ", see --max-connections); retry later");
    });
  }

  friend class Connections;

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(limits_.max_body_bytes);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(first_request_ ? limits_.read_timeout : limits_.idle_timeout);
    if (buffer_.size() != 0 || limits_.max_connections == 0) return read_header();
    // Idle until the first byte arrives: the connection cap may close it meanwhile.
    waiting_first_byte_ = true;
    {
      std::lock_guard lock(connections_->mu_);
      connections_->idle_.push_back(weak_from_this());
      idle_it_ = std::prev(connections_->idle_.end());
      in_idle_list_ = true;
    }
    // Through the stream, so that the first-request / idle timeout applies.
    stream_.async_read_some(buffer_.prepare(16 * 1024), [self = shared_from_this()](
                                                            beast::error_code ec, std::size_t n) {
      self->buffer_.commit(n);
      self->waiting_first_byte_ = false;
      {
        std::lock_guard lock(self->connections_->mu_);
        if (self->in_idle_list_) {
          self->connections_->idle_.erase(self->idle_it_);
          self->in_idle_list_ = false;
        }
      }
      if (ec || n == 0) return self->close();  // timeout, end of stream, reset, evicted
      self->read_header();
    });
  }

  void read_header() {
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  // RFC 9110 10.1.1: a client that sent `Expect: 100-continue` (curl does for bodies over
  // 1 KiB, the AWS SDK for Java on request) waits for an interim 100 before sending the body.
  // A body over the limit was refused with the header already (413, no 100).
  void on_header(beast::error_code ec) {
    if (ec || parser_->is_done()) return on_read(ec);
    const auto& h = parser_->get();
    if (h.version() >= 11 && beast::iequals(h[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont,
                        [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
                          if (wec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    first_request_ = false;
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == beast::error::timeout || ec == net::error::connection_reset) {
      return close();
    }
    linger_ = true;  // from here on, an error answer may leave unread input behind
    if (ec == http::error::body_limit) {
      return send_error(413, "RequestEntityTooLargeException",
                        "Request body is larger than the limit of " +
                            std::to_string(limits_.max_body_bytes) + " bytes");
    }
    if (ec) {
      return send_error(400, "SerializationException", "Malformed HTTP request: " + ec.message());
    }
    if (parser_->get().count(http::field::transfer_encoding) != 0 && !parser_->chunked()) {
      // RFC 9112 6.3: without chunked as the final coding a request body has no length (Beast
      // read it to the end of the stream); answer 400 rather than run what was read.
      return send_error(400, "SerializationException",
                        "Malformed HTTP request: unsupported Transfer-Encoding");
    }
    linger_ = false;
    auto req = parser_->release();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == http::verb::head;
    version_ = req.version();
    HttpRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.amz_target = std::string(req["X-Amz-Target"]);
    r.authorization = std::string(req[http::field::authorization]);
    r.content_type = std::string(req[http::field::content_type]);
    r.host = std::string(req[http::field::host]);
    r.origin = std::string(req[http::field::origin]);
    r.body = std::move(req.body());
    stream_.expires_never();
    (*handler_)(std::move(r), [self = shared_from_this()](HttpResponse res) {
      net::dispatch(self->stream_.get_executor(),
                    [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
    });
  }

  void send_error(unsigned status, const std::string& type, const std::string& message) {
    keep_alive_ = false;
    HttpResponse res;
    res.status = status;
    res.content_type = "application/x-amz-json-1.1";
    // Escaping by hand is safe here: messages are built from fixed text and numbers.
    std::string escaped;
    for (char c : message) {
      if (c == '"' || c == '\\') escaped.push_back('\\');
      if (static_cast<unsigned char>(c) >= 0x20) escaped.push_back(c);
    }
    res.body = "{\"__type\":\"" + type + "\",\"message\":\"" + escaped + "\"}";
    res.headers.emplace_back("x-amzn-RequestId", new_request_id());
    res.headers.emplace_back("x-amzn-ErrorType", type);
    write(std::move(res));
  }

  void write(HttpResponse res) {
    auto msg = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(res.status), version_ == 0 ? 11 : version_);
    msg->set(http::field::server, "sfn-codebuild-local");
    msg->set(http::field::content_type, res.content_type);
    for (auto& [k, v] : res.headers) msg->set(k, v);
    msg->body() = std::move(res.body);
    msg->keep_alive(keep_alive_);
    msg->prepare_payload();
    if (head_) msg->body().clear();  // RFC 9110 9.3.2: the headers of a GET, no content
    stream_.expires_after(limits_.read_timeout);
    http::async_write(stream_, *msg,
                      [self = shared_from_this(), msg](beast::error_code ec, std::size_t) {
                        if (!ec && !msg->keep_alive() && self->linger_) return self->linger();
                        if (ec || !msg->keep_alive()) return self->close();
                        self->read();
                      });
  }

  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(linger_timeout_);  // the whole drain, not each read
    drain();
  }

  void drain() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(64 * 1024),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kLingerMaxBytes) return self->close();
                              self->drain();
                            });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<const Handler> handler_;
  HttpLimits limits_;
  bool keep_alive_ = true;
  bool first_request_ = true;
  bool head_ = false;    // answering a HEAD request
  bool linger_ = false;  // the request was not read to its end
  std::size_t drained_ = 0;
  unsigned version_ = 11;
  std::shared_ptr<Connections> connections_;
  std::chrono::seconds linger_timeout_ = kLingerTimeout;
  bool waiting_first_byte_ = false;  // strand
  bool in_idle_list_ = false;         // connections_->mu_
  Connections::Idle::iterator idle_it_;
};

std::shared_ptr<Session> Connections::make_room(bool& full) {
  full = false;
  std::lock_guard lock(mu_);
  if (cap_ == 0 || open_ < cap_) {
    if (open_ + 1 < cap_) warned_ = false;
    return nullptr;
  }
  if (!warned_) {
    core::log_warn("connection cap of " + std::to_string(cap_) +
                   " reached (--max-connections): closing the longest-idle connections");
    warned_ = true;
  }
  while (!idle_.empty()) {
    std::weak_ptr<Session> w = idle_.front();
    idle_.pop_front();
    if (auto s = w.lock()) {
      s->in_idle_list_ = false;
      return s;
    }
  }
  full = true;
  return nullptr;
}

}  // namespace

std::size_t default_max_connections() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1 << 20;
  const auto soft = static_cast<std::size_t>(rl.rlim_cur);
  // A small limit (ulimit -n 64) keeps a quarter back rather than all of it.
  const std::size_t reserve = std::min(kReservedDescriptors, soft / 4);
  return soft > reserve + 1 ? soft - reserve : 1;
}

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(net::io_context& ioc, std::shared_ptr<const Handler> h, HttpLimits l)
      : ioc_(ioc),
        acceptor_(net::make_strand(ioc)),
        retry_timer_(acceptor_.get_executor()),
        handler_(std::move(h)),
        limits_(l),
        connections_(std::make_shared<Connections>(l.max_connections)) {}

  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                             if (ec == net::error::operation_aborted || !self->acceptor_.is_open())
                               return;
                             if (ec) return self->retry_accept(ec);
                             if (self->accept_failing_) {
                               self->accept_failing_ = false;
                               core::log_info("accept: recovered");
                             }
                             socket.set_option(tcp::no_delay(true), ec);
                             bool full = false;
                             if (auto oldest = self->connections_->make_room(full)) oldest->evict();
                             auto session = std::make_shared<Session>(
                                 std::move(socket), self->handler_, self->limits_,
                                 self->connections_);
                             if (full) {
                               session->refuse();
                             } else {
                               session->start();
                             }
                             self->accept();
                           });
  }

  // Accept errors (EMFILE, ENFILE, ENOBUFS, ...) last as long as their cause: accepting again at
  // once would spin a core and flood the log. Wait a little; warn once per episode.
  void retry_accept(const beast::error_code& ec) {
    if (!accept_failing_) core::log_warn("accept: " + ec.message() + " (retrying every 100 ms)");
    accept_failing_ = true;
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (wait_ec || !self->acceptor_.is_open()) return;
      self->accept();
    });
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  std::shared_ptr<const Handler> handler_;
  HttpLimits limits_;
  std::shared_ptr<Connections> connections_;
  std::uint16_t port_ = 0;
  bool accept_failing_ = false;  // only touched on the acceptor's strand
};

HttpServer::HttpServer(net::io_context& ioc, const std::string& host, std::uint16_t port,
                       Handler handler, HttpLimits limits)
    : impl_(std::make_shared<Impl>(ioc, std::make_shared<const Handler>(std::move(handler)),
                                   limits)) {
  const tcp::endpoint ep(net::ip::make_address(host), port);
  auto& a = impl_->acceptor_;
  a.open(ep.protocol());
  a.set_option(net::socket_base::reuse_address(true));
  a.bind(ep);
  a.listen(net::socket_base::max_listen_connections);
  impl_->port_ = a.local_endpoint().port();
  impl_->accept();
}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const { return impl_->port_; }

void HttpServer::stop() {
  net::dispatch(impl_->acceptor_.get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor_.close(ec);
    impl->retry_timer_.cancel();
  });
}

}  // namespace scl::server
