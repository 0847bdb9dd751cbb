// `resource.file` under attack: the file's name is swapped between a regular file and a
// symlink to a file outside the root while requests arrive. The root is checked by path and
// the file then opened by name, so a swap between the two once served the outside file (212
// of 4,000 requests); every answer must now be the inside file or a 404.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sisyphus/testing/server_test.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;

TEST(FileRootRace, ASymlinkSwappedInWhileServingNeverLeadsOutOfTheRoot) {
  TempDir tmp{"file-race"};
  const fs::path root = tmp.path() / "root";
  fs::create_directories(root);
  const std::string inside(1000, 'i');
  const std::string secret = "top secret outside the root\n";
  std::ofstream(tmp.path() / "secret.bin", std::ios::binary) << secret;
  std::ofstream(root / "f.bin", std::ios::binary) << inside;
  std::ofstream(root / "scenario.yaml") << "name: race\nresource: {path: /f.bin, file: f.bin}\n";

  proxy::ServerOptions options;
  options.file_root = root;
  proxy::Server server(options, proxy::load_scenario_file(root / "scenario.yaml"));
  server.start();

  // rename(2) replaces the name atomically: at every moment f.bin is either the file or a
  // symlink to the secret.
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    const fs::path file = root / "f.bin", link = root / "link.tmp", copy = root / "file.tmp";
    while (!stop) {
      ::symlink((tmp.path() / "secret.bin").c_str(), link.c_str());
      ::rename(link.c_str(), file.c_str());
      std::ofstream(copy, std::ios::binary) << inside;
      ::rename(copy.c_str(), file.c_str());
    }
  });
  int served = 0, refused = 0, leaked = 0;
  for (int i = 0; i < 2000; ++i) {
    const HttpResponse r = fetch("127.0.0.1", server.port(), "GET", "/f.bin");
    if (r.body.find("secret") != std::string::npos) ++leaked;
    if (r.status == 200 && r.body == inside) ++served;
    if (r.status == 404) ++refused;
  }
  stop = true;
  swapper.join();
  EXPECT_EQ(leaked, 0);
  EXPECT_EQ(served + refused, 2000) << served << " served, " << refused << " refused";
  EXPECT_GT(refused, 0)
      << "f.bin was never the symlink when a request came: the swapper did not run";
}

}  // namespace
}  // namespace sisyphus::testing
