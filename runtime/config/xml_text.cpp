#include "config/xml_text.hpp"

#include <compss/error.hpp>

#include <boost/property_tree/xml_parser.hpp>

#include <algorithm>
#include <sstream>
#include <string_view>

namespace compss::config {

namespace pt = boost::property_tree;

namespace {

constexpr const char* line_attribute = "compss-line";

/// `text` with `compss-line="N"` in every start tag. Throws when an element is nested deeper
/// than max_xml_depth, naming its line. A shallow scan, not a parser: it skips comments,
/// CDATA, processing instructions, declarations and quoted attribute values, and leaves
/// every other error to the parser (whose line numbers the added attributes do not move).
std::string with_lines(const std::string& text, const std::string& origin) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  unsigned depth = 0;
  unsigned line = 1;
  std::size_t i = 0;
  auto copy_to = [&](std::size_t stop) {
    for (; i < stop; ++i) {
      line += text[i] == '\n' ? 1 : 0;
      out += text[i];
    }
  };
  auto copy_past = [&](const char* end) {
    std::size_t at = text.find(end, i);
    copy_to(at == std::string::npos ? text.size() : at + std::char_traits<char>::length(end));
  };
  while (i < text.size()) {
    if (text[i] != '<') {
      copy_to(i + 1);
    } else if (text.compare(i, 4, "<!--") == 0) {
      copy_past("-->");
    } else if (text.compare(i, 9, "<![CDATA[") == 0) {
      copy_past("]]>");
    } else if (text.compare(i, 2, "<?") == 0) {
      copy_past("?>");
    } else if (text.compare(i, 2, "<!") == 0) {
      copy_past(">");
    } else if (text.compare(i, 2, "</") == 0) {
      if (depth > 0) --depth;
      copy_past(">");
    } else {
      const unsigned start_line = line;
      std::size_t name_end = i + 1;
      while (name_end < text.size() && std::string_view(" \t\r\n/>").find(text[name_end]) == std::string_view::npos) {
        ++name_end;
      }
      std::size_t k = name_end;  // to the tag's '>', past quoted attribute values
      for (char quote = 0; k < text.size() && (quote != 0 || text[k] != '>'); ++k) {
        if (quote != 0 && text[k] == quote) quote = 0;
        else if (quote == 0 && (text[k] == '"' || text[k] == '\'')) quote = text[k];
      }
      const bool empty_element = k < text.size() && text[k - 1] == '/';
      if (!empty_element && ++depth > max_xml_depth) {
        throw Error("compss: " + origin + ":" + std::to_string(start_line) +
                    ": elements nested deeper than " + std::to_string(max_xml_depth) +
                    " levels (the COMPSs schemas nest about 10): not a resources.xml or "
                    "project.xml file");
      }
      const bool named = name_end > i + 1;
      copy_to(name_end);
      if (named) out += std::string(" ") + line_attribute + "=\"" + std::to_string(start_line) + "\"";
      copy_to(std::min(k + 1, text.size()));
    }
  }
  return out;
}

}  // namespace

pt::ptree read_xml_text(const std::string& text, const std::string& origin) {
  std::istringstream in(with_lines(text, origin));
  pt::ptree tree;
  try {
    pt::read_xml(in, tree, pt::xml_parser::no_comments);
  } catch (const pt::xml_parser_error& e) {
    throw Error("compss: " + origin + ":" + std::to_string(e.line()) + ": malformed XML: " +
                e.message());
  }
  return tree;
}

unsigned xml_line(const pt::ptree& element) {
  return element.get<unsigned>(std::string("<xmlattr>.") + line_attribute, 0);
}

void XmlPlace::fail(const pt::ptree& at, const std::string& element, const std::string& what) const {
  std::string where = origin;
  if (unsigned line = xml_line(at); line > 0) where += ":" + std::to_string(line);
  if (!node.empty()) where += ": ComputeNode '" + node + "'";
  if (!element.empty()) where += ": " + element;
  throw Error("compss: " + where + ": " + what);
}

}  // namespace compss::config
