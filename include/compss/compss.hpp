// The one header COMPSs programs and compss-cc's generated code include.
//
// Built with compss-cc (`__COMPSS__` defined), task calls become asynchronous tasks run by
// libcompss; with any other C++20 compiler everything here is sequential and header-only.
//
//   #include <compss/compss.hpp>
//
//   #pragma compss task inout(c)
//   void add_one(int& c) { ++c; }
//
//   int main() {
//     int c = 0;
//     add_one(c);
//     compss::wait_on(c);   // c == 1
//   }
#pragma once

#include <compss/api.hpp>
#include <compss/error.hpp>
#include <compss/exception.hpp>
#include <compss/future.hpp>
#include <compss/resources.hpp>
#include <compss/serialize.hpp>
#include <compss/stream.hpp>
#include <compss/task_group.hpp>
#include <compss/this_task.hpp>

#include <compss/detail/call_task.hpp>
#include <compss/detail/run_main.hpp>
#include <compss/detail/task_spec.hpp>
