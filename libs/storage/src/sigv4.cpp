#include "ignition/storage/sigv4.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <ignition/common/crypto.hpp>

namespace ignition::storage {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view terminator = "aws4_request";

// The headers AWS's SDKs never sign (smithy's ALWAYS_UNSIGNABLE_HEADERS, plus the proxy-*
// and sec-* families): hop-by-hop headers and ones that proxies and CDNs rewrite, so
// signing them would make a request fail for reasons that have nothing to do with it.
constexpr std::string_view unsignable_headers[] = {
    "authorization"sv, "cache-control"sv,     "connection"sv, "expect"sv,     "from"sv,
    "keep-alive"sv,    "max-forwards"sv,      "pragma"sv,     "referer"sv,    "te"sv,
    "trailer"sv,       "transfer-encoding"sv, "upgrade"sv,    "user-agent"sv, "x-amzn-trace-id"sv,
};

// Produced by the signer itself, so a caller's copy would be signed twice or contradict it.
constexpr std::string_view generated_headers[] = {
    "host"sv, "authorization"sv, "x-amz-date"sv, "x-amz-content-sha256"sv, "x-amz-security-token"sv,
};

constexpr std::string_view presign_parameters[] = {
    "x-amz-algorithm"sv,     "x-amz-credential"sv,     "x-amz-date"sv,      "x-amz-expires"sv,
    "x-amz-signedheaders"sv, "x-amz-security-token"sv, "x-amz-signature"sv,
};

[[noreturn]] void invalid(const std::string& what) { throw std::invalid_argument("sigv4: " + what); }

bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// RFC 9110 token characters (header field names and methods).
bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return is_unreserved(c) || std::string_view("!#$%&'*+^`|").find(ch) != std::string_view::npos;
  });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

template <std::size_t N>
bool one_of(std::string_view s, const std::string_view (&list)[N]) noexcept {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

bool is_payload_hash(std::string_view h) noexcept {
  if (h == unsigned_payload) return true;
  return h.size() == 64 &&
         std::all_of(h.begin(), h.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Trimall: blanks (space, tab) at either end dropped, inner runs of them become one space.
std::string canonical_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

void check_method_and_host(std::string_view method, std::string_view host) {
  if (!is_token(method)) invalid("the method is not an HTTP token");
  if (host.empty()) invalid("the host is empty");
  for (char ch : host) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || std::string_view("/?#@\\").find(ch) != std::string_view::npos) {
      invalid("the host has a character that cannot appear in a Host header");
    }
  }
}

std::string canonical_path(std::string_view path) {
  if (path.empty() || path.front() != '/') invalid("the path must start with '/'");
  return uri_encode(path, true);
}

// Name and value encoded, sorted by encoded name and then encoded value; '&'-joined.
std::string canonical_query(const NameValues& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

struct CanonicalHeaders {
  std::string block;         // "name:value\n" for each, sorted by name
  std::string signed_names;  // "host;range;x-amz-date"
};

// `headers` are the caller's; `added` are the signer's own (already lower-case).
CanonicalHeaders canonical_headers(const NameValues& headers, const NameValues& added) {
  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(headers.size() + added.size());
  for (const auto& [name, value] : headers) {
    if (!is_token(name)) invalid("a header name is not an HTTP token");
    std::string key = lower(name);
    if (one_of(key, generated_headers)) invalid("the header '" + key + "' is produced by the signer");
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      invalid("the value of header '" + key + "' has a line break or NUL");
    }
    if (one_of(key, unsignable_headers) || key.starts_with("proxy-") || key.starts_with("sec-")) continue;
    entries.emplace_back(std::move(key), canonical_header_value(value));
  }
  for (const auto& [name, value] : added) entries.emplace_back(name, value);
  // Stable, so that a repeated header keeps the order its values are sent in; SigV4 joins
  // the values of one name with commas.
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0 && entries[i].first == entries[i - 1].first) {
      out.block.back() = ',';  // replaces the previous line's '\n'
    } else {
      if (!out.signed_names.empty()) out.signed_names.push_back(';');
      out.signed_names += entries[i].first;
      out.block += entries[i].first;
      out.block.push_back(':');
    }
    out.block += entries[i].second;
    out.block.push_back('\n');
  }
  return out;
}

struct Dates {
  std::string amz_date;    // 20130524T000000Z
  std::string short_date;  // 20130524
};

std::string two_digits(unsigned v) { return {static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)}; }

Dates format_dates(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(when);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) invalid("the signing time is outside years 0000-9999");
  std::string date = std::to_string(10000 + y).substr(1) + two_digits(static_cast<unsigned>(ymd.month())) +
                     two_digits(static_cast<unsigned>(ymd.day()));
  std::string amz = date + 'T' + two_digits(static_cast<unsigned>(hms.hours().count())) +
                    two_digits(static_cast<unsigned>(hms.minutes().count())) +
                    two_digits(static_cast<unsigned>(hms.seconds().count())) + 'Z';
  return {std::move(amz), std::move(date)};
}

void check_scope(const Scope& scope) {
  const auto plain = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return is_unreserved(static_cast<unsigned char>(c)); });
  };
  if (!plain(scope.region) || !plain(scope.service)) invalid("the region and service must be plain non-empty names");
}

std::string credential_scope(const Dates& dates, const Scope& scope) {
  return dates.short_date + '/' + scope.region + '/' + scope.service + '/' + std::string(terminator);
}

// kDate → kRegion → kService → kSigning, then the HMAC of the string to sign, in hex.
std::string signature(const Credentials& credentials, const Dates& dates, const Scope& scope,
                      std::string_view scope_text, std::string_view canonical_request) {
  using crypto::as_view;
  using crypto::hmac_sha256;
  const auto k_date = hmac_sha256("AWS4" + credentials.secret_access_key.reveal(), dates.short_date);
  const auto k_region = hmac_sha256(as_view(k_date), scope.region);
  const auto k_service = hmac_sha256(as_view(k_region), scope.service);
  const auto k_signing = hmac_sha256(as_view(k_service), terminator);
  std::string to_sign;
  to_sign.reserve(160);
  to_sign.append(algorithm).append("\n").append(dates.amz_date).append("\n");
  to_sign.append(scope_text).append("\n").append(crypto::to_hex(crypto::sha256(canonical_request)));
  return crypto::to_hex(hmac_sha256(as_view(k_signing), to_sign));
}

std::string canonical_request(std::string_view method, std::string_view path, std::string_view query,
                              const CanonicalHeaders& headers, std::string_view payload) {
  std::string out;
  out.reserve(method.size() + path.size() + query.size() + headers.block.size() + headers.signed_names.size() + 80);
  out.append(method).append("\n").append(path).append("\n").append(query).append("\n");
  out.append(headers.block).append("\n").append(headers.signed_names).append("\n").append(payload);
  return out;
}

void check_access_key(const Credentials& credentials) {
  const auto& id = credentials.access_key_id;
  if (id.empty() ||
      !std::all_of(id.begin(), id.end(), [](char c) { return is_unreserved(static_cast<unsigned char>(c)); })) {
    invalid("the access key id must be a plain non-empty name");
  }
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0x0f]);
    }
  }
  return out;
}

NameValues SignedHeaders::list() const {
  NameValues out{{"Authorization", authorization}, {"x-amz-date", amz_date}, {"x-amz-content-sha256", content_sha256}};
  if (token) out.emplace_back("x-amz-security-token", *token);
  return out;
}

SignedHeaders sign(const SignableRequest& request, const Credentials& credentials, const Scope& scope,
                   std::chrono::system_clock::time_point when) {
  check_method_and_host(request.method, request.host);
  check_scope(scope);
  check_access_key(credentials);
  if (!is_payload_hash(request.payload_sha256)) {
    invalid("the payload hash is neither 64 lower-case hex digits nor UNSIGNED-PAYLOAD");
  }
  for (const auto& entry : request.query) {
    if (lower(entry.first) == "x-amz-signature") invalid("the query has an X-Amz-Signature parameter");
  }
  const Dates dates = format_dates(when);
  const std::string& token = credentials.session_token.reveal();

  NameValues added{
      {"host", request.host}, {"x-amz-content-sha256", request.payload_sha256}, {"x-amz-date", dates.amz_date}};
  if (!token.empty()) added.emplace_back("x-amz-security-token", token);
  const CanonicalHeaders headers = canonical_headers(request.headers, added);

  const std::string scope_text = credential_scope(dates, scope);
  const std::string canonical = canonical_request(request.method, canonical_path(request.path),
                                                  canonical_query(request.query), headers, request.payload_sha256);
  SignedHeaders out;
  out.authorization = std::string(algorithm) + " Credential=" + credentials.access_key_id + '/' + scope_text +
                      ", SignedHeaders=" + headers.signed_names +
                      ", Signature=" + signature(credentials, dates, scope, scope_text, canonical);
  out.amz_date = dates.amz_date;
  out.content_sha256 = request.payload_sha256;
  if (!token.empty()) out.token = token;
  return out;
}

std::string presign_url(std::string_view method, std::string_view scheme, std::string_view host, std::string_view path,
                        const NameValues& query, const Credentials& credentials, const Scope& scope,
                        std::chrono::system_clock::time_point when, std::chrono::seconds expires) {
  check_method_and_host(method, host);
  check_scope(scope);
  check_access_key(credentials);
  if (scheme != "https" && scheme != "http") invalid("the scheme must be http or https");
  if (expires < std::chrono::seconds{1} || expires > max_presign_expiry) {
    invalid("a presigned URL must expire within 1 second to 7 days");
  }
  for (const auto& entry : query) {
    if (one_of(lower(entry.first), presign_parameters)) invalid("the query has a presigning parameter of its own");
  }
  const Dates dates = format_dates(when);
  const std::string scope_text = credential_scope(dates, scope);
  const std::string& token = credentials.session_token.reveal();

  NameValues params = query;
  params.emplace_back("X-Amz-Algorithm", std::string(algorithm));
  params.emplace_back("X-Amz-Credential", credentials.access_key_id + '/' + scope_text);
  params.emplace_back("X-Amz-Date", dates.amz_date);
  params.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
  params.emplace_back("X-Amz-SignedHeaders", "host");
  if (!token.empty()) params.emplace_back("X-Amz-Security-Token", token);

  const std::string encoded_path = canonical_path(path);
  const CanonicalHeaders headers = canonical_headers({}, {{"host", std::string(host)}});
  const std::string canonical =
      canonical_request(method, encoded_path, canonical_query(params), headers, unsigned_payload);
  params.emplace_back("X-Amz-Signature", signature(credentials, dates, scope, scope_text, canonical));

  // The order of the URL's parameters does not matter to S3; this is the order AWS's
  // JavaScript SDK writes (formatUrl: by decoded name), so URLs compare equal byte for byte.
  std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string url;
  url.append(scheme).append("://").append(host).append(encoded_path);
  char separator = '?';
  for (const auto& [name, value] : params) {
    url.push_back(separator);
    separator = '&';
    url += uri_encode(name, false);
    url.push_back('=');
    url += uri_encode(value, false);
  }
  return url;
}

}  // namespace ignition::storage
