// A task that writes a global (a worker's write would be lost), reads one that cannot be
// sent (a pointer into the master's memory, a type without serialize) or that another task
// writes (it would get the value from before that write), can never run on a worker:
// compss-cc says why, at the use (also inside a function it calls), with a note at the global, and registers the reason (the runtime keeps it on the master).
// -Wno-compss-global silences the warning, not the registration.
// RUN: %compss-cc --emit-source %s 2>&1 >/dev/null | %FileCheck %s --check-prefix=WARN
// RUN: %compss-cc --emit-source %s 2>/dev/null | %FileCheck %s --check-prefix=CODE
// RUN: %compss-cc --emit-source -Wno-compss-global %s 2>&1 >/dev/null | %FileCheck %s --allow-empty --check-prefix=QUIET
#include <vector>

static long counter = 0;
static const std::vector<double> *table = nullptr;
struct Opaque {
  std::vector<int> x;
};
Opaque opaque;

static int calls() {
  static int n = 0;
  return ++n;
}

#pragma compss task
void count(int &token) {
  counter += token;
}

#pragma compss task
double lookup(int i) { return (*table)[static_cast<std::size_t>(i)]; }

static int helper() { return static_cast<int>(opaque.x.size()); }

#pragma compss task
int through(int n) { return n + helper(); }

#pragma compss task
int numbered(int n) { return n + calls(); }

static const char *names[2] = {"a", "b"};

#pragma compss task
char initial(int i) { return names[i][0]; }

// Trivially copyable elements that hold an address (C++ cannot see it).
#include <string_view>
struct Node {
  Node *next;
};
Node nodes[8];
std::string_view words[4];

#pragma compss task
bool linked(int i) { return nodes[i].next != nullptr; }

#pragma compss task
std::size_t word_size(int i) { return words[i].size(); }

// A global one task writes and another reads: the reader would get, at its
// submission, the value from before the writer ran.
static int phase = 0;

#pragma compss task
void advance(int &token) { phase = token; }

static int current_phase() { return phase; }

#pragma compss task
int current(int n) { return n + current_phase(); }

// WARN: warn-global.cpp:25:3: warning: task 'count' cannot run on a worker: it writes global 'counter', and a worker's writes would be lost; it will always run on the master [-Wcompss-global]
// WARN: warn-global.cpp:11:13: note: 'counter' is declared here
// WARN: warn-global.cpp:29:33: warning: task 'lookup' cannot run on a worker: it reads global 'table' of type 'const std::vector<double> *', which cannot be sent to workers (a pointer: an address means nothing on another node); it will always run on the master [-Wcompss-global]
// WARN: warn-global.cpp:12:35: note: 'table' is declared here
// WARN: warn-global.cpp:31:47: warning: task 'through' cannot run on a worker: it reads global 'opaque' of type 'Opaque', which cannot be sent to workers ('Opaque' is not trivially copyable and has no public 'serialize' member) (in 'helper', which it calls); it will always run on the master [-Wcompss-global]
// WARN: warn-global.cpp:16:8: note: 'opaque' is declared here
// WARN: warn-global.cpp:20:12: warning: task 'numbered' cannot run on a worker: it writes global 'n' (in 'calls', which it calls), and a worker's writes would be lost; it will always run on the master [-Wcompss-global]
// WARN: warn-global.cpp:19:14: note: 'n' is declared here
// WARN: warn-global.cpp:42:30: warning: task 'initial' cannot run on a worker: it reads global 'names' of type 'const char *[2]', which cannot be sent to workers (an array of pointers: an address means nothing on another node); it will always run on the master [-Wcompss-global]
// WARN: warn-global.cpp:53:29: warning: task 'linked' cannot run on a worker: it reads global 'nodes' of type 'Node[8]', which cannot be sent to workers (an array of 'Node': 'Node' holds an address: member 'next' of type 'Node *' (line 47) would be sent as its bytes); it will always run on the master [-Wcompss-global]
// WARN: warn-global.cpp:56:39: warning: task 'word_size' cannot run on a worker: it reads global 'words' of type 'std::string_view[4]' {{.*}}(an array of 'std::string_view': a view: the memory it refers to stays on the master); it will always run on the master [-Wcompss-global]
// WARN: warn-global.cpp:63:28: warning: task 'advance' cannot run on a worker: it writes global 'phase', and a worker's writes would be lost; it will always run on the master [-Wcompss-global]
// WARN: warn-global.cpp:65:37: warning: task 'current' cannot run on a worker: it reads global 'phase' (in 'current_phase', which it calls), which task 'advance' writes, and a worker would get the value from before that task ran; it will always run on the master [-Wcompss-global]
// WARN: warn-global.cpp:60:12: note: 'phase' is declared here

// CODE: {{^}}{{\[\[}}maybe_unused{{\]\]}} const bool __compss_globals_registered_0 = ::compss::detail::register_task_globals("void count(int &)", nullptr, 0, "it writes global 'counter' (a worker's write would be lost)");
// CODE: {{^}}{{\[\[}}maybe_unused{{\]\]}} const bool __compss_globals_registered_1 = ::compss::detail::register_task_globals("double lookup(int)", nullptr, 0, "it reads global 'table', which cannot be sent to a worker (a pointer: an address means nothing on another node)");
// CODE: {{^}}{{\[\[}}maybe_unused{{\]\]}} const bool __compss_globals_registered_2 = ::compss::detail::register_task_globals("int through(int)", nullptr, 0, "it reads global 'opaque', which cannot be sent to a worker ('Opaque' is not trivially copyable and has no public 'serialize' member)");
// CODE: {{^}}{{\[\[}}maybe_unused{{\]\]}} const bool __compss_globals_registered_3 = ::compss::detail::register_task_globals("int numbered(int)", nullptr, 0, "it writes global 'n' (a worker's write would be lost)");
// CODE: {{^}}{{\[\[}}maybe_unused{{\]\]}} const bool __compss_globals_registered_5 = ::compss::detail::register_task_globals("bool linked(int)", nullptr, 0, "it reads global 'nodes', which cannot be sent to a worker (an array of 'Node': {{.*}}");
// CODE: {{^}}{{\[\[}}maybe_unused{{\]\]}} const bool __compss_globals_registered_6 = ::compss::detail::register_task_globals("std::size_t word_size(int)", nullptr, 0, "it reads global 'words'{{.*}}");
// CODE: {{^}}{{\[\[}}maybe_unused{{\]\]}} const bool __compss_globals_registered_8 = ::compss::detail::register_task_globals("int current(int)", nullptr, 0, "it reads global 'phase', which task 'advance' writes");

// QUIET-NOT: warning:
