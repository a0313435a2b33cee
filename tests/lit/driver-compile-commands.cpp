// --emit-source -p <build dir> parses the file with the -D, -I and -std= of its entry
// in <build dir>/compile_commands.json; relative include directories are taken from
// the entry's "directory", not from where compss-cc runs.
// RUN: rm -rf %t && mkdir -p %t/inc %t/inc2
// RUN: echo '#define COUNT 3' > %t/inc/count.h
// RUN: echo '#define STEP 2' > %t/inc2/step.h
// RUN: sed -e 's|@DIR@|%t|g' -e 's|@FILE@|%s|g' %inputs/compile_commands.json.in > %t/compile_commands.json
// RUN: %compss-cc --emit-source -p %t %s | %FileCheck %s
// RUN: %compss-cc --emit-source -p=%t %s | %FileCheck %s
// Without the database the file does not parse.
// RUN: not %compss-cc --emit-source %s 2>&1 | %FileCheck --check-prefix=NODB %s

#include "count.h"
#include "step.h"

#if FROM_DATABASE != 1
#error "FROM_DATABASE must come from compile_commands.json"
#endif
#if __cplusplus <= 202002L
#error "the database's -std=c++23 must be used"
#endif

#pragma compss task
void work(int &x);

void user(int &x) {
  for (int i = 0; i < COUNT; i += STEP)
    work(x);
}

// CHECK: static constexpr ::compss::detail::TaskSpec __compss_task_0{
// CHECK: "work", "void work(int &)"
// CHECK: void user(int &x) {
// NODB: error: 'count.h' file not found
