# sisyphus_add_scenarios(DIR <dir> CLIENT <client> [PREFIX <prefix>] [SISYPHUS <exe>]
#                        [TIMEOUT <seconds>] [ARGS <arg>...])
#
# Registers one CTest test per scenario file in DIR (*.yaml, *.yml; globbed at configure
# time, re-globbed when files are added): `sisyphus run <file> --client <client> --out
# <build dir>/sisyphus-reports/<prefix><stem> <args>`. The test passes when every expectation
# of the scenario holds (exit 0). CLIENT is anything `--client` takes: reference, naive,
# curl, wget, aria2c, reference-cli, or 'command: mytool {url} -o {output}'.
# SISYPHUS defaults to the `sisyphus` target of this build, else the one find_package(sisyphus)
# found, else `sisyphus` on PATH.
function(sisyphus_add_scenarios)
  cmake_parse_arguments(ARG "" "DIR;CLIENT;PREFIX;SISYPHUS;TIMEOUT" "ARGS" ${ARGN})
  if(NOT ARG_DIR OR NOT ARG_CLIENT)
    message(FATAL_ERROR "sisyphus_add_scenarios: DIR and CLIENT are required")
  endif()
  if(NOT ARG_SISYPHUS)
    if(TARGET sisyphus OR PROJECT_NAME STREQUAL "sisyphus")
      set(ARG_SISYPHUS $<TARGET_FILE:sisyphus>)
    elseif(TARGET sisyphus::sisyphus)  # find_package(sisyphus): the installed binary
      set(ARG_SISYPHUS $<TARGET_FILE:sisyphus::sisyphus>)
    else()
      set(ARG_SISYPHUS sisyphus)
    endif()
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  file(GLOB files CONFIGURE_DEPENDS ${ARG_DIR}/*.yaml ${ARG_DIR}/*.yml)
  list(SORT files)
  foreach(file ${files})
    get_filename_component(stem ${file} NAME_WE)
    set(test_name ${ARG_PREFIX}${stem})
    add_test(NAME ${test_name}
             COMMAND ${ARG_SISYPHUS} run ${file} --client ${ARG_CLIENT}
                     --out ${CMAKE_CURRENT_BINARY_DIR}/sisyphus-reports/${test_name} ${ARG_ARGS})
    set_tests_properties(${test_name} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS sisyphus-scenario)
  endforeach()
endfunction()
