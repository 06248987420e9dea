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

}  // namespace auths
