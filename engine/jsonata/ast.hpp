#pragma once
// The JSONata syntax tree. The Pratt parser (parser.cpp) builds the raw tree; the post-pass
// (post_pass.cpp) rewrites it into explicit steps: paths with their stages (predicates and
// #index bindings), focus (@) and ancestor (%) bindings, grouping and order-by steps.
// A compiled tree is immutable and shared by every evaluation.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/regex.hpp"
#include "engine/jsonata/value.hpp"

namespace scl::jsonata {

struct Signature;
struct Node;
using NodePtr = std::unique_ptr<Node>;

enum class NodeType {
  // raw and processed
  kString,
  kNumber,
  kValue,  // true, false, null (literal)
  kName,
  kVariable,
  kRegex,
  kWildcard,
  kDescendant,
  kParent,
  kOperator,  // a bare operator token (`?` placeholder, and/or/in used as names)
  kBinary,    // raw: any infix operator; processed: arithmetic/comparison/boolean/&/../in
  kNegate,    // unary minus
  kArray,     // [ ... ]
  kObject,    // { k: v, ... } (raw: lhs = left operand when infix grouping)
  kCondition,
  kBlock,
  kFunction,
  kPartial,
  kLambda,
  kTransform,
  kSortRaw,  // raw order-by: lhs ^ (terms)
  kEnd,      // raw: the end of the text where an operand was expected (S0207 in the post-pass)
  // processed only
  kPath,
  kBind,
  kApply,
  kSort,
};

/// An ancestor slot: the label `%` reads and the step that binds it (shared between them).
struct Slot {
  std::string label;
  int level = 1;
  int index = 0;
};
using SlotPtr = std::shared_ptr<Slot>;

struct Stage {
  enum Type { kFilter, kIndex } type = kFilter;
  NodePtr expr;        // kFilter
  std::string var;     // kIndex: the #$var name
  std::size_t position = 0;
};

struct SortTerm {
  bool descending = false;
  NodePtr expression;
};

struct Group {
  std::vector<std::pair<NodePtr, NodePtr>> pairs;
  std::size_t position = 0;
};

struct Node {
  NodeType type = NodeType::kValue;
  std::size_t position = 0;
  std::string value;  // operator, name, variable, string literal, regex pattern
  Value literal;      // kString/kNumber/kValue
  double number = 0;

  NodePtr lhs, rhs;                                // binary, bind, apply, raw `[`/`{`/`^`
  NodePtr expression;                              // negate
  std::vector<NodePtr> items;                      // array items, block expressions, args, path steps
  std::vector<std::pair<NodePtr, NodePtr>> pairs;  // object constructor
  NodePtr condition, then, otherwise;              // condition
  NodePtr pattern, update, remove;                 // transform
  NodePtr procedure;                               // function / partial
  NodePtr body;                                    // lambda
  std::vector<std::string> params;                 // lambda parameter names
  std::shared_ptr<const Signature> signature;      // lambda signature
  std::vector<SortTerm> terms;                     // sort
  std::shared_ptr<const core::Regex> regex;        // regex literal
  std::string regex_flags;

  // Step annotations (post-pass).
  bool keep_array = false;            // `[]` on this step
  bool keep_singleton_array = false;  // path: keep a singleton result an array
  bool cons_array = false;            // an array constructor as the first/last path step
  bool tuple = false;                 // this step works on a tuple stream
  bool thunk = false;                 // lambda: a tail call
  bool simple_path = false;           // path of a variable/name then names, no annotations
  bool has_focus = false;
  std::string focus;  // @$var
  bool has_index = false;
  std::string index;  // #$var
  SlotPtr ancestor;   // the %-label this step binds
  SlotPtr slot;       // kParent: the label it reads
  std::vector<SlotPtr> seeking_parent;
  std::vector<Stage> stages;     // on path steps
  std::vector<Stage> predicate;  // on non-step expressions
  std::unique_ptr<Group> group;
};

}  // namespace scl::jsonata
