#include "yaml_documents.hpp"

#include <yaml-cpp/eventhandler.h>

#include <optional>
#include <sstream>

namespace sisyphus::model::detail {
namespace {

// Records where each document starts and where its content starts; builds nothing.
class DocumentMarks final : public YAML::EventHandler {
 public:
  std::size_t count() const { return count_; }
  const YAML::Mark& start() const { return start_; }
  const YAML::Mark& content() const { return content_ ? *content_ : start_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    ++count_;
    start_ = mark;
    content_.reset();
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& mark) {
    if (!content_) content_ = mark;
  }
  std::size_t count_ = 0;
  YAML::Mark start_ = YAML::Mark::null_mark();
  std::optional<YAML::Mark> content_;
};

}  // namespace

Documents read_documents(const std::string& text) {
  Documents out;
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentMarks marks;
  std::optional<YAML::Mark> previous_start;
  while (parser.HandleNextDocument(marks)) {
    // A document that starts where the previous one did consumed nothing: the parser is
    // stuck on a token no document can start with.
    if (previous_start && previous_start->pos == marks.start().pos) {
      const bool comma = marks.start().pos >= 0 &&
                         static_cast<std::size_t>(marks.start().pos) < text.size() &&
                         text[static_cast<std::size_t>(marks.start().pos)] == ',';
      throw YAML::ParserException(marks.start(),
                                  comma ? "',' outside a flow collection ([...] or {...})"
                                        : "unexpected token: the parser cannot go on from here");
    }
    previous_start = marks.start();
    if (marks.count() == 2) out.second = marks.content();
  }
  out.count = marks.count();
  if (out.count > 0) out.first = YAML::Load(text);
  return out;
}

}  // namespace sisyphus::model::detail
