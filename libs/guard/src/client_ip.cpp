#include <ignition/guard/client_ip.hpp>

#include <array>
#include <charconv>
#include <optional>

#include <ignition/common/error.hpp>

namespace asio = boost::asio;

namespace ignition::guard {

namespace {
std::array<unsigned char, 16> bytes_of(const asio::ip::address& a) {
  // IPv4 as IPv4-mapped IPv6, so one comparison serves both families.
  return a.is_v4() ? asio::ip::make_address_v6(asio::ip::v4_mapped, a.to_v4()).to_bytes() : a.to_v6().to_bytes();
}

bool in_network(const std::array<unsigned char, 16>& addr, const std::array<unsigned char, 16>& base, unsigned prefix) {
  for (unsigned bit = 0; bit < prefix; ++bit) {
    unsigned mask = 0x80u >> (bit % 8);
    if ((addr[bit / 8] & mask) != (base[bit / 8] & mask)) return false;
  }
  return true;
}

// An address as text. IPv4 is written here: asio's to_string goes through inet_ntop and
// sprintf, a visible cost when it runs on every request.
std::string text_of(const asio::ip::address& a) {
  if (!a.is_v4()) return a.to_string();
  const auto bytes = a.to_v4().to_bytes();
  char text[16];  // "255.255.255.255"
  char* end = text;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) *end++ = '.';
    end = std::to_chars(end, text + sizeof text, bytes[i]).ptr;
  }
  return std::string(text, end);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// An address from a forwarding header. One with an IPv6 zone ("fe80::1%eth0") names a link of
// the proxy's, not a client, and Postgres' inet would refuse it: refused here.
std::optional<asio::ip::address> forwarded_address(std::string_view text) {
  boost::system::error_code ec;
  auto a = asio::ip::make_address(trim(text), ec);
  if (ec || (a.is_v6() && a.to_v6().scope_id() != 0)) return std::nullopt;
  return a;
}
}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& cidrs) {
  for (const auto& cidr : cidrs) {
    auto slash = cidr.find('/');
    boost::system::error_code ec;
    auto base = asio::ip::make_address(cidr.substr(0, slash), ec);
    if (ec) throw ConfigError("TRUSTED_PROXIES has an invalid address: " + cidr);
    unsigned max = base.is_v4() ? 32 : 128;
    unsigned prefix = max;
    if (slash != std::string::npos) {
      try {
        prefix = static_cast<unsigned>(std::stoul(cidr.substr(slash + 1)));
      } catch (const std::exception&) {
        prefix = max + 1;
      }
      if (prefix > max) throw ConfigError("TRUSTED_PROXIES has an invalid prefix length: " + cidr);
    }
    networks_.push_back({base, base.is_v4() ? prefix + 96 : prefix});
  }
}

bool TrustedProxies::trusted(const asio::ip::address& address) const {
  auto addr = bytes_of(address);
  for (const auto& n : networks_) {
    if (in_network(addr, bytes_of(n.base), n.prefix)) return true;
  }
  return false;
}

std::string TrustedProxies::client_ip(const asio::ip::address& peer, std::string_view forwarded_for,
                                      std::string_view cf_connecting_ip) const {
  if (!trusted(peer)) return text_of(peer);
  if (!cf_connecting_ip.empty()) {
    if (auto a = forwarded_address(cf_connecting_ip)) return text_of(*a);
  }
  // Walk from the right: each hop appended the address it saw; the first untrusted
  // one is the client as far as anything we trust can tell.
  while (!forwarded_for.empty()) {
    auto comma = forwarded_for.rfind(',');
    std::string_view entry = comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for = comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
    auto a = forwarded_address(entry);
    if (!a) break;  // garbage: stop believing the header
    if (!trusted(*a)) return text_of(*a);
  }
  return text_of(peer);
}

}  // namespace ignition::guard
