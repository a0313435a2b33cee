# lit configuration of the compss-cc tests. Run through CMake (ctest -R lit), which
# writes lit.site.cfg.py with the paths of the build; never run from relative paths.
import os

import lit.formats

config.name = "compss-cc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = getattr(config, "compss_lit_binary_dir", None)
if config.test_exec_root is None:
    lit_config.fatal("run the tests through the lit.site.cfg.py that CMake writes")

# The real compiler compss-cc uses, and its environment.
config.environment["COMPSS_CXX"] = config.compss_cxx
for var in ("HOME", "TMPDIR", "PATH"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
config.environment.pop("COMPSS_HOME", None)

config.substitutions.append(("%compss-cc", config.compss_cc))
config.substitutions.append(("%FileCheck", config.filecheck))
config.substitutions.append(("%cxx", config.compss_cxx))
config.substitutions.append(("%compss-include", config.compss_include))
config.substitutions.append(("%compss-libdir", config.compss_libdir))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))

# Tests that compile translated code need the runtime's public header; tests that
# link and run programs need the runtime library too.
if os.path.exists(os.path.join(config.compss_include, "compss", "compss.hpp")):
    config.available_features.add("compss-header")
if os.path.exists(os.path.join(config.compss_libdir, "libcompss.so")):
    config.available_features.add("compss-runtime")
