#include "sisyphus/model/params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace sisyphus::model {

FaultParams FaultParams::none(std::string section, SourceLocation where) {
  FaultParams out;
  out.section_ = std::move(section);
  out.where_ = std::move(where);
  return out;
}

FaultParams FaultParams::mapping(std::string section, SourceLocation where,
                                 std::vector<Written> written) {
  FaultParams out = none(std::move(section), std::move(where));
  out.form_ = Form::mapping;
  out.written_ = std::move(written);
  return out;
}

FaultParams FaultParams::bare(std::string section, SourceLocation where, std::string text) {
  FaultParams out = none(std::move(section), std::move(where));
  out.form_ = Form::bare;
  out.bare_ = std::move(text);
  return out;
}

std::vector<std::string> FaultParams::keys() const {
  std::vector<std::string> out;
  out.reserve(written_.size());
  for (const Written& w : written_) out.push_back(w.key);
  return out;
}

bool FaultParams::has(std::string_view key) const {
  return std::any_of(written_.begin(), written_.end(),
                     [&](const Written& w) { return w.key == key && w.text.has_value(); });
}

bool FaultParams::is_mean(std::string_view key) const {
  return std::any_of(values_.begin(), values_.end(),
                     [&](const Typed& t) { return t.key == key && t.mean; });
}

SourceLocation FaultParams::location(std::string_view key) const {
  for (const Written& w : written_) {
    if (w.key == key) return w.value_at;
  }
  return where_;
}

const FaultParams::Value& FaultParams::value(std::string_view key, ParamType type) const {
  auto it =
      std::find_if(values_.begin(), values_.end(), [&](const Typed& t) { return t.key == key; });
  const bool same_type =
      it != values_.end() &&
      (it->type == type || (type == ParamType::string && it->type == ParamType::choice));
  if (!same_type) {
    throw std::logic_error(fmt::format(
        "fault '{}' reads '{}' as a type its key table does not declare (or its parameters were "
        "not read by that table)",
        section_, key));
  }
  if (!it->value) {
    fail(section_.empty() ? fmt::format("missing required key '{}'", key)
                          : fmt::format("missing required key '{}' in {}", key, section_));
  }
  return *it->value;
}

SizeSpec FaultParams::size(std::string_view key) const {
  return std::get<SizeSpec>(value(key, ParamType::size));
}

std::int64_t FaultParams::signed_size(std::string_view key) const {
  return std::get<std::int64_t>(value(key, ParamType::signed_size));
}

Duration FaultParams::duration(std::string_view key) const {
  return std::get<Duration>(value(key, ParamType::duration));
}

std::uint64_t FaultParams::rate(std::string_view key) const {
  return std::get<std::uint64_t>(value(key, ParamType::rate));
}

std::uint64_t FaultParams::unsigned_integer(std::string_view key) const {
  return std::get<std::uint64_t>(value(key, ParamType::unsigned_integer));
}

const std::string& FaultParams::string(std::string_view key) const {
  return std::get<std::string>(value(key, ParamType::string));
}

bool FaultParams::boolean(std::string_view key) const {
  return std::get<bool>(value(key, ParamType::boolean));
}

void FaultParams::fail(std::string_view message) const {
  throw ScenarioError(where_, std::string(message));
}

void FaultParams::fail(std::string_view key, std::string_view message) const {
  throw ScenarioError(location(key), std::string(message));
}

}  // namespace sisyphus::model
