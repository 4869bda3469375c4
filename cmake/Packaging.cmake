# The Debian package: `cpack -G DEB` in a Release build configured with -DIGNITION_TESTS=OFF
# (scripts/package.sh). The three programs, the systemd unit, the settings template (a conffile,
# mode 0600: it holds secrets) and the operator's documents; library dependencies come from
# dpkg-shlibdeps. Migrations stay a deliberate step: nothing runs at install.
install(TARGETS ignition-api ignition-migrate ignition-admin RUNTIME DESTINATION bin)
install(FILES deploy/systemd/ignition-api.service DESTINATION /lib/systemd/system)
install(FILES deploy/systemd/ignition.env DESTINATION /etc/ignition PERMISSIONS OWNER_READ OWNER_WRITE)
# Debian wants the changelog compressed with no timestamp in it.
set(changelog_gz ${CMAKE_BINARY_DIR}/changelog.gz)
execute_process(COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/deploy/debian/changelog OUTPUT_FILE ${changelog_gz})
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/deploy/debian/changelog)
install(FILES deploy/debian/copyright ${changelog_gz} docs/operations.md docs/configuration.md
        DESTINATION share/doc/ignition-api)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ignition-api)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Ignition engineering <engineering@ignition.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "backend of the Ignition personal-productivity app")
# The synopsis is the summary; this is the text below it (lines under 80 columns).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "The HTTP API of Ignition (focus timer, habits, goals, quests, market,
 learning) with Google and Microsoft sign-in, sessions and data in PostgreSQL,
 and files on disk or in an S3-compatible bucket. ignition-migrate applies the
 schema and imports the legacy data; ignition-admin administers users and
 sessions from a terminal.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS postgresql)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/ignition/ignition-api")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/deploy/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
