#include "openapi.hpp"

#include <map>
#include <stdexcept>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <ignition/common/version.hpp>

namespace json = boost::json;

namespace ignition::api::openapi {

namespace {

using http::Access;
using http::Verb;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

std::vector<std::string> path_parameters(std::string_view pattern) {
  std::vector<std::string> names;
  for (std::size_t open = pattern.find('{'); open != std::string_view::npos; open = pattern.find('{', open)) {
    const auto close = pattern.find('}', open);
    names.emplace_back(pattern.substr(open + 1, close - open - 1));
    open = close;
  }
  return names;
}

json::object reference_to(std::string_view target) { return {{"$ref", target}}; }

// An operation of a fragment, with the tag of its file.
struct Written {
  json::object operation;
  std::string tag;
  std::string file;
  bool used = false;
};

// Adds what the route table says about the route to the operation its fragment wrote.
json::object complete(const http::Route& route, Written& written) {
  json::object op = written.operation;
  const http::Policy& policy = route.policy;

  json::array tags;
  tags.emplace_back(written.tag);
  op["tags"] = std::move(tags);

  // Path parameters first (the fragment may describe one that is not an id), then the
  // fragment's own.
  json::array parameters;
  json::array own = op.contains("parameters") ? op.at("parameters").as_array() : json::array{};
  for (const auto& name : path_parameters(route.pattern)) {
    bool described = false;
    for (const auto& p : own) {
      const auto& o = p.as_object();
      const auto* in = o.if_contains("in");
      const auto* named = o.if_contains("name");
      if (in && named && *in == "path" && named->is_string() && named->get_string() == name) described = true;
    }
    if (described) continue;
    if (name != "id" && !name.ends_with("_id"))
      throw std::invalid_argument(written.file + ": describe the path parameter {" + name + "} of " + route.pattern);
    parameters.emplace_back(json::object{
        {"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}, {"format", "uuid"}}}});
  }
  for (auto& p : own) parameters.emplace_back(std::move(p));
  if (parameters.empty())
    op.erase("parameters");
  else
    op["parameters"] = std::move(parameters);

  // Open routes read no session; session routes read one when it is there. The CSRF header
  // goes with the session on unsafe methods (a security requirement, not a parameter: clients
  // send it from the cookie, as they send the cookie).
  const bool csrf = http::unsafe(route.method) && policy.csrf() && policy.access() != Access::open;
  json::object with_session{{"session", json::array{}}};
  if (csrf) with_session["csrf"] = json::array{};
  json::array security;
  if (policy.access() == Access::session) security.emplace_back(json::object{});
  if (policy.access() != Access::open) security.emplace_back(std::move(with_session));
  op["security"] = std::move(security);
  op["x-access"] = http::to_string(policy.access());
  op["x-rate-limit"] = http::to_string(policy.rate());

  // The errors the policy makes possible, unless the fragment says more about them.
  if (!op.contains("responses") || !op.at("responses").is_object())
    throw std::invalid_argument(written.file + ": the operation of " + route.pattern + " has no responses");
  json::object& responses = op["responses"].as_object();
  const auto add = [&responses](std::string_view status, std::string_view response) {
    if (!responses.contains(status))
      responses[status] = reference_to("#/components/responses/" + std::string(response));
  };
  add("400", "BadRequest");
  if (policy.access() == Access::user || policy.access() == Access::admin) add("401", "Unauthorized");
  if (csrf) add("403", "CsrfFailed");
  if (policy.access() == Access::admin || route.pattern.find('{') != std::string::npos) add("404", "NotFound");
  if (http::unsafe(route.method)) add("413", "PayloadTooLarge");  // a DELETE may carry a body too
  if (policy.rate() != http::RateClass::none) add("429", "TooManyRequests");
  add("500", "Internal");
  add("503", "Unavailable");
  // Statuses in order, whatever order they were written or added in.
  std::map<std::string, json::value> sorted;
  for (auto& [status, response] : responses) sorted[std::string(status)] = std::move(response);
  json::object ordered;
  for (auto& [status, response] : sorted) ordered[status] = std::move(response);
  op["responses"] = std::move(ordered);
  return op;
}

// Moves every entry of `from` into `into`, refusing a name `into` has.
void merge_named(json::object& into, json::object& from, const std::string& file, std::string_view what) {
  for (auto& [name, value] : from) {
    if (into.contains(name))
      throw std::invalid_argument(file + ": " + std::string(what) + " " + std::string(name) + " is defined twice");
    into[name] = std::move(value);
  }
}

json::object parse_fragment(const EmbeddedFile& file) {
  std::error_code ec;
  json::value value = json::parse(file.text, ec);
  if (ec || !value.is_object())
    throw std::invalid_argument(std::string(file.name) + ": not a JSON object (" + ec.message() + ")");
  return std::move(value.as_object());
}

}  // namespace

json::object document(const http::Router& router, std::span<const EmbeddedFile> fragments) {
  if (fragments.empty()) throw std::invalid_argument("no OpenAPI fragments");
  json::object doc = parse_fragment(fragments.front());
  doc["info"].as_object()["version"] = version();
  json::array tags;
  json::object& components = doc["components"].as_object();

  // "get /api/v1/ideas/{id}" → what a fragment wrote about it.
  std::map<std::string, Written> written;
  for (const auto& file : fragments.subspan(1)) {
    json::object fragment = parse_fragment(file);
    const std::string name(file.name);
    json::object tag = fragment.at("tag").as_object();
    const std::string tag_name(tag.at("name").as_string());
    bool known = false;
    for (const auto& t : tags) known = known || t.at("name").as_string() == tag_name;
    if (!known) tags.emplace_back(std::move(tag));

    if (auto* theirs = fragment.if_contains("components")) {
      for (auto& [kind, entries] : theirs->as_object()) {
        auto& ours = components[kind];
        if (ours.is_null()) ours = json::object{};
        merge_named(ours.as_object(), entries.as_object(), name, kind);
      }
    }
    for (auto& [pattern, methods] : fragment.at("paths").as_object()) {
      for (auto& [method, operation] : methods.as_object()) {
        const std::string key = std::string(method) + " " + std::string(pattern);
        if (written.contains(key)) throw std::invalid_argument(name + ": " + key + " is written twice");
        written[key] = Written{std::move(operation.as_object()), tag_name, name};
      }
    }
  }

  json::object paths;
  std::string problems;
  for (const http::Route* route : router.routes()) {
    const std::string method = lower(boost::beast::http::to_string(route->method));
    const auto found = written.find(method + " " + route->pattern);
    if (found == written.end()) {
      problems += "\n  no operation for the route " + method + " " + route->pattern;
      continue;
    }
    found->second.used = true;
    json::value& item = paths[route->pattern];
    if (item.is_null()) item = json::object{};
    item.as_object()[method] = complete(*route, found->second);
  }
  for (const auto& [key, w] : written) {
    if (!w.used) problems += "\n  " + w.file + " writes " + key + ", which is no route";
  }
  if (!problems.empty()) throw std::invalid_argument("the OpenAPI fragments and the route table differ:" + problems);

  doc["tags"] = std::move(tags);
  doc["paths"] = std::move(paths);
  return doc;
}

namespace {

void write(std::string& out, const json::value& value, int depth) {
  const std::string indent(2 * (depth + 1), ' ');
  const std::string closing(2 * depth, ' ');
  if (value.is_object() && !value.get_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : value.get_object()) {
      if (!first) out += ",\n";
      first = false;
      out += indent + json::serialize(json::string_view(key)) + ": ";
      write(out, member, depth + 1);
    }
    out += "\n" + closing + "}";
  } else if (value.is_array() && !value.get_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& item : value.get_array()) {
      if (!first) out += ",\n";
      first = false;
      out += indent;
      write(out, item, depth + 1);
    }
    out += "\n" + closing + "]";
  } else {
    out += json::serialize(value);
  }
}

}  // namespace

std::string pretty(const json::value& value) {
  std::string out;
  write(out, value, 0);
  out += "\n";
  return out;
}

}  // namespace ignition::api::openapi
