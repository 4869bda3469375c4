#pragma once
/// Which address a request comes from, believing forwarding headers only from trusted
/// proxies (TRUSTED_PROXIES).

#include <boost/asio/ip/address.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ignition::guard {

class TrustedProxies {
 public:
  /// CIDRs ("10.0.0.0/8", "::1/128") or single addresses; throws ConfigError naming
  /// TRUSTED_PROXIES for a malformed one.
  explicit TrustedProxies(const std::vector<std::string>& cidrs);

  bool trusted(const boost::asio::ip::address& address) const;

  /// The socket peer, unless it is a trusted proxy: then `CF-Connecting-IP` when
  /// present, else the right-most `X-Forwarded-For` entry that is not itself trusted.
  /// `forwarded_for` is every X-Forwarded-For line of the request, in order, joined by commas.
  std::string client_ip(const boost::asio::ip::address& peer, std::string_view forwarded_for,
                        std::string_view cf_connecting_ip) const;

 private:
  struct Network {
    boost::asio::ip::address base;
    unsigned prefix;
  };
  std::vector<Network> networks_;
};

}  // namespace ignition::guard
