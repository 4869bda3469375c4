# Warnings apply to our targets only (ignition_apply_options), never to dependencies.
function(ignition_apply_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wnull-dereference -Wimplicit-fallthrough)
  if(IGNITION_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(IGNITION_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Every library is instrumented for coverage-guided fuzzing and checked by the sanitizers; only
# the fuzz targets link libFuzzer's main (fuzz/CMakeLists.txt).
if(IGNITION_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "IGNITION_FUZZ needs clang (libFuzzer): scripts/fuzz.sh configures it")
  endif()
  # Without -fsanitize=function: clang 14 cannot emit its prologue data for coroutines ("Cannot
  # represent a difference across sections").
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
