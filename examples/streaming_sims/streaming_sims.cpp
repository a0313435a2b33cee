// streaming_sims: simulations that produce one output per time step, and tasks that
// process each output (docs/streams.md). Two versions of one workflow, both printing
// their results (stdout) and their time (stderr):
//
//   streaming: each simulation publishes its step outputs into a stream; the main program
//              polls it and submits a processing task per output as it arrives, so the
//              processing of step i runs while the simulation computes step i+1;
//   batch:     each simulation returns all its outputs at its end; the processing tasks
//              start only then.
//
// Per simulation the processed outputs are merged (in step order) by one task. The
// sequential build prints the same results.
//
//   ./streaming_sims [simulations] [steps] [work per step] [wait per step, ms]
//                    [work per output]          (defaults: 2 8 1000000 200 20000000)
//
// A simulation step is a short local update (`work per step`) and a wait (`wait per
// step`): the part of a step this process's cores do not run, as an MPI simulation's
// ranks computing elsewhere or writing its output would. The analysis of an output is
// heavier (`work per output`) and runs on the cores. Both versions do the same steps,
// waits and analyses; streaming fills the simulations' waits with the analyses.
#include <compss/compss.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <thread>
#include <vector>

struct StepOutput {
  int sim = 0;
  int step = 0;
  std::vector<double> field;
  template <class A>
  void serialize(A& ar) {
    ar(sim, step, field);
  }
};

// One time step of a toy diffusion: deterministic, `work` operations.
static void advance(std::vector<double>& field, long work) {
  const std::size_t n = field.size();
  for (long k = 0; k < work / static_cast<long>(n); ++k) {
    double left = field[n - 1];
    for (std::size_t i = 0; i < n; ++i) {
      double here = field[i];
      field[i] = 0.5 * here + 0.25 * (left + field[(i + 1) % n]);
      left = here;
    }
  }
}

static std::vector<double> initial_field(int sim) {
  std::vector<double> f(256);
  for (std::size_t i = 0; i < f.size(); ++i) f[i] = std::sin(0.1 * static_cast<double>(i) * (sim + 1));
  return f;
}

// The part of a step that leaves this process's cores idle (see the top).
static void wait_step(long wait_ms) {
  if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
}

#pragma compss task stream_out(outputs)
void simulate_streaming(compss::ObjectStream<StepOutput>& outputs, int sim, int steps, long work,
                        long wait_ms) {
  std::vector<double> field = initial_field(sim);
  for (int s = 0; s < steps; ++s) {
    wait_step(wait_ms);
    advance(field, work);
    outputs.publish(StepOutput{sim, s, field});
  }
  outputs.close();
}

#pragma compss task
std::vector<StepOutput> simulate_batch(int sim, int steps, long work, long wait_ms) {
  std::vector<double> field = initial_field(sim);
  std::vector<StepOutput> all;
  for (int s = 0; s < steps; ++s) {
    wait_step(wait_ms);
    advance(field, work);
    all.push_back(StepOutput{sim, s, field});
  }
  return all;
}

// Analysis of one output: `work` operations on the cores.
#pragma compss task
double process(const StepOutput& out, long work) {
  std::vector<double> f = out.field;
  advance(f, work);
  double energy = 0;
  for (double v : f) energy += v * v;
  return energy * (out.step + 1);
}

#pragma compss task
double merge(const std::vector<double>& per_step) {
  double total = 0;
  for (double v : per_step) total += v;
  return total;
}

// Merges each simulation's processed steps, in step order, with one task per simulation.
static std::vector<double> merge_all(std::vector<std::vector<compss::Future<double>>>& processed) {
  std::vector<compss::Future<double>> merged_futures;
  std::vector<std::vector<double>> values(processed.size());  // read in place by the merges
  for (std::size_t s = 0; s < processed.size(); ++s) {
    for (auto& f : processed[s]) values[s].push_back(compss::wait_on(f));
    merged_futures.push_back(merge(values[s]));
  }
  std::vector<double> merged;
  for (auto& f : merged_futures) merged.push_back(compss::wait_on(f));
  return merged;
}

using Clock = std::chrono::steady_clock;

static void print(const char* version, std::vector<double>& merged, Clock::time_point start) {
  for (std::size_t s = 0; s < merged.size(); ++s) std::printf("%s sim %zu: %.9e\n", version, s, merged[s]);
  std::fprintf(stderr, "%s: %.3f s\n", version, std::chrono::duration<double>(Clock::now() - start).count());
}

int main(int argc, char** argv) {
  const int sims = argc > 1 ? std::atoi(argv[1]) : 2;
  const int steps = argc > 2 ? std::atoi(argv[2]) : 8;
  const long work = argc > 3 ? std::atol(argv[3]) : 1000000;
  const long wait_ms = argc > 4 ? std::atol(argv[4]) : 200;
  const long output_work = argc > 5 ? std::atol(argv[5]) : 20000000;
  if (argc > 6 || sims < 1 || steps < 1 || work < 256 || wait_ms < 0 || output_work < 256) {
    std::fprintf(stderr,
                 "usage: streaming_sims [simulations >= 1] [steps >= 1] [work per step >= 256] "
                 "[wait per step, ms >= 0] [work per output >= 256]\n");
    return 2;
  }
  const auto n = static_cast<std::size_t>(sims);

  // Streaming: processing tasks are submitted as the outputs arrive.
  {
    const auto start = Clock::now();
    compss::ObjectStream<StepOutput> outputs("step-outputs", compss::at_most_once, 16);
    outputs.publish(std::vector<StepOutput>{});  // held open while the simulations are submitted
    for (int s = 0; s < sims; ++s) simulate_streaming(outputs, s, steps, work, wait_ms);
    outputs.close();
    std::vector<std::vector<compss::Future<double>>> processed(n);
    std::deque<StepOutput> arrived;  // the tasks read them in place: kept until the end
    while (!outputs.is_closed()) {
      for (StepOutput& out : outputs.poll(0.05)) {
        arrived.push_back(std::move(out));
        const auto sim = static_cast<std::size_t>(arrived.back().sim);
        processed[sim].push_back(process(arrived.back(), output_work));
      }
    }
    std::vector<double> merged = merge_all(processed);  // each simulation's steps arrive in order
    print("streaming", merged, start);
  }

  // Batch: the same work, processing after each simulation's end.
  {
    const auto start = Clock::now();
    std::vector<compss::Future<std::vector<StepOutput>>> runs;
    for (int s = 0; s < sims; ++s) runs.push_back(simulate_batch(s, steps, work, wait_ms));
    std::vector<std::vector<compss::Future<double>>> processed(n);
    std::vector<std::vector<StepOutput>> outputs(n);  // read in place by the tasks
    for (std::size_t s = 0; s < n; ++s) {
      outputs[s] = compss::wait_on(runs[s]);
      for (const StepOutput& out : outputs[s]) processed[s].push_back(process(out, output_work));
    }
    std::vector<double> merged = merge_all(processed);
    print("batch", merged, start);
  }
  return 0;
}
