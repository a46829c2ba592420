// $formatInteger and $parseInteger (F&O 3.1 §4.6.1; jsonata-js 2.0.6).

#include <cmath>
#include <optional>
#include <string>

#include "engine/jsonata/pictures/integer_picture.hpp"
#include "engine/jsonata/pictures/js_text.hpp"
#include "engine/jsonata/pictures/pictures.hpp"

namespace scl::jsonata::pictures {

Result<std::string> format_integer(double value, const std::string& picture) {
  auto format = detail::analyse_integer_picture(detail::to_u16(picture));
  if (auto* e = std::get_if<PictureError>(&format)) return *e;
  auto text = detail::format_integer_value(std::floor(value), std::get<detail::IntegerPicture>(format));
  if (auto* e = std::get_if<PictureError>(&text)) return *e;
  return detail::to_u8(std::get<detail::U16>(text));
}

Result<std::optional<double>> parse_integer(const std::string& text, const std::string& picture) {
  auto format = detail::analyse_integer_picture(detail::to_u16(picture));
  if (auto* e = std::get_if<PictureError>(&format)) return *e;
  auto value = detail::parse_integer_value(detail::to_u16(text), std::get<detail::IntegerPicture>(format));
  if (auto* e = std::get_if<PictureError>(&value)) return *e;
  return std::optional<double>(std::get<double>(value));
}

}  // namespace scl::jsonata::pictures
