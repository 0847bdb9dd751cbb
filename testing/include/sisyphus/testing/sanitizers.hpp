#pragma once
// Whether this build runs under a sanitizer. AddressSanitizer and ThreadSanitizer replace
// malloc with their own allocators: tests of malloc's own counts (mallinfo2) or of memory
// handed back to the kernel (malloc_trim, RSS) measure nothing there and skip (LeakSanitizer
// checks for leaks in the ASan build instead). ThreadSanitizer also slows every memory
// access 5-15 times, so tests of timing precision keep only their bounds that a slow
// machine cannot break (never early), not those that need it fast (at most 2 ms late).

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

#if defined(__SANITIZE_THREAD__)
inline constexpr bool thread_sanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool thread_sanitizer = true;
#else
inline constexpr bool thread_sanitizer = false;
#endif
#else
inline constexpr bool thread_sanitizer = false;
#endif

// malloc is the sanitizer's, not glibc's.
inline constexpr bool sanitizer_allocator = address_sanitizer || thread_sanitizer;

}  // namespace sisyphus::testing
