// Only main's own returns pass through finish_main: a return inside a lambda or a
// local class in main is left alone, and so is the returned expression's text.
// RUN: %compss-cc --emit-source %s | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

int main() {
  auto twice = [](int v) { return v * 2; };
  struct Local {
    static int one() { return 1; }
  };
  return twice(Local::one()) - 2;
}

// CHECK:      {{^}}  auto twice = [](int v) { return v * 2; };
// CHECK:      {{^}}    static int one() { return 1; }
// CHECK:      {{^}}  return ::compss::detail::finish_main(twice(Local::one()) - 2);
// CHECK-NEXT: {{^}}return ::compss::detail::finish_main(0);}
