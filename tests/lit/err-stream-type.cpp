// A stream parameter must be a compss::ObjectStream<T>& or compss::FileStream&.
// RUN: not %compss-cc -fsyntax-only %s 2>&1 | %FileCheck %s

#pragma compss task stream_in(s)
void f(int &s);

// CHECK: err-stream-type.cpp:4:31: error: 'stream_in' clause on parameter 's' of type 'int &': a stream must be a compss::ObjectStream<T>& or a compss::FileStream&
