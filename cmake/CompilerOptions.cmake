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
