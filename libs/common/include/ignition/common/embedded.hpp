#pragma once
/// A text file compiled into the binary (cmake/EmbedFiles.cmake): the schema migrations, the
/// OpenAPI fragments, the reference page's files.

#include <span>
#include <string_view>

namespace ignition {

struct EmbeddedFile {
  std::string_view name;  ///< the file's name, without its directory
  std::string_view text;
};

}  // namespace ignition
