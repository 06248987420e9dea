// BLAKE3-256 against the third-party `b3sum`: the committed vectors (official test-vector
// lengths plus random content, scripts/gen_blake3_vectors.sh) and a live comparison on random
// inputs. b3sum is a test dependency (scripts/test.sh installs it); the live test fails, not
// skips, when it is missing.
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "crypto/blake3.h"
#include "util/bytes.h"

BOOST_AUTO_TEST_SUITE(crypto_blake3)

namespace ac = auths::crypto;
namespace au = auths::util;

namespace {

std::string hex(const ac::Blake3Digest& d) { return au::hex_encode(d.data(), d.size()); }

au::Bytes pattern_input(size_t len) {
  au::Bytes b(len);
  for (size_t i = 0; i < len; ++i) {
    b[i] = static_cast<uint8_t>(i % 251);
  }
  return b;
}

// Hashes `data` in pieces of random sizes, to exercise every buffering path of update().
ac::Blake3Digest hash_in_pieces(const au::Bytes& data, std::mt19937& rng) {
  ac::Blake3 hasher;
  size_t pos = 0;
  while (pos < data.size()) {
    std::uniform_int_distribution<size_t> piece(0, 2100);
    const size_t n = std::min(piece(rng), data.size() - pos);
    hasher.update(std::span<const uint8_t>(data.data() + pos, n));
    pos += n;
  }
  return hasher.finalize();
}

// Runs `b3sum --no-names` on `data` through a temporary file; empty string on failure.
std::string b3sum(const au::Bytes& data) {
  char path[] = "/tmp/auths-blake3-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) {
    return {};
  }
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n <= 0) {
      break;
    }
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  std::string out;
  if (written == data.size()) {
    const std::string cmd = std::string("b3sum --no-names '") + path + "' 2>/dev/null";
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
      std::array<char, 256> buf{};
      while (std::fgets(buf.data(), buf.size(), p) != nullptr) {
        out += buf.data();
      }
      if (::pclose(p) != 0) {
        out.clear();
      }
    }
  }
  ::unlink(path);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
    out.pop_back();
  }
  return out;
}

}  // namespace

// The empty input and "abc" from the BLAKE3 reference test vectors / README.
BOOST_AUTO_TEST_CASE(known_answers) {
  BOOST_TEST(hex(ac::blake3_256(std::string_view())) ==
             "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
  BOOST_TEST(hex(ac::blake3_256(std::string_view("abc"))) ==
             "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85");
}

BOOST_AUTO_TEST_CASE(committed_b3sum_vectors) {
  std::ifstream in(std::string(AUTHS_TEST_DATA_DIR) + "/blake3/vectors.txt");
  BOOST_REQUIRE_MESSAGE(in, "cannot open tests/data/blake3/vectors.txt");
  std::mt19937 rng(1234);
  size_t pattern_cases = 0;
  size_t random_cases = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::istringstream fields(line);
    std::string kind;
    size_t len = 0;
    std::string digest;
    std::string input_hex;
    fields >> kind >> len >> digest >> input_hex;
    au::Bytes input;
    if (kind == "pattern") {
      input = pattern_input(len);
      ++pattern_cases;
    } else {
      BOOST_REQUIRE_EQUAL(kind, "random");
      const auto decoded = au::hex_decode(input_hex);
      BOOST_REQUIRE(decoded.has_value());
      input = *decoded;
      BOOST_REQUIRE_EQUAL(input.size(), len);
      ++random_cases;
    }
    BOOST_TEST(hex(ac::blake3_256(input)) == digest, "one-shot, length " << len);
    BOOST_TEST(hex(hash_in_pieces(input, rng)) == digest, "incremental, length " << len);
  }
  BOOST_TEST(pattern_cases == 22u);
  BOOST_TEST(random_cases >= 20u);
}

BOOST_AUTO_TEST_CASE(finalize_does_not_consume) {
  ac::Blake3 hasher;
  hasher.update(std::string_view("ab"));
  const auto partial = hasher.finalize();
  hasher.update(std::string_view("c"));
  BOOST_TEST(hex(partial) == hex(ac::blake3_256(std::string_view("ab"))));
  BOOST_TEST(hex(hasher.finalize()) == hex(ac::blake3_256(std::string_view("abc"))));
}

// Live oracle: about 50 random inputs of random lengths up to 200 KB, compared with b3sum now.
BOOST_AUTO_TEST_CASE(live_b3sum_random_inputs) {
  BOOST_REQUIRE_MESSAGE(std::system("command -v b3sum >/dev/null 2>&1") == 0,
                        "b3sum is not installed: it is the test oracle for BLAKE3 (apt-get install b3sum; "
                        "scripts/test.sh installs it)");
  std::random_device seed_source;
  const unsigned seed = seed_source();
  BOOST_TEST_MESSAGE("live b3sum comparison, seed " << seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> length(0, 200 * 1024);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 50; ++i) {
    // Every fifth case sits exactly on or next to a chunk boundary.
    size_t len = length(rng);
    if (i % 5 == 0) {
      const size_t boundary = std::max<size_t>(len / 1024, 1) * 1024;
      len = boundary - 1 + static_cast<size_t>(i % 3);  // one before, on, or one after
    }
    au::Bytes input(len);
    for (auto& b : input) {
      b = static_cast<uint8_t>(byte(rng));
    }
    const std::string expected = b3sum(input);
    BOOST_REQUIRE_MESSAGE(expected.size() == 64, "b3sum failed on a " << len << "-byte input");
    BOOST_TEST(hex(ac::blake3_256(input)) == expected, "length " << len << ", seed " << seed);
    BOOST_TEST(hex(hash_in_pieces(input, rng)) == expected, "incremental, length " << len << ", seed " << seed);
  }
}

BOOST_AUTO_TEST_SUITE_END()
