#pragma once
// The JSONata evaluator: walks the post-processed tree over a Value input. One Evaluator per
// evaluation (it owns the counters the limits bound and the instant $now() reports); the tree
// it walks is shared and never written.
//
// Errors are thrown as JsonataException and caught by jsonata.cpp's evaluate().

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/jsonata/ast.hpp"
#include "engine/jsonata/function.hpp"
#include "engine/jsonata/jsonata.hpp"
#include "engine/jsonata/value.hpp"

namespace scl::jsonata {

/// What one array slot counts for against Limits::max_memory (a nominal size: a range of the
/// reference's maximum 1e7 items stays within the default bound).
inline constexpr std::uint64_t kSlotBytes = 16;

class Evaluator {
 public:
  Evaluator(const Limits& limits, const Environment& environment, const FunctionSet* extensions);
  /// Breaks the reference cycles closures make (a frame binding a lambda that captured it).
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  Value eval(const Node& expr, const Value& input, const FramePtr& env);
  /// eval() straight to JSON: an object constructor at the top (the per-state shape) is built
  /// as JSON without the intermediate object; anything else is eval() + to_json().
  /// nullopt = undefined (or a function, which JSON leaves out).
  std::optional<Json> eval_to_json(const Node& expr, const Value& input, const FramePtr& env);

  /// Calls `proc` with `args` (validated against its signature), trampolining tail calls.
  Value apply(const Value& proc, const std::vector<Value>& args, const Value& input,
              const FramePtr& env);
  /// Calls a higher-order function's callback with (value[, index[, array]]) as its arity asks.
  Value call_hof(const Value& fn, const Value& value, std::size_t index, const Value& array,
                 const FramePtr& env);
  /// The reference's getFunctionArity.
  static int arity(const Value& fn);

  /// The host's bindings and the input (`$$`), read on lookup instead of copied into a frame.
  void set_root(const Bindings* bindings, Value input) {
    bindings_ = bindings;
    root_input_ = std::move(input);
  }

  /// A variable (without '$'): frames, the host's bindings, `$$`, extension functions, built-ins.
  [[nodiscard]] Value lookup(std::string_view name, const FramePtr& env) const;

  void charge_steps(std::uint64_t n);
  /// Advances the model of the reference's asynchronous time (see run_parallel).
  void tick(std::uint64_t n = 1) { ticks_ += n; }
  void charge_memory(std::uint64_t bytes);
  /// Fails with U1002 when a result of `bytes` would pass the memory bound (before allocating).
  void check_allocation(std::uint64_t bytes);

  std::int64_t now_ms();
  double random();
  std::string uuid();

  /// A function value for the regex or matcher `fn` run over `str` from UTF-16 index `from`:
  /// the reference's matcher protocol ({match, start, end, groups, next}).
  Value regex_match(const Function& fn, const std::string& str, std::size_t from_byte,
                    std::size_t* match_begin, std::size_t* match_end);

 private:
  Value eval_path(const Node& expr, const Value& input, const FramePtr& env);
  Value eval_step(const Node& step, const Value& input, const FramePtr& env, bool last);
  Value eval_tuple_step(const Node& step, const Value& input, const Value& tuples,
                        const FramePtr& env);
  Value eval_stages(const std::vector<Stage>& stages, Value input, const FramePtr& env);
  Value eval_filter(const Node& predicate, const Value& input, const FramePtr& env);
  Value eval_sort(const Node& expr, const Value& input, const FramePtr& env);
  Value eval_group(const std::vector<std::pair<NodePtr, NodePtr>>& pairs, std::size_t position,
                   const Value& input, const FramePtr& env);
  Value eval_binary(const Node& expr, const Value& input, const FramePtr& env);
  Value eval_array(const Node& expr, const Value& input, const FramePtr& env);
  /// Runs `body(i)` for i in [0, n) as the reference's Promise.all does: every item runs; when
  /// several fail, the error that arose after the fewest evaluations within its item wins.
  template <class F>
  void run_parallel(std::size_t n, F&& body);
  Value eval_function(const Node& expr, const Value& input, const FramePtr& env,
                      const Value* applyto);
  Value eval_partial(const Node& expr, const Value& input, const FramePtr& env);
  Value eval_apply(const Node& expr, const Value& input, const FramePtr& env);
  Value eval_transform_call(const Function& fn, const Value& obj);
  Value apply_inner(const Value& proc, const std::vector<Value>& args, const Value& input,
                    const FramePtr& env);
  Value apply_procedure(const Function& lambda, const std::vector<Value>& args);
  static FramePtr frame_from_tuple(const FramePtr& env, const Value& tuple);

  Limits limits_;
  const Environment& environment_;
  const FunctionSet* extensions_;
  const Bindings* bindings_ = nullptr;
  Value root_input_;
  std::size_t depth_ = 0;
  std::uintptr_t stack_base_ = 0;  // the machine stack at the first eval()
  // Frames captured by function values made in this evaluation: cleared at the end, since a
  // frame that binds a closure over itself is a cycle shared_ptr alone never frees.
  std::vector<FramePtr> captured_;
  void capture(const FramePtr& frame) {
    if (frame && (captured_.empty() || captured_.back() != frame)) captured_.push_back(frame);
  }
  std::uint64_t steps_ = 0;
  // The reference's elapsed time in microtask turns: one per `await` its (asynchronous)
  // evaluator would run. Only compared between items that run under Promise.all.
  std::uint64_t ticks_ = 0;
  std::uint64_t memory_ = 0;
  std::optional<std::int64_t> now_;
  std::uint64_t rng_state_ = 0;
  bool rng_seeded_ = false;
};

/// The reference's createSequence(v): a sequence holding v (an undefined v included).
Value sequence_of(const Value& v);
/// The reference's fn.append: arrays concatenated, undefined disregarded.
Value append_values(const Value& a, const Value& b);
/// JavaScript `typeof v === 'number'` and finite (D1001 for infinities, as isNumeric throws).
bool is_numeric(const Value& v);
bool is_array_of_strings(const Value& v);
bool is_array_of_numbers(const Value& v);
/// The reference's $string without the prettify option.
std::string to_jsonata_string(const Value& v);

}  // namespace scl::jsonata
