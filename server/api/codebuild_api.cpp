#include "server/api/codebuild_api.hpp"

#include "engine/codebuild/batch_service.hpp"
#include "engine/codebuild/reports.hpp"
#include "engine/codebuild/service.hpp"
#include "engine/model/service_model.hpp"

namespace scl::server {
namespace {
codebuild::Caller caller_of(const RequestContext& ctx) {
  // NOTE(emulator): AWS shows the IAM user name as `initiator`; the emulator has no IAM, so it
  // shows the access key id of the request (or "root" for unsigned requests).
  return codebuild::Caller{ctx.identity.scope,
                           ctx.identity.access_key.empty() ? "root" : ctx.identity.access_key};
}

template <typename Service>
void add_operations(
    ServiceApi& api, Service& svc,
    std::initializer_list<std::pair<const char*, nlohmann::json (Service::*)(
                                                     const codebuild::Caller&, const nlohmann::json&)>>
        table) {
  for (const auto& [name, method] : table) {
    api.operations.emplace(name, [&svc, method = method](const RequestContext& ctx,
                                                         const nlohmann::json& body) {
      return (svc.*method)(caller_of(ctx), body);
    });
  }
}
}  // namespace

ServiceApi codebuild_api(codebuild::CodeBuildService& svc, codebuild::BatchService* batches,
                         codebuild::ReportService* reports) {
  using Method = nlohmann::json (codebuild::CodeBuildService::*)(const codebuild::Caller&,
                                                                 const nlohmann::json&);
  ServiceApi api;
  api.target_prefix = "CodeBuild_20161006";
  api.content_type = "application/x-amz-json-1.1";
  api.model = &model::ServiceModel::codebuild();
  api.validation_error = "InvalidInputException";
  const std::pair<const char*, Method> table[] = {
      {"CreateProject", &codebuild::CodeBuildService::create_project},
      {"UpdateProject", &codebuild::CodeBuildService::update_project},
      {"DeleteProject", &codebuild::CodeBuildService::delete_project},
      {"BatchGetProjects", &codebuild::CodeBuildService::batch_get_projects},
      {"ListProjects", &codebuild::CodeBuildService::list_projects},
      {"StartBuild", &codebuild::CodeBuildService::start_build},
      {"BatchGetBuilds", &codebuild::CodeBuildService::batch_get_builds},
      {"ListBuilds", &codebuild::CodeBuildService::list_builds},
      {"ListBuildsForProject", &codebuild::CodeBuildService::list_builds_for_project},
      {"StopBuild", &codebuild::CodeBuildService::stop_build},
      {"RetryBuild", &codebuild::CodeBuildService::retry_build},
      {"BatchDeleteBuilds", &codebuild::CodeBuildService::batch_delete_builds},
  };
  for (const auto& [name, method] : table) {
    api.operations.emplace(name, [&svc, method = method](const RequestContext& ctx,
                                                         const nlohmann::json& body) {
      return (svc.*method)(caller_of(ctx), body);
    });
  }
  if (batches != nullptr) {
    using B = codebuild::BatchService;
    add_operations<B>(api, *batches,
                      {{"StartBuildBatch", &B::start_build_batch},
                       {"BatchGetBuildBatches", &B::batch_get_build_batches},
                       {"ListBuildBatches", &B::list_build_batches},
                       {"ListBuildBatchesForProject", &B::list_build_batches_for_project},
                       {"StopBuildBatch", &B::stop_build_batch},
                       {"RetryBuildBatch", &B::retry_build_batch},
                       {"DeleteBuildBatch", &B::delete_build_batch}});
  }
  if (reports != nullptr) {
    using R = codebuild::ReportService;
    add_operations<R>(api, *reports,
                      {{"CreateReportGroup", &R::create_report_group},
                       {"UpdateReportGroup", &R::update_report_group},
                       {"DeleteReportGroup", &R::delete_report_group},
                       {"BatchGetReportGroups", &R::batch_get_report_groups},
                       {"ListReportGroups", &R::list_report_groups},
                       {"BatchGetReports", &R::batch_get_reports},
                       {"ListReports", &R::list_reports},
                       {"ListReportsForReportGroup", &R::list_reports_for_report_group},
                       {"DescribeTestCases", &R::describe_test_cases},
                       {"DeleteReport", &R::delete_report},
                       {"GetReportGroupTrend", &R::get_report_group_trend}});
  }
  return api;
}

}  // namespace scl::server
