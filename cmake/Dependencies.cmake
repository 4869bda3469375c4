# Every dependency comes from Debian packages (scripts/bootstrap.sh installs them): Debian 12
# (Boost 1.81, Catch2 2) as CI, and Debian 13 (Boost 1.83, Catch2 3).
# Boost's own CMake package where CMake has dropped its FindBoost module (3.30 and later).
if(POLICY CMP0167)
  cmake_policy(SET CMP0167 NEW)
endif()
find_package(Boost 1.81 REQUIRED COMPONENTS json url)
find_package(fmt REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(Threads REQUIRED)
if(IGNITION_TESTS)
  find_package(Catch2 3 QUIET)
  if(NOT Catch2_FOUND)
    find_package(Catch2 2.13 REQUIRED)
  endif()
endif()

# Boost.JSON / Boost.URL are linked as compiled libraries, never header-only.
add_library(ignition_boost INTERFACE)
target_link_libraries(ignition_boost INTERFACE Boost::boost Boost::json Boost::url)
# A request passes through a dozen nested coroutines; Asio recycles frames per thread, but
# only two by default, so the rest went to malloc on every request.
target_compile_definitions(ignition_boost INTERFACE
  BOOST_ASIO_NO_DEPRECATED
  BOOST_ASIO_DISABLE_BOOST_COROUTINE
  BOOST_ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE=16)
