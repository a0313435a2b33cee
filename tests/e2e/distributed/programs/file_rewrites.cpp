// The program rewrites an input file between tasks. On workers without the master's files
// (--shared-fs no) a worker keeps the file's contents it was sent; a task submitted after
// the rewrite must read the new contents, not that copy. Every line printed must match
// the sequential build.
// usage: e2e_file_rewrites <directory>
#include <fstream>
#include <iostream>
#include <string>

#pragma compss task file_in(path)
long count_words(const std::string& path) {
  std::ifstream in(path);
  long n = 0;
  for (std::string w; in >> w;) ++n;
  return n;
}

#pragma compss task file_in(src) file_out(dst)
void shout(const std::string& src, const std::string& dst) {
  std::ifstream in(src);
  std::ofstream out(dst);
  for (std::string w; in >> w;) out << w << "! ";
  out << "\n";
}

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : ".";
  const std::string text = dir + "/text.txt", loud = dir + "/loud.txt";
  for (int round = 1; round <= 3; ++round) {
    {
      std::ofstream out(text);  // a new text each round, written by the program itself
      for (int i = 0; i < round * 2; ++i) out << "word" << round << "_" << i << " ";
    }
    long words = count_words(text);
    shout(text, loud);
    std::cout << "round " << round << ": " << words << " words\n";  // waits for the count
#pragma compss wait_on_file(loud)
    std::cout << std::ifstream(loud).rdbuf();
  }
  return 0;
}
