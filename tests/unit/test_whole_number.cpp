// The one whole-number parser of COMPSS_* variables, compss-run's options and the XML
// files (include/compss/detail/whole_number.hpp), and the limits every reader shares.
#include <compss/detail/config.hpp>
#include <compss/detail/whole_number.hpp>

#include <gtest/gtest.h>

using compss::detail::parse_whole_number;
using compss::detail::whole_number_variable;

TEST(WholeNumber, AcceptsDecimalDigitsInRange) {
  EXPECT_EQ(parse_whole_number("0", 0, 10), 0u);
  EXPECT_EQ(parse_whole_number("10", 0, 10), 10u);
  EXPECT_EQ(parse_whole_number("0016", 1, 100), 16u);
  EXPECT_EQ(parse_whole_number("18446744073709551615", 0, ~0ull), ~0ull);
}

TEST(WholeNumber, RejectsEverythingElse) {
  for (const char* bad : {"", " 4", "4 ", "+4", "-1", "4x", "1.5", "0x10", "abc",
                          "18446744073709551616", "99999999999999999999999"}) {
    EXPECT_EQ(parse_whole_number(bad, 0, ~0ull), std::nullopt) << "'" << bad << "'";
  }
  EXPECT_EQ(parse_whole_number("0", 1, 10), std::nullopt);
  EXPECT_EQ(parse_whole_number("11", 1, 10), std::nullopt);
}

TEST(WholeNumber, TheErrorNamesTheVariableTheValueAndTheRange) {
  EXPECT_EQ(whole_number_variable("COMPSS_X", "7", 1, 9), 7u);
  try {
    whole_number_variable("COMPSS_WORKER_CORES", "70000", 1, compss::detail::max_worker_cores);
    ADD_FAILURE() << "70000 accepted";
  } catch (const compss::Error& e) {
    EXPECT_STREQ(e.what(),
                 "compss: invalid COMPSS_WORKER_CORES='70000': expected a whole number from 1 "
                 "to 65536");
  }
}

TEST(WholeNumber, ThreadCountUsesIt) {
  EXPECT_EQ(compss::detail::parse_thread_count("4096"), 4096u);
  try {
    compss::detail::parse_thread_count("4097");
    ADD_FAILURE() << "4097 accepted";
  } catch (const compss::Error& e) {
    EXPECT_STREQ(e.what(), "compss: invalid COMPSS_THREADS='4097': expected a whole number from 1 to 4096");
  }
}
