// `-x c++` makes compss-cc translate inputs whatever their extension.
// RUN: rm -rf %t && mkdir -p %t
// RUN: cp %s %t/source.inl
// RUN: %compss-cc -x c++ -c %t/source.inl -o %t/source.o
// RUN: nm -C %t/source.o | %FileCheck %s

#pragma compss task
void work(int &x);

int main() {
  int x = 0;
  work(x);
}

// CHECK: T __compss_user_main()
