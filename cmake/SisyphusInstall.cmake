# What `cmake --install` and `cpack` put where (docs/install.md). Two components:
#   runtime  the `sisyphus` binary, the built-in catalogue and matrices, man page, completion
#   dev      static libraries, public headers, sisyphusConfig.cmake (+ targets, version) and
#            SisyphusScenarios.cmake, for find_package(sisyphus CONFIG) in a user's project
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SISYPHUS_CMAKE_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/sisyphus)

# sisyphus_export_library(TARGET NAME [HEADERS file...]): TARGET becomes sisyphus::NAME, in
# this build (an alias) and in the installed package (the export set). Its public headers
# are include/ of the calling directory, all of them unless HEADERS names the ones to install
# (paths relative to include/).
function(sisyphus_export_library target name)
  cmake_parse_arguments(ARG "" "" "HEADERS" ${ARGN})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  add_library(sisyphus::${name} ALIAS ${target})
  install(TARGETS ${target} EXPORT sisyphusTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
  if(ARG_HEADERS)
    foreach(header ${ARG_HEADERS})
      get_filename_component(dir ${header} DIRECTORY)
      install(FILES include/${header} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/${dir}
              COMPONENT dev)
    endforeach()
  else()
    install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
  endif()
endfunction()

# Called once, at the end of the top-level CMakeLists.txt, when every target exists.
function(sisyphus_install_package)
  # Static libraries carry their private link dependencies ($<LINK_ONLY:…>), so the
  # internal ones travel in the export set too: the Asio/Beast translation unit and the
  # warning flags (an interface library: its flags reach nobody through LINK_ONLY).
  set_target_properties(sisyphus_asio PROPERTIES EXPORT_NAME asio_impl)
  set_target_properties(sisyphus_warnings PROPERTIES EXPORT_NAME warnings)
  install(TARGETS sisyphus_asio sisyphus_warnings EXPORT sisyphusTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
  install(TARGETS sisyphus EXPORT sisyphusTargets
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/catalogue ${PROJECT_SOURCE_DIR}/scenarios/matrices
          DESTINATION ${CMAKE_INSTALL_DATADIR}/sisyphus COMPONENT runtime)

  install(EXPORT sisyphusTargets NAMESPACE sisyphus:: DESTINATION ${SISYPHUS_CMAKE_INSTALL_DIR}
          COMPONENT dev)
  configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/sisyphusConfig.cmake.in
    ${PROJECT_BINARY_DIR}/sisyphusConfig.cmake INSTALL_DESTINATION ${SISYPHUS_CMAKE_INSTALL_DIR})
  # 0.x: a minor version may change the API.
  write_basic_package_version_file(${PROJECT_BINARY_DIR}/sisyphusConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
  install(FILES ${PROJECT_BINARY_DIR}/sisyphusConfig.cmake
                ${PROJECT_BINARY_DIR}/sisyphusConfigVersion.cmake
                ${PROJECT_SOURCE_DIR}/cmake/SisyphusScenarios.cmake
          DESTINATION ${SISYPHUS_CMAKE_INSTALL_DIR} COMPONENT dev)
endfunction()
