#pragma once
/// Reference tracks: audio files a user keeps to listen to and compare against, stored like
/// blobs (same upload pipeline, audio types only) with a title and a cached analysis.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include <ignition/blobs/blobs.hpp>
#include <ignition/common/uuid.hpp>
#include <ignition/domain/page.hpp>
#include <ignition/domain/rules.hpp>

namespace ignition::tracks {

namespace rules {
inline constexpr domain::Text title{1, 200};
inline constexpr domain::Text artist{1, 200};
inline constexpr std::size_t analysis_bytes = 1024 * 1024;  // a stored analysis, as JSON text
inline constexpr domain::Measure bpm{1, 1'000};
inline constexpr domain::Text musical_key{1, 16};
inline constexpr domain::Measure unit{0, 1};  // energy, danceability
inline constexpr domain::Measure loudness_lufs{-100, 10};
inline constexpr std::size_t max_sections = 1'000;
inline constexpr std::size_t max_peaks = 100'000;
inline constexpr domain::Text analyzer_version{1, 64};
}  // namespace rules

struct NewTrack {
  blobs::NewUpload upload;
  std::string title;
  std::optional<std::string> artist;
};

domain::Check check(const NewTrack& track);

/// Error(unsupported_media_type) for anything but audio. Returns the track's metadata.
boost::asio::awaitable<boost::json::object> upload(const blobs::Deps& deps, Uuid user, NewTrack track,
                                                   const blobs::ReadPiece& read);
boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page);
boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id);
/// Where the audio is, for streaming.
boost::asio::awaitable<blobs::Object> object(db::Pool& pool, Uuid user, Uuid id);
/// Removes the row (its analysis goes with it) and the object together.
boost::asio::awaitable<void> remove(const blobs::Deps& deps, Uuid user, Uuid id);

/// The cached analysis; Error(not_found) when the track has none yet.
boost::asio::awaitable<boost::json::object> analysis(db::Pool& pool, Uuid user, Uuid track);

struct Analysis {
  std::optional<double> bpm;
  std::optional<std::string> musical_key;
  std::optional<double> energy;        // 0..1
  std::optional<double> danceability;  // 0..1
  std::optional<double> loudness_lufs;
  std::optional<boost::json::value> sections;  // arrays
  std::optional<boost::json::value> waveform;
  std::optional<std::string> analyzer_version;
};
/// Numbers in range, `sections` and `waveform` arrays of at most max_sections and max_peaks items.
domain::Check check(const Analysis& analysis);

/// Replaces the cached analysis of the user's track.
boost::asio::awaitable<boost::json::object> store_analysis(db::Pool& pool, Uuid user, Uuid track, Analysis analysis);

}  // namespace ignition::tracks
