// Versions of member functions: a version is a member of the same class with the same
// parameters and constness; the call passes each version's spec and adapter, so the
// runtime may run any of them on the call's object. `implement` may name the task
// unqualified (its own class wins) or qualified. A member function template's versions are
// member templates of the same template parameters, instantiated with it.
// RUN: %compss-cc --emit-source %s | grep -v "^// CHECK" | %FileCheck %s
// RUN: %compss-cc -fsyntax-only %s

struct Other {
#pragma compss task
  void deposit(long amount);
};

struct Account {
  long total = 0;
#pragma compss task
  void deposit(long amount);
#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(deposit)
  void deposit_gpu(long amount);
#pragma compss task
  long balance() const;
#pragma compss task constraint(computing_units=2)
#pragma compss implement(Account::balance)
  long balance_wide() const;
  // A member function template: both rules at once.
#pragma compss task
  template <class T> void add(T x);
#pragma compss task constraint(processor_type="GPU")
#pragma compss implement(add)
  template <class T> void add_gpu(T x);
};

void user(Account &a, Account *p) {
  a.deposit(5);
  p->deposit(1);
  auto b = a.balance();
  a.add(3);
}

// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_[[GPU:[0-9]+]]{
// CHECK-NEXT:     .name = "Account::deposit_gpu", .signature = "void Account::deposit_gpu(long)",
// CHECK:          .implements = "void Account::deposit(long)"};
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_[[WIDE:[0-9]+]]{
// CHECK-NEXT:     .name = "Account::balance_wide", .signature = "long Account::balance_wide() const",
// CHECK:          .implements = "long Account::balance() const"};
// CHECK:      __compss_versions_[[DEP:[0-9]+]][] = {&__compss_task_[[GPU]]};
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_[[DEP]]{
// CHECK-NEXT:     .name = "Account::deposit", .signature = "void Account::deposit(long)",
// CHECK:          .versions = __compss_versions_[[DEP]], .version_count = 1};
// CHECK:      __compss_versions_[[BAL:[0-9]+]][] = {&__compss_task_[[WIDE]]};
// CHECK:      static constexpr ::compss::detail::TaskSpec __compss_task_[[BAL]]{
// CHECK-NEXT:     .name = "Account::balance", .signature = "long Account::balance() const",
// CHECK:          .versions = __compss_versions_[[BAL]], .version_count = 1};
// CHECK:      ::compss::detail::call_task<__compss_task_[[DEP]], &::compss::detail::method_adapter<static_cast<void (::Account::*)(long)>(&::Account::deposit)>::call, ::compss::detail::Version<__compss_task_[[GPU]], &::compss::detail::method_adapter<static_cast<void (::Account::*)(long)>(&::Account::deposit_gpu)>::call>>(a, 5);
// CHECK-NEXT: ::compss::detail::call_task<__compss_task_[[DEP]], {{.*}}&::Account::deposit_gpu)>::call>>(*(p), 1);
// CHECK-NEXT: auto b = ::compss::detail::call_task<__compss_task_[[BAL]], &::compss::detail::method_adapter<static_cast<long (::Account::*)() const>(&::Account::balance)>::call, ::compss::detail::Version<__compss_task_[[WIDE]], &::compss::detail::method_adapter<static_cast<long (::Account::*)() const>(&::Account::balance_wide)>::call>>(a);
// CHECK-NEXT: ::compss::detail::call_task<__compss_task_{{[0-9]+}}, &::compss::detail::method_adapter<static_cast<void (::Account::*)(int)>(&::Account::add<int>)>::call, ::compss::detail::Version<__compss_task_{{[0-9]+}}, &::compss::detail::method_adapter<static_cast<void (::Account::*)(int)>(&::Account::add_gpu<int>)>::call>>(a, 3);
