// Shared fixtures for the identity home tests (home, operations, trailers): a private temporary
// directory, scoped environment variables, and running git for repositories to test against.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "auths/result.h"
#include "support/scoped.h"

namespace auths::test {

/// The value of `result`, which must hold one (the test stops with the error otherwise).
template <typename T>
T must(const Result<T>& result) {
  BOOST_REQUIRE_MESSAGE(result.has_value(), (result ? std::string() : result.error().to_string()));
  return result.value();
}

// The environment every home test runs in: a fast KDF, a known passphrase, a private HOME (so
// no git config of the machine leaks in), the home in the temp dir.
struct HomeEnv {
  TempDir dir;
  EnvGuard kdf{"AUTHS_KDF_MEMORY_KIB", "64"};
  EnvGuard kdf_passes{"AUTHS_KDF_ITERATIONS", "1"};
  EnvGuard passphrase{"AUTHS_PASSPHRASE", "test passphrase"};
  EnvGuard home_var{"AUTHS_HOME", (dir.path() / "home").string()};
  EnvGuard user_home{"HOME", dir.path().string()};
  EnvGuard xdg{"XDG_CONFIG_HOME", std::nullopt};
  EnvGuard no_system{"GIT_CONFIG_NOSYSTEM", "1"};
  EnvGuard git_dir{"GIT_DIR", std::nullopt};

  std::filesystem::path home() const { return dir.path() / "home"; }
};

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `git <args>` (args already quoted as needed); true on exit status 0.
inline bool git(const std::string& args) {
  const std::string command = "git " + args + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace auths::test
