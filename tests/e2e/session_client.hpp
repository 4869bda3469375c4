#pragma once
// End-to-end helpers: a dev-login session and requests made with it.

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <map>
#include <string>

#include <ignition/testing/server_process.hpp>

namespace ignition::testing {

inline boost::json::object json_of(const HttpResult& r) { return boost::json::parse(r.body).as_object(); }

struct Login {
  std::string token;
  std::string csrf;
  std::string session_id;
  std::string user_id;
  std::string cookie() const { return "session=" + token + "; csrf_token=" + csrf; }
};

inline Login dev_login(std::uint16_t port, const std::string& email, const std::string& role = "") {
  std::string body = R"({"email":")" + email + "\"" + (role.empty() ? "" : R"(,"role":")" + role + "\"") + "}";
  auto r = http_request(port, "POST", "/auth/dev-login", {{"Content-Type", "application/json"}}, body);
  REQUIRE(r.status == 200);
  auto j = json_of(r);
  return {r.cookie_value("session"), r.cookie_value("csrf_token"),
          std::string(j.at("session").as_object().at("id").as_string()),
          std::string(j.at("user").as_object().at("id").as_string())};
}

inline HttpResult with_session(std::uint16_t port, const std::string& method, const std::string& target, const Login& l,
                               std::map<std::string, std::string> extra = {}) {
  extra["Cookie"] = l.cookie();
  return http_request(port, method, target, extra);
}

/// A request as the signed-in user's browser makes it: session cookie, CSRF header, JSON.
inline HttpResult call(std::uint16_t port, const Login& l, const std::string& method, const std::string& target,
                       const std::string& body = "") {
  std::map<std::string, std::string> headers{{"Cookie", l.cookie()}, {"X-CSRF-Token", l.csrf}};
  if (!body.empty()) headers["Content-Type"] = "application/json";
  return http_request(port, method, target, headers, body);
}

}  // namespace ignition::testing
