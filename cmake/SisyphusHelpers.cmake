# sisyphus_registry(OUTPUT FILE MACRO NAME SOURCES...): one `NAME(<file name>)` line per source
# file, written to FILE, which the registry's .cpp includes as an X-macro list. Registering a
# fault kind or a client adapter is then adding its file, and no other file changes.
function(sisyphus_registry)
  cmake_parse_arguments(ARG "" "OUTPUT;MACRO" "SOURCES" ${ARGN})
  set(lines "")
  foreach(f ${ARG_SOURCES})
    get_filename_component(name ${f} NAME_WE)
    string(APPEND lines "${ARG_MACRO}(${name})\n")
  endforeach()
  file(CONFIGURE OUTPUT ${ARG_OUTPUT} CONTENT "${lines}")
endfunction()

# sisyphus_test(NAME SOURCES... LIBS ...): one GoogleTest binary registered with CTest, linked
# with the test-support library sisyphus_testing (testing/). Each test carries the binary's name
# as its label, so a preset or `ctest -L` can pick the tests of some binaries (the tsan preset).
function(sisyphus_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT SISYPHUS_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} sisyphus_testing GTest::gtest
    GTest::gtest_main sisyphus_warnings)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS ${name})
endfunction()
