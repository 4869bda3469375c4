#include <catch2/catch.hpp>
#include <ignition/common/histogram.hpp>

#include <thread>
#include <vector>

using ignition::Histogram;

TEST_CASE("Histogram renders cumulative buckets with inclusive bounds, its sum and count") {
  static constexpr std::array<double, 3> bounds = {0.001, 0.01, 0.1};
  Histogram h(bounds);
  h.observe(0.0005);
  h.observe(0.001);  // on a bound: counted in it (le is "less than or equal")
  h.observe(0.05);
  h.observe(3.0);
  std::string out;
  ignition::render_histogram_header(out, "db_query_duration_seconds", "Query time.");
  h.render(out, "db_query_duration_seconds", R"(statement="users_by_id")");
  CHECK(out ==
        "# HELP db_query_duration_seconds Query time.\n"
        "# TYPE db_query_duration_seconds histogram\n"
        "db_query_duration_seconds_bucket{statement=\"users_by_id\",le=\"0.001\"} 2\n"
        "db_query_duration_seconds_bucket{statement=\"users_by_id\",le=\"0.01\"} 2\n"
        "db_query_duration_seconds_bucket{statement=\"users_by_id\",le=\"0.1\"} 3\n"
        "db_query_duration_seconds_bucket{statement=\"users_by_id\",le=\"+Inf\"} 4\n"
        "db_query_duration_seconds_sum{statement=\"users_by_id\"} 3.0515\n"
        "db_query_duration_seconds_count{statement=\"users_by_id\"} 4\n");
}

TEST_CASE("Histogram without labels, observed from several threads") {
  Histogram h;
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < 10'000; ++i) h.observe(0.002);
    });
  }
  threads.clear();
  std::string out;
  h.render(out, "pool_wait_seconds", "");
  CHECK(out.find("pool_wait_seconds_bucket{le=\"0.001\"} 0\n") != std::string::npos);
  CHECK(out.find("pool_wait_seconds_bucket{le=\"0.0025\"} 40000\n") != std::string::npos);
  CHECK(out.find("pool_wait_seconds_count 40000\n") != std::string::npos);
  CHECK(h.count() == 40000);
}
