#pragma once
// The same JSON value in the other nlohmann flavour (`json`, members sorted, and `ordered_json`,
// members as written), copied node by node without a trip through text. Object members keep the
// source's order where the target keeps order at all.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace scl::core {

template <class To, class From>
To json_convert(const From& j) {
  using V = typename From::value_t;
  switch (j.type()) {
    case V::object: {
      To out = To::object();
      auto& members = out.template get_ref<typename To::object_t&>();
      if constexpr (requires { typename To::object_t::Container; }) {
        // ordered_map: appended to its vector. The source's keys are unique, so the map's own
        // emplace (a linear search per member) is not needed; reserved, because a growing
        // vector of pair<const string, json> copies its members rather than moving them.
        auto& vec = static_cast<typename To::object_t::Container&>(members);
        vec.reserve(j.size());
        for (auto it = j.begin(); it != j.end(); ++it)
          vec.emplace_back(it.key(), json_convert<To>(it.value()));
      } else {
        for (auto it = j.begin(); it != j.end(); ++it)
          members.emplace(it.key(), json_convert<To>(it.value()));
      }
      return out;
    }
    case V::array: {
      To out = To::array();
      auto& items = out.template get_ref<typename To::array_t&>();
      items.reserve(j.size());
      for (const auto& v : j) items.push_back(json_convert<To>(v));
      return out;
    }
    case V::string: return To(j.template get_ref<const std::string&>());
    case V::boolean: return To(j.template get<bool>());
    case V::number_integer: return To(j.template get<std::int64_t>());
    case V::number_unsigned: return To(j.template get<std::uint64_t>());
    case V::number_float: return To(j.template get<double>());
    case V::null: return To(nullptr);
    default: return To::parse(j.dump());
  }
}

}  // namespace scl::core
