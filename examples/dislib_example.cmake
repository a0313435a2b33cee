# dislib_example(<name> <args>...): the dislib example <name>.cpp built twice, `<name>`
# with compss-cc against dislib (tasks) and `<name>_seq` with the plain compiler against
# dislib_seq (everything sequential), and its tests (label dislib): run with <args>, it
# prints the sequential build's output locally with 1, 2 and 4 threads
# (dislib.example_<name>.local) and under compss-run --workers 2 and --workers 3
# --master-cores 0 (dislib.example_<name>.distributed). Part of the COMPSs source tree:
# dislib is built there (it needs libopenblas-dev, liblapacke-dev and libsvm-dev).
function(dislib_example name)
  if(NOT TARGET dislib)
    message(STATUS "examples/${name}: no dislib in this build, not built")
    return()
  endif()
  compss_add_executable(${name} ${name}.cpp)
  target_link_libraries(${name} PRIVATE dislib)

  add_executable(${name}_seq ${name}.cpp)
  target_link_libraries(${name}_seq PRIVATE dislib_seq)
  target_compile_options(${name}_seq PRIVATE $<$<CXX_COMPILER_ID:GNU,Clang>:-Wno-unknown-pragmas>)

  if(COMPSS_BUILD_TESTS AND TARGET compss-run)
    add_test(NAME dislib.example_${name}.local
             COMMAND ${PROJECT_SOURCE_DIR}/tests/e2e/compare.sh $<TARGET_FILE:${name}_seq>
                     $<TARGET_FILE:${name}> ${ARGN})
    add_test(NAME dislib.example_${name}.distributed
             COMMAND ${PROJECT_SOURCE_DIR}/tests/e2e/distributed/compare_distributed.sh
                     $<TARGET_FILE:compss-run> $<TARGET_FILE:${name}_seq>
                     $<TARGET_FILE:${name}> ${ARGN})
    set_tests_properties(dislib.example_${name}.local PROPERTIES LABELS dislib TIMEOUT 300)
    set_tests_properties(dislib.example_${name}.distributed PROPERTIES
      LABELS "dislib;distributed" TIMEOUT 300)
  endif()
endfunction()
