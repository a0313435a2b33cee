// multinode(...): a function task (it has a body) whose TaskSpec says kind
// multinode, with its settings as written.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: not %compss-cc -fsyntax-only -DBAD %s 2>&1 | %FileCheck %s --check-prefix=BAD

#pragma compss multinode(computing_nodes=2, processes_per_node=1)
#pragma compss task
void solve(int steps) {}

#ifdef BAD
#pragma compss multinode(computing_nodes="2")
#pragma compss task
void bad_value();
#pragma compss multinode(nodes=2)
#pragma compss task
void bad_key();
#endif

// CHECK:      static constexpr ::compss::detail::Constraint __compss_launch_0[] = {{[{][{]}}"computing_nodes", "2"}, {"processes_per_node", "1"}};
// CHECK-NEXT: {{\[\[}}maybe_unused]] static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK-NEXT:     .name = "solve", .signature = "void solve(int)",
// CHECK-NEXT:     .params = __compss_params_0, .param_count = 1,
// CHECK-NEXT:     .kind = ::compss::detail::TaskKind::multinode,
// CHECK-NEXT:     .launch = __compss_launch_0, .launch_count = 2};
// BAD: task-multinode.cpp:11:42: error: 'computing_nodes' takes a number, not '"2"'
// BAD: task-multinode.cpp:14:26: error: unknown key 'nodes' in 'multinode(...)'
