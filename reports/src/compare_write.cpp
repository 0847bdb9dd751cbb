#include "sisyphus/reports/compare.hpp"
#include "write_file.hpp"

namespace sisyphus::reports {

void write_compare(const CompareResults& results, const std::filesystem::path& dir) {
  create_report_dir(dir);
  write_file(dir / "compare.json", to_compare_json(results));
  write_file(dir / "compare.md", to_compare_markdown(results));
  write_file(dir / "compare.html", to_compare_html(results));
}

}  // namespace sisyphus::reports
