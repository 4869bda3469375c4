# cmake -DOUTPUT=<file.cpp> -DFILES=<a.sql;b.sql> -P EmbedMigrations.cmake
# Writes the files as byte arrays (no escaping pitfalls) and a function listing them.
string(REPLACE "|" ";" FILES "${FILES}")
set(arrays "")
set(entries "")
set(i 0)
foreach(file IN LISTS FILES)
  get_filename_component(name ${file} NAME)
  file(READ ${file} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND arrays "const unsigned char m${i}[] = {${bytes} 0};\n")
  string(APPEND entries "  out.push_back(db::Migration::from_source(\"${name}\", std::string(reinterpret_cast<const char*>(m${i}), sizeof(m${i}) - 1)));\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from migrations/*.sql by cmake/EmbedMigrations.cmake. Do not edit.
#include <ignition/migrations/embedded.hpp>

#include <string>

namespace ignition::migrations {
namespace {
${arrays}}  // namespace

std::vector<db::Migration> embedded() {
  std::vector<db::Migration> out;
${entries}  return out;
}

}  // namespace ignition::migrations
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
