#pragma once
// Readers for the report files a user points SIMULATE_REPORT_FILE at: JUnit XML (a small XML
// reader for testsuite / testcase / failure / error / skipped), Cucumber JSON, and Cobertura XML
// for code coverage. Pure functions over text; the caller reads the file.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace scl::codebuild {

/// A report file that cannot be understood; what() says why.
class ReportFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TestCaseResult {
  std::string suite;   // testSuiteName
  std::string prefix;  // JUnit classname (or the suite), Cucumber feature
  std::string name;
  std::string status;  // SUCCEEDED, FAILED, ERROR, SKIPPED or UNKNOWN
  std::int64_t duration_ns = 0;
  std::string message;
};

struct CoverageResult {
  std::int64_t lines_covered = 0;
  std::int64_t lines_missed = 0;
  std::int64_t branches_covered = 0;
  std::int64_t branches_missed = 0;
};

/// Every <testcase> of a JUnit XML document (root <testsuites> or <testsuite>, nested suites
/// allowed). Throws ReportFileError on malformed XML.
std::vector<TestCaseResult> parse_junit_xml(std::string_view xml);
/// Every scenario of a Cucumber JSON report. Throws ReportFileError.
std::vector<TestCaseResult> parse_cucumber_json(std::string_view text);
/// The totals of a Cobertura XML report (attributes of the root <coverage> element).
/// Throws ReportFileError.
CoverageResult parse_cobertura_xml(std::string_view xml);

}  // namespace scl::codebuild
