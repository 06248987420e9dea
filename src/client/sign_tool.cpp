// auths-sign: ssh-keygen's `-Y sign` command line, and signing with a stored key.
#include "auths/client/sign_tool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "agent.h"
#include "auths/verify.h"
#include "file_io.h"
#include "keystore.h"
#include "sshsig/sign.h"
#include "sshsig/sshsig.h"
#include "util/strings.h"

namespace auths::client {

namespace {

// ssh-keygen's option letters (OpenSSH 9.x getopt string): these take an argument...
constexpr std::string_view kOptionsWithArgument = "CDEFIMNOPRVYZabfmnrstwz";
// ...and these do not.
constexpr std::string_view kFlags = "ABHKLQUXceghiklopquvy";

// Signing reads whole files into memory, as SSHSIG needs one hash over them; git's payloads are
// commit and tag objects, far below this.
constexpr size_t kMaxSignInput = size_t{1} << 30;

bool signs_stdin(const AuthsSignRequest& request) {
  return request.files.empty() || (request.files.size() == 1 && request.files.front() == "-");
}

struct Option {
  char letter;
  std::string value;
};

struct CommandLine {
  std::vector<Option> options;
  std::vector<std::string> operands;
};

// BSD getopt, as OpenSSH's bundled one behaves on Linux: options and their arguments ("-fkey"
// or "-f key", flags may be grouped: "-qU"), until "--" or the first argument that is not an
// option ("-" alone is an operand). nullopt for anything ssh-keygen itself would reject.
std::optional<CommandLine> split_command_line(const std::vector<std::string>& args) {
  CommandLine out;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') break;
    for (size_t j = 1; j < arg.size(); ++j) {
      const char letter = arg[j];
      if (kOptionsWithArgument.find(letter) != std::string_view::npos) {
        if (j + 1 < arg.size()) {
          out.options.push_back({letter, arg.substr(j + 1)});
        } else if (i + 1 < args.size()) {
          out.options.push_back({letter, args[++i]});
        } else {
          return std::nullopt;
        }
        break;
      }
      if (kFlags.find(letter) == std::string_view::npos) return std::nullopt;
      out.options.push_back({letter, {}});
    }
  }
  out.operands.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return out;
}

// Writes the signature to `fd`, naming `where` in an error.
Status write_signature(int fd, std::string_view armored, const std::string& where) {
  auto written = write_all(fd, armored);
  if (!written) return Error{written.error().code, written.error().message, where};
  return {};
}

Result<std::string> sign_armored(const crypto::PrivateKey& key, std::string_view message,
                                 const AuthsSignRequest& request) {
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(message.data()), message.size());
  const auto blob = sshsig::sign(key, bytes, request.namespace_, request.hash_algorithm);
  if (!blob) return blob.error();
  return sshsig::armor(*blob);
}

/// The messages to sign: standard input, or each file.
Result<std::vector<std::string>> read_messages(const AuthsSignRequest& request, int in_fd) {
  std::vector<std::string> messages;
  if (signs_stdin(request)) {
    auto message = read_all(in_fd, kMaxSignInput);
    if (!message) return Error{message.error().code, message.error().message, "(stdin)"};
    messages.push_back(std::move(*message));
    return messages;
  }
  for (const auto& file : request.files) {
    const int in = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return Error::io("cannot open for signing: " + errno_text(errno), file);
    auto message = read_all(in, kMaxSignInput);
    ::close(in);
    if (!message) return Error{message.error().code, message.error().message, file};
    messages.push_back(std::move(*message));
  }
  return messages;
}

/// Each message signed by the ssh-agent that holds `key` (put there by `auths key unlock`), as
/// armoured SSHSIG text. nullopt when there is no agent or it does not hold the key (never
/// unlocked, locked, or its lifetime is over): the caller signs with the key store instead. A
/// signature the agent makes must verify, or it is an Error.
Result<std::optional<std::vector<std::string>>> sign_by_agent(const crypto::PublicKey& key,
                                                              const std::vector<std::string>& messages,
                                                              const AuthsSignRequest& request) {
  const std::optional<std::vector<std::string>> not_held;
  const auto socket = agent::socket_path();
  if (!socket) return not_held;
  auto connection = agent::Connection::open(*socket);
  if (!connection) return not_held;
  std::vector<std::string> out;
  for (const auto& message : messages) {
    const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(message.data()), message.size());
    const auto data = sshsig::signed_data(bytes, request.namespace_, request.hash_algorithm);
    if (!data) return data.error();
    const auto reply = connection->call(agent::sign_request_message(key, *data));
    if (!reply) return not_held;
    const auto signature = agent::parse_sign_response(*reply, key);
    if (!signature) return signature.error();
    if (!signature->has_value()) return not_held;
    const auto blob = sshsig::assemble(key, request.namespace_, request.hash_algorithm, **signature);
    if (!blob) return blob.error();
    const auto parsed = sshsig::parse(*blob);
    if (!parsed || sshsig::verify(*parsed, bytes, request.namespace_) != sshsig::VerifyStatus::kGood) {
      return Error::crypto("the ssh-agent's signature does not verify", *socket);
    }
    out.push_back(sshsig::armor(*blob));
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

/// Each message signed with the key from the store (the passphrase from AUTHS_PASSPHRASE or
/// the terminal).
Result<std::vector<std::string>> sign_by_store(const std::filesystem::path& home,
                                               const std::vector<std::string>& messages,
                                               const AuthsSignRequest& request) {
  auto passphrase = read_passphrase("Enter passphrase for auths key '" + request.alias + "': ");
  if (!passphrase) return passphrase.error();
  const auto key = load_key(home, request.alias, *passphrase);
  wipe_secret(*passphrase);
  if (!key) return key.error();
  std::vector<std::string> out;
  for (const auto& message : messages) {
    auto armored = sign_armored(*key, message, request);
    if (!armored) return armored.error();
    out.push_back(std::move(*armored));
  }
  return out;
}

Status write_sig_file(const std::string& file, std::string_view armored) {
  const std::string sig_path = file + ".sig";
  const int out = ::open(sig_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) return Error::io("cannot create: " + errno_text(errno), sig_path);
  const auto written = write_signature(out, armored, sig_path);
  if (::close(out) != 0 && written) return Error::io("cannot close: " + errno_text(errno), sig_path);
  return written;
}

}  // namespace

Result<std::optional<AuthsSignRequest>> parse_auths_sign_args(const std::vector<std::string>& args) {
  const auto line = split_command_line(args);
  if (!line) return std::optional<AuthsSignRequest>{};

  std::string operation;
  std::string key_file;
  for (const auto& option : line->options) {
    if (option.letter == 'Y') operation = option.value;
    if (option.letter == 'f') key_file = option.value;
  }
  if (operation != "sign" || !util::starts_with(key_file, kAuthsKeyPrefix)) return std::optional<AuthsSignRequest>{};

  AuthsSignRequest request;
  request.alias = key_file.substr(kAuthsKeyPrefix.size());
  if (const auto ok = check_key_alias(request.alias); !ok) return ok.error();
  for (const auto& option : line->options) {
    switch (option.letter) {
      case 'Y':
      case 'f': break;
      case 'n': request.namespace_ = option.value; break;
      case 'O': {
        // ssh-keygen's only signing option: hashalg=<sha256|sha512> (keyword case-insensitive).
        const std::string_view value = option.value;
        if (value.size() > 8 && util::to_lower(value.substr(0, 8)) == "hashalg=") {
          request.hash_algorithm = std::string(value.substr(8));
          if (request.hash_algorithm != "sha256" && request.hash_algorithm != "sha512") {
            return Error::invalid_argument("unsupported hash algorithm '" + request.hash_algorithm +
                                           "' (sha256 or sha512)");
          }
        } else {
          return Error::invalid_argument("invalid option \"" + option.value + "\"");
        }
        break;
      }
      case 'U':  // "the key is in the agent": the agent is asked first anyway (run_auths_sign)
      case 'q':
      case 'v': break;
      default:
        return Error::invalid_argument(std::string("option -") + option.letter +
                                       " is not supported when signing with an " + std::string(kAuthsKeyPrefix) +
                                       " key");
    }
  }
  if (request.namespace_.empty()) return Error::invalid_argument("too few arguments for sign: missing namespace (-n)");
  request.files = line->operands;
  for (const auto& file : request.files) {
    if (file == "-" && request.files.size() > 1)
      return Error::invalid_argument("cannot sign a mix of paths and standard input");
  }
  return std::optional<AuthsSignRequest>(std::move(request));
}

Status run_auths_sign(const AuthsSignRequest& request, int in_fd, int out_fd) {
  const auto home_dir = auths_home();
  if (!home_dir) return home_dir.error();
  const std::filesystem::path home(*home_dir);
  if (!key_exists(home, request.alias)) {
    return Error::not_found("no key '" + request.alias + "' in " + (home / "keys").string() +
                            " (see 'auths key list')");
  }
  const auto public_key = load_public_key(home, request.alias);
  if (!public_key) return public_key.error();
  const auto messages = read_messages(request, in_fd);
  if (!messages) return messages.error();

  // The agent first: after `auths key unlock` no passphrase is asked until the key leaves it.
  auto by_agent = sign_by_agent(*public_key, *messages, request);
  if (!by_agent) return by_agent.error();
  std::vector<std::string> armored;
  if (by_agent->has_value()) {
    armored = std::move(**by_agent);
  } else {
    auto by_store = sign_by_store(home, *messages, request);
    if (!by_store) return by_store.error();
    armored = std::move(*by_store);
  }

  if (signs_stdin(request)) return write_signature(out_fd, armored.front(), "(stdout)");
  for (size_t i = 0; i < request.files.size(); ++i) {
    if (const auto ok = write_sig_file(request.files[i], armored[i]); !ok) return ok;
  }
  return {};
}

}  // namespace auths::client
