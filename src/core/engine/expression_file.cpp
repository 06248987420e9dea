// compile_expression_file (auths/policy_expression.h): reads the file for policy::Expression
// (src/core/policy/expression.cpp), which decides.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "auths/policy_expression.h"
#include "auths/verify.h"
#include "engine/policy_file.h"
#include "policy/canonical.h"
#include "policy/expression.h"

namespace auths {

Result<ExpressionReport> compile_expression_file(const std::string& path) {
  ExpressionReport report;
  report.file = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string message = "cannot read " + path + ": " + std::strerror(err);
    return err == ENOENT ? Error::not_found(std::move(message)) : Error::io(std::move(message));
  }
  struct stat st {};
  const bool is_file = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  // One byte more than the limit: enough for the compiler to say the file is too large.
  Result<std::string> text =
      is_file ? read_all(fd, ExpressionLimits::kMaxBytes + 1) : Result<std::string>(Error::io("not a regular file"));
  ::close(fd);
  if (!text) {
    if (text.error().code == ErrorCode::kInvalidArgument) {  // read_all's "larger than"
      report.bytes = static_cast<size_t>(st.st_size);
      report.errors.push_back(policy::too_large_error(report.bytes));
      return report;
    }
    return Error{text.error().code, "cannot read " + path + ": " + text.error().message, {}};
  }
  report.bytes = text->size();
  Result<policy::Expression> expression = policy::Expression::compile(*text, &report.errors);
  if (!expression) return report;
  report.nodes = expression->nodes();
  report.depth = expression->depth();
  report.hash = expression->hash();
  report.canonical = expression->canonical();
  report.predicates = expression->predicates();
  return report;
}

Result<PolicyCompileReport> compile_policy_file(const std::string& path) {
  Result<std::string> text = engine::read_policy_text(path);
  if (!text) return text.error();
  PolicyCompileReport report;
  report.file = path;
  const Result<policy::Policy> loaded = policy::parse_policy(*text, path, engine::policy_dir_reader(path, "."));
  if (!loaded) {
    report.error = loaded.error().to_string();
    return report;
  }
  report.rules = loaded->rules.size();
  Result<std::string> canonical = policy::canonical_form(*loaded);
  Result<std::string> hash = policy::policy_hash(*loaded);
  if (!canonical || !hash) {
    report.error = (canonical ? hash.error() : canonical.error()).to_string();
    return report;
  }
  report.canonical = std::move(canonical).value();
  report.hash = std::move(hash).value();
  for (const policy::Rule& rule : loaded->rules) {
    if (rule.expression == nullptr) continue;
    report.expressions.push_back(
        {rule.name, rule.expression_path, rule.expression->nodes(), rule.expression->depth(), rule.expression->hash()});
  }
  return report;
}

}  // namespace auths
