#include "engine/jsonata/signature.hpp"

#include <optional>
#include <utility>

#include "engine/jsonata/errors.hpp"

namespace scl::jsonata {

char type_symbol(const Value& v) {
  switch (v.kind()) {
    case Kind::kFunction:
      return 'f';
    case Kind::kString:
      return 's';
    case Kind::kNumber:
      return 'n';
    case Kind::kBool:
      return 'b';
    case Kind::kNull:
      return 'l';
    case Kind::kArray:
      return 'a';
    case Kind::kObject:
      return 'o';
    case Kind::kUndefined:
      return 'm';
  }
  return 'm';
}

namespace {

std::size_t closing_bracket(std::string_view s, std::size_t start, char open, char close) {
  int depth = 1;
  std::size_t p = start;
  while (p < s.size()) {
    ++p;
    if (p >= s.size()) break;
    if (s[p] == close) {
      if (--depth == 0) break;
    } else if (s[p] == open) {
      ++depth;
    }
  }
  return p;
}

[[noreturn]] void signature_error(std::string code, std::size_t offset) {
  JsonataException e;
  e.info.code = std::move(code);
  e.info.position = offset;
  throw e;
}

}  // namespace

Signature Signature::parse(std::string_view text) {
  Signature sig;
  sig.text = std::string(text);
  SignatureParam param;
  SignatureParam dummy;
  auto prev = [&]() -> SignatureParam& { return sig.params.empty() ? dummy : sig.params.back(); };
  auto push = [&]() {
    sig.params.push_back(param);
    param = SignatureParam{};
  };
  std::size_t pos = 1;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == ':') break;
    switch (c) {
      case 's':
      case 'n':
      case 'b':
      case 'l':
      case 'o':
        param.type = c;
        param.symbols = std::string(1, c) + "m";
        push();
        break;
      case 'a':
        param.type = 'a';
        param.symbols = "asnblfom";
        push();
        break;
      case 'f':
        param.type = 'f';
        param.symbols = "f";
        push();
        break;
      case 'j':
        param.type = 'j';
        param.symbols = "asnblom";
        push();
        break;
      case 'x':
        param.type = 'x';
        param.symbols = "asnblfom";
        push();
        break;
      case '-':
        prev().context = true;
        prev().context_symbols = prev().symbols;
        prev().optional = true;
        break;
      case '?':
        prev().optional = true;
        break;
      case '+':
        prev().repeat = true;
        break;
      case '(': {
        const std::size_t end = closing_bracket(text, pos, '(', ')');
        const std::string choice(text.substr(pos + 1, end - pos - 1));
        if (choice.find('<') != std::string::npos) signature_error("S0402", pos);
        param.type = '(';
        param.symbols = choice + "m";
        pos = end;
        push();
        break;
      }
      case '<': {
        if (prev().type == 'a' || prev().type == 'f') {
          const std::size_t end = closing_bracket(text, pos, '<', '>');
          prev().subtype = std::string(text.substr(pos + 1, end - pos - 1));
          pos = end;
        } else {
          signature_error("S0401", pos);
        }
        break;
      }
      default:
        break;
    }
    ++pos;
  }
  return sig;
}

namespace {

// The reference builds a regular expression from the parameters and matches it against the
// arguments' symbols; this is the same greedy, backtracking match over the short symbol string.
bool match_from(const std::vector<SignatureParam>& params, std::size_t p, const std::string& syms,
                std::size_t pos, std::vector<std::pair<std::size_t, std::size_t>>& groups) {
  if (p == params.size()) return pos == syms.size();
  const SignatureParam& param = params[p];
  std::size_t max_run = 0;
  while (pos + max_run < syms.size() && param.symbols.find(syms[pos + max_run]) != std::string::npos) {
    ++max_run;
    if (!param.repeat) break;
  }
  const std::size_t min_count = param.optional ? 0 : 1;
  for (std::size_t count = max_run + 1; count-- > min_count;) {
    groups[p] = {pos, count};
    if (match_from(params, p + 1, syms, pos + count, groups)) return true;
  }
  return false;
}

bool prefix_match(const std::vector<SignatureParam>& params, std::size_t upto, const std::string& syms,
                  std::size_t pos, std::size_t p, std::size_t& end) {
  // Unanchored at the end: the longest (greedy-first) way params[0..upto] match a prefix.
  if (p == upto) {
    end = pos;
    return true;
  }
  const SignatureParam& param = params[p];
  std::size_t max_run = 0;
  while (pos + max_run < syms.size() && param.symbols.find(syms[pos + max_run]) != std::string::npos) {
    ++max_run;
    if (!param.repeat) break;
  }
  const std::size_t min_count = param.optional ? 0 : 1;
  for (std::size_t count = max_run + 1; count-- > min_count;) {
    if (prefix_match(params, upto, syms, pos + count, p + 1, end)) return true;
  }
  return false;
}

[[noreturn]] void arg_error(const char* code, const Value& value, std::size_t index) {
  JsonataException e;
  e.info.code = code;
  e.info.value = value;
  e.info.has_value = true;
  e.info.index = static_cast<double>(index);
  throw e;
}

const char* array_type_name(std::string_view subtype) {
  if (subtype == "a") return "arrays";
  if (subtype == "b") return "booleans";
  if (subtype == "f") return "functions";
  if (subtype == "n") return "numbers";
  if (subtype == "o") return "objects";
  if (subtype == "s") return "strings";
  return "undefined";
}

}  // namespace

std::vector<Value> Signature::validate(const std::vector<Value>& args, const Value& context) const {
  std::string syms;
  syms.reserve(args.size());
  for (const Value& a : args) syms += type_symbol(a);
  std::vector<std::pair<std::size_t, std::size_t>> groups(params.size());
  if (!match_from(params, 0, syms, 0, groups)) {
    std::size_t good_to = 0;
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::size_t end = 0;
      if (!prefix_match(params, i + 1, syms, 0, 0, end)) {
        arg_error("T0410", good_to < args.size() ? args[good_to] : Value(), good_to + 1);
      }
      good_to = end;
    }
    arg_error("T0410", good_to < args.size() ? args[good_to] : Value(), good_to + 1);
  }
  std::vector<Value> out;
  out.reserve(params.size() + args.size());
  std::size_t arg_index = 0;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SignatureParam& param = params[i];
    const auto [start, count] = groups[i];
    if (count == 0) {
      if (param.context) {
        if (param.context_symbols.find(type_symbol(context)) != std::string::npos) {
          out.push_back(context);
        } else {
          JsonataException e;
          e.info.code = "T0411";
          e.info.value = context;
          e.info.has_value = true;
          e.info.index = static_cast<double>(arg_index + 1);
          throw e;
        }
      } else {
        out.push_back(arg_index < args.size() ? args[arg_index] : Value());
        ++arg_index;
      }
      continue;
    }
    for (std::size_t k = 0; k < count; ++k) {
      const char single = syms[start + k];
      Value arg = arg_index < args.size() ? args[arg_index] : Value();
      if (param.type == 'a') {
        if (single == 'm') {
          arg = Value();
        } else {
          bool ok = true;
          if (!param.subtype.empty()) {
            if (single != 'a' && std::string(syms.substr(start, count)) != param.subtype) {
              ok = false;
            } else if (single == 'a' && arg.array_size() > 0) {
              const char item_type = type_symbol(arg.at(0));
              if (item_type != param.subtype[0]) {
                ok = false;
              } else {
                for (std::size_t m = 0; m < arg.array_size(); ++m) {
                  if (type_symbol(arg.at(m)) != item_type) {
                    ok = false;
                    break;
                  }
                }
              }
            }
          }
          if (!ok) {
            JsonataException e;
            e.info.code = "T0412";
            e.info.value = arg;
            e.info.has_value = true;
            e.info.index = static_cast<double>(arg_index + 1);
            e.info.type = array_type_name(param.subtype);
            throw e;
          }
          if (single != 'a') {
            auto wrapped = std::make_shared<Array>();
            wrapped->items.push_back(arg);
            arg = Value::array(std::move(wrapped));
          }
        }
      }
      out.push_back(std::move(arg));
      ++arg_index;
    }
  }
  return out;
}

}  // namespace scl::jsonata
