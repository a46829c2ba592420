#pragma once
// CodeBuild test reports (reference 2.11): report groups, reports created by builds whose
// buildspec has a `reports` section, test cases, trends. Thread-safe.
//
// A build's reports are created with the build (status GENERATING, ARNs in the build's
// `reportArns`) and finished when the build completes (an on_build_complete subscription; a
// restart re-subscribes from the GENERATING rows). Their contents come from the file named by
// SIMULATE_REPORT_FILE_<KEY> or SIMULATE_REPORT_FILE (read from the emulator's file system when
// the build completes), else from the synthetic rules documented in the README. With a report
// root, a file that does not resolve (after `..` and symlinks) inside it fails the report like
// an unreadable one (status FAILED, the reason in the log).

#include <string>
#include <vector>

#include "engine/codebuild/service.hpp"
#include "store/report_repo.hpp"

namespace scl::codebuild {

class ReportService final : public BuildObserver {
 public:
  /// Installs itself as `builds`' observer; `builds` must outlive it. `report_root`: the
  /// directory report files must resolve inside ("" = anywhere).
  ReportService(store::Database& db, core::Scheduler& scheduler, core::IdSource& ids,
                CodeBuildService& builds, std::string report_root = "");
  ~ReportService() override;
  ReportService(const ReportService&) = delete;
  ReportService& operator=(const ReportService&) = delete;

  /// After CodeBuildService::recover(): finishes or re-subscribes every GENERATING report.
  /// Returns how many reports were still generating.
  std::size_t recover();

  // Operations (request bodies already checked against the model). Throw core::AwsError.
  json create_report_group(const Caller& caller, const json& input);
  json update_report_group(const Caller& caller, const json& input);
  json delete_report_group(const Caller& caller, const json& input);
  json batch_get_report_groups(const Caller& caller, const json& input);
  json list_report_groups(const Caller& caller, const json& input);
  json batch_get_reports(const Caller& caller, const json& input);
  json list_reports(const Caller& caller, const json& input);
  json list_reports_for_report_group(const Caller& caller, const json& input);
  json describe_test_cases(const Caller& caller, const json& input);
  json delete_report(const Caller& caller, const json& input);
  json get_report_group_trend(const Caller& caller, const json& input);

  // BuildObserver.
  std::vector<std::string> on_build_created(store::Tx& tx, const core::Scope& scope,
                                            const json& build, const Buildspec& spec,
                                            const EnvMap& env, core::TimeMs now) override;
  void on_build_started(const core::Scope& scope, const std::string& build_id) override;

  /// Deletes every report group, report and test case (test control).
  void reset();

 private:
  void finish(const core::Scope& scope, const json& build);

  store::Database& db_;
  core::Scheduler& scheduler_;
  core::IdSource& ids_;
  CodeBuildService& builds_;
  std::string report_root_;
};

}  // namespace scl::codebuild
