# The layering drawn in docs/architecture.md, checked when the project is configured: a library
# (or program) that reaches, directly or through others, a library its layer must not link fails
# `cmake` with the path that does it.

# The ignition_* targets `target` links, directly or through others (PRIVATE links of static
# libraries included: they end up in the same program).
function(ignition_link_closure target out)
  set(seen "")
  set(todo ${target})
  while(todo)
    list(POP_FRONT todo current)
    if(NOT TARGET ${current})
      continue()
    endif()
    get_target_property(aliased ${current} ALIASED_TARGET)
    if(aliased)
      set(current ${aliased})
    endif()
    if(current IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${current})
    get_target_property(type ${current} TYPE)
    set(links "")
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(links ${current} LINK_LIBRARIES)
    endif()
    get_target_property(interface ${current} INTERFACE_LINK_LIBRARIES)
    foreach(link IN LISTS links interface)
      string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
      if(link MATCHES "^ignition")
        list(APPEND todo ${link})
      endif()
    endforeach()
  endwhile()
  list(REMOVE_ITEM seen ${target})
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

# ignition_forbid_links(TARGETS <target>... FORBIDDEN <library>... BECAUSE <reason>)
function(ignition_forbid_links)
  cmake_parse_arguments(ARG "" "BECAUSE" "TARGETS;FORBIDDEN" ${ARGN})
  foreach(target IN LISTS ARG_TARGETS)
    ignition_link_closure(${target} reached)
    foreach(forbidden IN LISTS ARG_FORBIDDEN)
      if(forbidden IN_LIST reached)
        message(FATAL_ERROR "${target} links ${forbidden}, which ${ARG_BECAUSE} (it reaches: ${reached})")
      endif()
    endforeach()
  endforeach()
endfunction()

function(ignition_check_layers)
  set(domains activity gamification focus ideas habits quests goals calendar planner users infobase feedback
      market today learn onboarding books exercise programs)
  set(below_http common db migrations auth oidc outbound storage domain admin blobs tracks d1import ${domains})
  list(TRANSFORM below_http PREPEND ignition_)
  list(TRANSFORM domains PREPEND ignition_)
  ignition_forbid_links(TARGETS ${below_http} ignition-admin ignition-migrate
    FORBIDDEN ignition_http ignition_guard
    BECAUSE "is for ignition-api only: stores, domains and the tools stay usable without the server")
  ignition_forbid_links(TARGETS ignition_http
    FORBIDDEN ignition_outbound ignition_db ignition_auth
    BECAUSE "the server does not know")
  ignition_forbid_links(TARGETS ignition_outbound ignition_oidc ignition_storage
    FORBIDDEN ignition_http ignition_db
    BECAUSE "the outbound client and what talks through it do not need")
  ignition_forbid_links(TARGETS ${domains} ignition_auth
    FORBIDDEN ignition_outbound ignition_oidc ignition_storage
    BECAUSE "domains and the session store do not talk to")
endfunction()
