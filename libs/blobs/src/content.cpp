#include <ignition/blobs/content.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace ignition::blobs {

namespace {

bool starts(std::string_view head, std::string_view magic, std::size_t at = 0) {
  return head.size() >= at + magic.size() && head.substr(at, magic.size()) == magic;
}

// Declared names → canonical type.
constexpr std::array<std::pair<std::string_view, std::string_view>, 19> aliases{{
    {"image/png", "image/png"},
    {"image/jpeg", "image/jpeg"},
    {"image/jpg", "image/jpeg"},
    {"image/pjpeg", "image/jpeg"},
    {"image/gif", "image/gif"},
    {"image/webp", "image/webp"},
    {"application/pdf", "application/pdf"},
    {"audio/mpeg", "audio/mpeg"},
    {"audio/mp3", "audio/mpeg"},
    {"audio/wav", "audio/wav"},
    {"audio/x-wav", "audio/wav"},
    {"audio/wave", "audio/wav"},
    {"audio/ogg", "audio/ogg"},
    {"audio/flac", "audio/flac"},
    {"audio/x-flac", "audio/flac"},
    {"audio/mp4", "audio/mp4"},
    {"audio/x-m4a", "audio/mp4"},
    {"audio/m4a", "audio/mp4"},
    {"audio/aac", "audio/aac"},
}};

}  // namespace

std::optional<std::string> sniff(std::string_view h) {
  if (starts(h, "\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts(h, "\xff\xd8\xff")) return "image/jpeg";
  if (starts(h, "GIF87a") || starts(h, "GIF89a")) return "image/gif";
  if (starts(h, "RIFF") && starts(h, "WEBP", 8)) return "image/webp";
  if (starts(h, "RIFF") && starts(h, "WAVE", 8)) return "audio/wav";
  if (starts(h, "%PDF-")) return "application/pdf";
  if (starts(h, "OggS")) return "audio/ogg";
  if (starts(h, "fLaC")) return "audio/flac";
  if (starts(h, "ID3")) return "audio/mpeg";
  if (starts(h, "ftyp", 4)) return "audio/mp4";  // ISO media (M4A)
  if (h.size() >= 2 && static_cast<unsigned char>(h[0]) == 0xff) {
    const auto b = static_cast<unsigned char>(h[1]);
    if ((b & 0xf6) == 0xf0) return "audio/aac";   // ADTS: sync word, layer 00
    if ((b & 0xe0) == 0xe0) return "audio/mpeg";  // MPEG audio frame sync
  }
  return std::nullopt;
}

std::optional<std::string> canonical_type(std::string_view declared) {
  std::string type(declared.substr(0, declared.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [name, canonical] : aliases) {
    if (type == name) return std::string(canonical);
  }
  return std::nullopt;
}

std::string category_of(std::string_view canonical) {
  if (canonical.starts_with("image/")) return "image";
  if (canonical.starts_with("audio/")) return "audio";
  return "document";
}

std::uint64_t Limits::of(std::string_view category) const noexcept {
  return category == "image" ? image : category == "audio" ? audio : document;
}

std::uint64_t Limits::largest() const noexcept { return std::max({image, document, audio}); }

}  // namespace ignition::blobs
