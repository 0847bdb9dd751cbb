#pragma once
// The stylesheet report.html and compare.html share (internal), inlined into each page.
#include <string_view>

namespace sisyphus::reports::html_style {

inline constexpr std::string_view kCss = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #dde1e8;padding-bottom:4px}
h3{font-size:15px;margin:24px 0 6px}.meta{color:#5b6577;margin:0 0 16px}
table{border-collapse:collapse;margin:8px 0}th,td{padding:4px 10px;border-bottom:1px solid #e6e9ef;text-align:left;vertical-align:top}
th{background:#f4f6f9;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{background:#fff4f4}.v{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;font-weight:600}
.v-ok{background:#dff3e4;color:#16602b}.v-failed-clean{background:#eef0f4;color:#3b4456}
.v-failed-dirty{background:#ffe8cc;color:#8a4b00}.v-corrupt{background:#ffd7d7;color:#9b1111}.v-error{background:#e9defc;color:#4b2a8a}
.mark{font-weight:700;color:#b3261e}.pass{color:#16602b}
pre{background:#f6f8fa;padding:8px 10px;overflow-x:auto;border-radius:4px;font-size:12px}
svg.chart{display:block;margin:8px 0;max-width:100%;height:auto}
svg text{font-size:11px;fill:#1d2330}svg text.axis{fill:#5b6577}svg text.val{fill:#3b4456}
line.axis{stroke:#5b6577}line.grid{stroke:#e6e9ef}
.bar{fill:#4a78c2}.bar.fail{fill:#c8453b}.track{fill:#f1f3f7}
.a-ok{fill:#3f9b5a}.a-fault{fill:#e08a1e}.a-err{fill:#c8453b}.a-none{fill:#9aa3b2}
.c0{fill:#4a78c2}.c1{fill:#e08a1e}.c2{fill:#3f9b5a}.c3{fill:#c8453b}.c4{fill:#8d5fc9}.c5{fill:#2aa1a8}.c6{fill:#b5652b}.c7{fill:#6b7385}
.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
.sw.a-ok{background:#3f9b5a}.sw.a-fault{background:#e08a1e}.sw.a-err{background:#c8453b}.sw.a-none{background:#9aa3b2}
details{margin:6px 0}summary{cursor:pointer;color:#3b4456}
)css";

}  // namespace sisyphus::reports::html_style
