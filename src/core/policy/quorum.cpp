#include "policy/quorum.h"

#include <map>

#include "util/strings.h"

namespace auths::policy {

namespace {

struct Voter {
  bool approves = false;
  bool rejects = false;
  bool human = false;
  std::string how;
};

}  // namespace

QuorumVerdict count_votes(const SignerSet& set, const std::vector<Vote>& votes, const std::vector<std::string>& ignored,
                          std::string_view what, std::string_view approve_hint) {
  std::map<std::string, Voter> voters;
  for (const Vote& vote : votes) {
    Voter& v = voters[vote.voter];
    (vote.approve ? v.approves : v.rejects) = true;
    v.human = v.human || vote.human;
    if (!v.how.empty()) v.how += " + ";
    v.how += vote.how;
  }
  QuorumVerdict verdict;
  std::vector<std::string> approving, rejecting;
  for (const auto& [who, v] : voters) {
    if (v.rejects) {
      rejecting.push_back(who + " (" + v.how + ")");
      continue;
    }
    approving.push_back(who + (v.human ? " [Human]" : "") + " (" + v.how + ")");
    if (v.human) ++verdict.humans;
  }
  verdict.approving = static_cast<int>(approving.size());
  std::string summary = "approved by " + (approving.empty() ? std::string("nobody") : util::join(approving, ", "));
  if (!rejecting.empty()) summary += "; rejected by " + util::join(rejecting, ", ");
  if (!ignored.empty()) summary += "; not counted: " + util::join(ignored, "; ");

  if (static_cast<int>(rejecting.size()) > set.max_reject) {
    verdict.code = Reason::kApprovalRejected;
    verdict.detail = std::to_string(rejecting.size()) + " signer(s) of the rule rejected this " + std::string(what) +
                     " (max_reject = " + std::to_string(set.max_reject) + "): " + summary;
    return verdict;
  }
  if (verdict.approving < set.require || verdict.humans < set.min_human) {
    std::string wanted = "requires " + std::to_string(set.require) + " distinct signers";
    if (set.min_human > 0) wanted += ", " + std::to_string(set.min_human) + " of them Human";
    verdict.code = Reason::kQuorumNotMet;
    verdict.detail = wanted + "; has " + std::to_string(verdict.approving) + " (" + std::to_string(verdict.humans) +
                     " Human): " + summary;
    if (!approve_hint.empty()) verdict.detail += "; another signer of the rule runs: " + std::string(approve_hint);
    return verdict;
  }
  verdict.detail = "quorum of " + std::to_string(verdict.approving) + ": " + summary;
  return verdict;
}

}  // namespace auths::policy
