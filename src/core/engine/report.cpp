// Rendering decisions: git-style stderr lines for hooks, an explanation and JSON for the CLI.
// Nothing a pusher controls (ref names, signature fields, key comments, tag names) is written
// unescaped: every text goes through util::printable on its way out.
#include <algorithm>

#include <nlohmann/json.hpp>
#include <sstream>

#include "auths/verify.h"
#include "util/strings.h"

namespace auths {

namespace {

/// At most this many violation lines, then a count (a push of 10,000 unsigned commits must
/// not flood the terminal).
constexpr size_t kMaxViolationLines = 20;
/// The longest message shown on one line.
constexpr size_t kMaxLine = 400;

std::string shown(std::string_view text) { return util::printable(text, kMaxLine); }

std::string rule_label(const std::string& rule) { return rule.empty() ? "(no rule)" : "(rule '" + shown(rule) + "')"; }

/// Distinct objects of a kind: a commit two refs of the push bring is one commit verified (and an
/// object judged under two requirements has a row for each). Sorted, not a tree set: with
/// std::set the summary of a 100,000-commit push took 45 ms more, on one thread, at the end.
size_t count_objects(const Decision& d, std::string_view kind) {
  std::vector<Oid> seen;
  for (const auto& ref : d.refs) {
    for (const auto& obj : ref.objects) {
      if (obj.kind == kind) seen.push_back(obj.oid);
    }
  }
  std::sort(seen.begin(), seen.end());
  return static_cast<size_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
}

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

std::string violation_line(const Violation& v) {
  // Appends only: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&& at -O3.
  std::string line = "error: ";
  line.append(v.ref_name.empty() ? std::string("push") : shown(v.ref_name));
  if (v.object) line.append(" ").append(v.object->short_hex());
  line.append(": ").append(name(v.code)).append(" ").append(rule_label(v.rule)).append(": ").append(shown(v.message));
  return line;
}

std::string codes_text(const std::vector<Reason>& codes) {
  std::string out;
  for (size_t i = 0; i < codes.size(); ++i) out.append(i ? "," : "").append(name(codes[i]));
  return out;
}

}  // namespace

std::string summary_line(const Decision& decision) {
  if (decision.enforcement == Enforcement::kOff && decision.accepted()) {
    return "auths: push accepted: not checked (hooks.yaml mode: off for this repository)";
  }
  if (decision.overruled && decision.accepted()) {
    Decision policy_view = decision;
    policy_view.outcome = *decision.overruled;
    std::string refused = summary_line(policy_view);  // "auths: push rejected: ..."
    const std::string_view prefix = "auths: push rejected: ";
    if (util::starts_with(refused, prefix)) refused.erase(0, prefix.size());
    if (!decision.override_note.empty()) {
      return "auths: push accepted by a break-glass override (" + shown(decision.override_note) +
             "); without it: " + refused;
    }
    return "auths: push accepted in warn mode; in enforce mode it would be refused: " + refused;
  }
  switch (decision.outcome) {
    case Outcome::kAccept:
      return "auths: push accepted: " + plural(count_objects(decision, "commit"), "commit") + " and " +
             plural(count_objects(decision, "tag"), "tag") + " verified in " + plural(decision.refs.size(), "ref");
    case Outcome::kReject: {
      size_t refs = 0;
      for (const auto& ref : decision.refs) refs += ref.allowed ? 0 : 1;
      return "auths: push rejected: " + plural(decision.violations.size(), "violation") + " in " + plural(refs, "ref");
    }
    case Outcome::kUndecided:
      for (const auto& v : decision.violations) {
        if (describe(v.code).fail_closed || v.code == Reason::kPolicyInvalid) {
          return "auths: push rejected: could not decide (fail closed): " + shown(v.message);
        }
      }
      return "auths: push rejected: could not decide (fail closed)";
  }
  return "auths: push rejected";
}

std::vector<std::string> render_messages(const Decision& decision, const HookContext& context) {
  std::vector<std::string> lines;
  // Overruled (warn mode, a break-glass override): the violations are shown all the same, each
  // line saying that it did not refuse this push; no line starts with "error: ".
  std::string overruled;
  if (decision.overruled && decision.accepted()) {
    overruled = decision.override_note.empty() ? "auths: warn mode: this push would be refused: "
                                               : "auths: override: refused by the policy, let through: ";
  }
  const auto shown_violation = [&overruled](std::string line) {
    if (overruled.empty()) return line;
    const std::string_view error = "error: ";
    if (util::starts_with(line, error)) line.erase(0, error.size());
    return overruled + line;
  };
  for (size_t i = 0; i < decision.violations.size() && i < kMaxViolationLines; ++i) {
    lines.push_back(shown_violation(violation_line(decision.violations[i])));
  }
  if (decision.violations.size() > kMaxViolationLines) {
    lines.push_back(
        shown_violation("error: ... and " + std::to_string(decision.violations.size() - kMaxViolationLines) + " more"));
  }
  for (const auto& w : decision.warnings) lines.push_back("warning: " + shown(w));
  for (const auto& v : decision.violations) {
    if (!hint(v.code).empty()) {
      lines.push_back("hint: " + std::string(hint(v.code)));
      break;
    }
  }
  const std::string summary = summary_line(decision);
  lines.push_back(summary);
  if (context.gitlab && !decision.accepted()) lines.push_back("GL-HOOK-ERR: " + summary);
  return lines;
}

std::string render_explain(const Decision& decision, bool all_objects) {
  std::ostringstream out;
  for (const auto& ref : decision.refs) {
    out << shown(ref.update.ref_name);
    if (!ref.ref.empty() && ref.ref != ref.update.ref_name) out << " (updates " << shown(ref.ref) << ")";
    out << ": " << to_string(ref.kind) << " " << ref.update.old_oid.short_hex() << ".."
        << ref.update.new_oid.short_hex() << ", " << rule_label(ref.rule) << ", policy "
        << (ref.policy_source.empty() ? "-" : shown(ref.policy_source)) << " -> "
        << (ref.allowed ? "allowed" : "refused");
    if (!ref.codes.empty()) out << " [" << codes_text(ref.codes) << "]";
    out << "\n";
    for (const auto& obj : ref.objects) {
      if (!all_objects && obj.code == Reason::kOk) continue;
      out << "  " << obj.kind << " " << obj.oid.short_hex() << " " << to_string(obj.role) << " " << name(obj.code)
          << ": " << shown(obj.detail) << "\n";
    }
  }
  out << "decision: " << to_string(decision.outcome) << " (exit " << exit_code(decision.outcome) << ")";
  if (decision.enforcement != Enforcement::kEnforce) out << ", mode " << to_string(decision.enforcement);
  if (decision.overruled) out << ", overruling " << to_string(*decision.overruled);
  if (!decision.override_note.empty()) out << " by " << shown(decision.override_note);
  out << "\n";
  return out.str();
}

std::string render_json(const Decision& decision) {
  const auto names = [](const std::vector<Reason>& codes) {
    nlohmann::json out = nlohmann::json::array();
    for (const Reason c : codes) out.push_back(std::string(name(c)));
    return out;
  };
  nlohmann::json refs = nlohmann::json::array();
  for (const auto& ref : decision.refs) {
    nlohmann::json objects = nlohmann::json::array();
    for (const auto& obj : ref.objects) {
      objects.push_back({{"oid", obj.oid.hex()},
                         {"kind", obj.kind},
                         {"role", to_string(obj.role)},
                         {"signer", shown(obj.signer)},
                         {"key", obj.key},
                         {"rule", shown(obj.rule)},
                         {"code", std::string(name(obj.code))},
                         {"detail", shown(obj.detail)}});
    }
    refs.push_back({{"ref", shown(ref.update.ref_name)},
                    {"updates", shown(ref.ref)},
                    {"old", ref.update.old_oid.hex()},
                    {"new", ref.update.new_oid.hex()},
                    {"kind", to_string(ref.kind)},
                    {"rule", shown(ref.rule)},
                    {"policy", shown(ref.policy_source)},
                    {"allowed", ref.allowed},
                    {"codes", names(ref.codes)},
                    {"objects", objects}});
  }
  nlohmann::json violations = nlohmann::json::array();
  for (const auto& v : decision.violations) {
    violations.push_back({{"ref", shown(v.ref_name)},
                          {"object", v.object ? nlohmann::json(v.object->hex()) : nlohmann::json()},
                          {"rule", shown(v.rule)},
                          {"code", std::string(name(v.code))},
                          {"message", shown(v.message)},
                          {"hint", std::string(hint(v.code))}});
  }
  const nlohmann::json doc = {
      {"decision", to_string(decision.outcome)},
      {"exit_code", exit_code(decision.outcome)},
      {"mode", to_string(decision.enforcement)},
      {"overruled", decision.overruled ? nlohmann::json(to_string(*decision.overruled)) : nlohmann::json()},
      {"override", decision.override_note.empty() ? nlohmann::json() : nlohmann::json(shown(decision.override_note))},
      {"summary", summary_line(decision)},
      {"signature_checks", {{"verified", decision.signatures_verified}, {"cached", decision.signatures_cached}}},
      {"refs", refs},
      {"violations", violations}};
  // Texts are escaped as on the terminal (a consumer may print them), then JSON-encoded.
  return doc.dump(2, ' ', true, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace auths
