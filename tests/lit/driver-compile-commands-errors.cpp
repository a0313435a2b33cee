// --emit-source -p <dir>: a directory with no compile_commands.json, a file the
// database does not list, an unreadable database, and -p <dir> without
// --emit-source are errors that name the file; nothing is printed on stdout.
// RUN: rm -rf %t && mkdir -p %t/empty %t/other %t/broken
// RUN: not %compss-cc --emit-source -p %t/empty %s 2>%t/err1 >%t/out1
// RUN: %FileCheck --check-prefix=NODB %s < %t/err1
// RUN: %FileCheck --check-prefix=EMPTY --allow-empty %s < %t/out1
// NODB: compss-cc: error: no compilation database '{{.*}}empty/compile_commands.json' (configure the build with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
// EMPTY-NOT: {{.}}
//
// RUN: sed -e 's|@DIR@|%t/other|g' -e 's|@FILE@|%t/other/other.cpp|g' %inputs/compile_commands.json.in > %t/other/compile_commands.json
// RUN: not %compss-cc --emit-source -p %t/other %s 2>&1 | %FileCheck --check-prefix=UNLISTED %s
// UNLISTED: compss-cc: error: '{{.*}}driver-compile-commands-errors.cpp' is not in the compilation database '{{.*}}other/compile_commands.json'
//
// RUN: echo '[ { "directory": ' > %t/broken/compile_commands.json
// RUN: not %compss-cc --emit-source -p %t/broken %s 2>&1 | %FileCheck --check-prefix=BROKEN %s
// BROKEN: compss-cc: error: cannot read '{{.*}}broken/compile_commands.json':
//
// RUN: not %compss-cc -p %t/other -c %s -o %t/x.o 2>&1 | %FileCheck --check-prefix=NOEMIT %s
// NOEMIT: compss-cc: error: '-p {{.*}}other': a build directory is read only with --emit-source
//
// RUN: not %compss-cc --emit-source %s -p 2>&1 | %FileCheck --check-prefix=NOARG %s
// NOARG: compss-cc: error: missing argument to '-p' (the build directory)

#pragma compss task
void work(int &x);

void user(int &x) { work(x); }
