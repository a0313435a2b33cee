// The text of a file that tasks write, once they have written it (the binary/MPI task
// tests print what their programs wrote).
#pragma once

#include <compss/compss.hpp>

#include <fstream>
#include <sstream>
#include <string>

inline std::string read_written_file(const std::string& path) {
  compss::wait_on_file(path);
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
