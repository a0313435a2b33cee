// The TU that defines main: main becomes __compss_user_main, every returned value and
// the end of the body pass through finish_main (all tasks done while main's locals
// live), and the real main calling run_main is appended.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

int main(int argc, char **argv) {
  if (argc > 5)
    return 3;
  (void)argv;
}

// CHECK:      {{^}}int __compss_user_main(int argc, char **argv) {
// CHECK-NEXT: {{^}}  if (argc > 5)
// CHECK-NEXT: {{^}}    return ::compss::detail::finish_main(3);
// CHECK-NEXT: {{^}}  (void)argv;
// CHECK-NEXT: {{^}}return ::compss::detail::finish_main(0);}
// CHECK:      {{^}}int main(int argc, char** argv) { return ::compss::detail::run_main(argc, argv, &__compss_user_main); }
// CHECK-NOT:  {{.}}
