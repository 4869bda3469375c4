#pragma once
/// UUIDs as 16 bytes; text form is lower-case 8-4-4-4-12.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ignition {

class Uuid {
 public:
  constexpr Uuid() = default;
  explicit constexpr Uuid(const std::array<std::uint8_t, 16>& bytes) : bytes_(bytes) {}

  /// Random (version 4) from the CSPRNG.
  static Uuid v4();
  /// Name-based (version 5, SHA-1) in `ns`.
  static Uuid v5(const Uuid& ns, std::string_view name);
  /// Strict parse of the canonical 36-character form (either case); nullopt otherwise.
  static std::optional<Uuid> parse(std::string_view text) noexcept;

  std::string to_string() const;
  const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }
  bool is_nil() const noexcept;

  friend constexpr auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace ignition
