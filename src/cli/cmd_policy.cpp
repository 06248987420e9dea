// auths policy lint: offline checks of a policy.toml before it is pushed (auths/policy_lint.h).
// auths policy compile: an Auths expression policy (JSON) compiled offline
// (auths/policy_expression.h).
// auths policy init, add-signer, set-threshold: writing and editing it (auths/client/policy_edit.h).
// auths policy diff: what a change of a policy.toml makes stricter or looser (auths/policy_diff.h).
// auths policy test, explain: a policy judged on described signers (auths/policy_test.h); the
// suite files are read by policy_suite.cpp.
#include <cctype>
#include <cstdio>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "auths/client/policy_edit.h"
#include "auths/exit_codes.h"
#include "auths/policy_diff.h"
#include "auths/policy_expression.h"
#include "auths/policy_lint.h"
#include "auths/policy_test.h"
#include "commands.h"
#include "policy_suite.h"

namespace auths::cli {

namespace {

struct LintOptions {
  std::string file;
  std::string repo;
  bool json = false;
};

int run_lint(const LintOptions& opts) {
  const Result<LintReport> report = lint_policy_file(opts.file, opts.repo);
  if (!report) return report_unreadable(report.error());
  size_t errors = 0;
  for (const LintFinding& finding : report->findings) errors += finding.severity == LintSeverity::kError ? 1 : 0;
  const size_t warnings = report->findings.size() - errors;
  if (opts.json) {
    nlohmann::ordered_json findings = nlohmann::ordered_json::array();
    for (const LintFinding& f : report->findings) {
      findings.push_back(
          {{"severity", to_string(f.severity)}, {"code", f.code}, {"message", f.message}, {"where", f.where}});
    }
    const nlohmann::ordered_json doc = {{"file", report->file}, {"ok", report->ok()}, {"findings", findings}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    for (const LintFinding& f : report->findings) {
      std::printf("%s: %s: %s\n", to_string(f.severity), f.where.c_str(), f.message.c_str());
    }
    std::printf("%s: %s (%zu error%s, %zu warning%s)\n", report->file.c_str(), report->ok() ? "ok" : "not ok", errors,
                errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  }
  return report->ok() ? kExitAccepted : kExitRejected;
}

struct CompileOptions {
  std::string file;
  bool json = false;
  bool canonical = false;
};

/// `auths policy compile POLICY.toml`: the policy's content hash and its expressions.
int run_compile_policy(const CompileOptions& opts) {
  const Result<PolicyCompileReport> report = compile_policy_file(opts.file);
  if (!report) return report_unreadable(report.error());
  if (opts.json) {
    nlohmann::ordered_json expressions = nlohmann::ordered_json::array();
    for (const auto& e : report->expressions) {
      expressions.push_back(
          {{"rule", e.rule}, {"path", e.path}, {"nodes", e.nodes}, {"depth", e.depth}, {"hash", e.hash}});
    }
    nlohmann::ordered_json doc = {{"file", report->file},
                                  {"ok", report->ok()},
                                  {"error", or_null(report->error)},
                                  {"rules", report->rules},
                                  {"hash", or_null(report->hash)},
                                  {"expressions", expressions}};
    if (opts.canonical) doc["canonical"] = or_null(report->canonical);
    std::printf("%s\n", doc.dump(2).c_str());
    return report->ok() ? kExitAccepted : kExitRejected;
  }
  if (!report->ok()) {
    std::fprintf(stderr, "error: %s\n", report->error.c_str());
    std::printf("%s: not ok (does not load)\n", report->file.c_str());
    return kExitRejected;
  }
  if (opts.canonical) {
    std::printf("%s\n", report->canonical.c_str());
    return kExitAccepted;
  }
  std::printf("%s: ok\n", report->file.c_str());
  std::printf("rules: %zu\n", report->rules);
  std::printf("hash: %s\n", report->hash.c_str());
  for (const auto& e : report->expressions) {
    std::printf("expression: rule '%s' %s: %zu nodes, depth %zu, hash %s\n", e.rule.c_str(), e.path.c_str(), e.nodes,
                e.depth, e.hash.c_str());
  }
  return kExitAccepted;
}

int run_compile(const CompileOptions& opts) {
  const std::string& file = opts.file;
  if (file.size() >= 5 && file.compare(file.size() - 5, 5, ".toml") == 0) return run_compile_policy(opts);
  const Result<ExpressionReport> report = compile_expression_file(file);
  if (!report) return report_unreadable(report.error());
  if (opts.json) {
    nlohmann::ordered_json doc = {{"file", report->file},
                                  {"ok", report->ok()},
                                  {"bytes", report->bytes},
                                  {"byte_limit", ExpressionLimits::kMaxBytes},
                                  {"nodes", report->ok() ? nlohmann::ordered_json(report->nodes) : nullptr},
                                  {"node_limit", ExpressionLimits::kMaxNodes},
                                  {"depth", report->ok() ? nlohmann::ordered_json(report->depth) : nullptr},
                                  {"depth_limit", ExpressionLimits::kMaxDepth},
                                  {"hash", or_null(report->hash)},
                                  {"predicates", report->predicates},
                                  {"errors", report->errors}};
    if (opts.canonical) doc["canonical"] = or_null(report->canonical);
    std::printf("%s\n", doc.dump(2).c_str());
    return report->ok() ? kExitAccepted : kExitRejected;
  }
  for (const std::string& error : report->errors) std::fprintf(stderr, "error: %s\n", error.c_str());
  if (!report->ok()) {
    std::printf("%s: not ok (%zu error%s)\n", file.c_str(), report->errors.size(),
                report->errors.size() == 1 ? "" : "s");
    return kExitRejected;
  }
  if (opts.canonical) {
    std::printf("%s\n", report->canonical.c_str());
    return kExitAccepted;
  }
  std::printf("%s: ok\n", file.c_str());
  std::printf("bytes: %zu (at most %zu)\n", report->bytes, ExpressionLimits::kMaxBytes);
  std::printf("nodes: %zu (at most %zu)\n", report->nodes, ExpressionLimits::kMaxNodes);
  std::printf("depth: %zu (at most %zu)\n", report->depth, ExpressionLimits::kMaxDepth);
  std::printf("hash: %s\n", report->hash.c_str());
  for (const std::string& predicate : report->predicates) std::printf("predicate: %s\n", predicate.c_str());
  return kExitAccepted;
}

struct DiffOptions {
  std::string old_policy;  // a file, or with --repo a revision
  std::string new_policy;
  std::string repo;
  std::string default_branch;
  bool json = false;
};

std::string upper(const char* text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

int run_diff(const DiffOptions& opts) {
  const Result<PolicyDiff> diff =
      opts.repo.empty() ? diff_policy_files(opts.old_policy, opts.new_policy,
                                            opts.default_branch.empty() ? "main" : opts.default_branch)
                        : diff_policy_revisions(opts.repo, opts.old_policy, opts.new_policy, opts.default_branch);
  if (!diff) return report_unreadable(diff.error());
  size_t looser = 0;
  for (const PolicyChange& c : diff->changes) looser += c.direction == DiffDirection::kLooser ? 1 : 0;
  const std::string risk = diff->changes.empty() ? "none" : to_string(diff->risk());
  if (opts.json) {
    nlohmann::ordered_json changes = nlohmann::ordered_json::array();
    for (const PolicyChange& c : diff->changes) {
      changes.push_back({{"rule", c.rule},
                         {"field", c.field},
                         {"description", c.description},
                         {"direction", to_string(c.direction)},
                         {"risk", to_string(c.risk)}});
    }
    const nlohmann::ordered_json doc = {{"old", diff->old_source},
                                        {"new", diff->new_source},
                                        {"changes", changes},
                                        {"looser", diff->looser()},
                                        {"risk", risk}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    for (const PolicyChange& c : diff->changes) {
      std::printf("%-6s %s (%s)\n", upper(to_string(c.risk)).c_str(), c.description.c_str(), to_string(c.direction));
    }
    const size_t n = diff->changes.size();
    if (n == 0) {
      std::printf("%s -> %s: no changes\n", diff->old_source.c_str(), diff->new_source.c_str());
    } else {
      std::printf("%s -> %s: %zu change%s, %zu looser, highest risk %s\n", diff->old_source.c_str(),
                  diff->new_source.c_str(), n, n == 1 ? "" : "s", looser, upper(risk.c_str()).c_str());
    }
  }
  return diff->looser() ? kExitRejected : kExitAccepted;
}

void register_policy_diff(CLI::App& group, Registry& registry) {
  auto opts = std::make_shared<DiffOptions>();
  CLI::App* diff = group.add_subcommand("diff", "What got stricter or looser between two policies, rule by rule");
  diff->add_option("OLD", opts->old_policy, "The old policy file (with --repo: a revision)")->required();
  diff->add_option("NEW", opts->new_policy, "The new policy file (with --repo: a revision)")->required();
  diff->add_option("--repo", opts->repo,
                   "Compare .auths/policy.toml of two revisions of this repository (and the files each names, from "
                   "the same tree), as the hooks read them");
  diff->add_option("--default-branch", opts->default_branch,
                   "The default branch (default: what the repository's HEAD names with --repo, else main)");
  diff->add_flag("--json", opts->json,
                 "Print {\"old\", \"new\", \"changes\": [{\"rule\", \"field\", \"description\", \"direction\", "
                 "\"risk\"}], \"looser\", \"risk\"} instead of text");
  diff->footer(
      "Rules are paired by name (unnamed or renamed ones by kind and refs); signers are compared as the loader "
      "resolves them, so a reformatted key line is no change. Each change is stricter, looser or neutral, with a "
      "risk: HIGH for a lower require, an added signer or a removed condition on a release rule or [governance], "
      "default deny -> allow, force-push or delete allowed on a release rule or the default branch, refs falling to "
      "a weaker rule there; MEDIUM for other looser changes (signers of a commit rule, contributions, from) and "
      "widened refs; LOW for stricter and neutral ones. Lines starting with a ref pattern say which rule governs it "
      "(first match in file order) when a rule was added, removed, reordered or its refs edited.\n"
      "Files a policy names under .auths/ are read from its own directory; other paths from the current directory.\n"
      "Text: one line per change (risk, description, direction), then a summary line with the highest risk.\n"
      "Exit 0 when nothing got looser (no change, or only stricter and neutral ones), 1 when something got looser (a "
      "reviewer must look), 2 when a policy cannot be read or does not load.");
  registry.push_back({diff, [opts] { return run_diff(*opts); }});
}

// ---------------------------------------------------------------------------------------------
// init, add-signer, set-threshold

struct EditOptions {
  std::string file;  // "" = default_policy_path()
  bool json = false;
  // init
  std::string template_name = "minimal";
  std::vector<std::string> signers;
  std::string org;
  std::string branch;
  bool force = false;
  // add-signer, set-threshold
  std::string signer;
  std::string role;
  std::string rule;
  int64_t require = 1;
};

std::string policy_path(const EditOptions& opts) {
  return opts.file.empty() ? client::default_policy_path() : opts.file;
}

// Exit 1 for what the policy refuses (kPolicy: the result would not load, a duplicate, ...),
// kExitUsage for a bad command line, 2 when the file cannot be read or written.
int report_edit_error(const Error& error, const std::string& file, bool json) {
  if (json && error.code == ErrorCode::kPolicy) {
    const nlohmann::ordered_json doc = {{"file", file}, {"ok", false}, {"error", error.to_string()}};
    std::printf("%s\n", doc.dump(2).c_str());
  }
  if (error.code == ErrorCode::kPolicy) {
    std::fprintf(stderr, "error: %s\n", error.to_string().c_str());
    return kExitRejected;
  }
  return report_unreadable(error);
}

int run_init(const EditOptions& opts) {
  const std::string file = policy_path(opts);
  client::PolicyScaffold scaffold;
  scaffold.template_name = opts.template_name;
  scaffold.signers = opts.signers;
  scaffold.org = opts.org;
  scaffold.branch = opts.branch.empty() ? client::current_branch() : opts.branch;
  const Result<std::string> text = client::policy_scaffold(scaffold, file, client::policy_file_reader(file));
  if (!text) return report_edit_error(text.error(), file, opts.json);
  if (Status written = client::write_policy_file(file, *text, opts.force); !written) {
    return report_edit_error(written.error(), file, opts.json);
  }
  if (opts.json) {
    const nlohmann::ordered_json doc = {{"file", file},
                                        {"ok", true},
                                        {"template", opts.template_name},
                                        {"branch", scaffold.branch},
                                        {"signers", opts.signers},
                                        {"org", or_null(opts.org)}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    std::printf("wrote %s (template %s, default branch %s, %zu signer%s)\n", file.c_str(), opts.template_name.c_str(),
                scaffold.branch.c_str(), opts.signers.size(), opts.signers.size() == 1 ? "" : "s");
  }
  return kExitAccepted;
}

// The edit commands: reads the file, applies `apply` to its text, writes and reports the result.
// `done` and `unchanged` are the text output's words for a change and for none.
using EditFn = std::function<Result<client::PolicyEdit>(const std::string& text, const std::string& file,
                                                        client::PolicyRole role)>;
int run_edit(const EditOptions& opts, const EditFn& apply, const std::string& done, const std::string& unchanged) {
  const std::string file = policy_path(opts);
  const std::optional<client::PolicyRole> role = client::parse_policy_role(opts.role);
  if (!role) return report_unreadable(Error::invalid_argument("the role must be commit, release or governance"));
  const Result<std::string> text = client::read_policy_file(file);
  if (!text) {
    return report_edit_error(Error{text.error().code, "cannot read the policy: " + text.error().message, file}, file,
                             opts.json);
  }
  const Result<client::PolicyEdit> edit = apply(*text, file, *role);
  if (!edit) return report_edit_error(edit.error(), file, opts.json);
  if (edit->changed) {
    if (Status written = client::write_policy_file(file, edit->text, true); !written) {
      return report_edit_error(written.error(), file, opts.json);
    }
    if (edit->canonical)
      std::fprintf(stderr, "rewrote %s canonically: comments and order were not kept\n", file.c_str());
  }
  if (edit->warning) std::fprintf(stderr, "warning: %s: %s\n", file.c_str(), edit->warning->c_str());
  if (opts.json) {
    const nlohmann::ordered_json doc = {{"file", file},
                                        {"ok", true},
                                        {"changed", edit->changed},
                                        {"canonical", edit->canonical},
                                        {"tables", edit->tables},
                                        {"warning", or_null(edit->warning.value_or(""))}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else if (edit->changed) {
    std::printf("%s %s in %s\n", done.c_str(), join(edit->tables, ", ").c_str(), file.c_str());
  } else {
    std::printf("%s: %s\n", file.c_str(), unchanged.c_str());
  }
  return kExitAccepted;
}

int run_add_signer(const EditOptions& opts) {
  const auto apply = [&](const std::string& text, const std::string& file, client::PolicyRole role) {
    return client::add_policy_signer(text, file, role, opts.rule, opts.signer, client::policy_file_reader(file));
  };
  return run_edit(opts, apply, "added the signer to", "");
}

int run_set_threshold(const EditOptions& opts) {
  const auto apply = [&](const std::string& text, const std::string& file, client::PolicyRole role) {
    return client::set_policy_threshold(text, file, role, opts.rule, opts.require, client::policy_file_reader(file));
  };
  const std::string n = std::to_string(opts.require);
  return run_edit(opts, apply, "set require = " + n + " in", "already requires " + n + " where asked");
}

constexpr const char* kFileHelp =
    "The policy file (default: .auths/policy.toml at the top of the current git work tree, or in the current "
    "directory outside one)";
constexpr const char* kEditFooter =
    "The file is edited in place: only the lines concerned change, comments and order are kept. When the file is "
    "written in a way a line edit cannot follow (inline tables, dotted keys, ...), it is rewritten canonically "
    "(toml++'s serializer) and a line on stderr says so: \"rewrote FILE canonically: comments and order were not "
    "kept\". The result is loaded with the hooks' own loader first: a file that would not load, or that would be "
    "unsatisfiable (a require above 1: an object carries one signature), is never written. Writes are atomic (a "
    "temporary file renamed over the old one) and keep the file's mode. Offline: nothing is pushed or committed.\n"
    "--json prints {\"file\", \"ok\", \"changed\", \"canonical\", \"tables\", \"warning\"} ({\"file\", \"ok\": false, "
    "\"error\"} when refused).\n"
    "Exit 0 when done (or nothing to change), 1 when refused (the message says why), 2 when the file cannot be read "
    "or written, 64 for a bad command line.";

void register_policy_edits(CLI::App& group, Registry& registry) {
  auto init_opts = std::make_shared<EditOptions>();
  CLI::App* init = group.add_subcommand("init", "Write a starter policy.toml with a comment for every key");
  init->add_option("--file", init_opts->file, kFileHelp);
  init->add_option("--template", init_opts->template_name, client::describe_policy_templates())->default_str("minimal");
  init->add_option("--signer", init_opts->signers,
                   "A signer for every rule and [governance]: \"ssh-ed25519 AAAA... comment\", did:key:z... or "
                   "did:keri:E... (repeat for more)");
  init->add_option("--org", init_opts->org, "The org's did:keri (`org = ...`; the org template selects its members)");
  init->add_option("--branch", init_opts->branch, "The default branch (default: the branch HEAD names, else main)");
  init->add_flag("--force", init_opts->force, "Replace an existing file");
  init->add_flag("--json", init_opts->json, "Print {\"file\", \"ok\", \"template\", \"branch\", \"signers\", \"org\"}");
  init->footer(
      "Writes a commit rule for the default branch, a release rule for refs/tags/v* and [governance] (who may change "
      ".auths/), each with the signers given, and a comment for every key. Needs at least one --signer (or the org "
      "template with --org). Never replaces an existing file without --force. The result is loaded with the hooks' "
      "loader before it is written: a --signer that does not parse is refused with the loader's message.\n"
      "Exit 0 when written, 1 when the policy would not load, 2 when the file cannot be written (or exists), 64 for a "
      "bad command line.");
  registry.push_back({init, [init_opts] { return run_init(*init_opts); }});

  auto add_opts = std::make_shared<EditOptions>();
  CLI::App* add = group.add_subcommand("add-signer", "Add a signer to the rules of one kind or to [governance]");
  add->add_option("SIGNER", add_opts->signer,
                  "\"ssh-ed25519 AAAA... comment\" (quoted: one argument), did:key:z... or did:keri:E...")
      ->required();
  add->add_option("--role", add_opts->role,
                  "commit: every [[policy.commit]] rule; release: every [[policy.release]] rule; governance: "
                  "[governance] (made when absent)")
      ->required();
  add->add_option("--rule", add_opts->rule, "Only the rule with this name (commit and release)");
  add->add_option("--file", add_opts->file, kFileHelp);
  add->add_flag("--json", add_opts->json, "Print the result as JSON (see below)");
  add->footer(std::string("Appends SIGNER to the `signers` array of each table chosen (a rule without one gets one). "
                          "Refused (exit 1) when SIGNER is already a signer there (listed, possibly written another "
                          "way, or in the rule's allowed_signers file) or does not parse.\n") +
              kEditFooter);
  registry.push_back({add, [add_opts] { return run_add_signer(*add_opts); }});

  auto set_opts = std::make_shared<EditOptions>();
  CLI::App* set = group.add_subcommand("set-threshold", "Set `require` of the rules of one kind or of [governance]");
  set->add_option("ROLE", set_opts->role, "commit, release or governance")->required();
  set->add_option("N", set_opts->require, "Distinct signers needed")->required();
  set->add_option("--rule", set_opts->rule, "Only the rule with this name (commit and release)");
  set->add_option("--file", set_opts->file, kFileHelp);
  set->add_flag("--json", set_opts->json, "Print the result as JSON (see below)");
  set->footer(std::string("Sets `require = N` in each table chosen. Refused (exit 1) when N is below 1 or above the "
                          "signers a table lists (the loader's message).\n") +
              kEditFooter);
  registry.push_back({set, [set_opts] { return run_set_threshold(*set_opts); }});
}

// --- auths policy test, auths policy explain ---------------------------------------------

struct PolicyTestOptions {
  std::string file;
  std::string suite;
  bool json = false;
};

nlohmann::ordered_json verdict_json(const PolicyVerdict& v) {
  return {{"outcome", v.outcome},
          {"reason", v.reason},
          {"rule", or_null(v.rule)},
          {"detail", v.detail},
          {"steps", v.steps}};
}

/// "deny (unknown-signer: ...)" or "allow": what a case got, for a FAIL line.
std::string got_text(const PolicyVerdict& v, const std::string& expect) {
  const bool outcome_expected = expect == "allow" || expect == "deny" || expect == "indeterminate";
  std::string out = outcome_expected ? v.outcome : v.reason;
  out += " (" + (v.allow ? "rule '" + v.rule + "': " + v.detail : v.reason + ": " + v.detail) + ")";
  return out;
}

int run_policy_test(const PolicyTestOptions& opts) {
  const Result<PolicyUnderTest> policy = load_policy_under_test(opts.file);
  if (!policy) {
    std::fprintf(stderr, "error: %s\n", policy.error().to_string().c_str());
    return kExitUndecided;
  }
  const Result<std::vector<PolicyTestCase>> cases = read_policy_suite(opts.suite);
  if (!cases) {
    std::fprintf(stderr, "error: %s\n", cases.error().to_string().c_str());
    return kExitUndecided;
  }
  size_t passed = 0;
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  std::vector<std::string> lines;
  for (size_t i = 0; i < cases->size(); ++i) {
    const PolicyTestCase& c = (*cases)[i];
    const Result<PolicyVerdict> verdict = evaluate_policy(*policy, c.context);
    if (!verdict) {
      std::fprintf(stderr, "error: %s: case %zu '%s': %s\n", opts.suite.c_str(), i + 1, c.name.c_str(),
                   verdict.error().message.c_str());
      return kExitUndecided;
    }
    const bool ok = verdict_meets(*verdict, c.expect).value_or(false);
    passed += ok ? 1 : 0;
    lines.push_back(ok ? "PASS " + c.name
                       : "FAIL " + c.name + ": expected " + c.expect + ", got " + got_text(*verdict, c.expect));
    results.push_back({{"name", c.name}, {"passed", ok}, {"expected", c.expect}, {"actual", verdict_json(*verdict)}});
  }
  const size_t failed = cases->size() - passed;
  if (opts.json) {
    const nlohmann::ordered_json doc = {{"file", opts.file}, {"suite", opts.suite},    {"passed", passed},
                                        {"failed", failed},  {"total", cases->size()}, {"results", results}};
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    for (const std::string& line : lines) std::printf("%s\n", line.c_str());
    std::printf("%zu passed, %zu failed\n", passed, failed);
  }
  return failed == 0 ? kExitAccepted : kExitRejected;
}

struct ExplainOptions {
  std::string policy;
  PolicyTestContext context;
  std::vector<std::string> paths;
  std::vector<std::string> capabilities;
  bool json = false;
};

int run_policy_explain(ExplainOptions opts) {
  const std::string file = opts.policy.empty() ? client::default_policy_path() : opts.policy;
  const Result<PolicyUnderTest> policy = load_policy_under_test(file);
  if (!policy) {
    std::fprintf(stderr, "error: %s\n", policy.error().to_string().c_str());
    return kExitUndecided;
  }
  if (!opts.paths.empty()) opts.context.paths = opts.paths;
  if (!opts.capabilities.empty()) opts.context.signer.capabilities = opts.capabilities;
  const Result<PolicyVerdict> verdict = evaluate_policy(*policy, opts.context);
  if (!verdict) {
    std::fprintf(stderr, "error: %s\n", verdict.error().message.c_str());
    return kExitUndecided;
  }
  if (opts.json) {
    nlohmann::ordered_json doc = {{"file", file}, {"ref", opts.context.ref}, {"signer", opts.context.signer.signer}};
    doc.update(verdict_json(*verdict));
    std::printf("%s\n", doc.dump(2).c_str());
  } else {
    for (const std::string& step : verdict->steps) std::printf("%s\n", step.c_str());
  }
  return verdict->allow ? kExitAccepted : kExitRejected;
}

void register_policy_test(CLI::App& group, Registry& registry) {
  auto opts = std::make_shared<PolicyTestOptions>();
  CLI::App* test = group.add_subcommand("test", "Run a policy's test suite: named cases and the verdicts expected");
  test->add_option("FILE", opts->file, "The policy (policy.toml, or an expression .json alone)")->required();
  test->add_option("--tests", opts->suite, "The suite (JSON, or YAML when it ends in .yaml/.yml)")->required();
  test->add_flag("--json", opts->json,
                 "Print {\"file\", \"suite\", \"passed\", \"failed\", \"total\", \"results\": [{\"name\", "
                 "\"passed\", \"expected\", \"actual\": {\"outcome\", \"reason\", \"rule\", \"detail\", "
                 "\"steps\"}}]}");
  test->footer(
      "A suite is {\"cases\": [...]} or a list of cases: {\"name\": \"...\", \"context\": {...}, \"expect\": "
      "\"allow\" | \"deny\" | \"indeterminate\" | a reason code}. Context keys: signer (did:keri, did:key or SSH "
      "public key line; absent = unsigned), signer_type, capabilities (absent = unrestricted), role, teams, "
      "delegated_by, issuer, chain_depth, expires_at, issued_at (unix seconds), revoked, ephemeral, ref (required), "
      "repo, paths, now, approvals ([{signer, ..., verdict: approve|reject}]) (README.md, \"Testing a policy\").\n"
      "Each case is decided as the hooks decide a pushed object: the first rule matching the ref (none: default), "
      "the rule's signers, its conditions (paths, max_ttl, allow_ephemeral, require_log, expression), require.\n"
      "Text: PASS name, or FAIL name: expected X, got Y (why); then N passed, N failed.\n"
      "Exit 0 when every case passes, 1 when one fails, 2 when the policy or the suite cannot be read or is "
      "invalid (one line naming the case).");
  registry.push_back({test, [opts] { return run_policy_test(*opts); }});

  auto explain_opts = std::make_shared<ExplainOptions>();
  PolicyTestContext& ctx = explain_opts->context;
  CLI::App* explain =
      group.add_subcommand("explain", "Say which rule applies to a ref and signer, and why it allows or denies");
  explain->add_option("--policy", explain_opts->policy,
                      "The policy (default: .auths/policy.toml at the top of the work tree); an expression .json "
                      "is evaluated alone");
  explain->add_option("--ref", ctx.ref, "The ref pushed (refs/heads/main, refs/tags/v1.0)")->required();
  explain->add_option("--signer", ctx.signer.signer, "Who signs: a did:keri, a did:key or an SSH public key line")
      ->required();
  explain->add_option("--paths", explain_opts->paths, "The paths the commit changes")->delimiter(',');
  explain->add_option("--type", ctx.signer.signer_type, "The signer type of a did:keri signer")
      ->check(CLI::IsMember({"Human", "Agent", "Workload"}));
  explain->add_option("--capabilities", explain_opts->capabilities, "What the signer holds (default: unrestricted)")
      ->delimiter(',');
  explain->add_option("--role", ctx.signer.role, "The signer's role in the policy's org (makes it a member)");
  explain->add_option("--teams", ctx.signer.teams, "The member's teams")->delimiter(',');
  explain->add_option("--delegated-by", ctx.signer.delegated_by, "The identity that delegated to an agent signer");
  explain->add_option("--repo", ctx.repo, "The project (group/name), for RepoIs/RepoIn");
  explain->add_flag("--json", explain_opts->json,
                    "Print {\"file\", \"ref\", \"signer\", \"outcome\", \"reason\", \"rule\", \"detail\", \"steps\"}");
  explain->footer(
      "Prints one line per step: the rule that matches the ref (first match in file order, else default), how the "
      "signer meets or fails its signers, the conditions and expression, then allow or deny with the reason code.\n"
      "Exit 0 allow, 1 deny, 2 when the policy cannot be read or does not load.");
  registry.push_back({explain, [explain_opts] { return run_policy_explain(*explain_opts); }});
}

}  // namespace

void register_policy(CLI::App& app, Registry& registry) {
  CLI::App* group = app.add_subcommand(
      "policy", "Write, edit and check a policy.toml, a change of it, or an expression policy before it is pushed");
  group->require_subcommand(1);

  auto opts = std::make_shared<LintOptions>();
  CLI::App* lint = group->add_subcommand("lint", "Check a policy file offline: load errors, lockouts, dead rules");
  lint->add_option("FILE", opts->file, "The policy file (e.g. .auths/policy.toml)")->required();
  lint->add_option("--repo", opts->repo,
                   "Also look up the policy's did:keri signers and org in this repository's refs/auths/registry; "
                   "allowed_signers paths outside .auths/ are read from it");
  lint->add_flag("--json", opts->json, "Print {\"file\", \"ok\", \"findings\": [...]} instead of text");
  lint->footer(
      "Errors: everything the hooks' loader refuses (syntax, types, unknown keys with a did-you-mean, a require above "
      "the signers listed), a [governance] nobody could ever satisfy (governance-lockout) and a policy a push to the "
      "default branch would refuse as unsatisfiable. Warnings: a rule that never applies because earlier rules match "
      "every ref it names (shadowed-rule: the first matching rule in file order decides); with --repo, did:keri "
      "signers the registry does not know (unresolved-identity). The loader stops at its first error, so fix and run "
      "again.\n"
      "Files the policy names under .auths/ are read from the policy file's directory; others from --repo, else the "
      "current directory.\n"
      "Text: one line per finding (severity: where: message; --json adds its code), then a summary line.\n"
      "Exit 0 when there is no error (warnings allowed), 1 when there is one, 2 when the file or the registry cannot "
      "be read.");
  registry.push_back({lint, [opts] { return run_lint(*opts); }});

  auto compile_opts = std::make_shared<CompileOptions>();
  CLI::App* compile =
      group->add_subcommand("compile", "Compile an expression policy (JSON) or a policy.toml offline: limits and hash");
  compile
      ->add_option("FILE", compile_opts->file,
                   "The expression file (e.g. .auths/main-policy.json), or a policy file ending in .toml")
      ->required();
  compile->add_flag("--json", compile_opts->json,
                    "Print {\"file\", \"ok\", \"bytes\", \"nodes\", \"depth\", \"hash\", \"predicates\", "
                    "\"errors\", ...} instead of text (nodes, depth and hash are null when it does not compile)");
  compile->add_flag("--canonical", compile_opts->canonical,
                    "Print only the canonical serialization (the bytes the hash is of), followed by a newline; with "
                    "--json, add it as \"canonical\"");
  compile->footer(
      "An expression is a node: {\"op\": \"And\", \"args\": [...]} (Auths' form), {\"And\": [...]} (the seed's "
      "form), or a bare name (\"NotRevoked\") for nodes without args. Nodes: And, Or, Not, True, False, NotRevoked, "
      "NotExpired, IsHuman, IsAgent, IsWorkload, HasCapability, HasAllCapabilities, HasAnyCapability, IssuerIs, "
      "IssuerIn, SubjectIs, DelegatedBy, RoleIs, RoleIn, RefMatches (or BranchMatches), RepoIs, RepoIn, PathAllowed, "
      "MaxChainDepth, ExpiresAfter, IssuedWithin (README.md, \"Expression policies\").\n"
      "Limits: 65536 bytes, depth 64 (the root is 0), 1024 nodes, 256 items in a list, MaxChainDepth 0-16. Every "
      "error is reported with its path (root.args[0].args[2]), not only the first.\n"
      "The hash is BLAKE3-256 (lowercase hex) of the canonical serialization: {\"op\", \"args\"} in RFC 8785 "
      "form, the same for every spelling of one expression (compare it with b3sum of --canonical's output).\n"
      "Text: FILE: ok, then bytes, nodes, depth, hash and one predicate: line per leaf condition. Errors go to "
      "stderr, one per line, then FILE: not ok (N errors).\n"
      "A FILE ending in .toml is a policy: it is loaded as the hooks load it (its expressions compiled, the files "
      "it names read from its own directory), and compile prints its rules, the hash of its canonical form (the "
      "policy as loaded in RFC 8785 JSON: equal for equal rules, whatever the comments, order or spelling; "
      "--canonical prints it) and one expression: line per rule expression with its nodes, depth and hash; "
      "--json {\"file\", \"ok\", \"error\", \"rules\", \"hash\", \"expressions\"}. For audit: record the hash of "
      "the policy you deployed.\n"
      "Exit 0 when it compiles (loads), 1 when it does not, 2 when the file cannot be read.");
  registry.push_back({compile, [compile_opts] { return run_compile(*compile_opts); }});
  register_policy_edits(*group, registry);
  register_policy_diff(*group, registry);
  register_policy_test(*group, registry);
}

}  // namespace auths::cli
