#include "observe/graph_dot.hpp"

#include <array>
#include <charconv>
#include <string_view>

namespace compss::rt::observe {

namespace {

// Distinct colours, strong ones first; text is white or black by the fill's lightness.
constexpr std::array<const char*, 16> palette = {
    "#0000ff", "#ff00ae", "#ff6600", "#40e0d0", "#008000", "#ffd700", "#9400d3", "#a52a2a",
    "#00bfff", "#808000", "#ff69b4", "#2f4f4f", "#7fff00", "#800000", "#b0c4de", "#ffa07a"};

bool light(const char* colour) noexcept {
  auto hex = [&](int i) {
    char c = colour[i];
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
  };
  int r = hex(1) * 16 + hex(2), g = hex(3) * 16 + hex(4), b = hex(5) * 16 + hex(6);
  return r * 299 + g * 587 + b * 114 > 150000;
}

void append_number(std::string& out, std::uint64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

/// `s` inside a DOT double-quoted string.
void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c == '\n' ? ' ' : c);
  }
  out.push_back('"');
}

/// `s` inside a DOT HTML-like label.
void append_html(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
}

void append_ref(std::string& out, const GraphNodeRef& n) {
  if (n.sync) out += "Synchro";
  append_number(out, n.id);
}

class DotWriter {
 public:
  DotWriter(const GraphSnapshot& g, GraphColouring colouring) : g_(g), colouring_(colouring) {}

  std::string text() {
    out_.reserve(64 + g_.tasks.size() * 96 + g_.edges.size() * 40);
    out_ +=
        "digraph {\n"
        "  newrank=true;\n"
        "  rankdir=TB;\n"
        "  labeljust=\"l\";\n"
        "  compound=true;\n"
        "  subgraph dependence_graph {\n"
        "    ranksep=0.20;\n"
        "    node[height=0.75];\n";
    for (const GraphSync& s : g_.syncs) sync_node(s);
    // Tasks outside any group, then each group as a cluster holding its tasks and groups.
    std::vector<std::vector<std::size_t>> members(g_.groups.size() + 1);
    for (std::size_t i = 0; i < g_.tasks.size(); ++i) members[g_.tasks[i].group].push_back(i);
    for (std::size_t i : members[0]) task_node(g_.tasks[i], "    ");
    for (std::uint32_t gi = 1; gi <= g_.groups.size(); ++gi)
      if (g_.groups[gi - 1].parent == 0) cluster(gi, members, "    ");
    for (const GraphEdge& e : g_.edges) edge(e);
    out_ += "  }\n";
    legend();
    out_ += "}\n";
    return std::move(out_);
  }

 private:
  void sync_node(const GraphSync& s) {
    out_ += "    ";
    append_ref(out_, {true, s.id});
    switch (s.kind) {
      case SyncKind::main:
        out_ += "[label=\"main\", shape=octagon, style=filled fillcolor=\"#8b0000\" fontcolor=\"#ffffff\"];\n";
        break;
      case SyncKind::wait_on:
        out_ += "[label=\"sync\", shape=octagon, style=filled fillcolor=\"#ff0000\" fontcolor=\"#ffffff\"];\n";
        break;
      case SyncKind::barrier:
        out_ += "[label=\"barrier\", shape=octagon, style=filled fillcolor=\"#ff0000\" fontcolor=\"#ffffff\"];\n";
        break;
    }
  }

  void task_node(const GraphTask& t, const char* indent) {
    const char* fill = colouring_ == GraphColouring::by_type ? type_colour(t.type) : state_colour(t.state);
    out_ += indent;
    append_number(out_, t.id);
    out_ += "[shape=circle, style=filled fillcolor=\"";
    out_ += fill;
    out_ += light(fill) ? "\" fontcolor=\"#000000\"" : "\" fontcolor=\"#ffffff\"";
    if (colouring_ == GraphColouring::by_state) {
      out_ += ", tooltip=";
      std::string tip = g_.types[t.type] + ": " + to_string(t.state);
      if (t.node >= 0) tip += " on node " + std::to_string(t.node);
      append_quoted(out_, tip);
    }
    out_ += "];\n";
  }

  void cluster(std::uint32_t gi, const std::vector<std::vector<std::size_t>>& members, std::string indent) {
    out_ += indent + "subgraph cluster_group";
    append_number(out_, gi);
    out_ += " {\n" + indent + "  label=";
    append_quoted(out_, g_.groups[gi - 1].name);
    out_ += ";\n" + indent + "  style=rounded;\n";
    const std::string inner = indent + "  ";
    for (std::size_t i : members[gi]) task_node(g_.tasks[i], inner.c_str());
    for (std::uint32_t child = 1; child <= g_.groups.size(); ++child)
      if (g_.groups[child - 1].parent == gi) cluster(child, members, inner);
    out_ += indent + "}\n";
  }

  void edge(const GraphEdge& e) {
    out_ += "    ";
    append_ref(out_, e.from);
    out_ += " -> ";
    append_ref(out_, e.to);
    if (e.data != 0) {
      out_ += " [label=\"d";
      append_number(out_, e.data);
      out_ += "v";
      append_number(out_, e.version);
      if (e.elements != 0) {
        out_ += " (";
        append_number(out_, e.elements);
        out_ += ")\", style=bold";
      } else {
        out_ += "\"";
      }
      out_ += "]";
    }
    out_ += ";\n";
  }

  void legend() {
    out_ +=
        "  subgraph cluster_legend {\n"
        "    label=\"Legend\";\n"
        "    fontsize=12;\n"
        "    legend[shape=plaintext, label=<<table border=\"0\" cellpadding=\"2\" "
        "cellspacing=\"0\" cellborder=\"0\">\n";
    for (std::uint32_t t = 0; colouring_ == GraphColouring::by_type && t < g_.types.size(); ++t) {
      out_ += "<tr><td align=\"right\">";
      append_html(out_, g_.types[t]);
      out_ += "</td><td bgcolor=\"";
      out_ += type_colour(t);
      out_ += "\">&nbsp;&nbsp;&nbsp;</td></tr>\n";
    }
    if (colouring_ == GraphColouring::by_state) {
      for (TaskState s : {TaskState::pending, TaskState::ready, TaskState::running, TaskState::done,
                          TaskState::failed, TaskState::cancelled}) {
        out_ += "<tr><td align=\"right\">";
        out_ += to_string(s);
        out_ += "</td><td bgcolor=\"";
        out_ += state_colour(s);
        out_ += "\">&nbsp;&nbsp;&nbsp;</td></tr>\n";
      }
    }
    out_ += "</table>>]\n  }\n";
  }

  const GraphSnapshot& g_;
  GraphColouring colouring_;
  std::string out_;
};

}  // namespace

const char* type_colour(std::uint32_t type) noexcept { return palette[type % palette.size()]; }

const char* state_colour(TaskState state) noexcept {
  switch (state) {
    case TaskState::pending: return "#d3d3d3";
    case TaskState::ready: return "#87cefa";
    case TaskState::running: return "#1e90ff";
    case TaskState::done: return "#32cd32";
    case TaskState::failed: return "#dc143c";
    case TaskState::cancelled: return "#696969";
  }
  return "#ffffff";
}

std::string dot_text(const GraphSnapshot& graph, GraphColouring colouring) {
  return DotWriter(graph, colouring).text();
}

}  // namespace compss::rt::observe
