# compss_add_executable(<name> <sources>...)
#
# Like add_executable, but every C++ source is compiled through compss-cc (as a compiler
# launcher: `compss-cc --launch <real c++> <flags>`), so task pragmas become tasks, and the
# program links the COMPSs runtime. Used in this source tree and, through
# COMPSsConfig.cmake, by projects that call find_package(COMPSs).
function(compss_add_executable name)
  if(NOT COMPSS_CC_EXECUTABLE)
    message(FATAL_ERROR "compss_add_executable: COMPSS_CC_EXECUTABLE is not set; "
                        "call find_package(COMPSs) first")
  endif()
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE COMPSs::runtime)
  compss_translate_sources(${name})
endfunction()

# compss_translate_sources(<target>)
#
# Compiles the C++ sources of an existing target (an executable or a library, such as
# dislib) through compss-cc, so its task pragmas become tasks. Linking the runtime is left
# to the caller.
function(compss_translate_sources name)
  if(NOT COMPSS_CC_EXECUTABLE)
    message(FATAL_ERROR "compss_translate_sources: COMPSS_CC_EXECUTABLE is not set; "
                        "call find_package(COMPSs) first")
  endif()
  set_property(TARGET ${name} PROPERTY CXX_COMPILER_LAUNCHER "${COMPSS_CC_EXECUTABLE};--launch")
  if(TARGET compss-cc)
    # In this source tree the translator is built by the same build.
    add_dependencies(${name} compss-cc)
  endif()
endfunction()
