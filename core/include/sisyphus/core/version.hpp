#pragma once

namespace sisyphus {
inline constexpr const char* kVersion = "0.1.0";
}
