// stream_in/stream_out take a compss::ObjectStream<T>& or a compss::FileStream&
// (matched by name: the runtime's stream types may come later).
// RUN: %compss-cc --emit-source %s | %FileCheck %s
namespace compss {
template <class T> class ObjectStream {};
class FileStream {};
} // namespace compss

#pragma compss task stream_out(s) stream_in(f)
void produce(compss::ObjectStream<int> &s, compss::FileStream &f);

void user(compss::ObjectStream<int> &s, compss::FileStream &f) { produce(s, f); }

// CHECK:      {::compss::detail::Direction::out, ::compss::detail::ParamKind::stream, "s"},
// CHECK-NEXT: {::compss::detail::Direction::in, ::compss::detail::ParamKind::stream, "f"}};
