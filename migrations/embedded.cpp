#include <ignition/migrations/embedded.hpp>

#include <ignition/common/embedded.hpp>

namespace ignition::migrations {

std::span<const EmbeddedFile> files();  // migration_files.cpp, generated

std::vector<db::Migration> embedded() {
  std::vector<db::Migration> out;
  for (const auto& file : files()) out.push_back(db::Migration::from_source(file.name, std::string(file.text)));
  return out;
}

}  // namespace ignition::migrations
