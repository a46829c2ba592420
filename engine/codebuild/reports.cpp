#include "engine/codebuild/reports.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_set>

#include "engine/codebuild/buildspec.hpp"
#include "engine/codebuild/errors.hpp"
#include "engine/codebuild/test_results.hpp"
#include "engine/codebuild/wire.hpp"
#include "engine/core/echo.hpp"
#include "engine/core/log.hpp"

namespace scl::codebuild {
namespace {

constexpr int kPageSize = 100;
// Reports are kept 30 days (reference 2.11; batch-get-reports.rst shows created + 30 days with
// whole seconds).
constexpr core::TimeMs kRetentionMs = 30LL * 24 * 3600 * 1000;

std::string str(const json& obj, const char* name, const std::string& def = "") {
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : def;
}

std::string group_arn(const core::Scope& s, const std::string& name) {
  return "arn:aws:codebuild:" + s.region + ":" + s.account + ":report-group/" + name;
}

/// Group name from a report-group ARN (or a plain name).
std::string group_name_from(const std::string& arn_or_name) {
  const auto pos = arn_or_name.find(":report-group/");
  if (arn_or_name.rfind("arn:", 0) == 0)
    return pos == std::string::npos ? std::string() : arn_or_name.substr(pos + 14);
  return arn_or_name;
}

core::TimeMs expiry_of(core::TimeMs created) { return created / 1000 * 1000 + kRetentionMs; }

json status_counts() {
  return {{"ERROR", 0}, {"FAILED", 0}, {"SKIPPED", 0}, {"SUCCEEDED", 0}, {"UNKNOWN", 0}};
}

// Report files are read on the thread that completes the build: only regular files, at most
// kMaxReportFileBytes (a FIFO or /dev/zero must not stall or exhaust the emulator), and only
// inside the report root when one is set (issue 11, finding 13: any file the emulator could read
// was readable through a build's report).
constexpr std::uintmax_t kMaxReportFileBytes = 64u << 20;

// Closes a descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// True when `path` (absolute, no symlinks) is `root` or below it.
bool inside(const std::filesystem::path& path, const std::filesystem::path& root) {
  auto r = std::mismatch(root.begin(), root.end(), path.begin(), path.end()).first;
  return r == root.end();
}

std::string read_file(const std::string& path, const std::string& root) {
  const std::string shown = core::echo(path);
  std::filesystem::path real_root;
  auto outside = [&] {
    return ReportFileError("cannot read report file " + shown + ": outside the report root " +
                           core::echo(root) + " (--report-root)");
  };
  if (!root.empty()) {
    // Resolve `..` and symlinks first, so that a file outside is never even opened (a device
    // can act on open).
    std::error_code ec;
    real_root = std::filesystem::canonical(root, ec);
    if (ec) throw outside();
    const std::filesystem::path real = std::filesystem::canonical(path, ec);
    if (ec) throw ReportFileError("cannot read report file " + shown);
    if (!inside(real, real_root)) throw outside();
  }
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (f.fd < 0) throw ReportFileError("cannot read report file " + shown);
  if (!root.empty()) {
    // And where the descriptor really points, in case a symlink was swapped in meanwhile.
    std::error_code ec;
    const std::filesystem::path real =
        std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(f.fd), ec);
    if (!ec && !inside(real, real_root)) throw outside();
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw ReportFileError("cannot read report file " + shown);
  if (!S_ISREG(st.st_mode))
    throw ReportFileError("cannot read report file " + shown + ": not a regular file");
  const auto size = static_cast<std::uintmax_t>(st.st_size);
  if (size > kMaxReportFileBytes)
    throw ReportFileError("report file " + shown + " is larger than 64 MiB");
  std::string out(static_cast<std::size_t>(size), '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::read(f.fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ReportFileError("cannot read report file " + shown);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

// SIMULATE_REPORT_FILE_<KEY>: the report key with every character outside [A-Za-z0-9_] as '_'.
std::string file_variable(const std::string& key) {
  std::string v = "SIMULATE_REPORT_FILE_";
  for (unsigned char c : key) v.push_back(std::isalnum(c) != 0 || c == '_' ? static_cast<char>(c) : '_');
  return v;
}

double pct(std::int64_t covered, std::int64_t missed) {
  const auto total = covered + missed;
  if (total == 0) return 0.0;
  return std::round(static_cast<double>(covered) * 10000.0 / static_cast<double>(total)) / 100.0;
}

std::string number_text(double v) {
  if (std::abs(v - std::round(v)) < 1e-9) return std::to_string(std::llround(v));
  std::ostringstream os;
  os.precision(2);
  os << std::fixed << v;
  return os.str();
}

std::optional<std::int64_t> decode_token(const json& input) {
  const auto tok = str(input, "nextToken");
  if (tok.empty()) return std::nullopt;
  auto c = decode_page_token(tok);
  if (!c || *c < 0) throw errors::invalid_input("Invalid nextToken: " + core::echo(tok));
  return c;
}

int page_size(const json& input) {
  auto it = input.find("maxResults");
  return it != input.end() && it->is_number_integer() ? it->get<int>() : kPageSize;
}

void check_export_config(const json& cfg) {
  if (str(cfg, "exportConfigType") == "S3" &&
      (!cfg.contains("s3Destination") || str(cfg["s3Destination"], "bucket").empty())) {
    throw errors::invalid_input("Invalid export config: s3Destination.bucket is required for S3");
  }
}

json render_group(const store::ReportGroupRow& row) {
  json g = json::parse(row.body);
  g["created"] = timestamp(row.created_ms);
  g["lastModified"] = timestamp(row.modified_ms);
  g["status"] = "ACTIVE";
  return g;
}

}  // namespace

ReportService::ReportService(store::Database& db, core::Scheduler& scheduler, core::IdSource& ids,
                             CodeBuildService& builds, std::string report_root)
    : db_(db), scheduler_(scheduler), ids_(ids), builds_(builds),
      report_root_(std::move(report_root)) {
  builds_.set_observer(this);
}

ReportService::~ReportService() { builds_.set_observer(nullptr); }

void ReportService::reset() {
  db_.write([](store::Tx& tx) { store::report_repo::erase_all(tx); });
}

// ---------------------------------------------------------------- build hooks

std::vector<std::string> ReportService::on_build_created(store::Tx& tx, const core::Scope& scope,
                                                         const json& build, const Buildspec& spec,
                                                         const EnvMap& env, core::TimeMs now) {
  std::vector<std::string> arns;
  const std::string project = str(build, "projectName");
  for (const auto& rs : spec.reports) {
    const bool by_arn = rs.key.rfind("arn:", 0) == 0;
    const std::string name = by_arn ? group_name_from(rs.key) : project + "-" + rs.key;
    const std::string type = rs.is_coverage() ? "CODE_COVERAGE" : "TEST";
    auto group = store::report_repo::get_group(tx, scope, name);
    if (!group) {
      if (by_arn || name.size() > 128) {
        // NOTE(emulator): a report group named by ARN must exist; otherwise no report.
        core::log_warn("build " + str(build, "id") + ": report group " + rs.key +
                       " does not exist; no report created");
        continue;
      }
      // Report groups named in a buildspec are created on demand (reference 2.11).
      json g = {{"arn", group_arn(scope, name)},
                {"name", name},
                {"type", type},
                {"exportConfig", {{"exportConfigType", "NO_EXPORT"}}},
                {"tags", json::array()}};
      store::ReportGroupRow row{name, g.dump(), now, now};
      store::report_repo::insert_group(tx, scope, row);
      group = row;
    }
    const json gj = json::parse(group->body);
    if (str(gj, "type") != type) {
      core::log_warn("build " + str(build, "id") + ": report group " + name + " has type " +
                     str(gj, "type") + ", not " + type + "; no report created");
      continue;
    }
    const std::string arn = "arn:aws:codebuild:" + scope.region + ":" + scope.account +
                            ":report/" + name + ":" + ids_.uuid();
    json body = {{"arn", arn},
                 {"type", type},
                 {"name", name},
                 {"reportGroupArn", gj["arn"]},
                 {"executionId", build["arn"]},
                 {"status", "GENERATING"},
                 {"created", timestamp(now)},
                 {"expired", timestamp(expiry_of(now))},
                 {"exportConfig", gj["exportConfig"]},
                 {"truncated", false}};
    json how = {{"format", rs.file_format}, {"coverage", rs.is_coverage()}};
    if (auto it = env.find(file_variable(rs.key)); it != env.end()) how["file"] = it->second;
    else if (auto it2 = env.find("SIMULATE_REPORT_FILE"); it2 != env.end()) how["file"] = it2->second;
    store::ReportRow row;
    row.scope = scope;
    row.arn = arn;
    row.group_name = name;
    row.build_id = str(build, "id");
    row.status = "GENERATING";
    row.created_ms = now;
    row.body = body.dump();
    row.spec = how.dump();
    store::report_repo::insert_report(tx, row);
    arns.push_back(arn);
  }
  return arns;
}

void ReportService::on_build_started(const core::Scope& scope, const std::string& build_id) {
  builds_.on_build_complete(scope, build_id, [this, scope](const json& b) { finish(scope, b); });
}

std::size_t ReportService::recover() {
  auto rows = db_.read([](store::Tx& tx) { return store::report_repo::generating(tx); });
  std::map<std::pair<std::string, std::string>, core::Scope> builds;
  for (const auto& r : rows)
    builds.emplace(std::make_pair(r.scope.account + "/" + r.scope.region, r.build_id), r.scope);
  for (const auto& [key, scope] : builds) {
    const std::string build_id = key.second;
    if (!builds_.on_build_complete(scope, build_id,
                                   [this, scope](const json& b) { finish(scope, b); })) {
      // The build is gone: its reports can never be finished.
      finish(scope, json{{"id", build_id}, {"buildStatus", "_GONE"}});
    }
  }
  return rows.size();
}

// Finishes the GENERATING reports of a completed build. Contents, in order of preference: the
// report file named by SIMULATE_REPORT_FILE_<KEY> / SIMULATE_REPORT_FILE; else synthetic:
//   test report, build SUCCEEDED: one SUCCEEDED test case named after the report group;
//   test report, build FAILED: one FAILED test case; other outcomes: INCOMPLETE, no cases;
//   coverage report: zero lines and branches, SUCCEEDED / FAILED / INCOMPLETE as above.
void ReportService::finish(const core::Scope& scope, const json& build) {
  const std::string build_id = str(build, "id");
  const std::string outcome = str(build, "buildStatus");
  std::int64_t build_ns = 0;
  if (build.contains("phases")) {
    for (const auto& p : build["phases"])
      if (str(p, "phaseType") == "BUILD" && p.contains("durationInSeconds"))
        build_ns = p["durationInSeconds"].get<std::int64_t>() * 1'000'000'000;
  }
  try {
    db_.write([&](store::Tx& tx) {
      for (auto row : store::report_repo::reports_of_build(tx, scope, build_id)) {
        if (row.status != "GENERATING") continue;
        json body = json::parse(row.body);
        const json how = json::parse(row.spec);
        const std::string file = str(how, "file");
        const bool coverage = how.value("coverage", false);
        std::string status;
        std::vector<TestCaseResult> cases;
        std::optional<CoverageResult> cov;
        if (!file.empty()) {
          try {
            const std::string text = read_file(file, report_root_);
            const std::string fmt = str(how, "format");
            if (coverage) {
              if (fmt != "COBERTURAXML")
                throw ReportFileError("coverage format " + fmt + " is not read by the emulator");
              cov = parse_cobertura_xml(text);
            } else if (fmt == "CUCUMBERJSON") {
              cases = parse_cucumber_json(text);
            } else {
              cases = parse_junit_xml(text);  // JUNITXML and the other XML test formats
            }
          } catch (const ReportFileError& e) {
            // NOTE(emulator): an unreadable report file gives a FAILED, empty report.
            core::log_warn("report " + row.arn + ": " + e.what());
            status = "FAILED";
            if (coverage) cov = CoverageResult{};
          }
        } else if (outcome == "SUCCEEDED" || outcome == "FAILED") {
          const bool ok = outcome == "SUCCEEDED";
          if (coverage) {
            cov = CoverageResult{};
            status = ok ? "SUCCEEDED" : "FAILED";
          } else {
            TestCaseResult r;
            r.suite = row.group_name;
            r.prefix = "sfn-codebuild-local";
            r.name = row.group_name;
            r.status = ok ? "SUCCEEDED" : "FAILED";
            r.duration_ns = build_ns;
            if (!ok) r.message = "Simulated failure: build " + build_id + " ended FAILED";
            cases.push_back(std::move(r));
          }
        } else {
          status = "INCOMPLETE";
          if (coverage) cov = CoverageResult{};
        }
        if (coverage) {
          const CoverageResult c = cov.value_or(CoverageResult{});
          body["codeCoverageSummary"] = {
              {"lineCoveragePercentage", pct(c.lines_covered, c.lines_missed)},
              {"linesCovered", c.lines_covered},
              {"linesMissed", c.lines_missed},
              {"branchCoveragePercentage", pct(c.branches_covered, c.branches_missed)},
              {"branchesCovered", c.branches_covered},
              {"branchesMissed", c.branches_missed}};
          if (status.empty()) status = "SUCCEEDED";
        } else {
          json counts = status_counts();
          std::int64_t total_ns = 0;
          for (std::size_t i = 0; i < cases.size(); ++i) {
            const auto& c = cases[i];
            counts[c.status] = counts[c.status].get<int>() + 1;
            total_ns += c.duration_ns;
            json tc = {{"reportArn", row.arn},
                       {"testRawDataPath", file},
                       {"prefix", c.prefix},
                       {"name", c.name},
                       {"status", c.status},
                       {"durationInNanoSeconds", c.duration_ns},
                       {"expired", body["expired"]},
                       {"testSuiteName", c.suite}};
            if (!c.message.empty()) tc["message"] = c.message;
            store::report_repo::insert_test_case(
                tx, row.seq,
                store::TestCaseRow{static_cast<std::int64_t>(i), c.status, c.name, c.prefix, tc.dump()});
          }
          body["testSummary"] = {{"total", static_cast<std::int64_t>(cases.size())},
                                 {"statusCounts", counts},
                                 {"durationInNanoSeconds", total_ns}};
          if (status.empty()) {
            status = counts["FAILED"].get<int>() + counts["ERROR"].get<int>() > 0 ? "FAILED"
                                                                                  : "SUCCEEDED";
          }
        }
        body["status"] = status;
        row.status = status;
        row.body = body.dump();
        store::report_repo::update_report(tx, row);
      }
    });
  } catch (const std::exception& e) {
    core::log_error("reports of build " + build_id + ": " + e.what());
  }
}

// ---------------------------------------------------------------- report groups

json ReportService::create_report_group(const Caller& caller, const json& input) {
  const std::string name = input.at("name").get<std::string>();
  check_export_config(input.at("exportConfig"));
  const core::TimeMs t = scheduler_.clock().now_ms();
  json g = {{"arn", group_arn(caller.scope, name)},
            {"name", name},
            {"type", input.at("type")},
            {"exportConfig", input.at("exportConfig")},
            {"tags", input.value("tags", json::array())}};
  store::ReportGroupRow row{name, g.dump(), t, t};
  const bool inserted =
      db_.write([&](store::Tx& tx) { return store::report_repo::insert_group(tx, caller.scope, row); });
  if (!inserted) {
    throw errors::resource_already_exists("Report group already exists: " +
                                          core::echo(group_arn(caller.scope, name)));
  }
  return {{"reportGroup", render_group(row)}};
}

json ReportService::update_report_group(const Caller& caller, const json& input) {
  const std::string arn = input.at("arn").get<std::string>();
  const std::string name = group_name_from(arn);
  if (input.contains("exportConfig")) check_export_config(input["exportConfig"]);
  return db_.write([&](store::Tx& tx) {
    auto row = store::report_repo::get_group(tx, caller.scope, name);
    if (!row) throw errors::resource_not_found("Report group not found: " + core::echo(arn));
    json g = json::parse(row->body);
    if (input.contains("exportConfig")) g["exportConfig"] = input["exportConfig"];
    if (input.contains("tags")) g["tags"] = input["tags"];
    row->body = g.dump();
    row->modified_ms = std::max(scheduler_.clock().now_ms(), row->modified_ms);
    store::report_repo::update_group(tx, caller.scope, name, row->body, row->modified_ms);
    return json{{"reportGroup", render_group(*row)}};
  });
}

json ReportService::delete_report_group(const Caller& caller, const json& input) {
  const std::string arn = input.at("arn").get<std::string>();
  const std::string name = group_name_from(arn);
  const bool delete_reports = input.value("deleteReports", false);
  db_.write([&](store::Tx& tx) {
    if (!store::report_repo::get_group(tx, caller.scope, name)) return;  // nothing to delete
    if (store::report_repo::count_reports(tx, caller.scope, name) > 0) {
      // Model doc of DeleteReportGroupInput.deleteReports: "an exception is thrown".
      if (!delete_reports) {
        throw errors::invalid_input("Report group " + core::echo(arn) +
                                    " still has reports: delete them first or set deleteReports");
      }
      store::report_repo::erase_reports_of_group(tx, caller.scope, name);
    }
    store::report_repo::erase_group(tx, caller.scope, name);
  });
  return json::object();
}

json ReportService::batch_get_report_groups(const Caller& caller, const json& input) {
  json found = json::array();
  json missing = json::array();
  std::unordered_set<std::string> seen;
  db_.read([&](store::Tx& tx) {
    for (const auto& v : input.at("reportGroupArns")) {
      const std::string given = v.get<std::string>();
      if (!seen.insert(given).second) continue;
      auto row = store::report_repo::get_group(tx, caller.scope, group_name_from(given));
      if (row) found.push_back(render_group(*row)); else missing.push_back(given);
    }
  });
  return {{"reportGroups", found}, {"reportGroupsNotFound", missing}};
}

json ReportService::list_report_groups(const Caller& caller, const json& input) {
  auto rows = db_.read([&](store::Tx& tx) { return store::report_repo::list_groups(tx, caller.scope); });
  const std::string sort_by = str(input, "sortBy", "NAME");
  const bool desc = str(input, "sortOrder", "ASCENDING") == "DESCENDING";
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    if (sort_by == "CREATED_TIME" && a.created_ms != b.created_ms) return a.created_ms < b.created_ms;
    if (sort_by == "LAST_MODIFIED_TIME" && a.modified_ms != b.modified_ms)
      return a.modified_ms < b.modified_ms;
    return a.name < b.name;
  });
  if (desc) std::reverse(rows.begin(), rows.end());
  const auto offset = static_cast<std::size_t>(decode_token(input).value_or(0));
  const auto limit = static_cast<std::size_t>(page_size(input));
  json arns = json::array();
  std::size_t i = offset;
  for (; i < rows.size() && arns.size() < limit; ++i) arns.push_back(group_arn(caller.scope, rows[i].name));
  json out = {{"reportGroups", arns}};
  if (i < rows.size()) out["nextToken"] = encode_page_token(static_cast<std::int64_t>(i));
  return out;
}

// ---------------------------------------------------------------- reports

json ReportService::batch_get_reports(const Caller& caller, const json& input) {
  json found = json::array();
  json missing = json::array();
  std::unordered_set<std::string> seen;
  db_.read([&](store::Tx& tx) {
    for (const auto& v : input.at("reportArns")) {
      const std::string given = v.get<std::string>();
      if (!seen.insert(given).second) continue;
      auto row = store::report_repo::get_report(tx, caller.scope, given);
      if (row) found.push_back(json::parse(row->body)); else missing.push_back(given);
    }
  });
  return {{"reports", found}, {"reportsNotFound", missing}};
}

namespace {
json report_page(store::Database& db, const Caller& caller, const json& input,
                 const std::optional<std::string>& group) {
  const bool asc = str(input, "sortOrder", "DESCENDING") == "ASCENDING";
  std::optional<std::string> status;
  if (input.contains("filter") && input["filter"].is_object() && input["filter"].contains("status"))
    status = str(input["filter"], "status");
  const auto after = decode_token(input);
  auto page = db.read([&](store::Tx& tx) {
    if (group && !store::report_repo::get_group(tx, caller.scope, *group)) {
      throw errors::resource_not_found("Report group not found: " + core::echo(group_arn(caller.scope, *group)));
    }
    return store::report_repo::list_reports(tx, caller.scope, group, status, asc, after,
                                            page_size(input));
  });
  json out = {{"reports", page.arns}};
  if (page.next_key) out["nextToken"] = encode_page_token(*page.next_key);
  return out;
}
}  // namespace

json ReportService::list_reports(const Caller& caller, const json& input) {
  return report_page(db_, caller, input, std::nullopt);
}

json ReportService::list_reports_for_report_group(const Caller& caller, const json& input) {
  return report_page(db_, caller, input, group_name_from(input.at("reportGroupArn").get<std::string>()));
}

json ReportService::delete_report(const Caller& caller, const json& input) {
  const std::string arn = input.at("arn").get<std::string>();
  db_.write([&](store::Tx& tx) { store::report_repo::erase_report(tx, caller.scope, arn); });
  return json::object();
}

json ReportService::describe_test_cases(const Caller& caller, const json& input) {
  const std::string arn = input.at("reportArn").get<std::string>();
  std::optional<std::string> status;
  std::optional<std::string> keyword;
  if (input.contains("filter") && input["filter"].is_object()) {
    if (input["filter"].contains("status")) status = str(input["filter"], "status");
    if (input["filter"].contains("keyword")) keyword = str(input["filter"], "keyword");
  }
  const std::int64_t from = decode_token(input).value_or(0);
  const int limit = page_size(input);
  auto rows = db_.read([&](store::Tx& tx) {
    auto report = store::report_repo::get_report(tx, caller.scope, arn);
    if (!report) throw errors::resource_not_found("Report not found: " + core::echo(arn));
    return store::report_repo::list_test_cases(tx, report->seq, status, keyword, from, limit);
  });
  json cases = json::array();
  json out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (static_cast<int>(i) == limit) {
      out["nextToken"] = encode_page_token(rows[i].idx);
      break;
    }
    cases.push_back(json::parse(rows[i].body));
  }
  out["testCases"] = cases;
  return out;
}

json ReportService::get_report_group_trend(const Caller& caller, const json& input) {
  const std::string arn = input.at("reportGroupArn").get<std::string>();
  const std::string field = input.at("trendField").get<std::string>();
  const int n = page_size(input.contains("numOfReports") ? json{{"maxResults", input["numOfReports"]}}
                                                         : json::object());
  auto rows = db_.read([&](store::Tx& tx) {
    if (!store::report_repo::get_group(tx, caller.scope, group_name_from(arn)))
      throw errors::resource_not_found("Report group not found: " + core::echo(arn));
    return store::report_repo::latest_finished(tx, caller.scope, group_name_from(arn), n);
  });
  json raw = json::array();
  std::vector<double> values;
  for (const auto& r : rows) {
    const json body = json::parse(r.body);
    std::optional<double> v;
    if (body.contains("testSummary")) {
      const json& ts = body["testSummary"];
      const auto total = ts["total"].get<double>();
      if (field == "PASS_RATE")
        v = total > 0 ? ts["statusCounts"]["SUCCEEDED"].get<double>() * 100.0 / total : 0.0;
      else if (field == "DURATION") v = ts["durationInNanoSeconds"].get<double>();
      else if (field == "TOTAL") v = total;
    } else if (body.contains("codeCoverageSummary")) {
      const json& cs = body["codeCoverageSummary"];
      static const std::map<std::string, const char*> kFields = {
          {"LINE_COVERAGE", "lineCoveragePercentage"}, {"LINES_COVERED", "linesCovered"},
          {"LINES_MISSED", "linesMissed"}, {"BRANCH_COVERAGE", "branchCoveragePercentage"},
          {"BRANCHES_COVERED", "branchesCovered"}, {"BRANCHES_MISSED", "branchesMissed"}};
      if (auto it = kFields.find(field); it != kFields.end()) v = cs[it->second].get<double>();
    }
    if (!v) continue;  // NOTE(emulator): fields of the other report type are skipped
    values.push_back(*v);
    raw.push_back({{"reportArn", r.arn}, {"data", number_text(*v)}});
  }
  json stats = json::object();
  if (!values.empty()) {
    double sum = 0;
    for (double v : values) sum += v;
    stats = {{"average", number_text(sum / static_cast<double>(values.size()))},
             {"max", number_text(*std::max_element(values.begin(), values.end()))},
             {"min", number_text(*std::min_element(values.begin(), values.end()))}};
  }
  return {{"stats", stats}, {"rawData", raw}};
}

}  // namespace scl::codebuild
