#include <catch2/catch.hpp>

#include <ignition/http/metrics.hpp>

using ignition::http::Metrics;

TEST_CASE("requests are counted by route template, method and status with a cumulative histogram") {
  Metrics m;
  m.observe_request("/api/v1/focus/{id}", "GET", 200, 0.003);
  m.observe_request("/api/v1/focus/{id}", "GET", 200, 0.2);
  m.observe_request("/api/v1/focus/{id}", "GET", 404, 0.0001);
  m.observe_request("", "GET", 404, 0.0001);
  std::string text = m.render();
  CHECK_THAT(text, Catch::Contains(R"(http_requests_total{route="/api/v1/focus/{id}",method="GET",status="200"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(http_requests_total{route="/api/v1/focus/{id}",method="GET",status="404"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(http_requests_total{route="unmatched",method="GET",status="404"} 1)"));
  // 0.003 s falls in le=0.005 and above, not in le=0.0025; +Inf holds every request.
  CHECK_THAT(text, Catch::Contains(R"(route="/api/v1/focus/{id}",method="GET",status="200",le="0.0025"} 0)"));
  CHECK_THAT(text, Catch::Contains(R"(route="/api/v1/focus/{id}",method="GET",status="200",le="0.005"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(route="/api/v1/focus/{id}",method="GET",status="200",le="0.25"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(route="/api/v1/focus/{id}",method="GET",status="200",le="+Inf"} 2)"));
  CHECK_THAT(text, Catch::Contains("# TYPE http_request_duration_seconds histogram"));
}

TEST_CASE("a series met again after others counts on; route, method and status each tell series apart") {
  Metrics m;
  m.observe_request("/a", "GET", 200, 0.1);
  m.observe_request("/b", "GET", 200, 0.1);
  m.observe_request("/a", "GET", 200, 0.1);
  m.observe_request("/a", "POST", 200, 0.1);
  m.observe_request("/a", "POST", 201, 0.1);
  const std::string text = m.render();
  CHECK_THAT(text, Catch::Contains(R"(http_requests_total{route="/a",method="GET",status="200"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(http_requests_total{route="/b",method="GET",status="200"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(http_requests_total{route="/a",method="POST",status="200"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(http_requests_total{route="/a",method="POST",status="201"} 1)"));
}

TEST_CASE("other components contribute their own lines") {
  Metrics m;
  m.add_source([](std::string& out) { out += "db_pool_waiting 3\n"; });
  CHECK_THAT(m.render(), Catch::Contains("db_pool_waiting 3\n"));
}

TEST_CASE("label values are escaped") {
  Metrics m;
  m.observe_request("/a\"b", "GET", 200, 0.1);
  CHECK_THAT(m.render(), Catch::Contains(R"(route="/a\"b")"));
}
