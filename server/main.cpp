// Composition root: configuration, database, clock and scheduler, services, HTTP listener.

#include <malloc.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "engine/asl/task_integration.hpp"
#include "engine/codebuild/batch_service.hpp"
#include "engine/codebuild/reports.hpp"
#include "engine/codebuild/service.hpp"
#include "engine/integrations/codebuild_integration.hpp"
#include "engine/sfn/service.hpp"
#include "engine/sfn/test_integration.hpp"
#include "engine/core/crash_guard.hpp"
#include "engine/core/executor.hpp"
#include "engine/core/log.hpp"
#include "server/api/admin_api.hpp"
#include "server/api/codebuild_api.hpp"
#include "server/api/sfn_api.hpp"
#include "server/config.hpp"
#include "server/net/asio_scheduler.hpp"
#include "server/net/http_server.hpp"
#include "store/build_repo.hpp"
#include "store/meta_repo.hpp"
#include "store/sfn_repo.hpp"
#include "store/migrations.hpp"

namespace {
using namespace scl;

core::LogLevel level_of(const std::string& s) {
  if (s == "debug") return core::LogLevel::kDebug;
  if (s == "warn") return core::LogLevel::kWarn;
  if (s == "error") return core::LogLevel::kError;
  return core::LogLevel::kInfo;
}

int run(const server::Config& cfg) {
  core::set_log_level(level_of(cfg.log_level));
  std::filesystem::create_directories(cfg.data_dir);
  const std::string db_path = (std::filesystem::path(cfg.data_dir) / "sfn-codebuild-local.db").string();
  store::Database db(db_path);
  store::migrate(db);
  // Which execution each earlier crash happened in (issue 11, finding 2). Sanitizer builds keep
  // their own fatal-signal handlers, which report the crash.
  const std::string crash_marker =
      (std::filesystem::path(cfg.data_dir) / "sfn-codebuild-local.crashes").string();
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  const std::vector<std::int64_t> crashed;
#else
  core::CrashGuard::install(crash_marker);
  const std::vector<std::int64_t> crashed = core::CrashGuard::read_and_clear(crash_marker);
#endif

  // Simulated time never goes back behind anything already stored (restarts, --time-scale).
  const core::TimeMs stored = db.read([](store::Tx& tx) {
    return std::max({store::build_repo::latest_time(tx), store::sfn_repo::latest_time(tx),
                     store::meta_repo::get(tx, store::meta_repo::kClockKey).value_or(0)});
  });
  const core::TimeMs origin = std::max(core::real_epoch_ms(), stored);

  codebuild::ServiceOptions options;
  options.defaults = cfg.simulation;
  if (!cfg.rules_file.empty()) options.rules = codebuild::SimulationRules::load_file(cfg.rules_file);

  boost::asio::io_context ioc;
  core::ScaledClock scaled(cfg.time_scale, origin);
  core::ManualClock manual_clock(origin);
  std::unique_ptr<core::Scheduler> scheduler;
  core::ManualScheduler* manual = nullptr;
  if (cfg.manual_clock) {
    auto m = std::make_unique<core::ManualScheduler>(manual_clock);
    manual = m.get();
    scheduler = std::move(m);
  } else {
    scheduler = std::make_unique<server::AsioScheduler>(ioc, scaled);
  }
  core::RandomIdSource ids;
  codebuild::CodeBuildService codebuild(db, *scheduler, ids, options);
  const std::size_t resumed = codebuild.recover();
  const std::string report_root = server::effective_report_root(cfg);
  codebuild::ReportService reports(db, *scheduler, ids, codebuild, report_root);  // observes builds
  codebuild::BatchService batches(db, *scheduler, ids, codebuild,
                                  codebuild::BatchOptions{options.defaults, options.rules});
  reports.recover();
  const std::size_t resumed_batches = batches.recover();
  if (resumed_batches > 0) core::log_info(std::to_string(resumed_batches) + " build batch(es) resumed");

  // Step Functions: task integrations are registered here, one line each.
  asl::IntegrationRegistry integrations;
  auto emulator_task = std::make_shared<sfn::EmulatorTaskIntegration>(*scheduler);
  integrations.add("emulator", "task", asl::IntegrationPattern::kRequestResponse, emulator_task);
  integrations.add("emulator", "task", asl::IntegrationPattern::kWaitForTaskToken, emulator_task);
  // CodeBuild through the same operation table HTTP clients use.
  const server::ServiceApi codebuild_ops = server::codebuild_api(codebuild, &batches, &reports);
  integrations::CodeBuildBackend backend;
  backend.call = [&codebuild_ops](const std::string& op, const core::Scope& scope,
                                  const std::string& initiator, const nlohmann::json& input) {
    server::RequestContext ctx{server::Identity{scope, initiator}, "", op};
    return codebuild_ops.operations.at(op)(ctx, input);
  };
  backend.has_operation = [&codebuild_ops](const std::string& op) {
    return codebuild_ops.operations.count(op) != 0;
  };
  backend.on_build_complete = [&codebuild](const core::Scope& scope, const std::string& id,
                                           std::function<void(const nlohmann::json&)> cb) {
    return codebuild.on_build_complete(scope, id, std::move(cb));
  };
  backend.on_batch_complete = [&batches](const core::Scope& scope, const std::string& id,
                                         std::function<void(const nlohmann::json&)> cb) {
    return batches.on_batch_complete(scope, id, std::move(cb));
  };
  integrations::CodeBuildIntegrationOptions cb_options;
  cb_options.sdk_metadata = cfg.sdk_metadata;
  auto codebuild_integration = std::make_shared<integrations::CodeBuildIntegration>(
      std::move(backend), *scheduler, ids, cb_options);
  integrations::CodeBuildIntegration::register_all(integrations, codebuild_integration);
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  core::ThreadPool workers_pool(static_cast<std::size_t>(cfg.workers > 0 ? cfg.workers : cores));
  sfn::StepFunctionsService stepfunctions(db, *scheduler, ids, integrations, &workers_pool);
  if (const char* crash = std::getenv("SCL_TEST_CRASH_IN_STATE"); crash != nullptr && *crash != 0)
    stepfunctions.crash_in_state_for_testing(crash);

  server::Router router(server::IdentityDefaults{cfg.account_id, cfg.region});
  server::RequestGuard guard(cfg.host);
  if (!guard.checks_host())
    core::log_info("listening beyond loopback (" + cfg.host + "): any Host header is accepted");
  router.set_guard(std::move(guard));
  router.add_service(codebuild_ops);
  router.add_service(server::sfn_api(stepfunctions));
  server::AdminContext admin{&scheduler->clock(), scheduler.get(), manual, cfg.time_scale,
                             [&] {
                               stepfunctions.reset();
                               batches.reset();
                               reports.reset();
                               codebuild.reset();
                               malloc_trim(0);  // give the wiped data's memory back
                             },
                             nullptr, nullptr};
  if (manual != nullptr) admin.settle = [&workers_pool] { workers_pool.wait_idle(30000); };
  auto persist_clock = [&] {
    const core::TimeMs t = scheduler->clock().now_ms();
    db.write([t](store::Tx& tx) { store::meta_repo::raise_to(tx, store::meta_repo::kClockKey, t); });
  };
  admin.clock_moved = persist_clock;
  router.set_admin([&admin](const server::HttpRequest& r) { return server::handle_admin(admin, r); });

  server::HttpLimits limits;
  limits.max_body_bytes = cfg.max_body_bytes;
  const std::size_t fd_cap = server::default_max_connections();
  limits.max_connections = cfg.max_connections != 0 ? cfg.max_connections : fd_cap;
  if (cfg.max_connections > fd_cap)
    core::log_warn("--max-connections " + std::to_string(cfg.max_connections) +
                   " is above the descriptor limit minus a reserve (" + std::to_string(fd_cap) +
                   "): raise RLIMIT_NOFILE (ulimit -n) or accepts will fail at the limit");
  server::HttpServer http(ioc, cfg.host, static_cast<std::uint16_t>(cfg.port),
                          [&router](server::HttpRequest&& r, server::Respond respond) {
                            router.handle(std::move(r), respond);
                          },
                          limits);

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    core::log_info("shutting down");
    http.stop();
    ioc.stop();
  });

  // Executions resume once the listener is up; their steps run on the workers, so one that
  // cannot run fails on its own and the server answers meanwhile.
  const std::size_t resumed_executions = stepfunctions.recover(crashed);

  std::printf("sfn-codebuild-local listening on http://%s:%u\n", cfg.host.c_str(),
              static_cast<unsigned>(http.port()));
  std::fflush(stdout);
  core::log_info("at most " + std::to_string(limits.max_connections) + " connections; report files " +
                 (report_root.empty() ? std::string("from anywhere") : "only inside " + report_root));
  core::log_info("database " + db_path + ", " + std::to_string(resumed) + " build(s) and " +
                 std::to_string(resumed_executions) + " execution(s) resumed, clock " +
                 (cfg.manual_clock ? "manual" : "real x" + std::to_string(cfg.time_scale)));

  const int n = cfg.threads > 0 ? cfg.threads : cores;
  std::vector<std::thread> io_threads;
  for (int i = 1; i < n; ++i) io_threads.emplace_back([&ioc] {
    core::CrashGuard::prepare_thread();
    ioc.run();
  });
  ioc.run();
  for (auto& t : io_threads) t.join();
  workers_pool.shutdown();  // steps still queued run (and commit) before the services go
  persist_clock();  // simulated time resumes from here after a clean restart
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  // Keep freed memory in the process: trimming on every free() costs a madvise per request and
  // TLB shootdowns across cores (seen with perf under load).
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  mallopt(M_TOP_PAD, 16 * 1024 * 1024);
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  server::Config cfg;
  try {
    cfg = server::parse_args(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& e) {
    std::cerr << "sfn-codebuild-local: " << e.what() << "\n";
    return 2;
  }
  if (cfg.show_help) {
    std::cout << server::usage();
    return 0;
  }
  if (cfg.show_version) {
    std::cout << "sfn-codebuild-local 0.1.0\n";
    return 0;
  }
  try {
    return run(cfg);
  } catch (const std::exception& e) {
    std::cerr << "sfn-codebuild-local: " << e.what() << "\n";
    return 1;
  }
}
