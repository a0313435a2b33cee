// Reading resources.xml / project.xml text into a Boost property tree that remembers each
// element's line, and the one form of their errors: "compss: <file>:<line>: ComputeNode
// '<name>': <element>: <what is wrong and what is expected>".
//
// Boost's XML parser keeps no positions, so before parsing each start tag gets an attribute
// `compss-line="N"` (its line in the file): every element's ptree then knows its line
// (`<xmlattr>.compss-line`), and an error about a value names the line of that value.
#pragma once

#include <boost/property_tree/ptree.hpp>

#include <string>

namespace compss::config {

/// The deepest element nesting accepted in resources.xml and project.xml. COMPSs' schemas
/// nest about 10 levels (Project/Cloud/CloudProvider/Images/Image/Adaptors/Adaptor/
/// SubmissionSystem/Batch/Queue); deeper input is refused before it is parsed (the parser
/// recurses once per level: a file nested 50,000 levels deep overflowed the stack).
inline constexpr unsigned max_xml_depth = 32;

/// Parses `text` (`origin` names it in errors). Throws compss::Error "compss: <origin>:<line>:
/// malformed XML: ..." and "...: elements nested deeper than 32 levels ...".
///
///   boost::property_tree::ptree t = read_xml_text(text, "resources.xml");
boost::property_tree::ptree read_xml_text(const std::string& text, const std::string& origin);

/// The line of element `element` in its file (0 for a tree not made by read_xml_text).
unsigned xml_line(const boost::property_tree::ptree& element);

/// Where an error is: the file and, once known, the ComputeNode (its name).
///
///   XmlPlace{"r.xml", "n1"}.fail(units_tree, "Processor/ComputingUnits", "expected ...");
struct XmlPlace {
  std::string origin;
  std::string node;
  /// Throws compss::Error "compss: <origin>:<line of at>: ComputeNode '<node>': <element>:
  /// <what>" (the parts that are empty left out).
  [[noreturn]] void fail(const boost::property_tree::ptree& at, const std::string& element,
                         const std::string& what) const;
};

}  // namespace compss::config
