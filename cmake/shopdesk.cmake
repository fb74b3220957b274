# sd_library(name SOURCES … DEPS …): one library per module/layer, linked only along the
# dependency arrows of docs/ARCHITECTURE.md. Tests are collected separately (tests/unit).
function(sd_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;SYSTEM_DEPS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${A_DEPS} ${A_SYSTEM_DEPS} PRIVATE sd_warnings)
endfunction()

# sd_tests(lib file…): a GoogleTest binary `<lib>_tests` for one library, linked only to it,
# so a library's tests build and run without the rest of the tree.
function(sd_tests lib)
  if(NOT SHOPDESK_TESTS)
    return()
  endif()
  find_package(GTest REQUIRED)
  add_executable(${lib}_tests ${ARGN} ${CMAKE_SOURCE_DIR}/tests/unit/test_main.cpp)
  target_link_libraries(${lib}_tests PRIVATE ${lib} GTest::gtest sd_warnings PkgConfig::SODIUM)
  target_include_directories(${lib}_tests PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
  include(GoogleTest)
  gtest_discover_tests(${lib}_tests DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()

# sd_embed(target BASE dir GLOBS …): compiles the matching files into `target`, readable as
# sd::resources::find("migrations/sqlite/0001_x.sql") (see src/core/resources.hpp).
function(sd_embed target)
  cmake_parse_arguments(A "" "BASE" "GLOBS" ${ARGN})
  set(files)
  foreach(g ${A_GLOBS})
    file(GLOB matched CONFIGURE_DEPENDS RELATIVE ${A_BASE} ${A_BASE}/${g})
    list(APPEND files ${matched})
  endforeach()
  list(SORT files)
  set(out ${CMAKE_BINARY_DIR}/generated/${target}.cpp)
  set(abs)
  foreach(f ${files})
    list(APPEND abs ${A_BASE}/${f})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DBASE=${A_BASE} "-DFILES=${files}" -DOUT=${out}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${abs} ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${target} resources"
    VERBATIM)
  add_library(${target} STATIC ${out})
  target_include_directories(${target} PUBLIC ${CMAKE_SOURCE_DIR}/src)
endfunction()
