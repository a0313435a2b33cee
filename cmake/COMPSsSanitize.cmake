# COMPSS_SANITIZE=address|thread: compile and link every target of this build with the
# sanitizer. The flags are directory-wide options, so they also reach the programs built
# through compss-cc (compss_add_executable): CMake puts them on the compile line it hands
# to `compss-cc --launch <c++>`, which passes them on to the real compiler, and on the
# link line. UBSan aborts on its first finding (no recovery), so a finding fails the test.
if(NOT COMPSS_SANITIZE)
  return()
endif()
if(COMPSS_SANITIZE STREQUAL "address")
  set(COMPSS_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
                            -fno-omit-frame-pointer)
elseif(COMPSS_SANITIZE STREQUAL "thread")
  set(COMPSS_SANITIZE_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
else()
  message(FATAL_ERROR "COMPSS_SANITIZE='${COMPSS_SANITIZE}': use address, thread or leave it empty")
endif()
add_compile_options(${COMPSS_SANITIZE_FLAGS} -g1)  # -g1: line numbers in the reports
add_link_options(${COMPSS_SANITIZE_FLAGS})
message(STATUS "Sanitizers: ${COMPSS_SANITIZE_FLAGS}")
