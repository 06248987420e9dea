// How Boost.Test prints our value types in failed assertions (found by argument-dependent
// lookup), so that BOOST_TEST(a == b) works on them and says what differed.
#pragma once

#include <ostream>

#include "auths/reason.h"
#include "auths/types.h"

namespace auths {

inline std::ostream& boost_test_print_type(std::ostream& os, const Oid& oid) { return os << oid.hex(); }
inline std::ostream& boost_test_print_type(std::ostream& os, Reason code) { return os << name(code); }

}  // namespace auths
