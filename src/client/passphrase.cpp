// The passphrase of the identity home's keys: $AUTHS_PASSPHRASE, or a prompt on the terminal
// with echo off (auths/client/keys.h). The only code of the project that prompts.
#include <botan/mem_ops.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <utility>

#include "auths/client/keys.h"
#include "file_io.h"

namespace auths::client {

namespace {

constexpr size_t kMaxPassphraseLength = 1024;

// Echo off on a terminal for as long as this object lives. A signal that ends the process
// meanwhile (Ctrl-C, hangup, kill) first puts the terminal back, as readpassphrase(3) does, so
// that an interrupted prompt does not leave the shell without echo.
class EchoOff final {
 public:
  explicit EchoOff(int fd) {
    if (::tcgetattr(fd, &s_saved) != 0) return;
    s_fd = fd;
    struct sigaction on_signal {};
    on_signal.sa_handler = &EchoOff::restore_and_reraise;
    sigemptyset(&on_signal.sa_mask);
    for (size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &on_signal, &m_previous[i]);
    termios quiet = s_saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    // TCSAFLUSH drops typeahead: only what is typed after the prompt counts.
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  ~EchoOff() {
    if (s_fd < 0) return;
    ::tcsetattr(s_fd, TCSANOW, &s_saved);
    for (size_t i = 0; i < kSignals.size(); ++i) ::sigaction(kSignals[i], &m_previous[i], nullptr);
    s_fd = -1;
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  static void restore_and_reraise(int sig) {
    if (s_fd >= 0) ::tcsetattr(s_fd, TCSANOW, &s_saved);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  }

  static constexpr std::array<int, 4> kSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  // One prompt at a time per process; the handler can only reach statics.
  static inline int s_fd = -1;
  static inline termios s_saved{};
  std::array<struct sigaction, kSignals.size()> m_previous{};
};

// The terminal the prompt talks to.
class Terminal final {
 public:
  static Result<Terminal> open() {
    const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
      return Error::invalid_argument("no terminal (/dev/tty)");
    }
    return Terminal(fd);
  }
  Terminal(Terminal&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Terminal& operator=(Terminal&&) = delete;
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;
  ~Terminal() {
    if (m_fd >= 0) ::close(m_fd);
  }

  Result<std::string> read_secret(std::string_view prompt) { return read_line(prompt, /*secret=*/true); }

  Result<std::string> read_line(std::string_view prompt, bool secret) {
    std::optional<EchoOff> echo_off;
    if (secret) echo_off.emplace(m_fd);  // before the prompt, so that nothing typed after it is shown
    if (const auto ok = write_all(m_fd, prompt); !ok) return ok.error();
    std::string line;
    bool too_long = false;
    for (;;) {
      char c = 0;
      const ssize_t n = ::read(m_fd, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        wipe_secret(line);
        return Error::io(std::string("cannot read ") + (secret ? "the passphrase: " : "an answer: ") + errno_text(err),
                         "/dev/tty");
      }
      if (n == 0 || c == '\n' || c == '\r') break;
      if (line.size() >= kMaxPassphraseLength) {
        too_long = true;
        continue;
      }
      line.push_back(c);
    }
    if (too_long) {
      wipe_secret(line);
      return Error::invalid_argument(std::string(secret ? "passphrase" : "answer") + " is longer than " +
                                     std::to_string(kMaxPassphraseLength) + " bytes");
    }
    return line;
  }

 private:
  explicit Terminal(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

}  // namespace

void wipe_secret(std::string& secret) {
  if (!secret.empty()) Botan::secure_scrub_memory(secret.data(), secret.size());
}

Result<std::string> read_answer(std::string_view prompt) {
  auto tty = Terminal::open();
  if (!tty) return Error::invalid_argument("no terminal to ask on: pass the answer as an option");
  return tty->read_line(prompt, /*secret=*/false);
}

Result<std::string> read_passphrase(std::string_view prompt, bool confirm, const char* variable) {
  if (const char* env = std::getenv(variable); env != nullptr) return std::string(env);
  auto tty = Terminal::open();
  if (!tty) return Error::invalid_argument(std::string("no passphrase: set ") + variable + " or run from a terminal");
  auto first = tty->read_secret(prompt);
  if (!first || !confirm) return first;
  auto second = tty->read_secret("Enter the same passphrase again: ");
  if (!second) {
    wipe_secret(*first);
    return second.error();
  }
  const bool same = *first == *second;
  wipe_secret(*second);
  if (!same) {
    wipe_secret(*first);
    return Error::invalid_argument("the passphrases do not match");
  }
  return first;
}

}  // namespace auths::client
