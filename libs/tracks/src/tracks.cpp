#include <ignition/tracks/tracks.hpp>

#include <ignition/db/pool.hpp>
#include <ignition/domain/record.hpp>

namespace ignition::tracks {

namespace {

#define TRACK_COLUMNS                                                                                \
  "id, title, artist, filename, content_type, size_bytes AS size, encode(sha256, 'hex') AS sha256, " \
  "duration_seconds, tags, visibility, created_at, updated_at"
#define ANALYSIS_COLUMNS                                                                                  \
  "track_id, bpm, musical_key AS key, energy, danceability, loudness_lufs, sections, waveform AS peaks, " \
  "analyzer_version, analyzed_at"

const db::Statement insert_statement{
    "tracks_insert",
    "INSERT INTO reference_tracks (id, user_id, title, artist, storage_key, content_type, size_bytes, sha256,"
    " filename) VALUES ($1, $2, $3, $4, $5, $6, $7, decode($8, 'hex'), $9) RETURNING " TRACK_COLUMNS};
const db::Statement get_statement{"tracks_get",
                                  "SELECT " TRACK_COLUMNS " FROM reference_tracks WHERE id = $1 AND user_id = $2"};
const db::Statement list_statement{"tracks_list", "SELECT " TRACK_COLUMNS
                                                  " FROM reference_tracks WHERE user_id = $1"
                                                  " AND (created_at, id) < ($2::timestamptz, $3::uuid)"
                                                  " ORDER BY created_at DESC, id DESC LIMIT $4"};
const db::Statement object_statement{
    "tracks_object",
    "SELECT storage_key, content_type, size_bytes, coalesce(encode(sha256, 'hex'), md5(storage_key)), filename"
    " FROM reference_tracks WHERE id = $1 AND user_id = $2"};
const db::Statement delete_statement{
    "tracks_delete", "DELETE FROM reference_tracks WHERE id = $1 AND user_id = $2 RETURNING storage_key"};
const db::Statement analysis_statement{
    "tracks_analysis", "SELECT " ANALYSIS_COLUMNS " FROM track_analysis_cache WHERE track_id = $1 AND user_id = $2"};
// Only for a track of the user's own: no row means 404.
const db::Statement store_analysis_statement{
    "tracks_store_analysis",
    "INSERT INTO track_analysis_cache AS c (track_id, user_id, bpm, musical_key, energy, danceability,"
    " loudness_lufs, sections, waveform, analyzer_version)"
    " SELECT t.id, t.user_id, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10 FROM reference_tracks t"
    " WHERE t.id = $1 AND t.user_id = $2"
    " ON CONFLICT (track_id) DO UPDATE SET bpm = EXCLUDED.bpm, musical_key = EXCLUDED.musical_key,"
    " energy = EXCLUDED.energy, danceability = EXCLUDED.danceability, loudness_lufs = EXCLUDED.loudness_lufs,"
    " sections = EXCLUDED.sections, waveform = EXCLUDED.waveform, analyzer_version = EXCLUDED.analyzer_version,"
    " analyzed_at = now() RETURNING " ANALYSIS_COLUMNS};

#undef TRACK_COLUMNS
#undef ANALYSIS_COLUMNS

std::optional<db::JsonText> json_of(const std::optional<boost::json::value>& value) {
  if (!value) return std::nullopt;
  return domain::json_param(*value);
}

}  // namespace

domain::Check check(const NewTrack& track) {
  domain::Check c = blobs::check(track.upload);
  c.text("title", track.title, rules::title).text("artist", track.artist, rules::artist);
  return c;
}

namespace {
void check_array(domain::Check& c, std::string_view field, const std::optional<boost::json::value>& value,
                 std::size_t max) {
  if (value && !value->is_null() && (!value->is_array() || value->get_array().size() > max))
    c.fail(field, "must be an array of at most " + std::to_string(max) + " items");
}
}  // namespace

domain::Check check(const Analysis& a) {
  domain::Check c;
  c.number("bpm", a.bpm, rules::bpm)
      .text("key", a.musical_key, rules::musical_key)
      .number("energy", a.energy, rules::unit)
      .number("danceability", a.danceability, rules::unit)
      .number("loudness_lufs", a.loudness_lufs, rules::loudness_lufs)
      .text("analyzer_version", a.analyzer_version, rules::analyzer_version);
  check_array(c, "sections", a.sections, rules::max_sections);
  check_array(c, "peaks", a.waveform, rules::max_peaks);
  return c;
}

boost::asio::awaitable<boost::json::object> upload(const blobs::Deps& deps, Uuid user, NewTrack track,
                                                   const blobs::ReadPiece& read) {
  check(track).done();
  const Uuid id = Uuid::v4();
  const std::string key = "users/" + user.to_string() + "/tracks/" + id.to_string();
  const auto stored = co_await blobs::store_upload(deps, key, track.upload, read, std::string("audio"));
  const std::function<boost::asio::awaitable<boost::json::object>()> write_row =
      [&]() -> boost::asio::awaitable<boost::json::object> {
    auto rows = co_await deps.pool.execute(insert_statement, id, user, track.title, track.artist, stored.key,
                                           stored.content_type, stored.size, stored.sha256_hex, track.upload.filename);
    co_return domain::to_object(rows, 0);
  };
  auto row = co_await blobs::keep_with_row(deps.store, stored.key, write_row);
  co_return row;
}

boost::asio::awaitable<domain::Page> list(db::Pool& pool, Uuid user, domain::PageRequest page) {
  auto params = db::Params::of(user);
  auto result = co_await domain::fetch_page(pool, list_statement, std::move(params), page, "created_at");
  co_return result;
}

boost::asio::awaitable<boost::json::object> get(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(get_statement, id, user);
  co_return domain::one_or_not_found(rows, "track");
}

boost::asio::awaitable<blobs::Object> object(db::Pool& pool, Uuid user, Uuid id) {
  auto rows = co_await pool.execute(object_statement, id, user);
  co_return blobs::object_of(rows, "track");
}

boost::asio::awaitable<void> remove(const blobs::Deps& deps, Uuid user, Uuid id) {
  co_await blobs::remove_with_object(deps, delete_statement, user, id, "track");
}

boost::asio::awaitable<boost::json::object> analysis(db::Pool& pool, Uuid user, Uuid track) {
  auto rows = co_await pool.execute(analysis_statement, track, user);
  co_return domain::one_or_not_found(rows, "analysis");
}

boost::asio::awaitable<boost::json::object> store_analysis(db::Pool& pool, Uuid user, Uuid track, Analysis a) {
  check(a).done();
  const auto sections = json_of(a.sections);
  const auto waveform = json_of(a.waveform);
  auto rows = co_await pool.execute(store_analysis_statement, track, user, a.bpm, a.musical_key, a.energy,
                                    a.danceability, a.loudness_lufs, sections, waveform, a.analyzer_version);
  co_return domain::one_or_not_found(rows, "track");
}

}  // namespace ignition::tracks
