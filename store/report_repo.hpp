#pragma once
// Rows of the `report_groups`, `reports` and `test_cases` tables. Call inside
// Database::read/write; throws DbError.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/scope.hpp"
#include "store/sqlite/database.hpp"

namespace scl::store {

struct ReportGroupRow {
  std::string name;
  std::string body;  // ReportGroup JSON as returned on the wire (without status)
  core::TimeMs created_ms = 0;
  core::TimeMs modified_ms = 0;
};

struct ReportRow {
  std::int64_t seq = 0;
  core::Scope scope;
  std::string arn;
  std::string group_name;
  std::string build_id;
  std::string status;  // ReportStatusType
  core::TimeMs created_ms = 0;
  std::string body;    // Report JSON
  std::string spec;    // how to finish the report when its build completes (engine owns format)
};

struct TestCaseRow {
  std::int64_t idx = 0;  // position in the report, from 0
  std::string status;
  std::string name;
  std::string prefix;
  std::string body;  // TestCase JSON
};

namespace report_repo {
// Report groups.
bool insert_group(Tx& tx, const core::Scope& scope, const ReportGroupRow& row);
std::optional<ReportGroupRow> get_group(Tx& tx, const core::Scope& scope, const std::string& name);
void update_group(Tx& tx, const core::Scope& scope, const std::string& name,
                  const std::string& body, core::TimeMs modified_ms);
bool erase_group(Tx& tx, const core::Scope& scope, const std::string& name);
std::vector<ReportGroupRow> list_groups(Tx& tx, const core::Scope& scope);

// Reports.
std::int64_t insert_report(Tx& tx, const ReportRow& row);
std::optional<ReportRow> get_report(Tx& tx, const core::Scope& scope, const std::string& arn);
void update_report(Tx& tx, const ReportRow& row);  // status and body, by seq
bool erase_report(Tx& tx, const core::Scope& scope, const std::string& arn);
std::int64_t count_reports(Tx& tx, const core::Scope& scope, const std::string& group);
/// Deletes every report of a group (and its test cases); returns how many.
std::int64_t erase_reports_of_group(Tx& tx, const core::Scope& scope, const std::string& group);

struct ArnPage {
  std::vector<std::string> arns;
  std::optional<std::int64_t> next_key;  // seq bound for the next page
};
/// Report ARNs by creation order, optionally of one group and one status.
ArnPage list_reports(Tx& tx, const core::Scope& scope, const std::optional<std::string>& group,
                     const std::optional<std::string>& status, bool ascending,
                     std::optional<std::int64_t> after, int limit);
/// The newest `limit` reports of a group that are no longer GENERATING, newest first.
std::vector<ReportRow> latest_finished(Tx& tx, const core::Scope& scope, const std::string& group,
                                       int limit);
/// Reports still GENERATING (all scopes): what a restart must finish.
std::vector<ReportRow> generating(Tx& tx);
std::vector<ReportRow> reports_of_build(Tx& tx, const core::Scope& scope,
                                        const std::string& build_id);

// Test cases.
void insert_test_case(Tx& tx, std::int64_t report_seq, const TestCaseRow& row);
/// Test cases of a report in order, from index `from`, optionally with `status` and/or whose
/// name or prefix contains `keyword`; at most `limit` + 1 rows (the extra one means "more").
std::vector<TestCaseRow> list_test_cases(Tx& tx, std::int64_t report_seq,
                                         const std::optional<std::string>& status,
                                         const std::optional<std::string>& keyword,
                                         std::int64_t from, int limit);
void erase_all(Tx& tx);
}  // namespace report_repo

}  // namespace scl::store
