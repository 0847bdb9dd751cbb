# Debian packages from `cpack -G DEB` (scripts/package, docs/install.md): one per install
# component,
#   sisyphus      the binary, the catalogue and matrices (runtime); its Depends come from
#                 dpkg-shlibdeps over the binary, so they are the shared libraries it links
#   sisyphus-dev  the static libraries, headers and CMake package; it Depends on sisyphus and on
#                 the -dev packages whose CMake configs sisyphusConfig.cmake finds
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sisyphus)
set(CPACK_PACKAGE_VENDOR "sisyphus")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "fault-injection HTTP server/proxy and test harness for resumable downloads")
set(CPACK_PACKAGE_CONTACT "sisyphus maintainers <sisyphus@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME sisyphus)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
# The clients the presets drive; sisyphus runs without them (their scenarios say so).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "curl, wget, aria2")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME sisyphus-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libfmt-dev, libyaml-cpp-dev, libssl-dev, cmake")

include(CPack)
cpack_add_component(runtime DISPLAY_NAME "sisyphus command line")
cpack_add_component(dev DISPLAY_NAME "sisyphus libraries and CMake package" DEPENDS runtime)
