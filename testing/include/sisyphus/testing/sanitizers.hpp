#pragma once
// Whether this build runs under AddressSanitizer, whose allocator replaces malloc: tests of
// malloc's own counts (mallinfo2) or of memory handed back to the kernel (malloc_trim, RSS)
// measure nothing there and skip; LeakSanitizer checks for leaks in that build instead.

namespace sisyphus::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool address_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool address_sanitizer = true;
#else
inline constexpr bool address_sanitizer = false;
#endif
#else
inline constexpr bool address_sanitizer = false;
#endif

}  // namespace sisyphus::testing
