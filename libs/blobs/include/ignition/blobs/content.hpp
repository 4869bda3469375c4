#pragma once
/// What an uploaded file is: its type named by the client, checked against its first bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ignition::blobs {

/// Bytes of the file's start that sniff() needs at most.
inline constexpr std::size_t sniff_bytes = 16;

/// The type a file's first bytes prove (PNG, JPEG, GIF, WebP, PDF, MP3, WAV, OGG, FLAC,
/// M4A, AAC), as its canonical MIME type; nullopt for anything else.
std::optional<std::string> sniff(std::string_view head);

/// A declared Content-Type as the canonical MIME type of an allowed kind ("image/jpg" →
/// "image/jpeg", "audio/mp3" → "audio/mpeg", parameters dropped, any case); nullopt when
/// the type is not allowed at all.
std::optional<std::string> canonical_type(std::string_view declared);

/// "image", "document" or "audio" for a canonical type.
std::string category_of(std::string_view canonical);

/// Size limits per category (STORAGE_MAX_IMAGE_BYTES, …_DOCUMENT_…, …_AUDIO_…).
struct Limits {
  std::uint64_t image = 10ULL << 20;
  std::uint64_t document = 25ULL << 20;
  std::uint64_t audio = 100ULL << 20;
  std::uint64_t of(std::string_view category) const noexcept;
  std::uint64_t largest() const noexcept;
};

}  // namespace ignition::blobs
