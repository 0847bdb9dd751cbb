// Each kind's key table against docs/faults.md, and the errors and defaults the loader makes
// of it. The examples are the docs' own: every key of every table must have one there.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fault_test_util.hpp"

namespace sisyphus::proxy::test {
namespace {

using Row = std::array<std::string, 4>;  // key, type, default, meaning

// One `## <kind>` section of docs/faults.md.
struct DocSection {
  std::vector<Row> rows;              // of its key table, markup removed
  std::vector<std::string> examples;  // its ```yaml blocks
  std::string text;
};

// "| `how` | `close` \| `reset` | `close` | what ... |" -> {how, close | reset, close, what ...}
std::vector<std::string> table_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (line[i] == '|') {
      std::erase(cell, '`');
      cells.push_back(cell.substr(cell.find_first_not_of(' '),
                                  cell.find_last_not_of(' ') - cell.find_first_not_of(' ') + 1));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return cells;
}

std::map<std::string, DocSection> doc_sections() {
  std::ifstream in(std::string(SISYPHUS_SOURCE_DIR) + "/docs/faults.md");
  EXPECT_TRUE(in) << "cannot read docs/faults.md";
  std::map<std::string, DocSection> out;
  DocSection* section = nullptr;
  std::string* example = nullptr;
  for (std::string line; std::getline(in, line);) {
    if (example != nullptr) {
      if (line == "```") {
        example = nullptr;
      } else {
        *example += line + "\n";
      }
    } else if (line.starts_with("## ")) {
      section = &out[line.substr(3)];
    } else if (section != nullptr && line == "```yaml") {
      example = &section->examples.emplace_back();
    } else if (section != nullptr && line.starts_with("| `")) {
      const std::vector<std::string> cells = table_cells(line);
      if (cells.size() == 4) section->rows.push_back({cells[0], cells[1], cells[2], cells[3]});
    } else if (section != nullptr) {
      section->text += line + "\n";
    }
  }
  return out;
}

Row row_of(const model::ParamKey& key) {
  return {std::string(key.name), model::type_label(key),
          key.required                ? "required"
          : key.default_value.empty() ? "—"
                                      : std::string(key.default_value),
          std::string(key.doc)};
}

// A fault as the docs write it: its written keys and texts, in order.
using Written = std::vector<std::pair<std::string, std::string>>;

// Every fault of `kind` in the docs' examples of its section, narrowing keys taken out.
std::vector<Written> doc_examples(const std::string& kind, const DocSection& section) {
  std::vector<Written> out;
  for (const std::string& yaml : section.examples) {
    const model::Scenario s = load("name: docs\nresource: {size: 64MiB}\n" + yaml);
    std::vector<const model::FaultSpec*> specs;
    for (const auto& entry : s.attempts) {
      for (const auto& spec : entry.faults) specs.push_back(&spec);
    }
    for (const auto& rule : s.faults) specs.push_back(&rule.fault);
    for (const model::FaultSpec* spec : specs) {
      if (spec->kind != kind) continue;
      Written& fault = out.emplace_back();
      for (const auto& w : spec->params.written()) {
        if (w.text) fault.emplace_back(w.key, *w.text);
      }
    }
  }
  return out;
}

// `kind: {k: "v", ...}`; values are quoted (fault parameters read as text, so that is the
// same) unless they start with '[', for the tests that give a sequence.
std::string entry(const std::string& kind, const Written& keys) {
  std::vector<std::string> parts;
  for (const auto& [key, text] : keys) {
    parts.push_back(text.starts_with('[') ? fmt::format("{}: {}", key, text)
                                          : fmt::format("{}: \"{}\"", key, text));
  }
  return fmt::format("{}: {{{}}}", kind, fmt::join(parts, ", "));
}

Written without(Written keys, const std::string& key) {
  std::erase_if(keys, [&](const auto& kv) { return kv.first == key; });
  return keys;
}

Written with(Written keys, const std::string& key, const std::string& text) {
  for (auto& kv : keys) {
    if (kv.first == key) {
      kv.second = text;
      return keys;
    }
  }
  keys.emplace_back(key, text);
  return keys;
}

// The message (without file:line:column) the entry fails to load with, or "".
std::string error_of(const std::string& fault) {
  try {
    load(with_attempt(fault));
  } catch (const model::ScenarioError& e) {
    return e.message();
  }
  return "";
}

// Everything a plan holds, to compare two of them.
std::string describe(const ResponsePlan& p) {
  std::string out = fmt::format(
      "status={} ignore_range={} chunked={} chunked_cut={} first_byte={} per_chunk={} rate={} "
      "shift={} applied={}",
      p.status.value_or(0), p.ignore_range, p.chunked, p.chunked_cut, p.first_byte_delay.count(),
      p.per_chunk_delay.count(), p.rate, p.range_shift, fmt::join(p.applied, ","));
  for (const auto& [name, value] : p.headers) out += fmt::format(" {}: {}", name, value);
  out +=
      fmt::format(" digest_lies={}/{} retry_after_date_in={}", static_cast<int>(p.repr_digest_lie),
                  static_cast<int>(p.content_digest_lie), p.retry_after_date_in.value_or(0));
  if (p.cut) {
    out += fmt::format(" cut={}/{}/{}/{}/{}", static_cast<int>(p.cut->at.base), p.cut->at.offset,
                       static_cast<int>(p.cut->how), p.cut->stall_for.count(), p.cut->fault);
  }
  for (const auto& c : p.corruptions) out += fmt::format(" flip {}^{}", c.resource_offset, c.mask);
  return out;
}

class KeyTables : public ::testing::Test {
 protected:
  const std::map<std::string, DocSection> docs_ = doc_sections();

  const DocSection& section(const FaultKind& kind) const {
    static const DocSection none;
    auto it = docs_.find(std::string(kind.name));
    return it == docs_.end() ? none : it->second;
  }
};

TEST_F(KeyTables, DocsShowEachKindsTableAsTheCodeDeclaresIt) {
  for (const FaultKind* kind : FaultRegistry::instance().all()) {
    ASSERT_TRUE(docs_.contains(std::string(kind->name))) << "no '## " << kind->name << "'";
    std::vector<Row> expected;
    for (const auto& key : kind->params.keys) expected.push_back(row_of(key));
    EXPECT_EQ(section(*kind).rows, expected) << kind->name;
    if (kind->params.keys.empty()) {
      EXPECT_NE(section(*kind).text.find("No parameters"), std::string::npos) << kind->name;
    }
  }
}

TEST_F(KeyTables, DocsHaveAnExampleOfEveryKey) {
  for (const FaultKind* kind : FaultRegistry::instance().all()) {
    const std::vector<Written> examples = doc_examples(std::string(kind->name), section(*kind));
    EXPECT_FALSE(examples.empty()) << kind->name;
    std::set<std::string> shown;
    for (const Written& example : examples) {
      for (const auto& kv : example) shown.insert(kv.first);
    }
    std::set<std::string> declared;
    for (const auto& key : kind->params.keys) declared.emplace(key.name);
    EXPECT_EQ(shown, declared) << kind->name;
  }
}

// A parser that read a key its table does not declare (or as another type) would throw
// std::logic_error here rather than build.
TEST_F(KeyTables, ParsersReadOnlyDeclaredKeys) {
  for (const FaultKind* kind : FaultRegistry::instance().all()) {
    for (const std::string& yaml : section(*kind).examples) {
      const model::Scenario s = load("name: docs\nresource: {size: 64MiB}\n" + yaml);
      for (const auto& entry : s.attempts) {
        for (const auto& spec : entry.faults) {
          EXPECT_NO_THROW(FaultRegistry::instance().build(spec, s)) << yaml;
        }
      }
      for (const auto& rule : s.faults) {
        EXPECT_NO_THROW(FaultRegistry::instance().build(rule.fault, s)) << yaml;
      }
    }
  }
}

TEST_F(KeyTables, UnknownKeysAreRefusedWithTheTablesNames) {
  for (const FaultKind* kind : FaultRegistry::instance().all()) {
    const std::string name(kind->name);
    if (kind->params.keys.empty()) {
      EXPECT_EQ(error_of(entry(name, {{"x", "1"}})),
                fmt::format("'{}' takes no parameters, got 'x'", name));
      continue;
    }
    const Written example = doc_examples(name, section(*kind)).at(0);
    std::vector<std::string> names;
    for (const auto& key : kind->params.keys) names.emplace_back(key.name);
    EXPECT_EQ(
        error_of(entry(name, with(example, "zzz", "1"))),
        fmt::format("unknown key 'zzz' in {}, expected one of {}", name, fmt::join(names, ", ")));
    for (const std::string& key : names) {
      const std::string typo = key + key.back();
      EXPECT_EQ(error_of(entry(name, with(example, typo, "1"))),
                fmt::format("unknown key '{}' in {}, did you mean '{}'?", typo, name, key));
    }
  }
}

TEST_F(KeyTables, WrongTypesAreRefusedWithWhatTheTableExpects) {
  for (const FaultKind* kind : FaultRegistry::instance().all()) {
    const std::string name(kind->name);
    for (const Written& example : doc_examples(name, section(*kind))) {
      for (const auto& [key, text] : example) {
        EXPECT_EQ(error_of(entry(name, with(example, key, "[1]"))),
                  fmt::format("expected {}, got a sequence",
                              model::expected_value(*kind->params.find(key))))
            << entry(name, example);
      }
    }
  }
}

TEST_F(KeyTables, MissingRequiredKeysSayWhatTheirDocLineSays) {
  for (const FaultKind* kind : FaultRegistry::instance().all()) {
    const std::string name(kind->name);
    for (const Written& example : doc_examples(name, section(*kind))) {
      for (const auto& [key, text] : example) {
        const model::ParamKey& declared = *kind->params.find(key);
        if (!declared.required) continue;
        EXPECT_EQ(error_of(entry(name, without(example, key))),
                  fmt::format("expected '{}' ({})", key, declared.doc));
      }
    }
  }
}

// A key left out acts as its default written out: the same plan. Compared wherever both
// forms load (a kind's own rules may refuse one, as latency refuses no key at all), and at
// least once for every key with a default.
TEST_F(KeyTables, AnAbsentKeyActsAsItsDefault) {
  for (const FaultKind* kind : FaultRegistry::instance().all()) {
    const std::string name(kind->name);
    for (const auto& key : kind->params.keys) {
      if (key.default_value.empty()) continue;
      int compared = 0;
      for (const Written& example : doc_examples(name, section(*kind))) {
        const std::string absent = entry(name, without(example, std::string(key.name)));
        const std::string given =
            entry(name, with(example, std::string(key.name), std::string(key.default_value)));
        if (!error_of(absent).empty() || !error_of(given).empty()) continue;
        EXPECT_EQ(describe(plan_for(absent)), describe(plan_for(given))) << absent;
        ++compared;
      }
      EXPECT_GT(compared, 0) << name << "." << key.name << ": no example to compare";
    }
  }
}

}  // namespace
}  // namespace sisyphus::proxy::test
