#pragma once
/// The shared catalogues admins curate (universal quests, market items, achievements, learn
/// topics and lessons, onboarding steps), served by one piece of code: each catalogue is a
/// description of its table and writable fields, and create/read/update/delete work from
/// that description. Writes are audited like every admin change.

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include <ignition/admin/admin.hpp>
#include <ignition/common/uuid.hpp>

namespace ignition::admin {

enum class FieldKind { text, integer, boolean, object, json, uuid, choice };

struct Field {
  std::string_view name;
  FieldKind kind;
  bool required = false;          // on create; never null on update
  std::int64_t min = 0, max = 0;  // text: length in code points; integer: value
  std::vector<std::string_view> choices = {};
};

struct Catalogue {
  std::string_view path;   // under /api/v1/admin/
  std::string_view table;  // a constant, never client input
  std::string_view what;   // "quest", for messages and audit actions
  std::vector<Field> fields;
  std::string_view order_by;
  std::string_view scope = "true";  // which rows of the table are the shared catalogue
  bool has_updated_at = false;
};

/// Every catalogue, in route order.
const std::vector<Catalogue>& catalogues();

/// Reads a create (`creating`) or update body against the catalogue's fields: known
/// fields only, each of its kind and limits. Throws Error(validation_failed) listing every
/// problem.
boost::json::object read_fields(const Catalogue& catalogue, const boost::json::object& body, bool creating);

boost::asio::awaitable<boost::json::array> list(db::Pool& pool, const Catalogue& catalogue);
boost::asio::awaitable<boost::json::object> get(db::Pool& pool, const Catalogue& catalogue, Uuid id);
/// Error(conflict) on a duplicate key; Error(validation_failed) on a reference to nothing.
boost::asio::awaitable<boost::json::object> create(db::Pool& pool, const Actor& actor, const Catalogue& catalogue,
                                                   boost::json::object fields);
boost::asio::awaitable<boost::json::object> update(db::Pool& pool, const Actor& actor, const Catalogue& catalogue,
                                                   Uuid id, boost::json::object fields);
/// Error(conflict) while users still hold something that needs the row (an earned achievement).
boost::asio::awaitable<void> remove(db::Pool& pool, const Actor& actor, const Catalogue& catalogue, Uuid id);

}  // namespace ignition::admin
