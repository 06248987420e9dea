// The single Boost.Test entry point for auths_unit_tests.
#define BOOST_TEST_MODULE auths_unit_tests
#include <boost/test/unit_test.hpp>
