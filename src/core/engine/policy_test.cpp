// load_policy_under_test and evaluate_policy (auths/policy_test.h): the file read and loaded as
// `auths policy lint` reads it (engine/policy_file.h); the decisions are policy/evaluate.cpp.
#include <optional>
#include <string>

#include "auths/policy_test.h"
#include "engine/policy_file.h"
#include "policy/evaluate.h"
#include "util/strings.h"
#include "util/time.h"

namespace auths {

struct PolicyUnderTest::Impl {
  std::string source;
  std::optional<policy::Policy> policy;          // a policy.toml
  std::optional<policy::Expression> expression;  // an expression file alone
};

Result<PolicyUnderTest> load_policy_under_test(const std::string& path) {
  Result<std::string> text = engine::read_policy_text(path);
  if (!text) return text.error();
  auto impl = std::make_shared<PolicyUnderTest::Impl>();
  impl->source = path;
  if (util::ends_with(path, ".json")) {
    auto compiled = policy::Expression::compile(*text);
    if (!compiled) return Error{compiled.error().code, path + ": " + compiled.error().message, {}};
    impl->expression = std::move(compiled).value();
  } else {
    auto loaded = policy::parse_policy(*text, path, engine::policy_dir_reader(path, "."));
    if (!loaded) return loaded.error();
    impl->policy = std::move(loaded).value();
  }
  return PolicyUnderTest(std::move(impl));
}

Result<PolicyVerdict> evaluate_policy(const PolicyUnderTest& under_test, const PolicyTestContext& context) {
  const PolicyUnderTest::Impl& impl = under_test.impl();
  const int64_t now = context.now.value_or(util::now_unix());
  if (impl.expression) return policy::evaluate_expression(*impl.expression, impl.source, context, now);
  return policy::evaluate(*impl.policy, context, now);
}

std::optional<bool> verdict_meets(const PolicyVerdict& verdict, const std::string& expect) {
  const std::string wanted = util::to_lower(expect);
  if (wanted == "allow") return verdict.allow;
  if (wanted == "deny") return !verdict.allow;
  if (wanted == "indeterminate") return verdict.outcome == "indeterminate";
  if (expect == "ok") return verdict.allow;
  if (!reason_from_name(expect)) return std::nullopt;
  return verdict.reason == expect;
}

}  // namespace auths
